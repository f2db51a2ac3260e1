"""Reading through the API: the same records and privacy as HR's pages, pages in a stable
order, a fixed number of queries per page, and scopes.

Alice is Bob's mentee and Sam's protégé; Sam wrote an advocacy record about her, not shared
with her; the pair wrote check-in and touchpoint notes nobody but them may read, HR included.
"""

import datetime
import json

import pytest
from django.utils import timezone

from matching.relationships.models import RelationshipStatus
from program.api.models import HrApiToken
from program.reports.dashboard import Filters, dashboard_data
from program.reports.filters import ReportFilters
from program.reports.outcome import outcome_report, outcome_report_snapshot_create
from tests import factories

pytestmark = pytest.mark.django_db

CHECK_IN_NOTE = "Alice is worried about her manager"
TOUCHPOINT_NOTE = "Sam will raise Alice at the offsite"
ADVOCACY_TEXT = "Put Alice forward for staff engineer"


@pytest.fixture
def pairs(alice, bob, sam):
    mentorship = factories.MentorshipFactory(mentee=alice, mentor=bob)
    factories.CheckInFactory(mentorship=mentorship, discussed=CHECK_IN_NOTE,
                             private_notes=CHECK_IN_NOTE)
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    factories.TouchpointFactory(sponsorship=sponsorship, author=sam, discussed=TOUCHPOINT_NOTE,
                                private_notes=TOUCHPOINT_NOTE)
    record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, description=ADVOCACY_TEXT,
                                             forum="Staff promotion panel",
                                             outcome_note="Decided in March",
                                             shared_with_protege=False)
    event = factories.CareerEventFactory(person=alice, kind="promotion",
                                         occurred_on=datetime.date(2026, 3, 1),
                                         description="Senior engineer")
    return mentorship, sponsorship, record, event


def test_relationships_and_career_events_read_as_hr_sees_them(api, read_token, pairs, alice,
                                                               bob, sam):
    mentorship, sponsorship, record, event = pairs
    status, body, response = api("GET", "mentorships", read_token)
    assert status == 200 and "no-store" in response["Cache-Control"]  # no proxy keeps a copy
    [item] = body["items"]
    assert item["id"] == mentorship.pk and item["status"] == "active"
    assert item["mentor"] == {"employee_id": bob.employee_id, "full_name": "Bob Mentor"}
    assert item["mentee"] == {"employee_id": alice.employee_id, "full_name": "Alice Employee"}
    assert body["next"] is None and body["next_after"] is None
    _, body, _ = api("GET", "sponsorships", read_token)
    [item] = body["items"]
    assert (item["sponsor"]["full_name"], item["protege"]["full_name"]) == ("Sam Sponsor",
                                                                            "Alice Employee")
    assert item["advocacy_records"] == 1 and item["origin"] == "hr"
    _, body, _ = api("GET", "career-events", read_token)
    assert body["items"] == [{"id": event.pk, "employee_id": alice.employee_id,
                              "kind": "promotion", "occurred_on": "2026-03-01",
                              "description": "Senior engineer",
                              "recorded_at": body["items"][0]["recorded_at"]}]


def test_filters_narrow_the_lists(api, read_token, pairs, alice, eve):
    factories.MentorshipFactory(mentee=eve, status=RelationshipStatus.COMPLETED)
    factories.CareerEventFactory(person=eve, kind="exit", occurred_on=datetime.date(2025, 1, 1))
    _, body, _ = api("GET", "mentorships", read_token, status="completed")
    assert [i["mentee"]["full_name"] for i in body["items"]] == ["Eve Outsider"]
    _, body, _ = api("GET", "career-events", read_token, kind="exit")
    assert [i["employee_id"] for i in body["items"]] == [eve.employee_id]
    _, body, _ = api("GET", "career-events", read_token, employee_id=alice.employee_id,
                     occurred_from="2026-01-01", occurred_to="2026-12-31")
    assert [i["kind"] for i in body["items"]] == ["promotion"]
    status, body, _ = api("GET", "mentorships", read_token, status="paused")
    assert status == 400 and body["errors"][0]["field"] == "status"


def test_advocacy_details_leave_only_with_the_details_scope(api, read_token, details_token,
                                                            pairs):
    record = pairs[2]
    _, body, _ = api("GET", "advocacy-records", read_token)
    [item] = body["items"]
    assert item["id"] == record.pk and item["kind"] == "promotion_nomination"
    assert item["details"] is None
    assert ADVOCACY_TEXT not in json.dumps(body) and "Staff promotion panel" not in json.dumps(body)
    _, body, _ = api("GET", "advocacy-records", details_token)
    assert body["items"][0]["details"] == {
        "visibility": "open", "forum": "Staff promotion panel", "description": ADVOCACY_TEXT,
        "outcome_note": "Decided in March"}


def test_check_in_and_touchpoint_notes_never_leave_whatever_the_scope(api, pairs):
    _, every_scope = HrApiToken.issue(name="All", scopes=["read:details", "write:career-events"],
                                      created_by=None)
    everything = ""
    for path in ("mentorships", "sponsorships", "advocacy-records", "career-events",
                 "outcome-report", "dashboard"):
        status, body, _ = api("GET", path, every_scope)
        assert status == 200, path
        everything += json.dumps(body)
    assert ADVOCACY_TEXT in everything  # the details scope is in force...
    assert CHECK_IN_NOTE not in everything and TOUCHPOINT_NOTE not in everything  # ...not notes


