"""Celery tasks for the outbox and the daily digest: thin, safe to run twice (every run claims
its rows; a digest is unique per person and day)."""

from __future__ import annotations

from celery import shared_task

from accounts.digest import digests_send
from accounts.notifications import delivery_starter_register
from program.core.celery import BEAT_SCHEDULE, TRANSIENT_ERRORS, task_enqueue
from program.delivery.outbox import outbox_deliver


@shared_task(name="program.deliver_outbox", autoretry_for=TRANSIENT_ERRORS, retry_backoff=5,
             retry_backoff_max=300, max_retries=5, soft_time_limit=4 * 60 + 30,
             time_limit=5 * 60)
def deliver_outbox(retry_now: bool = False) -> dict:
    """Send the emails that are due; return what this run sent and gave up, and what waits."""
    return outbox_deliver(retry_now=retry_now).as_dict()


@shared_task(name="program.send_digests", autoretry_for=TRANSIENT_ERRORS, retry_backoff=5,
             retry_backoff_max=300, max_retries=5)
def send_digests() -> dict:
    """Write the daily digest of everyone whose morning has come and who has entries waiting."""
    return digests_send().as_dict()


def deliver_outbox_soon() -> None:
    """Queue a delivery run now (notify() calls this after its transaction commits). If the
    broker is down the rows wait for the catch-up run; the web request goes on. It expires like
    the catch-up entry: a worker back after a long stop finds no pile of stale requests."""
    task_enqueue(deliver_outbox, expires=BEAT_SCHEDULE["outbox-catch-up"]["options"]["expires"])


delivery_starter_register(deliver_outbox_soon)
