"""What each reminder says and to whom: one composer per kind, shared by both relationship kinds.

A composer gets the ReminderLog row and the object it is about (loaded in bulk by the sweep) and
returns a `Composed`: the messages to write, or why nothing is sent any more (they met, the
request was answered). Nothing here writes to the database; the sweep does, in one transaction
per batch.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_noop

from accounts.models import Person
from accounts.notifications import Notice
from accounts.program_settings import setting
from accounts.wording import days_from_today
from matching.mentorship.models import MentorRequest
from matching.mentorship.services import mentor_request_expire
from matching.relationships.services import participants, relationship_url
from program.reminders.models import ReminderLog

Kind = ReminderLog.Kind
# Said in the recipient's language: the email renders it there (accounts.email_content).
_days_from_today_lazy = lazy(days_from_today, str)

SKIP_MET = gettext_noop("They met since, so the check-in was no longer due.")
SKIP_CLOSED = gettext_noop("The relationship is no longer active.")
SKIP_ADVOCACY = gettext_noop("Advocacy was recorded since.")
SKIP_ANSWERED = gettext_noop(
    "The request was answered (or withdrawn) before the reminder went out.")
SKIP_GONE = gettext_noop("The relationship or request no longer exists.")
SKIP_NO_HR = gettext_noop("There is no HR admin with an HR record to tell.")
SKIP_COMMITMENT_CLOSED = gettext_noop(
    "The commitment was kept or dropped before the reminder went out.")

# Stored on the log row in English; marked so HR's reminder log can show them translated.


def _kind_display_lazy(commitment):
    """The commitment's kind, read in the language the email is rendered in."""
    return lazy(commitment.get_kind_display, str)()


# An open commitment this many days past its due date joins the HR admins' escalation digest.
COMMITMENT_ESCALATE_AFTER_DAYS = 30


class Clock:
    """Today, seen from a person's time zone (or one fixed day when a sweep runs --as-of)."""

    def __init__(self, *, now: datetime.datetime, as_of: datetime.date | None = None):
        self.now = now
        self.as_of = as_of
        self._dates: dict[str, datetime.date] = {}

    def today(self, tz_name: str) -> datetime.date:
        if self.as_of is not None:
            return self.as_of
        if tz_name not in self._dates:
            try:
                zone = ZoneInfo(tz_name)
            except (ZoneInfoNotFoundError, ValueError):
                zone = datetime.UTC
            self._dates[tz_name] = timezone.localtime(self.now, zone).date()
        return self._dates[tz_name]

    def latest_today(self) -> datetime.date:
        """The latest date anywhere on Earth right now (UTC+14): the sweep's query horizon."""
        if self.as_of is not None:
            return self.as_of
        return (self.now + datetime.timedelta(hours=14)).astimezone(datetime.UTC).date()


@dataclass
class Message:
    recipient: Person
    template: str
    context: dict
    url: str

    def notice(self, *, kind: str) -> Notice:
        """What accounts.notifications.notify_many sends (the inbox row and the email)."""
        return Notice(recipient=self.recipient, kind=kind, template=self.template,
                      context=self.context, url=self.url)


@dataclass
class Composed:
    messages: list[Message] = field(default_factory=list)
    summary: str = ""
    skipped_reason: str = ""
    # An escalation: one line of the HR admins' digest instead of a message of its own.
    digest_item: dict | None = None
    # Done in the delivery transaction; returns the people it told itself (a service's notify).
    side_effect: Callable[[], list[Person] | None] | None = None


def pair_summary(relationship) -> str:
    giver, receiver = participants(relationship)
    return f"{giver.full_name} and {receiver.full_name}"


def _check_in_context(relationship, person: Person, clock: Clock, due_on: datetime.date) -> dict:
    giver, receiver = participants(relationship)
    other = receiver if person.pk == giver.pk else giver
    today = clock.today(person.timezone)
    return {
        "relationship": relationship,
        "kind_name": relationship.KIND,
        "other": other,
        "due_on": due_on,
        "today": today,
        "days_left": (due_on - today).days,
        "days_late": (today - due_on).days,
        "when": _days_from_today_lazy(due_on, today),  # "today", "in 3 days", "2 days ago"
    }


def _unsendable(relationship) -> Composed | None:
    """Why nothing goes out for a relationship that is gone or closed; None when it is active."""
    if relationship is None:
        return Composed(skipped_reason=SKIP_GONE)
    if not relationship.is_active:
        return Composed(summary=pair_summary(relationship), skipped_reason=SKIP_CLOSED)
    return None


def _check_in(row: ReminderLog, relationship, clock: Clock, template: str) -> Composed:
    if skipped := _unsendable(relationship):
        return skipped
    summary = pair_summary(relationship)
    if relationship.next_due_on != row.due_on:
        return Composed(summary=summary, skipped_reason=SKIP_MET)
    url = relationship_url(relationship)
    return Composed(summary=summary, messages=[
        Message(person, template, _check_in_context(relationship, person, clock, row.due_on), url)
        for person in participants(relationship)
    ])


