"""Workflows owned by accounts: recording what happened to someone's career."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import CareerEvent, Person, User

CAREER_EVENT_IN_FUTURE = "Record a career event once it has happened; the date is in the future."
CAREER_EVENT_BEFORE_HIRE = "The date is before this person was hired ({hired})."
CAREER_EVENT_DUPLICATE = "This person already has this career event ({kind}) on {day}."
CAREER_EVENT_UNKNOWN_KIND = "Choose one of the career event kinds."


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
    if kind not in CareerEvent.Kind.values:
        raise ValidationError({"kind": CAREER_EVENT_UNKNOWN_KIND})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": CAREER_EVENT_IN_FUTURE})
    if person.hire_date and occurred_on < person.hire_date:
        raise ValidationError(
            {"occurred_on": CAREER_EVENT_BEFORE_HIRE.format(hired=person.hire_date)}
        )
    if CareerEvent.objects.filter(person=person, kind=kind, occurred_on=occurred_on).exists():
        raise ValidationError(CAREER_EVENT_DUPLICATE.format(
            kind=CareerEvent.Kind(kind).label.lower(), day=occurred_on))
    return CareerEvent.objects.create(
        person=person, kind=kind, occurred_on=occurred_on, description=description.strip(),
        recorded_by=recorded_by,
    )
