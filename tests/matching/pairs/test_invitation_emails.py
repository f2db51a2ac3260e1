"""The meeting emails carry the invitation: an .ics attachment that calendar clients act on.

Alice (mentee) offers times; Bob (her mentor) accepts one, then either of them cancels. Each email
is read as delivered: the outbox row is sent by the delivery run, the message serialised as it
goes over the wire and parsed back.
"""

import datetime
import email
import email.policy
import re

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.models import OutboxMessage
from accounts.notifications import slack_message_build
from matching.pairs import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship(alice, bob):
    return factories.MentorshipFactory(mentor=bob, mentee=alice)


def soon(days=3, hour=9):
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _calendar_part(message) -> tuple[email.message.EmailMessage, bytes]:
    """The text/calendar part of a delivered email, as the receiving client parses it."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in parsed.walk()]
    return parts[0], parts[0].get_payload(decode=True)


def _accepted(mentorship, alice, bob, capture, **propose):
    with capture(execute=True):
        proposal = services.meeting_propose(relationship=mentorship, person=alice,
                                            options=[soon(2), soon(3)], **propose)
        services.meeting_accept(proposal=proposal, person=bob, starts_at=proposal.option_2)
    proposal.refresh_from_db()
    return proposal


def test_an_accepted_time_emails_the_proposer_an_invitation_with_both_attendees(
        mentorship, alice, bob, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://grow.example.com"
    alice.full_name = "Alice, \"the\" Employee; with a very long name that needs folding 12345"
    alice.save()
    proposal = _accepted(mentorship, alice, bob, django_capture_on_commit_callbacks,
                         note="Room 4; bring the plan, please")
    invitation = mail.outbox[-1]
    assert invitation.to == ["alice@example.com"] and "accepted" in invitation.subject.lower()
    part, raw = _calendar_part(invitation)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == f"meeting-{proposal.pk}.ics"
    assert part.get_content_disposition() == "attachment"
    # RFC 5545: CRLF line ends, folded at 75 octets, and it survives the trip through email.
    assert raw.endswith(b"\r\n") and not re.search(rb"[^\r]\n", raw)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    assert any(line.startswith(b" ") for line in raw.split(b"\r\n")), "the long name folds"
    calendar = Calendar.from_ical(raw)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{proposal.pk}@grow.example.com"
    assert event.decoded("DTSTART") == proposal.starts_at == proposal.option_2
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:alice@example.com", "mailto:bob@example.com"]
    assert str(event["ORGANIZER"]) == "mailto:alice@example.com"
    assert "Alice, \"the\" Employee; with a very long name" in str(
        next(a for a in event["ATTENDEE"] if "alice" in str(a)).params["CN"])
    # The text and HTML parts are still there, and the proposal email carried no invitation.
    assert invitation.body and invitation.alternatives[0].mimetype == "text/html"
    offered = next(m for m in mail.outbox if m.to == ["bob@example.com"])
    assert not offered.attachments


def test_a_cancelled_meeting_sends_a_cancel_with_the_same_uid_and_a_higher_sequence(
        mentorship, alice, bob, django_capture_on_commit_callbacks):
    proposal = _accepted(mentorship, alice, bob, django_capture_on_commit_callbacks)
    _part, raw = _calendar_part(mail.outbox[-1])
    request = Calendar.from_ical(raw).walk("VEVENT")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(proposal=proposal, person=alice, note="Sick")
    cancel_email = mail.outbox[-1]
    assert cancel_email.to == ["bob@example.com"]
    part, raw = _calendar_part(cancel_email)
    assert part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == request["UID"]
    assert event["SEQUENCE"] > request["SEQUENCE"]
    assert event.decoded("DTSTART") == request.decoded("DTSTART")


def test_the_attachment_is_written_with_the_outbox_row_and_only_for_email_at_once(
        mentorship, alice, bob, django_capture_on_commit_callbacks):
    """In the same transaction as the email's row; someone on the digest or inbox only gets
    the inbox entry (the pair's page links the .ics), never a stray attachment."""
    bob.notify_requests = "digest"
    bob.save()
    proposal = services.meeting_propose(relationship=mentorship, person=alice,
                                        options=[soon(2)])
    services.meeting_accept(proposal=proposal, person=bob, starts_at=proposal.option_1)
    row = OutboxMessage.objects.get(recipient=alice)
    [attachment] = row.attachments
    assert attachment["content_type"] == "text/calendar; method=REQUEST; charset=utf-8"
    assert attachment["content"].startswith("BEGIN:VCALENDAR\r\n")
    assert row.notification.kind == "meeting_accepted"
    services.meeting_cancel(proposal=proposal, person=alice)
    assert not OutboxMessage.objects.filter(recipient=bob).exists()
    assert bob.notifications.get(kind="meeting_cancelled").digest_due
    # Bob, on the digest, got no copy of his own acceptance: the page and his feed have it.
    assert not bob.notifications.filter(kind="meeting_confirmed").exists()


def test_the_one_who_accepts_or_cancels_gets_the_calendar_email_too(
        mentorship, alice, bob, settings, django_capture_on_commit_callbacks):
    """Both attendees' calendars hold the meeting: Bob, who accepted, gets the same invitation
    (same UID) by email, and Alice, who cancels, the cancellation. Their own copies are born read
    and are not repeated on Slack."""
    proposal = _accepted(mentorship, alice, bob, django_capture_on_commit_callbacks)
    to_alice = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    to_bob = next(m for m in mail.outbox if m.to == ["bob@example.com"] and m.attachments)
    assert "Alice Employee" in to_bob.subject and "accepted" not in to_bob.subject.lower()
    assert "You accepted Alice Employee's time" in to_bob.body
    sent, own = (Calendar.from_ical(_calendar_part(m)[1]) for m in (to_alice, to_bob))
    assert own["METHOD"] == "REQUEST"
    assert own.walk("VEVENT")[0]["UID"] == sent.walk("VEVENT")[0]["UID"]
    copy = bob.notifications.get(kind="meeting_confirmed")
    assert copy.read_at is not None
    settings.SLACK_BOT_TOKEN = "xoxb-test"
    bob.notify_by_slack = True
    bob.save()
    copy.refresh_from_db()
    assert slack_message_build(copy) is None
    assert slack_message_build(bob.notifications.get(kind="meeting_proposed")) is not None
    settings.SLACK_BOT_TOKEN = ""

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(proposal=proposal, person=alice, note="Sick")
    [own_cancel] = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    part, raw = _calendar_part(own_cancel)
    assert part.get_param("method") == "CANCEL"
    assert Calendar.from_ical(raw).walk("VEVENT")[0]["UID"] == sent.walk("VEVENT")[0]["UID"]
    assert "You cancelled your meeting with Bob Mentor" in own_cancel.body
    assert alice.notifications.get(kind="meeting_cancel_sent").read_at is not None
