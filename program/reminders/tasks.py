"""Celery tasks: thin. Each takes plain values, calls one service, returns a small summary.

Every task is safe to run twice (the services claim their rows), which is what `acks_late` and
`task_reject_on_worker_lost` in program/core/celery.py rely on.
"""

from __future__ import annotations

import datetime

from celery import shared_task

from program.core.celery import TRANSIENT_ERRORS
from program.reminders.sweep import (
    CHECK_IN_KINDS,
    COMMITMENT_KINDS,
    DRIFT_KINDS,
    REQUEST_KINDS,
    SWEEP_KINDS,
    reminders_sweep,
)

KIND_GROUPS = {
    "check_ins": CHECK_IN_KINDS,
    "requests": REQUEST_KINDS,
    "drift": DRIFT_KINDS,
    "commitments": COMMITMENT_KINDS,
    "all": SWEEP_KINDS,
}


@shared_task(name="program.sweep_reminders", autoretry_for=TRANSIENT_ERRORS, retry_backoff=30,
             retry_backoff_max=600, max_retries=5)
def sweep_reminders(group: str = "all", as_of: str | None = None) -> dict:
    """Send what is due in one group of reminder kinds (see KIND_GROUPS)."""
    result = reminders_sweep(kinds=KIND_GROUPS[group],
                             as_of=datetime.date.fromisoformat(as_of) if as_of else None)
    return {"planned": result.planned, "sent": result.counts()}

