"""The pair's own channel: messages and meeting times, for either kind of relationship.

Every function checks that the person is one of the two (HR and everyone else are refused), and
writes under a lock on the relationship so concurrent posts and answers queue behind each other.
People are told through accounts.notifications (inbox and, by their preference, email).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Person
from accounts.notifications import Attachment, notify
from accounts.preferences import Delivery, delivery_for
from accounts.timezones import zone_for
from matching.pairs.calendar import meeting_calendar
from matching.pairs.models import (
    DURATION_MINUTES,
    MAX_OPTIONS,
    MESSAGE_MAX_LENGTH,
    ClosingReflection,
    MeetingProposal,
    Message,
    ThreadRead,
)
from matching.relationships import services as relationships
from matching.relationships.models import RelationshipStatus

MESSAGE_EMPTY = _("Write a message first.")
MESSAGE_TOO_LONG = format_lazy(_("Keep a message under {limit} characters."),
                               limit=f"{MESSAGE_MAX_LENGTH:,}")
THREAD_CLOSED = _("This relationship has closed: its messages stay readable but no new ones.")
NOT_OPEN = _("This relationship is not active: meeting times can be proposed once it is.")
OPTIONS_REQUIRED = _("Offer at least one time.")
OPTIONS_TOO_MANY = format_lazy(_("Offer at most {count} times."), count=MAX_OPTIONS)
OPTION_IN_PAST = _("{when} has already passed: offer a time in the future.")
OPTION_TOO_FAR = _("{when} is more than a year away.")
OPTIONS_REPEATED = _("The same time is offered twice.")
DURATION_OUT_OF_RANGE = "A meeting lasts {} to {} minutes.".format(*DURATION_MINUTES)
PROPOSAL_NOT_OPEN = _("These times have already been answered.")
PROPOSAL_OWN = _("You offered these times: the other person answers them.")
CHOICE_INVALID = _("Choose one of the offered times.")
CHOICE_PASSED = _("That time has passed: offer new times instead.")
NOT_ACCEPTED = _("Only an accepted meeting can be cancelled.")
MEETING_PASSED = _("This meeting has already taken place.")

# The sides whose thread a person can open: active, or closed (read-only).
VISIBLE_STATUSES = (RelationshipStatus.ACTIVE, RelationshipStatus.COMPLETED,
                    RelationshipStatus.ENDED_EARLY)


def relationship_for(person: Person, kind: str, pk: int):
    """The person's own relationship of that kind, or None: the one scoped query every pair
    page goes through (someone else's id, HR included, finds nothing)."""
    model = relationships.relationship_model(kind)
    if model is None:
        return None
    return (model.objects.filter(Q(**{model.GIVER: person}) | Q(**{model.RECEIVER: person}),
                                 status__in=VISIBLE_STATUSES, pk=pk)
            .select_related(model.GIVER, model.RECEIVER).first())


def other_side(relationship, person: Person) -> Person:
    giver, receiver = relationships.participants(relationship)
    return receiver if giver.pk == person.pk else giver


def _link(relationship) -> dict:
    return {relationships.kind_name(relationship): relationship}


def thread_url(relationship) -> str:
    return reverse("pairs:thread", args=[relationships.kind_name(relationship), relationship.pk])


def _require_side(relationship, person: Person) -> None:
    if person.pk not in (p.pk for p in relationships.participants(relationship)):
        raise ValidationError(relationships.NOT_A_PARTICIPANT)


def _locked(relationship):
    return type(relationship).objects.select_for_update().get(pk=relationship.pk)


# Messages.


def messages_for(relationship):
    return Message.objects.filter(**_link(relationship)).select_related("author")


def read_mark(relationship, person: Person) -> datetime.datetime | None:
    mark = ThreadRead.objects.filter(person=person, **_link(relationship)).first()
    return mark.read_at if mark else None


def thread_mark_read(relationship, person: Person, *, at: datetime.datetime | None = None):
    ThreadRead.objects.update_or_create(person=person, **_link(relationship),
                                        defaults={"read_at": at or timezone.now()})


def unread_count(relationship, person: Person) -> int:
    """The other's messages after the person's read mark (all of them without one): one query."""
    mark = ThreadRead.objects.filter(person=person, **_link(relationship)).values("read_at")
    return (messages_for(relationship).exclude(author=person)
            .filter(Q(created_at__gt=Subquery(mark[:1])) | ~Exists(mark)).count())


@transaction.atomic
def message_post(*, relationship, author: Person, body: str) -> Message:
    """Post to the pair's thread. The other person is told once per burst: only when this is the
    first message they have not read yet, so ten quick messages make one notification."""
    _require_side(relationship, author)
    relationship = _locked(relationship)
    if not relationship.is_active:
        raise ValidationError(THREAD_CLOSED)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": MESSAGE_EMPTY})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"body": MESSAGE_TOO_LONG})
    other = other_side(relationship, author)
    already_waiting = unread_count(relationship, other) > 0
    message = Message.objects.create(author=author, body=body, **_link(relationship))
    thread_mark_read(relationship, author, at=message.created_at)
    if not already_waiting:
        notify(recipient=other, kind="pair_message", template="pair-message",
               context={"author": author, "excerpt": body[:300],
                        "kind": relationships.kind_name(relationship)},
               url=thread_url(relationship))
    return message


# Meeting times.


def local(moment: datetime.datetime | None, person: Person) -> datetime.datetime | None:
    """`moment` in the person's own time zone (UTC if theirs is unknown)."""
    if moment is None:
        return None
    return moment.astimezone(zone_for(person.timezone) or datetime.UTC)


def proposals_for(relationship):
    return MeetingProposal.objects.filter(**_link(relationship)).select_related(
        "proposed_by", "answered_by")


def _validate_options(options: list[datetime.datetime], duration_minutes: int) -> list:
    options = [o for o in options if o is not None]
    if not options:
        raise ValidationError({"option_1": OPTIONS_REQUIRED})
    if len(options) > MAX_OPTIONS:
        raise ValidationError(OPTIONS_TOO_MANY)
    now = timezone.now()
    for index, option in enumerate(options, start=1):
        when = f"{option:%d %b %Y %H:%M}"
        if option <= now:
            raise ValidationError({f"option_{index}": OPTION_IN_PAST.format(when=when)})
        if option > now + datetime.timedelta(days=366):
            raise ValidationError({f"option_{index}": OPTION_TOO_FAR.format(when=when)})
    if len(set(options)) != len(options):
        raise ValidationError(OPTIONS_REPEATED)
    if not DURATION_MINUTES[0] <= duration_minutes <= DURATION_MINUTES[1]:
        raise ValidationError({"duration_minutes": DURATION_OUT_OF_RANGE})
    return sorted(options)


@transaction.atomic
def meeting_propose(*, relationship, person: Person, options: list[datetime.datetime],
                    duration_minutes: int = 45, note: str = "") -> MeetingProposal:
    """Offer one to three times. An open proposal of the pair (either side's) is replaced: this
    is also how one side "suggests other times" instead of accepting."""
    _require_side(relationship, person)
    relationship = _locked(relationship)
    if not relationship.is_active:
        raise ValidationError(NOT_OPEN)
    ordered = _validate_options(list(options), duration_minutes)
    proposals_for(relationship).filter(status=MeetingProposal.Status.OPEN).update(
        status=MeetingProposal.Status.REPLACED, answered_by=person, answered_at=timezone.now())
    padded = ordered + [None] * (MAX_OPTIONS - len(ordered))
    proposal = MeetingProposal.objects.create(
        proposed_by=person, option_1=padded[0], option_2=padded[1], option_3=padded[2],
        duration_minutes=duration_minutes, note=note.strip()[:500], **_link(relationship))
    other = other_side(relationship, person)
    notify(recipient=other, kind="meeting_proposed", template="meeting-proposed",
           context={"proposer": person, "times": [local(o, other) for o in ordered],
                    "zone": other.timezone, "note": proposal.note},
           url=thread_url(relationship))
    return proposal


def _proposal_locked(proposal: MeetingProposal, person: Person):
    relationship = proposal.relationship
    _require_side(relationship, person)
    _locked(relationship)
    return MeetingProposal.objects.select_for_update().get(pk=proposal.pk), relationship


@transaction.atomic
def meeting_accept(*, proposal: MeetingProposal, person: Person,
                   starts_at: datetime.datetime) -> MeetingProposal:
    """The other side picks one offered time: it becomes the pair's next meeting, and the next
    check-in falls due that day (so reminders follow the meeting, not the cadence)."""
    proposal, relationship = _proposal_locked(proposal, person)
    if proposal.status != MeetingProposal.Status.OPEN:
        raise ValidationError(PROPOSAL_NOT_OPEN)
    if proposal.proposed_by_id == person.pk:
        raise ValidationError(PROPOSAL_OWN)
    if starts_at not in proposal.options:
        raise ValidationError(CHOICE_INVALID)
    if starts_at <= timezone.now():
        raise ValidationError(CHOICE_PASSED)
    proposal.status = MeetingProposal.Status.ACCEPTED
    proposal.starts_at = starts_at
    proposal.answered_by = person
    proposal.answered_at = timezone.now()
    proposal.save()
    relationship.next_due_on = timezone.localdate(starts_at)
    relationship.save(update_fields=["next_due_on"])
    _calendar_copy(proposal=proposal, person=person, kind="meeting_confirmed",
                   template="meeting-confirmed")
    proposer = proposal.proposed_by
    notify(recipient=proposer, kind="meeting_accepted", template="meeting-accepted",
           context={"other": person, "starts_at": local(starts_at, proposer),
                    "zone": proposer.timezone,
                    "ics_url": reverse("pairs:meeting_ics", args=[proposal.pk])},
           url=thread_url(relationship), attachments=[invitation(proposal)])
    return proposal


@transaction.atomic
def meeting_decline(*, proposal: MeetingProposal, person: Person, note: str = ""):
    proposal, relationship = _proposal_locked(proposal, person)
    if proposal.status != MeetingProposal.Status.OPEN:
        raise ValidationError(PROPOSAL_NOT_OPEN)
    if proposal.proposed_by_id == person.pk:
        raise ValidationError(PROPOSAL_OWN)
    proposal.status = MeetingProposal.Status.DECLINED
    proposal.answered_by, proposal.answered_at = person, timezone.now()
    proposal.answer_note = note.strip()[:500]
    proposal.save()
    notify(recipient=proposal.proposed_by, kind="meeting_declined", template="meeting-declined",
           context={"other": person, "note": proposal.answer_note},
           url=thread_url(relationship))
    return proposal


@transaction.atomic
def meeting_cancel(*, proposal: MeetingProposal, person: Person, note: str = ""):
    """Either side cancels an accepted meeting that has not started; the next check-in falls
    back to the cadence and calendars receive a cancellation."""
    proposal, relationship = _proposal_locked(proposal, person)
    if proposal.status != MeetingProposal.Status.ACCEPTED:
        raise ValidationError(NOT_ACCEPTED)
    if proposal.starts_at <= timezone.now():
        raise ValidationError(MEETING_PASSED)
    proposal.status = MeetingProposal.Status.CANCELLED
    proposal.sequence += 1
    proposal.answer_note = note.strip()[:500]
    proposal.save()
    relationship.next_check_in_schedule()
    relationship.save(update_fields=["next_due_on"])
    _calendar_copy(proposal=proposal, person=person, kind="meeting_cancel_sent",
                   template="meeting-cancel-sent")
    other = other_side(relationship, person)
    notify(recipient=other, kind="meeting_cancelled", template="meeting-cancelled",
           context={"other": person, "starts_at": local(proposal.starts_at, other),
                    "zone": other.timezone, "note": proposal.answer_note,
                    "ics_url": reverse("pairs:meeting_ics", args=[proposal.pk])},
           url=thread_url(relationship), attachments=[invitation(proposal)])
    return proposal


def _calendar_copy(*, proposal: MeetingProposal, person: Person, kind: str, template: str):
    """The one who accepted (or cancelled) a meeting gets the invitation (or its cancellation)
    for their own calendar too, when they take requests by email at once: their inbox entry is
    born read and not repeated on Slack. Otherwise nothing: the pair's page links the .ics and
    their calendar feed lists the meeting."""
    if delivery_for(person, kind) != Delivery.EMAIL:
        return
    relationship = proposal.relationship
    notify(recipient=person, kind=kind, template=template,
           context={"other": other_side(relationship, person),
                    "starts_at": local(proposal.starts_at, person), "zone": person.timezone,
                    "ics_url": reverse("pairs:meeting_ics", args=[proposal.pk])},
           url=thread_url(relationship), attachments=[invitation(proposal)], read=True)


def invitation(proposal: MeetingProposal) -> Attachment:
    """The meeting's .ics for its email: METHOD:REQUEST for an agreed meeting, CANCEL (same UID,
    higher SEQUENCE) once cancelled. The method is also on the part's content type, which is how
    Outlook and Gmail recognise an invitation."""
    content = meeting_calendar(proposal).decode()
    method = "CANCEL" if proposal.status == MeetingProposal.Status.CANCELLED else "REQUEST"
    return Attachment(filename=f"meeting-{proposal.pk}.ics",
                      content_type=f"text/calendar; method={method}; charset=utf-8",
                      content=content)


def meeting_held_unlogged(relationship, accepted: list | None = None) -> MeetingProposal | None:
    """The latest accepted meeting that has taken place with no meeting logged on or after its
    day: the pair's page asks for its notes. `accepted` (from meetings_accepted) saves a query."""
    if accepted is None:
        accepted = meetings_accepted(relationship)
    now = timezone.now()
    last = max((p for p in accepted if p.starts_at <= now), key=lambda p: p.starts_at,
               default=None)
    if last is None:
        return None
    held_on = timezone.localdate(last.starts_at)
    if relationship.last_met_on and relationship.last_met_on >= held_on:
        return None
    return last


def meetings_accepted(relationship, days_back: int = 90) -> list[MeetingProposal]:
    """Accepted meetings from `days_back` days ago on: one query for what the panel shows."""
    since = timezone.now() - datetime.timedelta(days=days_back)
    return list(proposals_for(relationship).filter(
        status=MeetingProposal.Status.ACCEPTED, starts_at__gte=since).order_by("starts_at")[:50])


def meeting_upcoming(accepted: list[MeetingProposal]) -> MeetingProposal | None:
    """The first of `accepted` that has not ended yet."""
    now = timezone.now()
    return next((p for p in accepted if p.ends_at >= now), None)


# The giver's voice at the close.

REFLECTION_NOT_GIVER = {
    "mentorship": _("Only the mentor answers this: the mentee has their own survey."),
    "sponsorship": _("Only the sponsor answers this: the protégé has their own survey."),
}
REFLECTION_NOT_CLOSED = _("This opens once the relationship has closed.")
REFLECTION_DONE = _("You have already answered. Thank you!")


def reflection_due(relationship, person: Person) -> bool:
    giver, _receiver = relationships.participants(relationship)
    return (relationship.is_closed and giver.pk == person.pk
            and not ClosingReflection.objects.filter(**_link(relationship)).exists())


@transaction.atomic
def reflection_record(*, relationship, person: Person, how_it_went: int, would_do_again: bool,
                      comment: str = "") -> ClosingReflection:
    model = type(relationship)
    giver, _receiver = relationships.participants(relationship)
    if giver.pk != person.pk:
        raise ValidationError(REFLECTION_NOT_GIVER[model.KIND])
    relationship = _locked(relationship)
    if not relationship.is_closed:
        raise ValidationError(REFLECTION_NOT_CLOSED)
    if ClosingReflection.objects.filter(**_link(relationship)).exists():
        raise ValidationError(REFLECTION_DONE)
    if not 1 <= how_it_went <= 5:
        raise ValidationError({"how_it_went": _("Answer with a whole number from 1 to 5.")})
    return ClosingReflection.objects.create(
        respondent=person, how_it_went=how_it_went, would_do_again=would_do_again,
        comment=(comment or "").strip()[:1000], **_link(relationship))


def reflection_url(relationship) -> str:
    return reverse("pairs:reflection",
                   args=[relationships.kind_name(relationship), relationship.pk])
