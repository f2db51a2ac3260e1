"""The HR reminder log: HR admins only, filterable by kind, paginated, a fixed number of queries."""

import pytest
from django.urls import reverse

from program.reminders.models import ReminderLog
from program.reminders.sweep import reminders_sweep
from program.reminders.views import SWEEP_QUEUED

from .conftest import NOW, TODAY, days

pytestmark = pytest.mark.django_db
URL = "/hr/reminders/"


def _rows(n: int, kind: str = "due_soon", sent: bool = True):
    ReminderLog.objects.bulk_create([
        ReminderLog(relationship_kind="mentorship", relationship_id=1000 + i, due_on=TODAY,
                    kind=kind, sent_at=NOW if sent else None, summary=f"Pair {i}",
                    recipients=[{"person": i, "name": f"Mentor {i}", "emailed": True},
                                {"person": i + 1, "name": f"Mentee {i}", "emailed": False}])
        for i in range(n)])


def test_the_url_is_named():
    assert reverse("hr:reminder_log") == URL


@pytest.mark.parametrize("persona", ["alice", "bob", "sam", "eve"])
def test_only_hr_admins_may_see_the_log(persona, request, login):
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(reverse("hr:reminder_sweep_now")).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_hr_sees_what_was_sent_to_whom(mentorship_due, hana, login):
    mentorship_due(TODAY + days(2))
    reminders_sweep(now=NOW)
    page = login(hana).get(URL).content.decode()
    assert "Check-in due soon" in page
    assert "Bob Mentor and Alice Employee" in page
    assert "Alice Employee" in page and "Sent" in page


def test_hr_sees_who_was_told_by_email_in_the_inbox_only_or_in_the_daily_digest(
        mentorship_due, alice, bob, hana, login):
    alice.notify_reminders = "digest"
    alice.save()
    bob.notify_reminders = "inbox"
    bob.save()
    mentorship_due(TODAY + days(2))
    reminders_sweep(now=NOW)
    recipients = {r["name"]: r for r in ReminderLog.objects.get().recipients}
    assert recipients["Alice Employee"]["digest"] is True
    assert "digest" not in recipients["Bob Mentor"]
    page = login(hana).get(URL).content.decode()
    assert 'Alice Employee <span class="muted">(daily digest)</span>' in page
    assert 'Bob Mentor <span class="muted">(inbox only)</span>' in page


def test_the_log_filters_by_kind(hana, login):
    _rows(3, kind="due_soon")
    _rows(2, kind="overdue")
    page = login(hana).get(URL, {"kind": "overdue"}).content.decode()
    assert page.count("Check-in overdue</th>") == 2
    assert "Check-in due soon</th>" not in page


def test_skipped_reminders_say_why(hana, login):
    ReminderLog.objects.create(relationship_kind="mentorship", relationship_id=1, due_on=TODAY,
                               kind="due_soon", sent_at=NOW,
                               skipped_reason="They met since, so the check-in was no longer due.")
    page = login(hana).get(URL, {"status": "skipped"}).content.decode()
    assert "They met since" in page


def test_the_log_is_paginated(hana, login):
    _rows(60)
    client = login(hana)
    first = client.get(URL).content.decode()
    assert first.count("Check-in due soon</th>") == 50
    assert "Page 1 of 2" in first
    assert client.get(URL, {"page": 2}).content.decode().count("Check-in due soon</th>") == 10


@pytest.mark.parametrize("rows", [5, 50])
def test_the_log_runs_the_same_number_of_queries_at_any_size(
        rows, hana, login, django_assert_max_num_queries):
    _rows(rows)
    client = login(hana)
    with django_assert_max_num_queries(9):  # 7, and 2 for the email delivery panel
        assert client.get(URL).status_code == 200


def test_send_now_queues_a_sweep(hana, login, monkeypatch):
    from program.reminders import tasks

    queued = []
    monkeypatch.setattr(tasks.sweep_reminders, "apply_async",
                        lambda args=(), **kw: queued.append(args))
    client = login(hana)
    response = client.post(reverse("hr:reminder_sweep_now"), follow=True)
    assert queued == [("all",)]
    assert SWEEP_QUEUED in response.content.decode()


def test_the_hr_menu_links_to_the_log(hana, login):
    assert f'href="{URL}"' in login(hana).get("/").content.decode()
