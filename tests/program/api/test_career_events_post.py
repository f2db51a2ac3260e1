"""Career events posted by an HRIS go through the career_events import's own rules: all or
nothing, each problem with where it is, nothing recorded twice, an audit row for every POST."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent, CareerEvent
from accounts.services import CAREER_EVENT_BEFORE_HIRE, CAREER_EVENT_IN_FUTURE
from tests import factories
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


def _event(person, kind="promotion", day="2026-03-01", **extra):
    return {"employee_id": person.employee_id, "kind": kind, "occurred_on": day, **extra}


def test_a_feed_records_events_once_however_often_it_sends_them(api, write_token, alice, eve):
    events = [_event(alice, description="Senior engineer"),
              _event(eve, kind=" Leadership_Role ", day="2025-11-03")]
    status, body, _ = api("POST", "career-events", write_token, {"events": events})
    assert status == 201 and (body["created"], body["already_recorded"]) == (2, 0)
    stored = CareerEvent.objects.order_by("pk")
    assert [(e.person, e.kind, e.occurred_on, e.description) for e in stored] == [
        (alice, "promotion", datetime.date(2026, 3, 1), "Senior engineer"),
        (eve, "leadership_role", datetime.date(2025, 11, 3), "")]
    assert [e["id"] for e in body["events"]] == [e.pk for e in stored]
    status, again, _ = api("POST", "career-events", write_token, {"events": events})
    assert status == 200 and (again["created"], again["already_recorded"]) == (0, 2)
    assert again["events"] == body["events"] and CareerEvent.objects.count() == 2


def test_one_bad_event_refuses_them_all_and_says_where(api, write_token, alice, eve):
    alice.hire_date = datetime.date(2024, 1, 1)
    alice.save()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    status, body, _ = api("POST", "career-events", write_token, {"events": [
        _event(eve),
        _event(alice, day="2023-05-01"),
        _event(eve, day=tomorrow),
        {"employee_id": "E-404", "kind": "promotion", "occurred_on": "2026-01-01"},
        _event(eve, kind="raise", day="01/02/2026"),
    ]})
    assert status == 400
    assert body["detail"] == "Nothing was recorded: 5 problem(s) in the posted events."
    assert body["errors"] == [  # in the order of the posted events
        {"index": 1, "field": "occurred_on",
         "message": CAREER_EVENT_BEFORE_HIRE.format(hired="2024-01-01")},
        {"index": 2, "field": "occurred_on", "message": CAREER_EVENT_IN_FUTURE},
        {"index": 3, "field": "employee_id",
         "message": "no person has employee_id 'E-404'; import people first"},
        {"index": 4, "field": "kind", "message": "'raise' is not one of: promotion, "
         "high_visibility_assignment, leadership_role, lateral_move, award, exit"},
        {"index": 4, "field": "occurred_on",
         "message": "'01/02/2026' is not a date; write it as YYYY-MM-DD"},
    ]
    assert not CareerEvent.objects.exists()  # not even the good first one


def test_what_the_schema_refuses_is_a_400_with_where(api, write_token, alice):
    status, body, _ = api("POST", "career-events", write_token,
                          {"events": [_event(alice), {"employee_id": alice.employee_id,
                                                      "kind": 7}]})
    assert status == 400
    assert {(e["index"], e["field"]) for e in body["errors"]} == {(1, "kind"),
                                                                  (1, "occurred_on")}
    status, body, _ = api("POST", "career-events", write_token, {"events": []})
    assert status == 400 and body["errors"][0]["field"] == "events"
    status, body, _ = api("POST", "career-events", write_token, "{not json")
    assert status == 400 and body["detail"].startswith("The body is not JSON")
    status, body, _ = api("POST", "career-events", write_token,
                          {"events": [_event(alice, description="x" * 301)]})
    assert status == 400 and body["errors"][0]["field"] == "description"
    assert not CareerEvent.objects.exists()


def test_posting_needs_the_write_scope_and_every_post_is_audited(api, write_token, read_token,
                                                                  alice):
    status, body, _ = api("POST", "career-events", read_token, {"events": [_event(alice)]})
    assert status == 403 and "write:career-events" in body["detail"]
    assert api("POST", "career-events", None, {"events": [_event(alice)]})[0] == 401
    api("POST", "career-events", write_token, {"events": [_event(alice)]})
    api("POST", "career-events", write_token, {"events": [_event(alice, kind="nope")]})
    audits = list(AuditEvent.objects.filter(action__startswith="api.career_events")
                  .order_by("id"))
    assert [a.action for a in audits] == ["api.career_events_post",
                                          "api.career_events_refused"]
    assert [(a.data["created"], a.data["problems"]) for a in audits] == [(1, 0), (0, 1)]
    assert all(a.target_type == "program.hrapitoken" and a.actor is None for a in audits)
    assert "via API token BI write:career-events" in audits[0].summary
    assert audits[0].ip_address == "127.0.0.1"


@pytest.mark.django_db(transaction=True)
def test_the_same_event_posted_twice_at_once_is_recorded_once(require_postgres, client,
                                                              write_token):
    from django.test import Client

    person = factories.PersonFactory()
    body = {"events": [_event(person)]}
    answers = []

    def post(_):
        answers.append(Client().post("/api/v1/career-events", body,
                                     content_type="application/json",
                                     HTTP_AUTHORIZATION=f"Bearer {write_token}").status_code)

    at_once(post, [1, 2, 3])
    assert sorted(answers) == [200, 200, 201]
    assert CareerEvent.objects.filter(person=person).count() == 1
    assert connection.vendor == "postgresql"


def test_text_with_commas_quotes_and_new_lines_is_stored_as_sent(api, write_token, alice):
    description = 'Staff engineer, "platform"\nsecond line'
    status, body, _ = api("POST", "career-events", write_token,
                          {"events": [_event(alice, description=description)]})
    assert status == 201 and body["events"][0]["description"] == description
    assert CareerEvent.objects.get().description == description
