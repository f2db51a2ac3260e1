"""The Celery app. Every beat entry lives in BEAT_SCHEDULE below, each with why it exists.

django-celery-beat does not support Django 6.1, so the schedule is code, and beat keeps its
last-run state in a file under var/.
"""

import datetime
import logging
import os
import time
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.core.settings")
log = logging.getLogger(__name__)

# A database blip or a broker hiccup: a task retries these with backoff (autoretry_for).
TRANSIENT_ERRORS = (DatabaseOperationalError, InterfaceError, BrokerOperationalError)
# Redis hands an unacknowledged task (its worker died) to another worker after this long. It is
# longer than any task's time limit (so a running task is never handed out twice) and shorter
# than every beat entry's `expires` (so a task lost with its worker is redone, not dropped);
# tests/program/delivery/test_worker_settings.py checks both.
VISIBILITY_TIMEOUT = 20 * 60

app = Celery("program")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    timezone="UTC",
    enable_utc=True,
    # Our tasks are idempotent (each claims its rows), so a task lost with its worker is redone.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=15 * 60,
    task_soft_time_limit=14 * 60,
    broker_connection_retry_on_startup=True,
)
# Tasks live with their domain: program/reminders/tasks.py, program/reports/tasks.py,
# program/delivery/tasks.py, program/imports/tasks.py.
app.autodiscover_tasks(["program.reminders", "program.reports", "program.delivery",
                        "program.imports"])


# After a failed enqueue, pages do not try the broker again for this long (seconds): each try
# costs a connection attempt, and the catch-up runs do the work once the broker is back.
BROKER_RETRY_AFTER = 30
_broker_down_until = 0.0


def task_enqueue(task, *args, expires: int | None = None) -> bool:
    """Queue `task` now, from a web request: False (logged) if the broker cannot take it, so the
    page can say the work will happen later instead of failing."""
    global _broker_down_until
    if app.conf.task_always_eager:
        task.apply_async(args=args, expires=expires)
        return True
    if time.monotonic() < _broker_down_until:
        return False
    try:
        # A connection of its own, tried once: the pooled producer would retry for seconds, and
        # a page must not hang on a broker that is down.
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0, timeout=2)
            task.apply_async(args=args, connection=connection, retry=False, expires=expires)
    except Exception:  # noqa: BLE001 - any broker failure means "not queued"
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        log.warning("Could not queue %s; the broker is unreachable.", task.name, exc_info=True)
        return False
    return True


# What a worker queues as soon as it starts (it may have been down at a scheduled time).
CATCH_UP_ON_START = ("weekly-outcome-report-catch-up", "daily-digests")


@worker_ready.connect
def _catch_up_on_start(sender, **kwargs):
    """A worker that was down at a scheduled time builds what it missed once it is back."""
    for name in CATCH_UP_ON_START:
        entry = BEAT_SCHEDULE[name]
        try:
            sender.app.send_task(entry["task"], expires=entry["options"]["expires"])
        except Exception:  # noqa: BLE001 - beat's hourly entries cover it
            log.warning("Could not queue %s on start.", name, exc_info=True)


def _ensure_broker_folders() -> None:
    from django.conf import settings

    if str(settings.CELERY_BROKER_URL).startswith("filesystem"):
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _on_configure(sender, **kwargs):
    _ensure_broker_folders()
    _schedules_from_settings()


def cron(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                   month_of_year=month_of_year, day_of_week=day_of_week)


def cron_previous(expression: str, now: datetime.datetime) -> datetime.datetime | None:
    """The latest time at or before `now` (UTC) that the cron expression names, within a year."""
    schedule = cron(expression)
    now = now.astimezone(datetime.UTC)
    day = now.date()
    for _ in range(366):
        if (day.month in schedule.month_of_year and day.day in schedule.day_of_month
                and day.isoweekday() % 7 in schedule.day_of_week):  # crontab: Sunday is 0
            for hour in sorted(schedule.hour, reverse=True):
                for minute in sorted(schedule.minute, reverse=True):
                    moment = datetime.datetime.combine(day, datetime.time(hour, minute),
                                                       tzinfo=datetime.UTC)
                    if moment <= now:
                        return moment
        day -= datetime.timedelta(days=1)
    return None


