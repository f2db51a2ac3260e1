"""Celery task for the weekly outcome report: thin, safe to run twice (the snapshot is reused and
the email is keyed in the reminder log)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from program.core.celery import TRANSIENT_ERRORS, cron_previous
from program.reports.mail import outcome_report_weekly

# The scheduled run may still be computing for this long after its tick; the catch-up leaves
# that tick alone until then, so the two never build the same week's report at once.
CATCH_UP_AFTER = datetime.timedelta(minutes=30)
RETRY = {"autoretry_for": TRANSIENT_ERRORS, "retry_backoff": 60, "retry_backoff_max": 900,
         "max_retries": 6}


@shared_task(name="program.outcome_report_snapshot", **RETRY)
def outcome_report_snapshot(as_of: str | None = None) -> dict:
    """Store this week's outcome report and email HR admins a summary with a link."""
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    snapshot, delivered = outcome_report_weekly(as_of=day)
    return {"snapshot": snapshot.pk, "emailed": sum(len(d.recipients) for d in delivered)}


@shared_task(name="program.outcome_report_catch_up", **RETRY)
def outcome_report_catch_up(now: str | None = None) -> dict:
    """Build and send the report of the last scheduled tick if that run never happened (the
    snapshot and the email are each made once, so this is a no-op when it did)."""
    moment = datetime.datetime.fromisoformat(now) if now else timezone.now()
    tick = cron_previous(settings.OUTCOME_REPORT_CRON, moment - CATCH_UP_AFTER)
    if tick is None:
        return {"snapshot": None, "emailed": 0}
    snapshot, delivered = outcome_report_weekly(as_of=tick.date())
    return {"snapshot": snapshot.pk, "as_of": tick.date().isoformat(),
            "emailed": sum(len(d.recipients) for d in delivered)}
