"""The report's definitions and its privacy rule, on small hand-built populations.

Suppression: a group or cell under REPORT_MIN_GROUP_SIZE (5) is never shown, and never left
derivable by subtraction from what is shown.
"""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from program.reports.outcome import (
    AS_OF_MISSING,
    WINDOW_INVALID,
    add_months,
    outcome_report,
    outcome_report_snapshot_create,
)
from program.reports.page import outcome_summary, report_tables
from program.reports.suppression import suppress_partition
from tests import factories

AS_OF = datetime.date(2026, 6, 30)
INDEX = datetime.date(2024, 3, 1)


@pytest.fixture
def mentor(db):
    # Twenty colleagues in no relationship, so "neither" is never the small group.
    factories.PersonFactory.create_batch(20)
    return factories.PersonFactory(level=5, employee_id="MENTOR")


@pytest.fixture
def sponsor(db):
    return factories.PersonFactory(level=8, employee_id="SPONSOR")


def mentees(count, mentor, *, promoted=0, started_on=INDEX):
    people = []
    for i in range(count):
        person = factories.PersonFactory()
        factories.MentorshipFactory(mentor=mentor, mentee=person, started_on=started_on,
                                    status="completed")
        if i < promoted:
            factories.CareerEventFactory(person=person, kind="promotion",
                                         occurred_on=started_on + datetime.timedelta(days=40))
        people.append(person)
    return people


def proteges(count, sponsor, *, promoted=0, started_on=INDEX):
    people = []
    for i in range(count):
        person = factories.PersonFactory()
        factories.SponsorshipFactory(sponsor=sponsor, protege=person, started_on=started_on,
                                     status="active")
        if i < promoted:
            factories.CareerEventFactory(person=person, kind="promotion",
                                         occurred_on=started_on + datetime.timedelta(days=40))
        people.append(person)
    return people


def report_json(**options) -> tuple[dict, str]:
    out = io.StringIO()
    call_command("outcome_report", "--json", "--as-of", AS_OF.isoformat(), stdout=out, **options)
    return json.loads(out.getvalue()), out.getvalue()


def test_the_partition_rule_hides_a_small_row_and_the_next_smallest():
    assert suppress_partition({"a": 4, "b": 30, "c": 50}, 5) == {"a", "b"}
    assert suppress_partition({"a": 4, "b": 30, "c": 0}, 5) == {"a", "b"}
    assert suppress_partition({"a": 1, "b": 2, "c": 9, "d": 40}, 5) == {"a", "b", "c"}
    assert suppress_partition({"a": 3, "b": 3, "c": 40}, 5) == {"a", "b"}
    assert suppress_partition({"a": 5, "b": 30}, 5) == set()
    assert suppress_partition({"a": 0, "b": 30}, 5) == set()


def test_a_group_of_four_is_suppressed_everywhere_it_could_be_worked_out(mentor, sponsor):
    mentees(4, mentor, promoted=1)
    proteges(30, sponsor, promoted=9)
    factories.PersonFactory.create_batch(40)  # "neither" (62) is the largest group
    report, text = report_json()
    groups = report["groups"]
    assert groups["mentorship_only"]["suppressed"] is True
    # Hiding the four alone would leave them as (everyone) - (the other groups): the next
    # smallest group is hidden with them.
    assert groups["sponsorship_only"]["suppressed"] is True
    assert groups["both"]["n"] == 0 and groups["both"]["suppressed"] is False
    assert groups["neither"]["suppressed"] is False
    for name in ("mentorship_only", "sponsorship_only"):
        group = groups[name]
        assert group["n"] is None
        assert all(cell == {"count": None, "n": None, "rate": None, "ci95": None}
                   for cell in group["outcomes"].values())
        for figure in ("median_months_to_promotion", "restricted_mean_months_to_promotion"):
            assert group[figure] == {"value": None, "ci95": None, "status": "hidden"}
        assert all(cell == {"mean": None, "n": None, "ci95": None}
                   for cell in group["survey_change"].values())
    for comparison in report["comparisons"]:
        if {comparison["a"], comparison["b"]} & {"mentorship_only", "sponsorship_only"}:
            assert comparison["difference"] is None and comparison["ci95"] is None
    assert ": 4," not in text and ": 4\n" not in text and ": 30," not in text


