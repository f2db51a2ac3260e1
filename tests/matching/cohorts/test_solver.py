"""The solver against independent optima: brute force on small cohorts, a MILP on medium ones.

Random cohorts come from seeded generators (hypothesis is not installed), so a failure names the
seed that reproduces it.
"""

import itertools
import random

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from matching.cohorts.solver import (
    COVERAGE,
    PIN_NOT_ALLOWED,
    PIN_OVER_CAPACITY,
    PIN_TWICE,
    SCORE,
    greedy,
    solve,
)


def random_cohort(seed: int, *, receivers: int, givers: int, density: float = 0.7,
                  pins: bool = True):
    rng = random.Random(seed)
    scores = np.array([[rng.randint(0, 100) for _ in range(givers)] for _ in range(receivers)],
                      dtype=float)
    allowed = np.array([[rng.random() < density for _ in range(givers)]
                        for _ in range(receivers)])
    capacities = [rng.randint(1, 3) for _ in range(givers)]
    pinned = []
    if pins:
        left = list(capacities)
        for row in range(receivers):
            cols = [c for c in range(givers) if allowed[row, c] and left[c] > 0]
            if cols and rng.random() < 0.15:
                col = rng.choice(cols)
                left[col] -= 1
                pinned.append((row, col))
    return scores, allowed, capacities, pinned


def brute_force(scores, allowed, capacities, pins):
    """Every feasible assignment: the best (total score) and the best (pairs, total score)."""
    receivers, givers = scores.shape
    pinned = dict(pins)
    choices = []
    for row in range(receivers):
        if row in pinned:
            choices.append([pinned[row]])
        else:
            choices.append([None] + [c for c in range(givers) if allowed[row, c]])
    best_score, best_coverage = -1.0, (-1, -1.0)
    for combo in itertools.product(*choices):
        load = [0] * givers
        for col in combo:
            if col is not None:
                load[col] += 1
        if any(load[c] > capacities[c] for c in range(givers)):
            continue
        total = sum(scores[r, c] for r, c in enumerate(combo) if c is not None)
        count = sum(c is not None for c in combo)
        best_score = max(best_score, total)
        best_coverage = max(best_coverage, (count, total))
    return best_score, best_coverage


def milp_optimum(scores, allowed, capacities, pins, objective):
    """The same problem as an integer program: one binary per allowed pair."""
    rows, cols = np.nonzero(allowed)
    n = rows.size
    receivers, givers = scores.shape
    per_row = np.zeros((receivers, n))
    per_row[rows, np.arange(n)] = 1
    per_col = np.zeros((givers, n))
    per_col[cols, np.arange(n)] = 1
    constraints = [LinearConstraint(per_row, 0, 1),
                   LinearConstraint(per_col, 0, np.asarray(capacities, dtype=float))]
    lower = np.zeros(n)
    for row, col in pins:
        lower[np.flatnonzero((rows == row) & (cols == col))] = 1
    bounds = Bounds(lower, np.ones(n))
    values = scores[rows, cols]
    integrality = np.ones(n)
    if objective == COVERAGE:
        most = milp(-np.ones(n), constraints=constraints, bounds=bounds,
                    integrality=integrality)
        pairs = round(-most.fun)
        constraints.append(LinearConstraint(np.ones((1, n)), pairs, pairs))
    result = milp(-values, constraints=constraints, bounds=bounds, integrality=integrality)
    assert result.success, result.message
    chosen = result.x > 0.5
    return int(chosen.sum()), float(values[chosen].sum())


def assert_feasible(assignment, allowed, capacities, pins):
    rows = [row for row, _ in assignment.pairs]
    assert len(rows) == len(set(rows)), "a receiver was matched twice"
    for row, col in assignment.pairs:
        assert allowed[row, col], f"pair {(row, col)} breaks a hard rule"
    load = np.bincount([col for _, col in assignment.pairs], minlength=len(capacities))
    assert (load <= np.asarray(capacities)).all(), "a giver is over capacity"
    assert set(pins) <= set(assignment.pairs), "a pinned pair is missing"


