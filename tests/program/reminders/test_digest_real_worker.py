"""A real Celery worker on Redis sends the daily digest and a meeting invitation to disk.

The worker runs in this process (celery.contrib.testing.worker.start_worker) on a queue of its
own; beat's entries are sent to it by name, as beat does. transaction=True: the worker's own
database connection sees committed rows. Alice chose the daily digest for requests; Bob keeps
email at once and accepts Alice's meeting time, so Alice's invitation arrives by email.
"""

import datetime
import email
import email.policy
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from icalendar import Calendar

from accounts import digest as digests
from accounts.models import Digest, OutboxMessage, Person
from accounts.notifications import notify
from matching.pairs import services
from program.core.celery import BEAT_SCHEDULE, app
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def _messages(folder) -> list[email.message.EmailMessage]:
    """Every email the file backend wrote (one file per connection, messages between rules)."""
    found = []
    for path in folder.iterdir():
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _send(entry_name: str, queue: str):
    entry = BEAT_SCHEDULE[entry_name]
    app.send_task(entry["task"], args=entry.get("args", ()), queue=queue,
                  expires=entry["options"]["expires"])


def test_the_digest_and_an_invitation_reach_disk_through_a_real_worker(worker_mail, monkeypatch):
    monkeypatch.setattr(digests, "DIGEST_HOUR", 0)  # whatever the hour, Alice's day has come
    alice = factories.PersonFactory(full_name="Alice Worker", email="alice.worker@example.com",
                                    notify_requests="digest")
    bob = factories.PersonFactory(full_name="Bob Worker", email="bob.worker@example.com")
    for name in ("Marcus Mentor", "Nadia Mentor"):
        notify(recipient=alice, kind="mentor_request_expired", template="mentor-request-expired",
               context={"mentor_request": None, "mentee": alice,
                        "mentor": factories.PersonFactory.build(full_name=name)})
    mentorship = factories.MentorshipFactory(mentor=bob, mentee=alice)
    Person.objects.filter(pk=alice.pk).update(notify_requests="email")
    alice.refresh_from_db()
    starts = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0,
                                                                   microsecond=0)
    proposal = services.meeting_propose(relationship=mentorship, person=alice, options=[starts])
    services.meeting_accept(proposal=proposal, person=bob, starts_at=starts)
    Person.objects.filter(pk=alice.pk).update(notify_requests="digest")

    queue = f"i15-test-{uuid.uuid4().hex}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue],
                      shutdown_timeout=30):
        _send("daily-digests", queue)
        assert _wait_for(lambda: Digest.objects.filter(outbox__isnull=False).exists())
        _send("daily-digests", queue)  # the next hour's run: nothing more today
        _send("outbox-catch-up", queue)
        assert _wait_for(lambda: not OutboxMessage.objects.filter(status="pending").exists())

    to_alice = [m for m in _messages(worker_mail) if m["To"] == "alice.worker@example.com"]
    digest = [m for m in to_alice if "daily digest" in m["Subject"]]
    assert len(digest) == 1 and Digest.objects.count() == 1
    text = digest[0].get_body(("plain",)).get_content()
    assert "Marcus Mentor" in text and "Nadia Mentor" in text
    [invitation] = [m for m in to_alice if "accepted" in m["Subject"].lower()]
    [part] = [p for p in invitation.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == starts
