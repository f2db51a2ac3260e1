"""The outcome report broken down by commitments kept: everyone with a sponsorship, in two groups
(a sponsor kept at least one commitment to them on time by as_of, or none did), counted as the
report counts, with its statistics and suppression.

The protégés are built so the figures can be counted by hand: 12 with a commitment kept on time
(5 promoted inside their window), 11 without (one kept only late, some open, some none, one kept
on time but after as_of; 2 promoted inside the window, 1 after it), and one whose sponsorship
was only proposed (not counted).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from program.reports import stats
from program.reports.commitments import commitment_breakdown
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AS_OF = TODAY - datetime.timedelta(days=10)


def day(n):
    return TODAY - datetime.timedelta(days=n)


def _protege(*, promoted_after_days=None, commitment=None):
    sponsorship = factories.SponsorshipFactory(started_on=day(500))
    if promoted_after_days is not None:
        factories.CareerEventFactory(person=sponsorship.protege, kind="promotion",
                                     occurred_on=day(500 - promoted_after_days))
    if commitment == "on_time":
        record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=day(450))
        factories.CommitmentFactory(sponsorship=sponsorship, made_on=day(480), due_on=day(440),
                                    state="kept", advocacy_record=record, kept_on=day(450))
    elif commitment == "late":
        record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=day(400))
        factories.CommitmentFactory(sponsorship=sponsorship, made_on=day(480), due_on=day(440),
                                    state="kept", advocacy_record=record, kept_on=day(400))
    elif commitment == "on_time_after_as_of":
        record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=day(5))
        factories.CommitmentFactory(sponsorship=sponsorship, made_on=day(20), due_on=day(3),
                                    state="kept", advocacy_record=record, kept_on=day(5))
    elif commitment == "open":
        factories.CommitmentFactory(sponsorship=sponsorship, made_on=day(480), due_on=day(440))
    return sponsorship


@pytest.fixture
def population(settings):
    settings.REPORT_MIN_GROUP_SIZE = 5
    for n in range(12):
        sponsorship = _protege(commitment="on_time", promoted_after_days=100 if n < 5 else None)
        if n < 6:  # sponsorship surveys: confidence up n % 3 + 1; mentorship (not counted): up 4
            for phase, confidence, kind in (("baseline", 1, "sponsorship"),
                                            ("closing", 2 + n % 3, "sponsorship"),
                                            ("baseline", 1, "mentorship"),
                                            ("closing", 5, "mentorship")):
                factories.SurveyResponseFactory(
                    respondent=sponsorship.protege, relationship_kind=kind, phase=phase,
                    confidence=confidence, sponsorship=sponsorship if kind == "sponsorship"
                    else None, answered_on=day(300))
    _protege(commitment="late", promoted_after_days=50)
    _protege(commitment="on_time_after_as_of", promoted_after_days=200)
    _protege(commitment="open", promoted_after_days=400)  # after the 12-month window
    for _ in range(3):
        _protege(commitment="open")
    for _ in range(5):
        _protege()
    factories.SponsorshipFactory(status="proposed", started_on=None, planned_end_on=None)


def test_the_groups_are_counted_as_the_report_counts(population):
    report = commitment_breakdown(as_of=AS_OF, window_months=12)
    kept, none = report["groups"]["kept_on_time"], report["groups"]["none_kept"]
    assert (kept["n"], none["n"]) == (12, 11)
    promotion = kept["outcomes"]["promotion"]
    expected = stats.proportion(5, 12)
    assert (promotion["count"], promotion["n"]) == (5, 12)
    assert promotion["rate"] == pytest.approx(expected.value)
    assert promotion["ci95"] == pytest.approx(list(expected.ci95))
    change = kept["survey_change"]["confidence"]
    assert (change["n"], change["mean"]) == (6, pytest.approx(2.0))  # 1, 2, 3, 1, 2, 3
    assert none["survey_change"]["confidence"]["n"] is None
    # 2 promoted in the window: a count under the minimum is hidden, as in the report.
    assert none["outcomes"]["promotion"]["count"] is None
    difference = next(c for c in report["comparisons"] if c["metric"] == "retention")
    assert difference["a"] == "kept_on_time" and difference["b"] == "none_kept"
    assert difference["difference"] == pytest.approx(0.0)


def test_a_group_under_the_minimum_hides_both(settings):
    settings.REPORT_MIN_GROUP_SIZE = 5
    for _ in range(3):
        _protege(commitment="on_time")
    for _ in range(9):
        _protege()
    report = commitment_breakdown(as_of=AS_OF, window_months=12)
    assert report["groups"]["kept_on_time"]["suppressed"]
    assert report["groups"]["none_kept"]["suppressed"]  # else 12 − 9 gives the small group away
    assert report["groups"]["none_kept"]["n"] is None


def test_hr_reads_the_breakdown_page_and_its_csv_in_a_fixed_number_of_queries(
        population, hana, login, django_assert_max_num_queries):
    client = login(hana)
    query = {"as_of": AS_OF.isoformat(), "window_months": 12}
    with django_assert_max_num_queries(20):
        page = client.get(reverse("hr:report_commitments"), query).content.decode()
    assert "Kept a commitment on time" in page and "Kept no commitment on time" in page
    for _ in range(10):
        _protege(commitment="on_time")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("hr:export", args=["report_commitments",
                                                         "commitment_groups"]), query)
    assert "Kept a commitment on time,22," in response.content.decode()


@pytest.mark.parametrize("persona", ["sam", "alice"])
def test_only_hr_reads_the_breakdown(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("hr:report_commitments")).status_code == 403