def test_pages_follow_ids_and_the_next_link_to_the_end(api, read_token, client):
    made = [factories.CareerEventFactory(occurred_on=datetime.date(2025, 1, 1 + i)).pk
            for i in range(7)]
    seen, after = [], 0
    for _ in range(3):
        status, body, _ = api("GET", "career-events", read_token, limit=3, after=after)
        assert status == 200
        seen += [item["id"] for item in body["items"]]
        after = body["next_after"]
        if after is None:
            break
        assert body["next"].startswith("http://testserver/api/v1/career-events?")
        assert f"after={after}" in body["next"] and "limit=3" in body["next"]
    assert seen == sorted(made) and body["next"] is None


@pytest.mark.parametrize("path", ["mentorships", "sponsorships", "advocacy-records",
                                  "career-events"])
def test_a_page_takes_the_same_queries_whatever_the_data(api, read_token, path,
                                                         django_assert_max_num_queries):
    cohort = factories.CohortFactory()
    with django_assert_max_num_queries(3) as few:  # the token, its last use, the page
        assert api("GET", path, read_token)[0] == 200
    for _ in range(12):
        sponsorship = factories.SponsorshipFactory(cohort=cohort)
        factories.AdvocacyRecordFactory(sponsorship=sponsorship)
        factories.MentorshipFactory(cohort=cohort)
        factories.CareerEventFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        status, body, _ = api("GET", path, read_token, limit=10)
    assert status == 200 and len(body["items"]) == 10 and body["next"]


def test_the_outcome_report_is_the_pages_with_its_filters_and_suppression(api, read_token,
                                                                          engineering, pairs):
    today = timezone.localdate()
    status, body, _ = api("GET", "outcome-report", read_token, as_of=today.isoformat(),
                          window_months=12, department=engineering.pk)
    expected = json.loads(json.dumps(outcome_report(
        as_of=today, window_months=12, filters=ReportFilters(department_id=engineering.pk))))
    assert status == 200
    assert {k: v for k, v in body.items() if k != "snapshot_created_at"} == expected
    assert body["filters"]["department"] == "Engineering"
    # One mentee and protégé: under the minimum group size (5), so hidden.
    assert body["groups"]["both"]["suppressed"] is True and body["groups"]["both"]["n"] is None


def test_without_parameters_the_report_is_the_latest_stored_one(api, read_token, pairs):
    snapshot = outcome_report_snapshot_create(as_of=datetime.date(2026, 6, 30))
    status, body, _ = api("GET", "outcome-report", read_token)
    assert status == 200 and body["as_of"] == "2026-06-30"
    assert body["snapshot_created_at"].startswith(snapshot.created_at.strftime("%Y-%m-%dT%H:%M"))


def test_the_reports_refuse_what_the_pages_refuse_with_the_same_words(api, read_token):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    status, body, _ = api("GET", "outcome-report", read_token, as_of=tomorrow.isoformat())
    assert status == 400
    assert body["errors"] == [{"index": None, "field": "as_of", "message":
                               "The report can only be as of today or an earlier date."}]
    status, body, _ = api("GET", "outcome-report", read_token, hired_from=2020, hired_to=2010)
    assert status == 400 and body["errors"][0]["field"] == "hired_from"
    status, body, _ = api("GET", "dashboard", read_token, department=999999)
    assert status == 400 and body["errors"][0]["field"] == "department"
    status, body, _ = api("GET", "dashboard", read_token, date_from="2026-05-01",
                          date_to="2026-01-01")
    assert status == 400 and "swap them" in body["errors"][0]["message"]


def test_the_dashboard_figures_are_the_dashboards(api, read_token, pairs, engineering):
    status, body, _ = api("GET", "dashboard", read_token, department=engineering.pk)
    figures = dashboard_data(filters=Filters(department_id=engineering.pk), now=timezone.now())
    assert status == 200 and body["summary"] == figures["summary"]
    assert body["summary"]["active_mentorships"] == 1
    table = next(t for t in body["tables"] if t["slug"] == "relationships")
    assert table["rows"] == [["Mentorship", 1, 0, 0], ["Sponsorship", 1, 0, 0]]
    assert [c["label"] for c in table["columns"]][:2] == ["Kind", "Active"]


def test_each_read_needs_the_read_scope_and_a_live_token(api, write_token, read_token):
    for path in ("mentorships", "sponsorships", "advocacy-records", "career-events",
                 "outcome-report", "dashboard"):
        status, body, _ = api("GET", path, write_token)
        assert status == 403, path
        assert body["detail"] == ("This token does not have the read scope; HR can create one "
                                  "that has.")
        assert api("GET", path)[0] == 401
        assert api("GET", path, "gta_not-a-token")[0] == 401
    HrApiToken.objects.update(revoked_at=timezone.now())
    status, body, _ = api("GET", "mentorships", read_token)
    assert status == 401 and body["detail"] == "This token is unknown or was revoked."


def test_a_session_is_not_a_token(login, hana):
    response = login(hana).get("/api/v1/mentorships")
    assert response.status_code == 401
