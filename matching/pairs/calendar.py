"""Calendar invitations for the pair's meetings, written with the `icalendar` library.

One UID per meeting (stable across updates), both people as attendees, the proposer as organizer,
SEQUENCE bumped by every change; METHOD:REQUEST for a meeting, METHOD:CANCEL once it is cancelled.
The library escapes text and folds lines at 75 octets as RFC 5545 requires.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from matching.pairs.models import MeetingProposal
from matching.relationships import services as relationships


def _address(person, role: str = "REQ-PARTICIPANT") -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.full_name)
    address.params["role"] = vText(role)
    return address


def meeting_uid(proposal: MeetingProposal) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"meeting-{proposal.pk}@{host}"


def meeting_calendar(proposal: MeetingProposal) -> bytes:
    relationship = proposal.relationship
    giver, receiver = relationships.participants(relationship)
    cancelled = proposal.status == MeetingProposal.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Grow Together//Mentorship and sponsorship program//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(proposal))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", proposal.starts_at)
    event.add("dtend", proposal.ends_at)
    event.add("sequence", proposal.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    kind = relationships.kind_name(relationship)
    event.add("summary", f"{kind.capitalize()}: {giver.full_name} and {receiver.full_name}")
    if proposal.note:
        event.add("location", proposal.note)
    event.add("url", settings.SITE_URL + relationships.relationship_url(relationship))
    event.add("organizer", _address(proposal.proposed_by, "CHAIR"))
    for person in (giver, receiver):
        event.add("attendee", _address(person), encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
