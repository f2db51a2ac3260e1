"""The daily digest: one branded email per person and day, listing what they chose to get that way.

Alice (London) and Bob (Tokyo) chose "daily digest" for requests; Eve keeps email at once.
"""

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from accounts.digest import DIGEST_HOUR, digest_send, digests_send
from accounts.models import Digest, Notification, OutboxMessage, Person
from accounts.notifications import notify
from program.delivery.outbox import outbox_deliver
from tests import factories
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db

# 08:00 in London (winter, UTC+0) is 17:00 in Tokyo: both past the digest hour.
MORNING = datetime.datetime(2026, 1, 14, DIGEST_HOUR + 1, 0, tzinfo=datetime.UTC)
EXPIRED = {"kind": "mentor_request_expired", "template": "mentor-request-expired"}


def _tell(person, mentor_name: str, url: str = "/mentoring/"):
    mentor = factories.PersonFactory.build(full_name=mentor_name)
    return notify(recipient=person, context={"mentor_request": None, "mentor": mentor,
                                             "mentee": person}, url=url, **EXPIRED)


@pytest.fixture
def digest_people(alice, bob, eve):
    Person.objects.filter(pk__in=[alice.pk, bob.pk]).update(notify_requests="digest")
    Person.objects.filter(pk=bob.pk).update(timezone="Asia/Tokyo")
    for person in (alice, bob, eve):
        person.refresh_from_db()
    return alice, bob, eve


