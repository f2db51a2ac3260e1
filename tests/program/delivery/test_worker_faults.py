"""Delivery under faults, with real Celery workers on Redis and PostgreSQL.

Each worker is a subprocess (so it can be killed with SIGKILL) listening on a queue of its own,
with the mail backend of backends.py: one file per delivered email, optionally slow, failing
while a BROKEN file exists. transaction=True: the workers' connections see committed rows.
"""

import signal
import time

import pytest
from django.conf import settings as django_settings
from django.db.models import F
from django.utils import timezone

from accounts.models import OutboxMessage
from program.core.celery import cron_previous
from program.delivery.outbox import CLAIM_TIMEOUT
from program.reports.models import ReportSnapshot
from program.reports.tasks import CATCH_UP_AFTER
from tests import factories

from .backends import DISK_FULL, delivered
from .notices import notify_each, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def _emails_to(count: int) -> list[str]:
    people = [factories.PersonFactory(email=f"person{n:02}@example.com") for n in range(count)]
    notify_each(*people)
    return sorted(p.email for p in people)


def test_a_worker_killed_mid_delivery_loses_no_email_and_sends_none_twice(worker):
    addresses = _emails_to(12)
    doomed = worker(delay=0.5)
    worker.send("outbox-catch-up")
    # The fifth message is in the backend's hands, not yet accepted, when the worker dies.
    wait_for(lambda: len(list(worker.mail_dir.glob("sending-*"))) >= 5, what="five sends")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)

    sent = OutboxMessage.objects.filter(status="sent")
    assert len(delivered(worker.mail_dir)) == sent.count() == 4
    held = OutboxMessage.objects.filter(status="pending", claimed_at__isnull=False)
    assert held.count() == 8  # the dead run's claim: nobody sends these until it expires

    # Time passes: the dead run's claim is now older than CLAIM_TIMEOUT.
    held.update(claimed_at=F("claimed_at") - CLAIM_TIMEOUT)
    worker(delay=0)
    worker.send("outbox-catch-up")
    wait_for(lambda: not OutboxMessage.objects.exclude(status="sent").exists(),
              what="every email sent")
    assert delivered(worker.mail_dir) == addresses  # each exactly once
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_mail_backend_that_fails_for_a_while_then_recovers_delivers_each_email_once(worker):
    addresses = _emails_to(6)
    (worker.mail_dir / "BROKEN").touch()
    worker(delay=0)
    for attempt in (1, 2):
        worker.send("outbox-catch-up")
        wait_for(lambda a=attempt: OutboxMessage.objects.filter(attempts=a).count() == 6,
                  what=f"attempt {attempt}")
        assert delivered(worker.mail_dir) == []
        assert all(DISK_FULL in row.last_error and row.status == "pending"
                   for row in OutboxMessage.objects.all())
        # The backoff passes.
        OutboxMessage.objects.update(next_attempt_at=timezone.now())

    (worker.mail_dir / "BROKEN").unlink()
    worker.send("outbox-catch-up")
    wait_for(lambda: not OutboxMessage.objects.exclude(status="sent").exists(),
              what="every email sent")
    worker.send("outbox-catch-up")  # a later run finds nothing to send again
    time.sleep(1)
    assert delivered(worker.mail_dir) == addresses
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {3}


def test_the_weekly_report_is_built_after_a_missed_tick(worker, hana):
    assert not ReportSnapshot.objects.exists()  # beat's Monday tick never ran
    tick = cron_previous(django_settings.OUTCOME_REPORT_CRON, timezone.now() - CATCH_UP_AFTER)
    worker(delay=0)
    worker.send("weekly-outcome-report-catch-up")
    wait_for(lambda: ReportSnapshot.objects.exists(), what="the report", timeout=120)
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.as_of == tick.date()
    wait_for(lambda: OutboxMessage.objects.filter(address=hana.email).exists(),
              what="HR's email")
    assert "Outcome report as of" in OutboxMessage.objects.get(address=hana.email).subject

    worker.send("weekly-outcome-report-catch-up")  # the next hour: nothing new
    worker.send("outbox-catch-up")
    wait_for(lambda: len(delivered(worker.mail_dir)) == 1, what="HR's email delivered")
    assert ReportSnapshot.objects.count() == 1
    assert delivered(worker.mail_dir) == [hana.email]
