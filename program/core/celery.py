"""The Celery app. Every beat entry lives in BEAT_SCHEDULE below, each with why it exists.

django-celery-beat does not support Django 6.1, so the schedule is code, and beat keeps its
last-run state in a file under var/.
"""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.core.settings")

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
# Tasks live with their domain: program/reminders/tasks.py, program/reports/tasks.py.
app.autodiscover_tasks(["program.reminders", "program.reports"])


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
}
app.conf.beat_schedule = BEAT_SCHEDULE
