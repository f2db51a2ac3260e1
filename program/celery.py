"""The Celery app. Every beat entry lives in BEAT_SCHEDULE below, each with why it exists.

django-celery-beat does not support Django 6.1, so the schedule is code, and beat keeps its
last-run state in a file under var/.
"""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.settings")

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
app.autodiscover_tasks()


def _ensure_broker_folders() -> None:
    from django.conf import settings

    if str(settings.CELERY_BROKER_URL).startswith("filesystem"):
        for key in ("data_folder_in", "processed_folder"):
            Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _on_configure(sender, **kwargs):
    _ensure_broker_folders()


def cron(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                   month_of_year=month_of_year, day_of_week=day_of_week)


# Filled in by the worker issue; each entry: name -> {"task", "schedule", "options": {"expires"}}.
BEAT_SCHEDULE: dict = {}
app.conf.beat_schedule = BEAT_SCHEDULE
