"""notify() and notify_many(): the same inbox entry and email, one at a time or in one insert."""

import pytest
from django.core import mail

from accounts.models import Notification
from accounts.notifications import Notice, notification_build, notify, notify_many

pytestmark = pytest.mark.django_db

ARGS = {"kind": "mentor_request_expired", "template": "mentor-request-expired",
        "url": "/mentorship/"}


def _sent():
    """What each email says, up to its unsubscribe link (which carries a timestamp)."""
    return [(m.to, m.subject, m.body.split("/unsubscribe/")[0]) for m in mail.outbox]


def _context(person):
    return {"mentor_request": None, "mentor": person, "mentee": person}


def test_notify_many_writes_the_same_inbox_entries_and_emails_as_notify_one_by_one(
        alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        single = [notify(recipient=p, context=_context(p), **ARGS) for p in (alice, bob)]
    one_by_one = _sent()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        many = notify_many([Notice(recipient=p, context=_context(p), **ARGS)
                            for p in (alice, bob)])
    assert _sent() == one_by_one and len(one_by_one) == 2
    assert [(n.recipient_id, n.subject, n.url, n.emailed) for n in many] == [
        (n.recipient_id, n.subject, n.url, n.emailed) for n in single]
    assert Notification.objects.count() == 4


def test_notify_many_is_one_insert_per_table_and_mails_only_after_commit(
        alice, bob, django_assert_num_queries, django_capture_on_commit_callbacks):
    # One insert for the inbox entries, one for the outbox rows of their emails.
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(2):
        notify_many([Notice(recipient=p, context=_context(p), **ARGS) for p in (alice, bob)])
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]


def test_someone_who_turned_the_email_off_gets_the_inbox_entry_only(alice):
    alice.notify_requests = "inbox"
    notification, email = notification_build(recipient=alice, context=_context(alice), **ARGS)
    assert email is None and notification.emailed is False and notification.pk is None
    assert notification.url == "/mentorship/" and notification.subject
