"""Commitment reminders through the real machinery: a real Celery worker on Redis runs the beat
entry and the sponsor's email lands on disk; two sweeps at once on PostgreSQL remind each sponsor
exactly once.

transaction=True: the worker and the concurrent sweeps use their own database connections, which
see only committed rows.
"""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from accounts.models import Notification, OutboxMessage
from program.core.celery import BEAT_SCHEDULE, app
from program.reminders.models import ReminderLog
from tests import factories

from .conftest import TODAY, days
from .test_exactly_once import _reminders_per_person, _two_sweeps_at_once
from .test_real_worker import _wait_for, _written

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

SPONSORS = 20


def _due_commitment(email: str, due_on):
    sponsorship = factories.SponsorshipFactory(
        sponsor=factories.PersonFactory(email=email, level=8, timezone="UTC"),
        started_on=TODAY - days(40), next_due_on=TODAY + days(20),
        last_advocacy_on=TODAY - days(3))
    return factories.CommitmentFactory(sponsorship=sponsorship, made_on=TODAY - days(30),
                                       due_on=due_on)


def test_two_sweeps_at_once_remind_each_sponsor_exactly_once(require_postgres):
    for n in range(SPONSORS):
        _due_commitment(f"sponsor{n}@example.com", TODAY + days(2) if n % 2 else TODAY - days(4))
    results = _two_sweeps_at_once(kinds=["commitment_due_soon", "commitment_overdue"])
    sent = [sum(r.counts()[k] for k in ("commitment_due_soon", "commitment_overdue"))
            for r in results]
    assert sum(sent) == SPONSORS
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == SPONSORS
    per_person = _reminders_per_person()
    assert len(per_person) == SPONSORS and set(per_person.values()) == {1}


def test_the_commitment_beat_entry_reaches_the_sponsors_inbox_through_a_real_worker(
        worker_mail):
    from django.utils import timezone

    commitment = _due_commitment("sponsor.worker@example.com",
                                 timezone.localdate() + days(2))
    queue = f"issue20-test-{uuid.uuid4().hex}"
    entry = BEAT_SCHEDULE["commitment-reminders"]
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                      shutdown_timeout=30):
        app.send_task(entry["task"], args=entry.get("args", ()), queue=queue,
                      expires=entry["options"]["expires"])
        # The sweep writes the email to the outbox and asks for delivery on the default queue;
        # here the outbox's catch-up entry, sent to this worker's queue, delivers it.
        assert _wait_for(OutboxMessage.objects.exists), "no email in the outbox"
        delivery = BEAT_SCHEDULE["outbox-catch-up"]
        app.send_task(delivery["task"], queue=queue, expires=delivery["options"]["expires"])
        assert _wait_for(lambda: "To: " in _written(worker_mail)), "no email on disk"

    written = _written(worker_mail)
    assert "To: sponsor.worker@example.com" in written
    assert "is due in 2 days" in written
    row = ReminderLog.objects.get(relationship_kind="commitment")
    assert (row.relationship_id, row.kind) == (commitment.pk, "commitment_due_soon")
    assert row.sent_at is not None
    assert Notification.objects.filter(kind="reminder_commitment_due_soon").count() == 1