def compose_due_soon(row, relationship, clock, hr_admins) -> Composed:
    return _check_in(row, relationship, clock, "reminder-due-soon")


def compose_overdue(row, relationship, clock, hr_admins) -> Composed:
    return _check_in(row, relationship, clock, "reminder-overdue")


def compose_escalation(row, relationship, clock, hr_admins) -> Composed:
    """One line of the HR admins' digest (escalation_digest builds the message itself)."""
    if row.relationship_kind == "commitment":
        return _commitment_escalation(row, relationship, clock, hr_admins)
    composed = _check_in(row, relationship, clock, "escalation-digest")
    if composed.skipped_reason:
        return composed
    if not hr_admins:
        return Composed(summary=composed.summary, skipped_reason=SKIP_NO_HR)
    giver, receiver = participants(relationship)
    # As the sweep plans it: the later of the two people's dates.
    today = max(clock.today(giver.timezone), clock.today(receiver.timezone))
    url = relationship_url(relationship)
    return Composed(summary=composed.summary, digest_item={
        "giver": giver, "receiver": receiver, "kind_name": relationship.KIND,
        "due_on": row.due_on, "days_overdue": (today - row.due_on).days,
        # Due on due_on and again every cadence since: two or more in a row were missed.
        "missed": 1 + (today - row.due_on).days // max(relationship.cadence_days, 1),
        "last_met_on": relationship.last_met_on,
        "url": settings.SITE_URL + url if url.startswith("/") else url,
    })


def escalation_digest(items: list[dict], hr_admins: list[Person]) -> list[Message]:
    """Each HR admin's one message listing every relationship escalated in this delivery,
    longest overdue first."""
    items = sorted(items, key=lambda item: (-item["days_overdue"], item["giver"].full_name,
                                            item["receiver"].full_name))
    pairs = [item for item in items if "commitment" not in item]
    commitments = [item for item in items if "commitment" in item]
    url = reverse("hr:reminder_log") + "?kind=escalation"
    context = {"items": pairs, "count": len(pairs), "commitments": commitments,
               "commitment_count": len(commitments)}
    return [Message(admin, "escalation-digest", context, url) for admin in hr_admins]


# A sponsor's commitments: the sponsor is reminded; a month overdue, HR hears of it.


def _commitment_unsendable(commitment) -> Composed | None:
    if commitment is None:
        return Composed(skipped_reason=SKIP_GONE)
    summary = _commitment_summary(commitment)
    if not commitment.sponsorship.is_active:
        return Composed(summary=summary, skipped_reason=SKIP_CLOSED)
    if commitment.state != "open":
        return Composed(summary=summary, skipped_reason=SKIP_COMMITMENT_CLOSED)
    return None


def _commitment_summary(commitment) -> str:
    sponsorship = commitment.sponsorship
    return (f"{sponsorship.sponsor.full_name} for {sponsorship.protege.full_name}: "
            f"{commitment.get_kind_display().lower()}")


def _commitment_reminder(row, commitment, clock, template: str) -> Composed:
    if skipped := _commitment_unsendable(commitment):
        return skipped
    sponsor = commitment.sponsorship.sponsor
    today = clock.today(sponsor.timezone)
    context = {"commitment": commitment, "protege": commitment.sponsorship.protege,
               "due_on": commitment.due_on, "days_left": (commitment.due_on - today).days,
               "days_late": (today - commitment.due_on).days}
    url = reverse("sponsorship:commitment_detail", args=[commitment.pk])
    return Composed(summary=_commitment_summary(commitment),
                    messages=[Message(sponsor, template, context, url)])


def compose_commitment_due_soon(row, commitment, clock, hr_admins) -> Composed:
    return _commitment_reminder(row, commitment, clock, "reminder-commitment-due-soon")


def compose_commitment_overdue(row, commitment, clock, hr_admins) -> Composed:
    return _commitment_reminder(row, commitment, clock, "reminder-commitment-overdue")


def _commitment_escalation(row, commitment, clock, hr_admins) -> Composed:
    if skipped := _commitment_unsendable(commitment):
        return skipped
    summary = _commitment_summary(commitment)
    if not hr_admins:
        return Composed(summary=summary, skipped_reason=SKIP_NO_HR)
    sponsorship = commitment.sponsorship
    url = reverse("sponsorship:commitment_detail", args=[commitment.pk])
    return Composed(summary=summary, digest_item={
        "giver": sponsorship.sponsor, "receiver": sponsorship.protege,
        "kind_name": "sponsorship", "commitment": _kind_display_lazy(commitment),
        "due_on": row.due_on,
        "days_overdue": (clock.today(sponsorship.sponsor.timezone) - row.due_on).days,
        "url": settings.SITE_URL + url,
    })


