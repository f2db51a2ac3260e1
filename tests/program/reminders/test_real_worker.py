"""A real Celery worker on Redis: a due check-in goes from the beat entry to an email on disk.

The worker runs in this process (celery.contrib.testing.worker.start_worker: a real consumer on
the Redis broker, not eager mode) on a queue of its own, so parallel runs never take each
other's messages. transaction=True: the worker's own database connection sees committed rows.
"""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from accounts.models import Notification, OutboxMessage
from program.core.celery import BEAT_SCHEDULE, app
from program.reminders.models import ReminderLog
from tests import factories

from .conftest import days

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def _written(folder) -> str:
    return "\n".join(path.read_text() for path in folder.iterdir())


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_due_check_in_reaches_an_email_on_disk_through_a_real_worker(worker_mail):
    tmp_path = worker_mail
    from django.utils import timezone

    today = timezone.localdate()
    mentorship = factories.MentorshipFactory(
        mentor=factories.PersonFactory(email="mentor.worker@example.com", timezone="UTC"),
        mentee=factories.PersonFactory(email="mentee.worker@example.com", timezone="UTC"),
        started_on=today - days(12), next_due_on=today + days(2))

    queue = f"h4-test-{uuid.uuid4().hex}"
    entry = BEAT_SCHEDULE["check-in-reminders"]
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                      shutdown_timeout=30):
        # What beat does when the entry is due: send the entry's task, by name, with its options.
        app.send_task(entry["task"], args=entry.get("args", ()), queue=queue,
                      expires=entry["options"]["expires"])
        assert _wait_for(lambda: OutboxMessage.objects.count() >= 2), "no email in the outbox"
        # The sweep asks for a delivery run on the default queue; here the outbox's catch-up
        # entry sends it, on the test's queue.
        delivery = BEAT_SCHEDULE["outbox-catch-up"]
        app.send_task(delivery["task"], queue=queue, expires=delivery["options"]["expires"])
        assert _wait_for(lambda: _written(tmp_path).count("To: ") >= 2), "no email on disk"

    written = _written(tmp_path)
    assert "To: mentor.worker@example.com" in written
    assert "To: mentee.worker@example.com" in written
    assert "due in 2 days" in written
    row = ReminderLog.objects.get(relationship_id=mentorship.pk)
    assert row.kind == "due_soon" and row.sent_at is not None
    assert Notification.objects.filter(kind="reminder_due_soon").count() == 2
