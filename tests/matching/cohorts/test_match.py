"""What the preview shows: optimal pairs with reasons, and why anyone is left unmatched."""

import pytest
from django.test import override_settings

from matching.cohorts.match import (
    ALL_FORBIDDEN,
    ALL_FULL,
    ALL_IN_LINE,
    ALREADY_PAIRED,
    FULL_FOR_SCORE,
    MUST_HAVE_RULES_OUT,
    MUST_HAVES_RULE_OUT,
    NO_GOAL_WITH_ROOM,
    NOBODY_GIVES,
    PINNED_REASON,
    cohort_match,
)
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.relationships.models import RelationshipStatus
from tests import factories

MENTORING = Cohort.Kind.MENTORSHIP


def reason_for(result, person) -> str:
    return {u.receiver.person_id: u.reason for u in result.unmatched}[person.pk]


def test_everyone_is_matched_where_the_rules_allow_and_each_pair_says_why(small_round, alice,
                                                                          eve, bob,
                                                                          max_manager):
    result = cohort_match(cohort=small_round)

    pairs = {(p.receiver.person_id, p.giver.person_id): p for p in result.pairs}
    assert set(pairs) == {(alice.pk, bob.pk), (eve.pk, max_manager.pk)}
    assert "can help with your goal: Rust" in pairs[alice.pk, bob.pk].reasons
    assert result.unmatched == []
    assert result.total_score == pytest.approx(sum(p.score for p in result.pairs))
    assert result.overall.matched == 2 and result.overall.enrolled == 2


def test_a_ranking_raises_the_score_and_is_named_as_a_reason(small_round, eve, bob,
                                                             max_manager):
    before = {p.receiver.person_id: p.score for p in cohort_match(cohort=small_round).pairs}
    CohortEnrolment.objects.filter(person=eve).update(preferred=[max_manager.pk])

    after = {p.receiver.person_id: p for p in cohort_match(cohort=small_round).pairs}

    assert after[eve.pk].score == pytest.approx(before[eve.pk] + 20)
    assert "you ranked them #1" in after[eve.pk].reasons


def test_nobody_to_give_is_the_reason_when_no_mentor_enrolled(cohort, enrol, alice):
    enrol(cohort, alice, "mentee")

    result = cohort_match(cohort=cohort)

    assert reason_for(result, alice) == NOBODY_GIVES[MENTORING]


def test_the_reporting_line_is_the_reason_when_every_mentor_is_above_the_mentee(
        cohort, enrol, alice, max_manager):
    enrol(cohort, alice, "mentee")
    enrol(cohort, max_manager, "mentor")

    result = cohort_match(cohort=cohort)

    assert result.pairs == []
    assert reason_for(result, alice) == ALL_IN_LINE[MENTORING]


def test_an_open_mentorship_together_is_not_proposed_again(cohort, enrol, eve, bob):
    enrol(cohort, eve, "mentee")
    enrol(cohort, bob, "mentor")
    factories.MentorshipFactory(mentee=eve, mentor=bob, status=RelationshipStatus.ACTIVE)

    result = cohort_match(cohort=cohort)

    assert reason_for(result, eve) == ALREADY_PAIRED[MENTORING]


def test_a_must_have_that_rules_out_every_mentor_is_named(cohort, enrol, eve, bob):
    eve.languages = ["de"]
    eve.save()
    enrol(cohort, eve, "mentee", must_haves=["same_language"])
    enrol(cohort, bob, "mentor")

    result = cohort_match(cohort=cohort)

    assert reason_for(result, eve) == MUST_HAVE_RULES_OUT[MENTORING].format(
        label="same language")


def test_must_haves_that_only_together_rule_everyone_out_are_named_together(cohort, enrol, eve,
                                                                            bob, product):
    french = factories.PersonFactory(full_name="Fleur", languages=["fr"],
                                     department=eve.department, level=5)
    eve.languages = ["fr"]
    eve.save()
    enrol(cohort, eve, "mentee", must_haves=["same_language", "other_department"])
    enrol(cohort, bob, "mentor")  # another department, but no French
    enrol(cohort, french, "mentor")  # French, but Eve's own department

    result = cohort_match(cohort=cohort)

    assert reason_for(result, eve) == MUST_HAVES_RULE_OUT[MENTORING].format(
        labels="'same language' and 'other department'")


def test_forbidden_pairs_are_never_made_and_explain_the_gap(small_round, eve, bob, max_manager,
                                                            hana):
    for mentor in (bob, max_manager):
        CohortPairRule.objects.create(cohort=small_round, giver=mentor, receiver=eve,
                                      rule="forbid")

    result = cohort_match(cohort=small_round)

    assert eve.pk not in {p.receiver.person_id for p in result.pairs}
    assert reason_for(result, eve) == ALL_FORBIDDEN[MENTORING]


