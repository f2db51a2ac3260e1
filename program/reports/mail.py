"""The weekly outcome report: store a snapshot and tell the HR admins, once per week.

The report itself is program/reports/outcome.py (the JSON contract). This module only schedules
it: the snapshot is reused when one for that date exists (a retried task computes nothing twice)
and the email goes through the reminder log, keyed (report, snapshot, as_of), so it is sent
exactly once.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts import wording
from program.reminders.messages import SKIP_GONE, SKIP_NO_HR, Clock, Composed, Message
from program.reminders.models import ReminderLog
from program.reminders.sweep import Delivered, reminder_kind_register, reminders_deliver_pending
from program.reports.models import ReportSnapshot
from program.reports.outcome import GROUP_LABELS, GROUPS, outcome_report_snapshot_create
from program.reports.page import outcome_summary

WEEKLY_WINDOW_MONTHS = 12


def _percent(value: float | None) -> str:
    return wording.percent(value)


def report_lines(data: dict) -> list[str]:
    """Headline promotion rates per group, e.g. 'Sponsorship only: promoted 31% (27–35%), n=210'.

    Suppressed groups say so rather than showing a number.
    """
    lines = []
    for group in GROUPS:
        entry = (data.get("groups") or {}).get(group)
        if entry is None:
            continue
        label = GROUP_LABELS.get(group, group)
        promotion = (entry.get("outcomes") or {}).get("promotion") or {}
        if entry.get("suppressed") or promotion.get("rate") is None:
            lines.append(f"{label}: too few people to show")
            continue
        low, high = promotion.get("ci95") or (None, None)
        lines.append(f"{label}: promoted {_percent(promotion['rate'])} "
                     f"({_percent(low)}–{_percent(high)}), n={promotion.get('n')}")
    return lines


def report_summary(data: dict) -> str:
    """The report page's plain-words summary, when the report has the full contract."""
    try:
        return " ".join(outcome_summary(data))
    except (KeyError, TypeError):
        return ""


def compose_outcome_report(row, snapshot, clock, hr_admins) -> Composed:
    """The weekly report: a few headline rates for each HR admin, and the link to the page."""
    if snapshot is None:
        return Composed(skipped_reason=SKIP_GONE)
    summary = f"Outcome report as of {snapshot.as_of:%d %b %Y}"
    if not hr_admins:
        return Composed(summary=summary, skipped_reason=SKIP_NO_HR)
    url = reverse("hr:report")
    context = {"snapshot": snapshot, "lines": report_lines(snapshot.data),
               "summary": report_summary(snapshot.data)}
    return Composed(summary=summary, messages=[
        Message(admin, "outcome-report", context, url)
        for admin in hr_admins])


reminder_kind_register(
    kind=ReminderLog.Kind.OUTCOME_REPORT, composer=compose_outcome_report,
    relationship_kind="report", load=lambda ids: ReportSnapshot.objects.filter(id__in=ids),
    to_hr_admins=True)


def outcome_report_weekly(
    *, as_of: datetime.date, window_months: int = WEEKLY_WINDOW_MONTHS,
    now: datetime.datetime | None = None,
) -> tuple[ReportSnapshot, list[Delivered]]:
    """Compute (or reuse) the snapshot for `as_of` and email it to HR admins exactly once."""
    snapshot = (ReportSnapshot.objects.filter(as_of=as_of, window_months=window_months)
                .order_by("-id").first()
                or outcome_report_snapshot_create(as_of=as_of, window_months=window_months))
    now = now or timezone.now()
    ReminderLog.objects.bulk_create([ReminderLog(
        relationship_kind="report", relationship_id=snapshot.pk, due_on=as_of,
        kind=ReminderLog.Kind.OUTCOME_REPORT, created_at=now)], ignore_conflicts=True)
    delivered = reminders_deliver_pending(clock=Clock(now=now),
                                          kinds=[ReminderLog.Kind.OUTCOME_REPORT])
    return snapshot, delivered
