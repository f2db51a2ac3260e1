"""python manage.py send_reminders: by hand, as of a date, dry run, JSON."""

import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import Notification
from program.reminders.models import ReminderLog

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_json_gives_counts_by_kind_and_each_reminder(mentorship_due, hana):
    mentorship = mentorship_due(TODAY + days(3))
    report = json.loads(_run("--as-of", (TODAY + days(17)).isoformat(), "--json"))
    assert report["counts"]["overdue"] == 1
    assert report["counts"]["escalation"] == 1
    assert report["counts"]["due_soon"] == 0
    kinds = sorted(r["kind"] for r in report["reminders"])
    assert kinds == ["escalation", "overdue"]
    overdue = next(r for r in report["reminders"] if r["kind"] == "overdue")
    assert overdue["relationship_id"] == mentorship.pk
    assert overdue["due_on"] == (TODAY + days(3)).isoformat()
    assert {r["name"] for r in overdue["recipients"]} == {"Alice Employee", "Bob Mentor"}
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 2


def test_a_dry_run_says_what_it_would_send_and_writes_and_sends_nothing(
        mentorship_due, django_capture_on_commit_callbacks):
    mentorship_due(TODAY + days(3))
    with django_capture_on_commit_callbacks(execute=True):
        report = json.loads(_run("--as-of", TODAY.isoformat(), "--dry-run", "--json"))
    assert report["dry_run"] is True
    assert report["counts"]["due_soon"] == 1
    assert report["reminders"][0]["summary"] == "Bob Mentor and Alice Employee"
    assert not ReminderLog.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_dry_run_leaves_out_what_was_already_sent(mentorship_due):
    mentorship_due(TODAY + days(3))
    _run("--as-of", TODAY.isoformat())
    report = json.loads(_run("--as-of", TODAY.isoformat(), "--dry-run", "--json"))
    assert report["counts"]["due_soon"] == 0


def test_plain_output_lists_each_reminder_and_the_total(mentorship_due):
    mentorship_due(TODAY + days(3))
    out = _run("--as-of", TODAY.isoformat())
    assert "due_soon" in out and "Bob Mentor and Alice Employee" in out
    assert "Sent 1 reminder(s)." in out


def test_one_kind_only(mentorship_due):
    mentorship_due(TODAY - days(1))
    report = json.loads(_run("--as-of", TODAY.isoformat(), "--kind", "due_soon", "--json"))
    assert sum(report["counts"].values()) == 0


def test_a_bad_date_says_how_to_write_it():
    with pytest.raises(CommandError, match="write it as YYYY-MM-DD"):
        _run("--as-of", "10/03/2026")