def test_a_full_mentor_is_the_reason_and_names_the_goal(cohort, enrol, alice, eve, bob, rust):
    alice.development_goals.set([rust])
    eve.development_goals.set([rust])
    bob.skills.set([rust])
    enrol(cohort, alice, "mentee")
    enrol(cohort, eve, "mentee")
    enrol(cohort, bob, "mentor", capacity=1)

    by_score = cohort_match(cohort=cohort, objective="score")
    by_coverage = cohort_match(cohort=cohort, objective="coverage")

    assert [u.reason for u in by_score.unmatched] == [
        FULL_FOR_SCORE.format(reason=NO_GOAL_WITH_ROOM[MENTORING].format(goals="Rust"))]
    assert [u.reason for u in by_coverage.unmatched] == [
        NO_GOAL_WITH_ROOM[MENTORING].format(goals="Rust")]


def test_a_mentee_without_goals_hears_that_every_allowed_mentor_is_full(cohort, enrol, alice,
                                                                        eve, bob):
    enrol(cohort, alice, "mentee")
    enrol(cohort, eve, "mentee")
    enrol(cohort, bob, "mentor", capacity=1)

    result = cohort_match(cohort=cohort, objective="coverage")

    assert result.unmatched[0].reason == ALL_FULL[MENTORING]


def test_a_pinned_pair_is_kept_and_marked(small_round, eve, bob, alice, hana):
    CohortPairRule.objects.create(cohort=small_round, giver=bob, receiver=eve, rule="pin")

    result = cohort_match(cohort=small_round)

    pair = next(p for p in result.pairs if p.receiver.person_id == eve.pk)
    assert pair.giver.person_id == bob.pk and pair.pinned
    assert pair.reasons[0] == PINNED_REASON
    # Alice's only other mentor is her manager: the pin costs her a match.
    assert reason_for(result, alice).startswith("no mentor offers Rust with capacity left")


def test_a_pin_that_became_impossible_is_ignored_with_a_warning(small_round, alice,
                                                                max_manager):
    CohortPairRule.objects.create(cohort=small_round, giver=max_manager, receiver=alice,
                                  rule="pin")

    result = cohort_match(cohort=small_round)

    assert any("is ignored: it now breaks a hard rule" in w for w in result.warnings)
    assert all(not p.pinned for p in result.pairs)


def test_people_who_have_left_are_not_matched(small_round, eve):
    eve.termination_date = eve.hire_date
    eve.save()

    result = cohort_match(cohort=small_round)

    assert eve.pk not in {p.receiver.person_id for p in result.pairs + result.unmatched}
    assert result.warnings == ["1 enrolled people have left the company and are not matched."]


@override_settings(REPORT_MIN_GROUP_SIZE=2)
def test_match_rates_by_group_hide_groups_below_the_minimum_size(cohort, enrol, bob):
    sales = factories.DepartmentFactory(name="Sales")
    for _ in range(3):
        enrol(cohort, factories.PersonFactory(department=sales, gender="woman"), "mentee")
    enrol(cohort, factories.PersonFactory(gender="man"), "mentee")
    enrol(cohort, bob, "mentor", capacity=2)

    result = cohort_match(cohort=cohort)

    by_department = {rate.label: rate for rate in result.by_department}
    assert by_department["Sales"].enrolled == 3 and not by_department["Sales"].suppressed
    assert by_department["Engineering"].suppressed
    by_gender = {rate.label: rate for rate in result.by_gender}
    assert by_gender["man"].matched is None and by_gender["woman"].matched is not None
    assert result.overall.percent == 50.0


def test_the_json_contract_uses_employee_ids_and_lists_every_allowed_candidate(
        small_round, alice, eve, bob, max_manager):
    data = cohort_match(cohort=small_round, with_candidates=True).as_json()

    assert set(data) == {"objective", "total_score", "pairs", "unmatched",
                         "greedy_total_score", "candidates"}
    assert {(p["mentee"], p["mentor"]) for p in data["pairs"]} == {
        (alice.employee_id, bob.employee_id), (eve.employee_id, max_manager.employee_id)}
    assert set(data["pairs"][0]) == {"mentee", "mentor", "score", "reasons"}
    # Alice may not have Max (her manager): three allowed pairs of four.
    assert {(c["mentee"], c["mentor"]) for c in data["candidates"]} == {
        (alice.employee_id, bob.employee_id), (eve.employee_id, bob.employee_id),
        (eve.employee_id, max_manager.employee_id)}
