"""Slack direct messages through the outbox, against the fake Slack server of tests/fakeslack.py.

Bob (a mentor) chose Slack and Slack knows his address; Alice chose Slack but Slack does not know
hers; Eve never chose it. Hana (HR admin) watches delivery on the reminders page.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, OutboxMessage, Person
from accounts.notifications import notify
from program.delivery.outbox import backoff, outbox_deliver
from program.delivery.slack import NO_SLACK_USER, NOT_CONFIGURED, slack_escape
from tests.fakeslack import TOKEN, FakeSlack

from .notices import ARGS, notify_each

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_auto_delivery")]

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def slack(settings):
    """The fake Slack, with the app pointed at it; it knows Bob's address only."""
    with FakeSlack(users={"bob@example.com": "U0BOB"}) as fake:
        settings.SLACK_BOT_TOKEN = TOKEN
        settings.SLACK_API_URL = fake.url
        yield fake


@pytest.fixture
def chose_slack(alice, bob):
    for person in (alice, bob):
        person.notify_by_slack = True
        person.save()


def _slack_rows():
    return OutboxMessage.objects.filter(channel="slack").order_by("id")


def test_a_person_who_chose_slack_gets_a_plain_text_row_beside_the_email(
        slack, bob, eve, chose_slack):
    notification, _ = notify_each(bob, eve)
    assert Notification.objects.count() == 2
    email, row = OutboxMessage.objects.filter(recipient=bob).order_by("channel")
    assert (email.channel, row.channel) == ("email", "slack")
    assert row.notification == notification and row.address == "bob@example.com"
    assert row.html == "" and row.headers == {}
    assert row.text == (f"{notification.subject}\n\n{notification.body}\n\n"
                        "http://testserver/mentoring/")
    assert "<" not in row.text  # plain text, never HTML
    assert not OutboxMessage.objects.filter(recipient=eve, channel="slack").exists()


def test_slack_rows_go_in_the_same_bulk_insert_as_the_emails(
        slack, alice, bob, chose_slack, django_assert_num_queries):
    with django_assert_num_queries(2):  # the inbox entries, then every outbox row
        notify_each(alice, bob)
    assert sorted(OutboxMessage.objects.values_list("channel", "address")) == [
        ("email", "alice@example.com"), ("email", "bob@example.com"),
        ("slack", "alice@example.com"), ("slack", "bob@example.com")]


def test_without_a_bot_token_nobody_gets_a_slack_row_even_if_they_chose_it(
        settings, bob, chose_slack):
    settings.SLACK_BOT_TOKEN = ""
    notify(recipient=bob, context={"mentor_request": None, "mentor": bob, "mentee": bob}, **ARGS)
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["email"]


def test_a_slack_message_is_looked_up_opened_and_posted_once_and_the_member_is_remembered(
        slack, bob, chose_slack):
    notify_each(bob)
    assert outbox_deliver().as_dict() == {"sent": 2, "failed": 0, "pending": 0}
    assert slack.methods() == ["users.lookupByEmail", "conversations.open", "chat.postMessage"]
    assert {call.token for call in slack.calls} == {TOKEN}
    assert slack.calls[0].params == {"email": "bob@example.com"}
    assert slack.calls[1].params == {"users": "U0BOB"}
    row = _slack_rows().get()
    assert slack.posted == [("U0BOB", row.text)]
    assert slack.calls[2].params["mrkdwn"] is False
    assert "http://testserver/mentoring/" in slack.posted[0][1]
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]  # the email went as before

    # The next message needs no lookup: the member id is kept on Bob's record.
    bob.refresh_from_db()
    assert (bob.slack_user_id, bob.slack_user_email) == ("U0BOB", "bob@example.com")
    notify_each(bob)
    outbox_deliver()
    assert slack.methods()[3:] == ["conversations.open", "chat.postMessage"]
    assert len(slack.posted) == 2


def test_a_changed_address_is_looked_up_again(slack, bob, chose_slack):
    Person.objects.filter(pk=bob.pk).update(slack_user_id="U0OLD",
                                            slack_user_email="old-bob@example.com")
    notify_each(bob)
    outbox_deliver()
    assert slack.methods() == ["users.lookupByEmail", "conversations.open", "chat.postMessage"]
    assert slack.posted[0][0] == "U0BOB"


def test_rate_limited_by_slack_it_waits_for_retry_after_then_sends(slack, bob, chose_slack):
    slack.fail("chat.postMessage", status=429, retry_after=30)
    notify_each(bob)
    now = timezone.now()
    assert outbox_deliver(now=now).as_dict() == {"sent": 1, "failed": 0, "pending": 1}
    row = _slack_rows().get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == now + 30 * SECOND  # Slack's Retry-After, not our backoff
    assert "429" in row.last_error and "retry after 30 s" in row.last_error
    assert slack.posted == []

    assert outbox_deliver(now=now + 29 * SECOND).as_dict()["sent"] == 0  # not due yet
    assert outbox_deliver(now=now + 30 * SECOND).as_dict() == {"sent": 1, "failed": 0,
                                                               "pending": 0}
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert slack.posted == [("U0BOB", row.text)]