def _deliver(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return digests_send(**kwargs)


def test_the_digest_lists_the_days_notifications_in_one_branded_email(
        digest_people, django_capture_on_commit_callbacks):
    alice, _bob, _eve = digest_people
    with django_capture_on_commit_callbacks(execute=True):
        _tell(alice, "Marcus Mentor", "/mentoring/requests/7/")
        _tell(alice, "Nadia Mentor")
    assert mail.outbox == [], "a digest choice sends nothing at once"
    run = _deliver(django_capture_on_commit_callbacks, now=MORNING)
    assert run.sent == 1
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert email.subject == "[Grow Together] Your daily digest: 2 notifications"
    assert email.body.startswith("Hello Alice Employee,")
    assert "Your request to Marcus Mentor expired" in email.body
    assert "Your request to Nadia Mentor expired" in email.body
    assert "http://testserver/mentoring/requests/7/" in email.body
    assert "http://testserver/me/profile/" in email.body  # where to change it
    html = email.alternatives[0].content
    assert "Grow Together" in html and "Marcus Mentor" in html
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in email.body
    digest = Digest.objects.get(recipient=alice)
    assert (digest.day, digest.items) == (MORNING.date(), 2)
    assert set(Notification.objects.values_list("digest_due", "digest")) == {(False, digest.pk)}


def test_a_second_run_the_same_day_sends_nothing_and_later_news_waits_for_tomorrow(
        digest_people, django_capture_on_commit_callbacks):
    alice, _bob, _eve = digest_people
    _tell(alice, "Marcus Mentor")
    _deliver(django_capture_on_commit_callbacks, now=MORNING)
    _tell(alice, "Nadia Mentor")
    again = _deliver(django_capture_on_commit_callbacks, now=MORNING + datetime.timedelta(hours=3))
    assert again.sent == 0 and len(mail.outbox) == 1
    tomorrow = _deliver(django_capture_on_commit_callbacks,
                        now=MORNING + datetime.timedelta(days=1))
    assert tomorrow.sent == 1 and len(mail.outbox) == 2
    assert "Nadia Mentor" in mail.outbox[1].body and "Marcus Mentor" not in mail.outbox[1].body
    assert mail.outbox[1].subject.endswith("Your daily digest: 1 notification")


def test_nothing_goes_before_the_digest_hour_of_the_persons_own_day(
        digest_people, django_capture_on_commit_callbacks):
    alice, bob, _eve = digest_people
    _tell(alice, "Marcus Mentor")
    _tell(bob, "Marcus Mentor")
    # Three hours before the digest hour in London is the afternoon in Tokyo.
    early = datetime.datetime(2026, 1, 13, DIGEST_HOUR - 3, 0, tzinfo=datetime.UTC)
    run = _deliver(django_capture_on_commit_callbacks, now=early)
    assert (run.sent, run.waiting) == (1, 1)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert Digest.objects.get(recipient=bob).day == datetime.date(2026, 1, 13)


def test_a_missed_day_is_caught_up_in_the_next_digest(
        digest_people, django_capture_on_commit_callbacks):
    """The worker was down for two days: the next run sends everything in one email."""
    alice, _bob, _eve = digest_people
    for days_ago, name in ((3, "Marcus Mentor"), (2, "Nadia Mentor")):
        notification = _tell(alice, name)
        Notification.objects.filter(pk=notification.pk).update(
            created_at=MORNING - datetime.timedelta(days=days_ago))
    run = _deliver(django_capture_on_commit_callbacks, now=MORNING)
    assert run.sent == 1 and len(mail.outbox) == 1
    assert "Marcus Mentor" in mail.outbox[0].body and "Nadia Mentor" in mail.outbox[0].body


def test_what_was_read_in_the_inbox_first_is_left_out(
        digest_people, django_capture_on_commit_callbacks):
    alice, _bob, _eve = digest_people
    read = _tell(alice, "Marcus Mentor")
    Notification.objects.filter(pk=read.pk).update(read_at=MORNING)
    run = _deliver(django_capture_on_commit_callbacks, now=MORNING)
    assert run.sent == 0 and mail.outbox == []
    assert not Notification.objects.filter(digest_due=True).exists()
    _tell(alice, "Nadia Mentor")
    _deliver(django_capture_on_commit_callbacks, now=MORNING)
    assert "Nadia Mentor" in mail.outbox[0].body and "Marcus Mentor" not in mail.outbox[0].body


def test_people_on_email_or_inbox_only_get_no_digest(
        digest_people, django_capture_on_commit_callbacks):
    _alice, _bob, eve = digest_people
    with django_capture_on_commit_callbacks(execute=True):
        _tell(eve, "Marcus Mentor")
    assert len(mail.outbox) == 1  # at once
    assert _deliver(django_capture_on_commit_callbacks, now=MORNING).sent == 0
    assert len(mail.outbox) == 1 and not Digest.objects.exists()


@override_settings(LANGUAGE_CODE="en")
def test_the_digest_is_in_the_persons_language(digest_people, django_capture_on_commit_callbacks):
    alice, _bob, _eve = digest_people
    Person.objects.filter(pk=alice.pk).update(preferred_language="fr")
    alice.refresh_from_db()
    notification = _tell(alice, "Marcus Mentor")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=datetime.datetime(2026, 1, 13, 9, 30, tzinfo=datetime.UTC))
    _deliver(django_capture_on_commit_callbacks, now=MORNING)
    assert "(13 janvier, 09:30)" in mail.outbox[0].body  # London is UTC in January


def test_the_digest_goes_through_the_outbox(digest_people, django_capture_on_commit_callbacks):
    """A digest is an outbox row like every email: delivered (and retried) by the worker."""
    alice, _bob, _eve = digest_people
    _tell(alice, "Marcus Mentor")
    digest = digest_send(person=alice, day=MORNING.date(), now=MORNING)
    row = OutboxMessage.objects.get()
    assert digest.outbox == row and row.status == "pending" and mail.outbox == []
    assert outbox_deliver().sent == 1
    assert mail.outbox[0].subject == row.subject


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_two_digest_runs_at_once_send_each_person_exactly_one_digest(require_postgres):
    people = [factories.PersonFactory(notify_requests="digest", timezone="UTC")
              for _ in range(12)]
    for person in people:
        for name in ("Marcus Mentor", "Nadia Mentor"):
            _tell(person, name)
    runs = []
    at_once(lambda now: runs.append(digests_send(now=now)), [MORNING, MORNING, MORNING])
    assert sum(run.sent for run in runs) == len(people)
    assert Digest.objects.count() == len(people)
    per_person = sorted(OutboxMessage.objects.values_list("recipient_id", flat=True))
    assert per_person == sorted(p.pk for p in people)
    assert set(Digest.objects.values_list("items", flat=True)) == {2}
    assert not Notification.objects.filter(digest_due=True).exists()