@pytest.mark.parametrize("seed", range(150))
def test_the_solver_equals_brute_force_on_small_random_cohorts(seed):
    rng = random.Random(seed)
    scores, allowed, capacities, pins = random_cohort(
        seed, receivers=rng.randint(1, 6), givers=rng.randint(1, 4))
    best_score, (most_pairs, best_with_most) = brute_force(scores, allowed, capacities, pins)

    by_score = solve(scores, allowed, capacities, objective=SCORE, pins=pins)
    by_coverage = solve(scores, allowed, capacities, objective=COVERAGE, pins=pins)

    assert_feasible(by_score, allowed, capacities, pins)
    assert_feasible(by_coverage, allowed, capacities, pins)
    assert by_score.total_score == pytest.approx(best_score)
    assert by_coverage.matched == most_pairs
    assert by_coverage.total_score == pytest.approx(best_with_most)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", [SCORE, COVERAGE])
def test_the_solver_equals_the_milp_optimum_on_medium_random_cohorts(seed, objective):
    rng = random.Random(1000 + seed)
    scores, allowed, capacities, pins = random_cohort(
        1000 + seed, receivers=rng.randint(20, 45), givers=rng.randint(8, 25),
        density=rng.choice([0.15, 0.4, 0.8]))
    pairs, total = milp_optimum(scores, allowed, capacities, pins, objective)

    assignment = solve(scores, allowed, capacities, objective=objective, pins=pins)

    assert_feasible(assignment, allowed, capacities, pins)
    assert assignment.total_score == pytest.approx(total)
    if objective == COVERAGE:
        assert assignment.matched == pairs


def test_greedy_does_worse_than_the_solver_on_a_constructed_cohort():
    # Ana fits both mentors; Ben fits only Mo. Greedy gives Ana her favourite (Mo, 90) and
    # leaves Ben with nobody; the optimum sends Ana to Lu (80) so Ben gets Mo (85).
    scores = np.array([[90.0, 80.0],
                       [85.0, 0.0]])
    allowed = np.array([[True, True],
                        [True, False]])

    baseline = greedy(scores, allowed, [1, 1])
    best = solve(scores, allowed, [1, 1])

    assert baseline.pairs == [(0, 0)] and baseline.total_score == 90
    assert best.pairs == [(0, 1), (1, 0)] and best.total_score == 165


def test_best_score_may_leave_someone_unmatched_where_most_matched_does_not():
    # Ana scores 90 with Mo and 10 with Lu; Ben only fits Mo (50). Best total: Ana-Mo alone
    # (90 > 10 + 50). Most matched: both, 60.
    scores = np.array([[90.0, 10.0],
                       [50.0, 0.0]])
    allowed = np.array([[True, True],
                        [True, False]])

    by_score = solve(scores, allowed, [1, 1], objective=SCORE)
    by_coverage = solve(scores, allowed, [1, 1], objective=COVERAGE)

    assert by_score.pairs == [(0, 0)] and by_score.total_score == 90
    assert by_coverage.pairs == [(0, 1), (1, 0)] and by_coverage.total_score == 60


def test_a_pinned_pair_is_kept_even_when_it_lowers_the_total():
    scores = np.array([[90.0, 10.0],
                       [80.0, 70.0]])
    allowed = np.ones((2, 2), dtype=bool)

    assignment = solve(scores, allowed, [1, 1], pins=[(0, 1)])

    assert assignment.pairs == [(0, 1), (1, 0)]
    assert assignment.remaining.tolist() == [0, 0]


def test_a_giver_with_capacity_three_takes_three_receivers():
    scores = np.array([[50.0], [60.0], [70.0], [80.0]])
    allowed = np.ones((4, 1), dtype=bool)

    assignment = solve(scores, allowed, [3])

    assert assignment.pairs == [(1, 0), (2, 0), (3, 0)]


def test_a_receiver_whose_only_pairs_score_zero_is_still_matched_when_there_is_room():
    scores = np.zeros((2, 2))
    allowed = np.array([[True, False], [False, True]])

    assert solve(scores, allowed, [1, 1]).matched == 2


def test_nobody_is_matched_when_no_pair_is_allowed():
    assignment = solve(np.ones((3, 2)), np.zeros((3, 2), dtype=bool), [2, 2])

    assert assignment.pairs == [] and assignment.total_score == 0


@pytest.mark.parametrize(("pins", "message"), [
    ([(0, 0), (0, 1)], PIN_TWICE.format(row=0)),
    ([(0, 0), (1, 0)], PIN_OVER_CAPACITY.format(col=0, capacity=1)),
    ([(1, 1)], PIN_NOT_ALLOWED.format(row=1, col=1)),
])
def test_impossible_pins_are_refused_with_a_reason(pins, message):
    allowed = np.array([[True, True], [True, False]])

    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        solve(np.ones((2, 2)), allowed, [1, 1], pins=pins)
