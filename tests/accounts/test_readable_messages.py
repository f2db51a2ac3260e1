"""Messages people can read: a short plain inbox entry with one link, and emails in one branded
layout with the program's name (accounts/email_content.py, templates/emails/layout.*).

Bob receives Alice's mentor request; her message has an apostrophe and something that looks like
HTML. A stranger signs up and gets allauth's confirmation email.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import OutboxMessage
from accounts.notifications import notify
from tests import factories
from tests.accounts.test_signup import sign_up

pytestmark = pytest.mark.django_db

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"


@pytest.fixture
def speaking(db):
    return factories.SkillFactory(name="Public speaking")


@pytest.fixture
def request_notice(alice, bob, speaking, django_capture_on_commit_callbacks):
    mentor_request = factories.MentorRequestFactory(
        mentee=alice, mentor=bob, message="I'd like help with my manager's <b>big</b> review.")
    with django_capture_on_commit_callbacks(execute=True):
        return notify(recipient=bob, kind="mentor_request_received",
                      template="mentor-request-received",
                      context={"mentee": alice, "mentor_request": mentor_request,
                               "goals": [speaking]},
                      url=f"/mentoring/requests/{mentor_request.pk}/")


def test_the_inbox_entry_is_the_message_alone_in_plain_text(request_notice):
    body = request_notice.body
    assert "asks you to mentor them." in body and "Goals: Public speaking" in body
    assert "I'd like help with my manager's <b>big</b> review." in body
    assert "&#x27;" not in body and "&lt;" not in body
    assert "http" not in body and "Stop these emails" not in body and "Hello" not in body
    assert body.endswith("(unanswered requests expire after two weeks).")


def test_the_inbox_page_shows_the_text_once_escaped_and_one_link(login, bob, request_notice):
    page = login(bob).get("/me/inbox/").content.decode()
    start = page.index('<ul class="inbox">')
    entry = page[start:page.index("</ul>", start)]
    assert "I&#x27;d like help with my manager&#x27;s &lt;b&gt;big&lt;/b&gt; review." in entry
    assert "&amp;" not in entry  # nothing escaped twice
    assert re.findall(r'href="([^"]+)"', entry) == [f"/me/inbox/{request_notice.pk}/"]
    assert "just now" in entry and "0 minutes" not in entry


def test_the_email_has_one_greeting_the_program_name_and_both_parts(request_notice):
    (email,) = mail.outbox
    assert email.subject.startswith(f"[{settings.PROGRAM_NAME}] ")
    assert email.body.startswith("Hello Bob Mentor,\n\n")
    assert email.body.count("Hello") == 1
    assert "I'd like help with my manager's <b>big</b> review." in email.body
    assert settings.PROGRAM_NAME in email.body and "Stop these emails: " in email.body
    html, mime = email.alternatives[0]
    assert mime == "text/html" and html.count("Hello Bob Mentor,") == 1
    assert f">{settings.PROGRAM_NAME}</a>" in html
    assert "manager&#x27;s &lt;b&gt;big&lt;/b&gt;" in html
    assert "/unsubscribe/" in html


def test_the_program_name_comes_from_the_setting(settings, alice, bob, speaking,
                                                 django_capture_on_commit_callbacks):
    settings.PROGRAM_NAME = "Rise Up"
    mentor_request = factories.MentorRequestFactory(mentee=alice, mentor=bob)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=bob, kind="mentor_request_received",
                      template="mentor-request-received",
               context={"mentee": alice, "mentor_request": mentor_request, "goals": []})
    (email,) = mail.outbox
    assert "Rise Up" in email.body and "Rise Up" in email.alternatives[0][0]


def test_allauths_emails_name_the_program_never_the_host(client, mailoutbox):
    sign_up(client, "new.person@example.com")
    (email,) = mailoutbox
    assert settings.PROGRAM_NAME in email.subject and settings.PROGRAM_NAME in email.body
    for host in ("testserver", "127.0.0.1", "localhost"):
        assert f"from {host}" not in email.body and f"on {host}" not in email.body
    html, mime = email.alternatives[0]
    assert mime == "text/html" and settings.PROGRAM_NAME in html
    assert "/accounts/confirm-email/" in html


@pytest.mark.parametrize("path", sorted(EMAILS.glob("*-body.*")), ids=lambda p: p.name)
def test_a_message_template_leaves_greeting_and_footer_to_the_layout(path):
    text = path.read_text()
    assert "Hello" not in text and "unsubscribe_url" not in text, (
        f"{path.name}: the greeting and the unsubscribe footer belong to emails/layout.*")


@pytest.mark.parametrize(("template", "context"), [
    ("pair-message", {"excerpt": "See you Tuesday", "kind": "mentorship"}),
    ("meeting-accepted", {"zone": "UTC", "ics_url": "/pairs/meetings/1/meeting.ics"}),
    ("meeting-cancelled", {"zone": "UTC", "ics_url": "/pairs/meetings/1/meeting.ics"}),
    ("meeting-declined", {"note": ""}),
    ("meeting-proposed", {"times": [], "zone": "UTC", "note": ""}),
])
def test_a_meeting_or_message_inbox_entry_has_no_link_of_its_own(alice, bob, template, context):
    """The inbox (and the daily digest, which lists the entry's one link after it) shows the
    message alone; the email keeps every link."""
    note = notify(recipient=bob, kind=template.replace("-", "_"), template=template,
                  context={**context, "author": alice, "other": alice, "proposer": alice},
                  url="/pairs/mentorship/1/")
    assert "http" not in note.body, note.body
    text = OutboxMessage.objects.get(notification=note).text
    assert "\nhttp://testserver/pairs/mentorship/1/\n" in text, text
