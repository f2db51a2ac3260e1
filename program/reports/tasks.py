"""Celery task for the weekly outcome report: thin, safe to run twice (the snapshot is reused and
the email is keyed in the reminder log)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from program.reports.mail import outcome_report_weekly


@shared_task(name="program.outcome_report_snapshot")
def outcome_report_snapshot(as_of: str | None = None) -> dict:
    """Store this week's outcome report and email HR admins a summary with a link."""
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    snapshot, delivered = outcome_report_weekly(as_of=day)
    return {"snapshot": snapshot.pk, "emailed": sum(len(d.recipients) for d in delivered)}