def test_rate_limited_the_rest_of_the_batch_waits_untried(slack, bob, chose_slack):
    slack.fail("chat.postMessage", status=429, retry_after=45)
    for _ in range(3):
        notify_each(bob)
    now = timezone.now()
    outbox_deliver(now=now)
    assert slack.methods().count("chat.postMessage") == 1  # Slack is left alone after a 429
    rows = list(_slack_rows())
    assert [r.attempts for r in rows] == [1, 0, 0]
    assert {r.next_attempt_at for r in rows} == {now + 45 * SECOND}
    assert OutboxMessage.objects.filter(channel="email", status="sent").count() == 3

    assert outbox_deliver(now=now + 45 * SECOND).as_dict()["sent"] == 3
    assert len(slack.posted) == 3


def test_a_slack_server_error_is_retried_with_the_backoff_and_the_message_goes_once(
        slack, bob, chose_slack):
    slack.fail("chat.postMessage", status=500)
    notify_each(bob)
    now = timezone.now()
    outbox_deliver(now=now)
    row = _slack_rows().get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == now + backoff(1)
    assert "HTTP 500" in row.last_error and "chat.postMessage" in row.last_error

    outbox_deliver(now=now + backoff(1))
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert slack.posted == [("U0BOB", row.text)]  # once
    outbox_deliver(now=now + 2 * backoff(1))
    assert len(slack.posted) == 1
    assert slack.methods().count("users.lookupByEmail") == 1  # the retry used the kept member


def test_an_address_slack_does_not_know_is_given_up_at_once_with_a_clear_error(
        slack, alice, bob, chose_slack, client, login, hana):
    notify_each(alice, bob)
    assert outbox_deliver().as_dict() == {"sent": 3, "failed": 1, "pending": 0}
    row = _slack_rows().get(recipient=alice)
    assert (row.status, row.attempts) == ("failed", 1)
    assert NO_SLACK_USER.format(address="alice@example.com") in row.last_error
    assert [call.method for call in slack.calls if call.params.get("email") ==
            "alice@example.com"] == ["users.lookupByEmail"]
    assert [member for member, _ in slack.posted] == ["U0BOB"]  # Bob's still went
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]

    # A later run does not try again.
    assert outbox_deliver(now=timezone.now() + datetime.timedelta(days=2)).sent == 0
    assert len(slack.calls) == 4

    # HR sees it on the delivery panel, as a Slack message, with the reason.
    login(hana)
    page = client.get(reverse("hr:reminder_log")).content.decode()
    assert "users_not_found" in page and "alice@example.com" in page
    assert '<span class="tag">Slack</span> <strong>Alice Employee</strong>' in page


def test_a_refused_token_is_retried_with_an_error_that_says_what_to_fix(
        slack, settings, bob, chose_slack):
    settings.SLACK_BOT_TOKEN = "xoxb-revoked"
    notify_each(bob)
    outbox_deliver()
    row = _slack_rows().get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "invalid_auth" in row.last_error and "SLACK_BOT_TOKEN" in row.last_error
    assert OutboxMessage.objects.get(channel="email").status == "sent"


def test_slack_unreachable_waits_and_never_holds_up_the_email(settings, bob, chose_slack):
    with FakeSlack() as gone:
        url = gone.url
    settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL = TOKEN, url  # nobody listens there
    notify_each(bob)
    assert outbox_deliver().as_dict() == {"sent": 1, "failed": 0, "pending": 1}
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    row = _slack_rows().get()
    assert row.status == "pending" and "could not be reached" in row.last_error


def test_rows_left_when_slack_is_switched_off_fail_with_the_reason(settings, bob, chose_slack):
    settings.SLACK_BOT_TOKEN = TOKEN
    notify_each(bob)
    settings.SLACK_BOT_TOKEN = ""
    assert outbox_deliver().as_dict() == {"sent": 1, "failed": 1, "pending": 0}
    assert NOT_CONFIGURED in _slack_rows().get().last_error


def test_what_slack_would_read_as_markup_is_escaped(slack, bob, chose_slack):
    assert slack_escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    notify_each(bob)
    OutboxMessage.objects.filter(channel="slack").update(text="Hi <!channel> & co")
    outbox_deliver()
    assert slack.posted == [("U0BOB", "Hi &lt;!channel&gt; &amp; co")]
