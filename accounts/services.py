"""Workflows owned by accounts: recording what happened to someone's career."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import audit_record
from .models import CareerEvent, Person, User

CAREER_EVENT_IN_FUTURE = "Record a career event once it has happened; the date is in the future."
CAREER_EVENT_BEFORE_HIRE = "The date is before this person was hired ({hired})."
CAREER_EVENT_DUPLICATE = "This person already has a {kind} recorded on {day}."
CAREER_EVENT_UNKNOWN_KIND = "Choose one of the career event kinds."
CAREER_EVENT_NEEDS_REASON = "Say why; the reason is kept with the change."
CAREER_EVENT_NOTHING_CHANGED = "Nothing was changed."


def career_event_problems(
    *, kind: str, occurred_on: datetime.date, hire_date: datetime.date | None
) -> dict[str, str]:
    """The rules about one career event's own values, by field (no query: the import checks
    thousands of rows with it)."""
    if kind not in CareerEvent.Kind.values:
        return {"kind": CAREER_EVENT_UNKNOWN_KIND}
    if occurred_on > timezone.localdate():
        return {"occurred_on": CAREER_EVENT_IN_FUTURE}
    if hire_date and occurred_on < hire_date:
        return {"occurred_on": CAREER_EVENT_BEFORE_HIRE.format(hired=hire_date)}
    return {}


def career_event_validate(
    *, person: Person, kind: str, occurred_on: datetime.date, exclude_pk: int | None = None
) -> None:
    """The rules every path (HR form, correction, advocacy outcome) applies to a career event,
    each problem keyed by its field; the import applies career_event_problems and skips a
    duplicate (re-importing a file adds nothing twice)."""
    problems = career_event_problems(kind=kind, occurred_on=occurred_on,
                                     hire_date=person.hire_date)
    if problems:
        raise ValidationError(problems)
    duplicates = CareerEvent.objects.filter(person=person, kind=kind, occurred_on=occurred_on)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError(CAREER_EVENT_DUPLICATE.format(
            kind=CareerEvent.Kind(kind).label.lower(), day=occurred_on))


@transaction.atomic
def career_event_record(
    *,
    person: Person,
    kind: str,
    occurred_on: datetime.date,
    description: str = "",
    recorded_by: User | None = None,
) -> CareerEvent:
    """HR (or a succeeded advocacy record) records a promotion, assignment, exit ..."""
    career_event_validate(person=person, kind=kind, occurred_on=occurred_on)
    return CareerEvent.objects.create(
        person=person, kind=kind, occurred_on=occurred_on, description=description.strip(),
        recorded_by=recorded_by,
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": CAREER_EVENT_NEEDS_REASON})
    return reason


@transaction.atomic
def career_event_correct(
    *,
    event: CareerEvent,
    by: User,
    kind: str,
    occurred_on: datetime.date,
    description: str,
    reason: str,
    request=None,
) -> CareerEvent:
    """HR corrects a career event (any, including one made by an advocacy outcome). The reason
    and the values before and after are kept in the audit trail."""
    reason = _reason(reason)
    event = CareerEvent.objects.select_for_update().select_related("person").get(pk=event.pk)
    before = {"kind": event.kind, "occurred_on": event.occurred_on.isoformat(),
              "description": event.description}
    after = {"kind": kind, "occurred_on": occurred_on.isoformat(),
             "description": description.strip()}
    if before == after:
        raise ValidationError(CAREER_EVENT_NOTHING_CHANGED)
    career_event_validate(person=event.person, kind=kind, occurred_on=occurred_on,
                          exclude_pk=event.pk)
    event.kind, event.occurred_on, event.description = kind, occurred_on, after["description"]
    event.save(update_fields=["kind", "occurred_on", "description"])
    audit_record(request or by, "career_event.correct", target=event,
                 summary=f"Corrected {event}", reason=reason, before=before, after=after)
    return event


@transaction.atomic
def career_event_delete(*, event: CareerEvent, by: User, reason: str, request=None) -> None:
    """HR deletes a career event recorded in error; the reason and what it said are kept."""
    reason = _reason(reason)
    event = CareerEvent.objects.select_for_update().select_related("person").get(pk=event.pk)
    audit_record(request or by, "career_event.delete", target=event, summary=f"Deleted {event}",
                 reason=reason, person=event.person.employee_id, kind=event.kind,
                 occurred_on=event.occurred_on.isoformat(), description=event.description)
    event.delete()