def _schedules_from_settings() -> None:
    """An entry whose schedule is a setting's name gets that setting's crontab.

    Settings cannot be read while this module is imported (settings.py imports the project
    package, which imports this app), so they are read once Celery configures the app.
    """
    from django.conf import settings

    for entry in BEAT_SCHEDULE.values():
        if isinstance(entry["schedule"], str):
            entry["schedule"] = cron(getattr(settings, entry["schedule"]))


HOUR = 60 * 60
DAY = 24 * HOUR

# Every scheduled job, each with why it exists. `expires` drops a run that waited in the queue
# past its usefulness (the next run does the same work), so a stopped worker is not flooded later.
BEAT_SCHEDULE: dict = {
    # Hourly so each person gets their check-in reminder on the right day in their own time zone.
    "check-in-reminders": {
        "task": "program.sweep_reminders", "schedule": crontab(minute=5),
        "args": ("check_ins",), "options": {"expires": HOUR - 60},
    },
    # Daily: a week-old unanswered request nudges the mentor; at two weeks it expires.
    "mentor-request-nudges": {
        "task": "program.sweep_reminders", "schedule": crontab(minute=15, hour=7),
        "args": ("requests",), "options": {"expires": 12 * HOUR},
    },
    # Daily: 90 days without a meeting flags a pair inactive; 90 without advocacy nudges a sponsor.
    "inactivity-and-advocacy-nudges": {
        "task": "program.sweep_reminders", "schedule": crontab(minute=25, hour=7),
        "args": ("drift",), "options": {"expires": 12 * HOUR},
    },
    # Hourly, like check-ins, so a sponsor hears of a commitment on the right day in their zone.
    "commitment-reminders": {
        "task": "program.sweep_reminders", "schedule": crontab(minute=35),
        "args": ("commitments",), "options": {"expires": HOUR - 60},
    },
    # Weekly (settings.OUTCOME_REPORT_CRON) so HR reads a fresh report and the dashboard opens fast.
    "weekly-outcome-report": {
        "task": "program.outcome_report_snapshot", "schedule": "OUTCOME_REPORT_CRON",
        "options": {"expires": DAY},
    },
    # Hourly: if the last weekly tick was missed (beat or worker down, the task failed), build
    # and send that week's report now. Reuses the snapshot when it exists, so usually a no-op.
    "weekly-outcome-report-catch-up": {
        "task": "program.outcome_report_catch_up", "schedule": crontab(minute=35),
        "options": {"expires": HOUR - 60},
    },
    # Every few minutes: send what the outbox holds that is due (retries after backoff, emails
    # whose "deliver now" task was lost with a worker or never queued because the broker was down).
    "outbox-catch-up": {
        "task": "program.deliver_outbox", "schedule": crontab(minute="*/5"),
        "options": {"expires": VISIBILITY_TIMEOUT + 5 * 60},
    },
    # Hourly: the daily digest email of each person whose own morning has come (accounts/digest.py).
    # Hourly rather than daily so it follows time zones; a day missed is its own catch-up (the
    # entries wait and go in the next digest), and a digest is sent once per person and day.
    "daily-digests": {
        "task": "program.send_digests", "schedule": crontab(minute=45),
        "options": {"expires": HOUR - 60},
    },
    # Every few minutes: run the large imports (accounts/import_jobs.py) whose task was never
    # queued because the broker was down, or whose worker died mid-way.
    "import-jobs-catch-up": {
        "task": "program.import_jobs_catch_up", "schedule": crontab(minute="*/5"),
        "options": {"expires": VISIBILITY_TIMEOUT + 5 * 60},
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE
