"""The beat schedule and the thin tasks."""

import datetime

import pytest
from celery.schedules import crontab

from program.core.celery import BEAT_SCHEDULE, VISIBILITY_TIMEOUT, app
from program.reminders import tasks

pytestmark = pytest.mark.django_db


def test_every_beat_entry_names_a_registered_task_and_expires():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert set(schedule) == {"check-in-reminders", "mentor-request-nudges",
                             "inactivity-and-advocacy-nudges", "weekly-outcome-report",
                             "commitment-reminders", "weekly-outcome-report-catch-up",
                             "outbox-catch-up", "import-jobs-catch-up", "daily-digests"}
    for entry in schedule.values():
        assert entry["task"] in app.tasks
        assert isinstance(entry["schedule"], crontab)
        # A task lost with a dead worker comes back after the visibility timeout: still unexpired.
        assert VISIBILITY_TIMEOUT < entry["options"]["expires"] <= 24 * 60 * 60
    for entry in schedule.values():
        for group in entry.get("args", ()):
            assert group in tasks.KIND_GROUPS


def test_no_task_runs_longer_than_the_broker_waits_before_handing_it_to_another_worker():
    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if name.startswith("program.")]
    assert len(ours) >= 4
    for task in ours:
        assert (task.time_limit or app.conf.task_time_limit) < VISIBILITY_TIMEOUT
        assert task.acks_late and task.reject_on_worker_lost


def test_the_weekly_report_runs_on_the_schedule_from_settings():
    weekly = BEAT_SCHEDULE["weekly-outcome-report"]["schedule"]
    assert weekly == crontab(minute="0", hour="6", day_of_week="mon")


def test_the_sweep_task_reports_counts_by_kind(mentorship_due, django_capture_on_commit_callbacks):
    mentorship_due(datetime.date(2026, 3, 12))
    with django_capture_on_commit_callbacks(execute=True):
        summary = tasks.sweep_reminders.delay("check_ins", "2026-03-10").get()
    assert summary["sent"]["due_soon"] == 1
    assert summary["sent"]["request_nudge"] == 0


def test_a_starting_worker_queues_what_it_may_have_missed_the_report_and_the_digests():
    from program.core.celery import _catch_up_on_start

    queued = []

    class _App:
        def send_task(self, name, **options):
            queued.append((name, options["expires"]))

    class _Worker:
        app = _App()

    _catch_up_on_start(_Worker())
    assert [name for name, _ in queued] == ["program.outcome_report_catch_up",
                                            "program.send_digests"]
    assert all(expires for _, expires in queued)