def test_a_cell_with_few_people_or_few_left_over_is_hidden_but_the_group_is_shown(mentor):
    people = mentees(40, mentor, promoted=3)
    for person in people[-2:]:
        factories.CareerEventFactory(person=person, kind="exit",
                                     occurred_on=INDEX + datetime.timedelta(days=100))
    report, _ = report_json()
    group = report["groups"]["mentorship_only"]
    assert (group["suppressed"], group["n"]) == (False, 40)
    assert group["outcomes"]["promotion"] == {"count": None, "n": None, "rate": None,
                                              "ci95": None}
    # 38 of 40 retained means 2 left: a cell under 5 by subtraction.
    assert group["outcomes"]["retention"]["count"] is None
    # Nobody had a leadership role: 0 names nobody, and the gap is worth seeing.
    assert group["outcomes"]["leadership"]["count"] == 0
    assert group["outcomes"]["leadership"]["n"] == 40


def test_a_group_of_five_is_shown(mentor, sponsor):
    mentees(5, mentor)
    proteges(12, sponsor, promoted=6)
    report, _ = report_json()
    assert report["groups"]["mentorship_only"]["n"] == 5
    assert report["groups"]["sponsorship_only"]["outcomes"]["promotion"]["count"] == 6


def test_survey_change_with_four_answers_is_hidden(mentor):
    people = mentees(30, mentor, promoted=10)
    for person in people[:4]:
        factories.SurveyResponseFactory(respondent=person, phase="baseline", confidence=2,
                                        answered_on=INDEX)
        factories.SurveyResponseFactory(respondent=person, phase="closing", confidence=4,
                                        answered_on=INDEX + datetime.timedelta(days=90))
    report, _ = report_json()
    assert report["groups"]["mentorship_only"]["survey_change"]["confidence"] == {
        "mean": None, "n": None, "ci95": None}
    factories.SurveyResponseFactory(respondent=people[5], phase="baseline", confidence=3,
                                    answered_on=INDEX)
    factories.SurveyResponseFactory(respondent=people[5], phase="closing", confidence=3,
                                    answered_on=INDEX + datetime.timedelta(days=90))
    report, _ = report_json()
    cell = report["groups"]["mentorship_only"]["survey_change"]["confidence"]
    assert (cell["n"], cell["mean"]) == (5, pytest.approx(1.6))


def test_the_index_date_for_both_is_the_earlier_start_and_windows_are_calendar_months(
        mentor, sponsor):
    people = [factories.PersonFactory() for _ in range(6)]
    for person in people:
        factories.MentorshipFactory(mentor=mentor, mentee=person,
                                    started_on=datetime.date(2025, 6, 30), status="active")
        factories.SponsorshipFactory(sponsor=sponsor, protege=person,
                                     started_on=datetime.date(2025, 6, 29), status="active")
    # Promoted on the last day of the window that starts at the sponsorship (the earlier).
    for person in people:
        factories.CareerEventFactory(person=person, kind="promotion",
                                     occurred_on=datetime.date(2026, 6, 29))
    report = outcome_report(as_of=AS_OF, window_months=12)
    cell = report["groups"]["both"]["outcomes"]["promotion"]
    assert report["groups"]["both"]["n"] == 6
    assert (cell["count"], cell["n"]) == (6, 6)
    report = outcome_report(as_of=datetime.date(2026, 6, 28), window_months=12)
    assert report["groups"]["both"]["outcomes"]["promotion"]["n"] is None  # window still open


def test_proposed_and_declined_relationships_do_not_make_anyone_a_mentee(mentor):
    for status in ("proposed", "declined"):
        factories.MentorshipFactory.create_batch(6, mentor=mentor, status=status,
                                                 started_on=INDEX)
    report = outcome_report(as_of=AS_OF)
    assert report["groups"]["mentorship_only"]["n"] == 0


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2026, 6, 30), -12) == datetime.date(2025, 6, 30)
    assert add_months(datetime.date(2025, 3, 31), -1) == datetime.date(2025, 2, 28)


def test_month_end_windows_agree_with_the_database(mentor):
    """Jan 31 + 1 month is Feb 29 on both databases (SQLite would say Mar 2 left alone)."""
    start = datetime.date(2024, 1, 31)
    for person in mentees(10, mentor, started_on=start):
        factories.CareerEventFactory(person=person, kind="leadership_role",
                                     occurred_on=datetime.date(2024, 3, 1))
    report = outcome_report(as_of=datetime.date(2024, 3, 31), window_months=1)
    cell = report["groups"]["mentorship_only"]["outcomes"]["leadership"]
    # The window ends Feb 29, so a leadership role on Mar 1 is outside it: 0 of 10.
    assert (cell["count"], cell["n"]) == (0, 10)
    # Two months end on Mar 31 (= as_of): the Mar 1 role is inside, for all ten.
    report = outcome_report(as_of=datetime.date(2024, 3, 31), window_months=2)
    cell = report["groups"]["mentorship_only"]["outcomes"]["leadership"]
    assert (cell["count"], cell["n"]) == (10, 10)


