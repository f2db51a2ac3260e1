"""Delivery under faults, with real Celery workers on Redis and PostgreSQL.

Each worker is a subprocess (so it can be killed with SIGKILL) listening on a queue of its own,
with the mail backend of backends.py: one file per delivered email, optionally slow, failing
while a BROKEN file exists. transaction=True: the workers' connections see committed rows.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from accounts import notifications
from accounts.models import OutboxMessage
from accounts.notifications import Notice, notify_many
from program.core.celery import BEAT_SCHEDULE, app, cron_previous
from program.delivery.outbox import CLAIM_TIMEOUT
from program.reports.models import ReportSnapshot
from program.reports.tasks import CATCH_UP_AFTER
from tests import factories

from .backends import DISK_FULL, delivered

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ROOT = Path(__file__).resolve().parents[3]
ARGS = {"kind": "mentor_request_expired", "template": "mentor-request-expired",
        "url": "/mentoring/"}


def _wait_for(condition, timeout=60.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(require_postgres, redis_url, tmp_path, monkeypatch):
    """worker(delay=0) -> a started worker subprocess on this test's queue; send(task) queues a
    task there as beat would. Workers still running at the end are stopped."""
    queue = f"i12-test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    database_url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}"
                    f":{db['PORT'] or 5432}/{db['NAME']}")
    for name in ("broker_write_url", "broker_read_url", "broker_url"):  # derived ones first
        monkeypatch.setattr(app.conf, name, redis_url)
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    # Rows written by the test wait for the workers this test starts.
    monkeypatch.setattr(notifications, "_delivery_starters", [])
    started = []

    def start(delay: float = 0.0) -> subprocess.Popen:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.program.delivery.worker_settings",
               "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "TEST_MAIL_DIR": str(mail_dir), "TEST_MAIL_DELAY": str(delay),
               "VAR_DIR": str(tmp_path / "var")}
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "program", "worker", "-P", "solo", "-Q", queue,
             "--without-mingle", "--without-gossip", "-l", "info"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        return process

    def send(entry: str, *args):
        task = BEAT_SCHEDULE[entry]
        app.send_task(task["task"], args=args or task.get("args", ()), queue=queue,
                      expires=task["options"]["expires"])

    start.send = send
    start.mail_dir = mail_dir
    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _emails_to(count: int) -> list[str]:
    people = [factories.PersonFactory(email=f"person{n:02}@example.com") for n in range(count)]
    notify_many([Notice(recipient=p, context={"mentor_request": None, "mentor": p, "mentee": p},
                        **ARGS) for p in people])
    return sorted(p.email for p in people)


def test_a_worker_killed_mid_delivery_loses_no_email_and_sends_none_twice(worker):
    addresses = _emails_to(12)
    doomed = worker(delay=0.5)
    worker.send("outbox-catch-up")
    # The fifth message is in the backend's hands, not yet accepted, when the worker dies.
    _wait_for(lambda: len(list(worker.mail_dir.glob("sending-*"))) >= 5, what="five sends")
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
    _wait_for(lambda: not OutboxMessage.objects.exclude(status="sent").exists(),
              what="every email sent")
    assert delivered(worker.mail_dir) == addresses  # each exactly once
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_mail_backend_that_fails_for_a_while_then_recovers_delivers_each_email_once(worker):
    addresses = _emails_to(6)
    (worker.mail_dir / "BROKEN").touch()
    worker(delay=0)
    for attempt in (1, 2):
        worker.send("outbox-catch-up")
        _wait_for(lambda a=attempt: OutboxMessage.objects.filter(attempts=a).count() == 6,
                  what=f"attempt {attempt}")
        assert delivered(worker.mail_dir) == []
        assert all(DISK_FULL in row.last_error and row.status == "pending"
                   for row in OutboxMessage.objects.all())
        # The backoff passes.
        OutboxMessage.objects.update(next_attempt_at=timezone.now())

    (worker.mail_dir / "BROKEN").unlink()
    worker.send("outbox-catch-up")
    _wait_for(lambda: not OutboxMessage.objects.exclude(status="sent").exists(),
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
    _wait_for(lambda: ReportSnapshot.objects.exists(), what="the report", timeout=120)
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.as_of == tick.date()
    _wait_for(lambda: OutboxMessage.objects.filter(address=hana.email).exists(),
              what="HR's email")
    assert "Outcome report as of" in OutboxMessage.objects.get(address=hana.email).subject

    worker.send("weekly-outcome-report-catch-up")  # the next hour: nothing new
    worker.send("outbox-catch-up")
    _wait_for(lambda: len(delivered(worker.mail_dir)) == 1, what="HR's email delivered")
    assert ReportSnapshot.objects.count() == 1
    assert delivered(worker.mail_dir) == [hana.email]
