"""The beat schedule, the thin tasks, enqueueing after commit, and the weekly report email."""

import datetime

import pytest
from celery.schedules import crontab
from django.core import mail
from django.db import transaction
from django.urls import reverse

from program import tasks
from program.celery import BEAT_SCHEDULE, app
from program.models import ReminderLog, ReportSnapshot
from program.report_mail import report_lines

pytestmark = pytest.mark.django_db


def test_every_beat_entry_names_a_registered_task_and_expires():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert set(schedule) == {"check-in-reminders", "mentor-request-nudges",
                             "inactivity-and-advocacy-nudges", "weekly-outcome-report"}
    for entry in schedule.values():
        assert entry["task"] in app.tasks
        assert isinstance(entry["schedule"], crontab)
        assert 0 < entry["options"]["expires"] <= 24 * 60 * 60
    for entry in schedule.values():
        for group in entry.get("args", ()):
            assert group in tasks.KIND_GROUPS


def test_the_weekly_report_runs_on_the_schedule_from_settings():
    weekly = BEAT_SCHEDULE["weekly-outcome-report"]["schedule"]
    assert weekly == crontab(minute="0", hour="6", day_of_week="mon")


def test_a_sweep_is_queued_only_once_the_transaction_commits(
        monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.sweep_reminders, "delay", lambda *a: queued.append(a))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            tasks.sweep_reminders_after_commit("check_ins")
            assert queued == []
        assert queued == []  # committed, but the callbacks run as the block exits
    assert len(callbacks) == 1
    assert queued == [("check_ins",)]


def test_a_rolled_back_transaction_queues_nothing(monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.sweep_reminders, "delay", lambda *a: queued.append(a))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                tasks.sweep_reminders_after_commit()
                raise RuntimeError("the workflow failed")
        except RuntimeError:
            pass
    assert callbacks == [] and queued == []


def test_the_sweep_task_reports_counts_by_kind(mentorship_due, django_capture_on_commit_callbacks):
    mentorship_due(datetime.date(2026, 3, 12))
    with django_capture_on_commit_callbacks(execute=True):
        summary = tasks.sweep_reminders.delay("check_ins", "2026-03-10").get()
    assert summary["sent"]["due_soon"] == 1
    assert summary["sent"]["request_nudge"] == 0


def test_the_weekly_report_is_stored_and_emailed_to_hr_admins_once(
        hana, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.outcome_report_snapshot.delay("2026-03-09").get()
        again = tasks.outcome_report_snapshot.delay("2026-03-09").get()
    assert ReportSnapshot.objects.count() == 1
    assert first["snapshot"] == again["snapshot"]
    assert first["emailed"] == 1 and again["emailed"] == 0
    assert [m.to for m in mail.outbox] == [["hana@example.com"]]
    message = mail.outbox[0]
    assert "Outcome report as of 9 March 2026" in message.subject
    report_url = "http://testserver" + reverse("hr:report")
    assert report_url in message.body
    assert ReminderLog.objects.get().kind == "outcome_report"


def test_the_report_summary_names_each_group_and_hides_small_ones():
    data = {"groups": {
        "sponsorship_only": {"suppressed": False, "outcomes": {
            "promotion": {"count": 62, "n": 200, "rate": 0.31, "ci95": [0.25, 0.378]}}},
        "both": {"suppressed": True, "outcomes": {"promotion": {"rate": None}}},
    }}
    assert report_lines(data) == ["Sponsorship only: promoted 31% (25%–38%), n=200",
                                  "Both: too few people to show"]
