"""Slack end to end: a web action, its outbox rows, a real Celery worker on Redis and PostgreSQL,
and the fake Slack server of tests/fakeslack.py.

Alice asks Bob to mentor her on the mentor's page. Bob chose Slack (Slack knows his address), so
he hears of it by email and by Slack direct message.
"""

import pytest
from django.urls import reverse

from accounts.models import OutboxMessage
from matching.mentorship.models import MentorRequest
from tests import factories
from tests.fakeslack import TOKEN, FakeSlack

from .backends import delivered
from .notices import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def test_a_mentor_request_reaches_the_mentor_by_slack_and_email_through_a_real_worker(
        worker, settings, monkeypatch, login, alice, bob):
    with FakeSlack(users={"bob@example.com": "U0BOB", "alice@example.com": "U0ALICE"}) as slack:
        # The web process writes the Slack row; the worker subprocess talks to the fake.
        settings.SLACK_BOT_TOKEN = TOKEN
        monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("SLACK_API_URL", slack.url)
        bob.notify_by_slack = True
        bob.save()
        speaking = factories.SkillFactory(name="Public speaking")

        response = login(alice).post(reverse("mentorship:request_create", args=[bob.pk]), {
            "goals": [speaking.pk], "message": "Could you help me speak at conferences?"})
        assert response.status_code == 302
        mentor_request = MentorRequest.objects.get(mentee=alice, mentor=bob)
        rows = OutboxMessage.objects.filter(recipient=bob)
        assert sorted(rows.values_list("channel", "status")) == [("email", "pending"),
                                                                 ("slack", "pending")]
        assert slack.calls == []  # nothing is sent from the web request

        worker()
        worker.send("outbox-catch-up")
        wait_for(lambda: not OutboxMessage.objects.filter(status="pending").exists(),
                 what="the email and the Slack message delivered")

        assert set(OutboxMessage.objects.values_list("channel", "status")) == {
            ("email", "sent"), ("slack", "sent")}
        assert delivered(worker.mail_dir) == ["bob@example.com"]  # the email, as before
        assert slack.methods() == ["users.lookupByEmail", "conversations.open",
                                   "chat.postMessage"]
        assert {call.token for call in slack.calls} == {TOKEN}
        assert slack.calls[0].params["email"] == "bob@example.com"
        [(member, text)] = slack.posted
        assert member == "U0BOB"
        link = "http://testserver" + reverse("mentorship:request_detail",
                                             args=[mentor_request.pk])
        notification = bob.notifications.get()
        assert text == f"{notification.subject}\n\n{notification.body}\n\n{link}"
        assert "Alice Employee" in text and "<" not in text
        bob.refresh_from_db()
        assert bob.slack_user_id == "U0BOB"