def compose_inactive(row, relationship, clock, hr_admins) -> Composed:
    if skipped := _unsendable(relationship):
        return skipped
    summary = pair_summary(relationship)
    anchor = relationship.last_met_on or relationship.started_on
    if relationship.inactive_since or anchor + _days(setting("INACTIVE_AFTER_DAYS")) != row.due_on:
        return Composed(summary=summary, skipped_reason=SKIP_MET)
    url = relationship_url(relationship)
    messages = []
    for person in participants(relationship):
        context = _check_in_context(relationship, person, clock, row.due_on)
        context.update(last_met_on=anchor, inactive_days=setting("INACTIVE_AFTER_DAYS"))
        messages.append(Message(person, "reminder-inactive", context, url))

    def flag_inactive():
        # Only the first time: a meeting recorded meanwhile cleared it and moved the anchor.
        type(relationship).objects.filter(
            pk=relationship.pk, inactive_since__isnull=True
        ).update(inactive_since=row.due_on)

    return Composed(summary=summary, messages=messages, side_effect=flag_inactive)


def compose_advocacy_nudge(row, sponsorship, clock, hr_admins) -> Composed:
    if skipped := _unsendable(sponsorship):
        return skipped
    summary = pair_summary(sponsorship)
    anchor = sponsorship.last_advocacy_on or sponsorship.started_on
    if anchor + _days(setting("INACTIVE_AFTER_DAYS")) != row.due_on:
        return Composed(summary=summary, skipped_reason=SKIP_ADVOCACY)
    sponsor = sponsorship.sponsor
    context = {"relationship": sponsorship, "protege": sponsorship.protege,
               "last_advocacy_on": sponsorship.last_advocacy_on,
               "days": setting("INACTIVE_AFTER_DAYS"), "today": clock.today(sponsor.timezone)}
    url = relationship_url(sponsorship)
    return Composed(summary=summary,
                    messages=[Message(sponsor, "reminder-advocacy-nudge", context, url)])


def _request_summary(mentor_request: MentorRequest) -> str:
    return f"{mentor_request.mentee.full_name} asked {mentor_request.mentor.full_name}"


def compose_request_nudge(row, mentor_request, clock, hr_admins) -> Composed:
    if mentor_request is None:
        return Composed(skipped_reason=SKIP_GONE)
    summary = _request_summary(mentor_request)
    if mentor_request.status != MentorRequest.Status.OPEN or mentor_request.nudged_at:
        return Composed(summary=summary, skipped_reason=SKIP_ANSWERED)
    mentor = mentor_request.mentor
    created_on = timezone.localtime(mentor_request.created_at, _zone(mentor.timezone)).date()
    context = {"mentor_request": mentor_request, "mentee": mentor_request.mentee,
               "asked_on": created_on,
               "days_waiting": (clock.today(mentor.timezone) - created_on).days,
               "expires_on": created_on + _days(setting("MENTOR_REQUEST_EXPIRY_DAYS"))}
    url = reverse("mentorship:request_detail", args=[mentor_request.pk])

    def mark_nudged():
        MentorRequest.objects.filter(pk=mentor_request.pk).update(nudged_at=clock.now)

    return Composed(summary=summary, side_effect=mark_nudged, messages=[
        Message(mentor, "reminder-request-nudge", context, url)])


def compose_request_expired(row, mentor_request, clock, hr_admins) -> Composed:
    """The mentorship service expires the request and tells the mentee (with other suggestions)."""
    if mentor_request is None:
        return Composed(skipped_reason=SKIP_GONE)
    summary = _request_summary(mentor_request)
    if mentor_request.status != MentorRequest.Status.OPEN:
        return Composed(summary=summary, skipped_reason=SKIP_ANSWERED)

    def expire():
        expired = mentor_request_expire(mentor_request=mentor_request, now=clock.now)
        return [mentor_request.mentee] if expired else None

    return Composed(summary=summary, side_effect=expire)


# Kinds whose messages go to the HR admins.
HR_KINDS = {Kind.ESCALATION}

COMPOSERS = {
    Kind.DUE_SOON: compose_due_soon,
    Kind.OVERDUE: compose_overdue,
    Kind.ESCALATION: compose_escalation,
    Kind.INACTIVE: compose_inactive,
    Kind.ADVOCACY_NUDGE: compose_advocacy_nudge,
    Kind.REQUEST_NUDGE: compose_request_nudge,
    Kind.REQUEST_EXPIRED: compose_request_expired,
    Kind.COMMITMENT_DUE_SOON: compose_commitment_due_soon,
    Kind.COMMITMENT_OVERDUE: compose_commitment_overdue,
}


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _zone(tz_name: str):
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.UTC
