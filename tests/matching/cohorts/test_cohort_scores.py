"""The cohort's score matrix is score_pair's numbers, exactly, for every pair."""

import random

import numpy as np
import pytest

from matching.cohorts.scores import (
    PairFeatures,
    blocked_matrix,
    cohort_weights,
    must_have_failures,
    round_tenths,
    score_matrix,
)
from matching.scoring import DEFAULT_WEIGHTS, Candidate, blocked_reason, score_pair

ZONES = ["UTC", "Europe/London", "Europe/Paris", "Asia/Kolkata", "America/New_York",
         "America/Chicago", "Asia/Singapore", "Not/AZone"]
NAMES = {pk: f"Skill {pk}" for pk in range(30)}


def random_people(rng: random.Random, count: int, first_id: int) -> list[Candidate]:
    people = []
    for pk in range(first_id, first_id + count):
        people.append(Candidate(
            person_id=pk, employee_id=f"E{pk}", name=f"P{pk}", level=rng.randint(1, 9),
            department_id=rng.choice([None, 1, 2, 3]), department_name="",
            timezone=rng.choice(ZONES),
            languages=frozenset(rng.sample(["en", "fr", "de", "es"], rng.randint(0, 2))),
            skills=frozenset(rng.sample(range(30), rng.randint(0, 6))),
            goals=frozenset(rng.sample(range(30), rng.randint(0, 4))),
            line=frozenset(rng.sample(range(first_id - 40, first_id + 40), rng.randint(0, 3))),
            manager_id=rng.choice([None, *range(first_id - 40, first_id + 40)]),
            skill_names=NAMES,
        ))
    return people


@pytest.mark.parametrize("seed", range(8))
def test_every_score_in_the_matrix_equals_score_pair(seed):
    rng = random.Random(seed)
    receivers = random_people(rng, 40, 100)
    givers = random_people(rng, 25, 120)  # overlapping ids: some people are on both sides
    weights = {name: rng.choice([0, 1, 5, 10, 33, 40]) for name in DEFAULT_WEIGHTS}
    ranks = np.array([[rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 7]) for _ in givers]
                      for _ in receivers])

    matrix = score_matrix(PairFeatures(receivers, givers), weights, ranks)

    for i, receiver in enumerate(receivers):
        for j, giver in enumerate(givers):
            expected, _ = score_pair(receiver, giver, weights,
                                     preference_rank=int(ranks[i, j]) or None)
            assert matrix[i, j] == expected, (receiver, giver)


def test_default_weights_without_ranks_equal_score_pair_too():
    rng = random.Random(99)
    receivers, givers = random_people(rng, 30, 500), random_people(rng, 30, 600)

    matrix = score_matrix(PairFeatures(receivers, givers))

    assert matrix.tolist() == [[score_pair(r, g)[0] for g in givers] for r in receivers]


def test_the_blocked_matrix_agrees_with_blocked_reason():
    rng = random.Random(7)
    receivers, givers = random_people(rng, 50, 200), random_people(rng, 50, 220)

    blocked = blocked_matrix(receivers, givers)

    expected = [[blocked_reason(r, g) is not None for g in givers] for r in receivers]
    assert blocked.tolist() == expected
    assert blocked.any()


def test_must_haves_rule_out_only_for_those_who_asked():
    rng = random.Random(3)
    receivers, givers = random_people(rng, 3, 1), random_people(rng, 6, 50)
    asked = [["same_language", "other_department"], [], ["more_senior"]]

    failures = must_have_failures(PairFeatures(receivers, givers), asked)

    assert set(failures) == {"same_language", "other_department", "more_senior"}
    for j, giver in enumerate(givers):
        assert failures["same_language"][0, j] == (not receivers[0].languages & giver.languages)
        assert failures["more_senior"][2, j] == (giver.level <= receivers[2].level)
    assert not failures["same_language"][1].any() and not failures["more_senior"][1].any()


def test_cohort_weights_fill_in_defaults_and_ignore_unknown_criteria():
    weights = cohort_weights({"goals": 10, "shoe_size": 50, "timezone": -3})

    assert weights == {**DEFAULT_WEIGHTS, "goals": 10, "timezone": 0}


def test_rounding_to_tenths_matches_pythons_round_on_halves_numpy_gets_wrong():
    values = np.array([[0.35, 2.675, 1.25, 36.25, 0.15, 99.95, 12.345, 7.0, 0.05]])

    assert round_tenths(values).tolist() == [[round(float(v), 1) for v in values[0]]]
    assert np.round(0.35, 1) != round(0.35, 1)  # the case this guards against