def test_bad_arguments_are_refused_with_a_clear_message(db):
    with pytest.raises(ValidationError, match="whole number of months"):
        outcome_report(as_of=AS_OF, window_months=0)
    with pytest.raises(ValidationError) as error:
        outcome_report(as_of=None)
    assert error.value.messages == [AS_OF_MISSING]
    with pytest.raises(CommandError, match="not a date"):
        call_command("outcome_report", "--json", "--as-of", "30/06/2026")
    with pytest.raises(CommandError, match=WINDOW_INVALID.rstrip(".")):
        call_command("outcome_report", "--json", "--window-months", "500")


def test_the_report_runs_the_same_few_queries_at_any_size(mentor, sponsor,
                                                          django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (5, 50):
        mentees(size, mentor, promoted=2)
        proteges(size, sponsor, promoted=3)
        factories.PersonFactory.create_batch(size)
        # Three report queries (groups, surveys, strata) and, on PostgreSQL, SET LOCAL work_mem
        # and the savepoint's two statements.
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as queries:
            outcome_report(as_of=AS_OF)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_snapshot_stores_the_report_and_how_long_it_took(mentor):
    mentees(8, mentor, promoted=5)
    snapshot = outcome_report_snapshot_create(as_of=AS_OF, window_months=12)
    snapshot.refresh_from_db()
    assert snapshot.data == outcome_report(as_of=AS_OF, window_months=12)
    assert snapshot.data["groups"]["mentorship_only"]["n"] == 8
    assert snapshot.duration_ms >= 0 and snapshot.window_months == 12


def test_the_readable_output_names_hidden_groups(mentor):
    mentees(3, mentor)
    out = io.StringIO()
    call_command("outcome_report", "--as-of", AS_OF.isoformat(), stdout=out)
    assert "Mentorship only: fewer than 5 people, not shown" in out.getvalue()


def test_who_is_counted_splits_each_group_and_hides_a_small_part(mentor, sponsor):
    mentees(9, mentor)  # index 1 March 2024: window ended
    mentees(6, mentor, started_on=datetime.date(2026, 2, 1))  # too recent
    late = mentees(2, mentor)  # hired after their mentorship started
    for person in late:
        person.hire_date = datetime.date(2025, 1, 6)
        person.save()
    proteges(7, sponsor)
    proteges(5, sponsor, started_on=datetime.date(2026, 2, 1))
    report, _ = report_json()
    who = {g: report["groups"][g]["who_is_counted"] for g in ("mentorship_only",
                                                               "sponsorship_only")}
    # Two not employed on the index date name two people: hidden with the next smallest part.
    assert who["mentorship_only"] == {"counted": 9, "too_recent": None,
                                      "not_employed_on_index_date": None}
    assert who["sponsorship_only"] == {"counted": 7, "too_recent": 5,
                                       "not_employed_on_index_date": 0}
    assert report["groups"]["mentorship_only"]["n"] == 17
    assert ("The rates count 9 of 17 employees with only a mentor (the others are hidden: too "
            "few) and 7 of 12 employees with only a sponsor (5 too recent for their window to "
            "have ended).") in outcome_summary(report)


def test_time_to_promotion_says_not_reached_in_words_and_always_gives_a_restricted_mean(mentor):
    mentees(20, mentor, promoted=6)  # 6 of 20 promoted 40 days in: the median is not reached
    report, _ = report_json()
    group = report["groups"]["mentorship_only"]
    assert group["median_months_to_promotion"]["status"] == "not_reached"
    mean = group["restricted_mean_months_to_promotion"]
    assert mean["status"] == "shown"
    # 6 people at 40 days and 14 at the whole window (365 days), in months.
    assert mean["value"] == pytest.approx((6 * 40 + 14 * 365) / 20 / (365.25 / 12))
    table = next(t for t in report_tables(report) if t.slug == "time_to_promotion")
    row = next(r for r in table.display_rows() if r[0]["text"] == "Mentorship only")
    low = group["median_months_to_promotion"]["ci95"][0]
    assert [cell["text"] for cell in row[1:4]] == ["not reached", f"{low:.1f} to not reached",
                                                   f"{mean['value']:.1f}"]
    assert table.csv_rows()[1][1:4] == ["not reached", f"{low:.4f}", "not reached"]
