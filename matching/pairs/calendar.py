"""Calendar invitations for the pair's meetings, written with the `icalendar` library.

One UID per meeting (stable across updates), both people as attendees, the proposer as organizer,
SEQUENCE bumped by every change; METHOD:REQUEST for a meeting, METHOD:CANCEL once it is cancelled.
The library escapes text and folds lines at 75 octets as RFC 5545 requires.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
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
    """The invitation for one meeting (METHOD:REQUEST, or CANCEL once cancelled)."""
    cancelled = proposal.status == MeetingProposal.Status.CANCELLED
    calendar = _calendar(_("Meeting"))
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_meeting_event(proposal))
    return calendar.to_ical()


def _meeting_event(proposal: MeetingProposal) -> Event:
    relationship = proposal.relationship
    giver, receiver = relationships.participants(relationship)
    cancelled = proposal.status == MeetingProposal.Status.CANCELLED
    event = Event()
    event.add("uid", meeting_uid(proposal))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", proposal.starts_at)
    event.add("dtend", proposal.ends_at)
    event.add("sequence", proposal.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    names = {"giver": giver.full_name, "receiver": receiver.full_name}
    event.add("summary", (_("Mentorship: %(giver)s and %(receiver)s")
                          if relationships.kind_name(relationship) == "mentorship"
                          else _("Sponsorship: %(giver)s and %(receiver)s")) % names)
    if proposal.note:
        event.add("location", proposal.note)
    event.add("url", settings.SITE_URL + relationships.relationship_url(relationship))
    event.add("organizer", _address(proposal.proposed_by, "CHAIR"))
    for person in (giver, receiver):
        event.add("attendee", _address(person), encode=0)
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Grow Together//Mentorship and sponsorship program//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def person_feed(person) -> bytes:
    """Everything ahead of the person as a subscribable calendar (METHOD-less, as feeds are):
    agreed meetings of their active relationships as timed events, and each relationship's next
    check-in due date as an all-day event. Three queries per kind of relationship, at most."""
    calendar = _calendar(_("Mentoring and sponsorship"))
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    now = timezone.now()
    for kind, model in relationships.relationship_models().items():
        active = (model.objects.filter(Q(**{model.GIVER: person}) | Q(**{model.RECEIVER: person}),
                                       status="active")
                  .select_related(model.GIVER, model.RECEIVER))
        by_pk = {r.pk: r for r in active}
        if not by_pk:
            continue
        meetings = (MeetingProposal.objects
                    .filter(**{f"{kind}__in": list(by_pk)}, status="accepted",
                            starts_at__gte=now - timedelta(days=1))
                    .select_related("proposed_by"))
        for proposal in meetings:
            proposal_relationship = by_pk[getattr(proposal, f"{kind}_id")]
            setattr(proposal, kind, proposal_relationship)
            calendar.add_component(_meeting_event(proposal))
        for relationship in by_pk.values():
            if relationship.next_due_on is None:
                continue
            giver, receiver = relationships.participants(relationship)
            other = receiver if giver.pk == person.pk else giver
            event = Event()
            event.add("uid", f"due-{kind}-{relationship.pk}@{host}")
            event.add("dtstamp", now)
            event.add("dtstart", relationship.next_due_on)
            event.add("dtend", relationship.next_due_on + timedelta(days=1))
            event.add("summary", (_("Mentorship check-in with %(name)s due")
                                  if kind == "mentorship"
                                  else _("Sponsorship check-in with %(name)s due"))
                      % {"name": other.full_name})
            event.add("url", settings.SITE_URL + relationships.relationship_url(relationship))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
