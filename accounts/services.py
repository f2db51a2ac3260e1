"""Workflows owned by accounts: recording what happened to someone's career; HR's changes to
a person's roles (pause or resume a mentor or sponsor, the HR admin role)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .audit import audit_record
from .models import CareerEvent, MentorProfile, Person, SponsorProfile, User
from .notifications import notify

CAREER_EVENT_IN_FUTURE = "Record a career event once it has happened; the date is in the future."
CAREER_EVENT_BEFORE_HIRE = "The date is before this person was hired ({hired})."
CAREER_EVENT_DUPLICATE = "This person already has this career event ({kind}) on {day}."
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


# HR's actions on a person's roles: each keeps its reason (audit trail) and tells the person.

REASON_REQUIRED = "Give a reason; the person concerned will read it."
NO_SIGN_IN = ("{name} has never signed in, so there is no account to make an HR admin; "
              "they need to sign in once first.")
LAST_HR_ADMIN = "{name} is the last HR admin; make someone else an HR admin first."
NOT_A_GIVER = "{name} is not registered as a {role}."
ROLE_WORDS = {"mentor": "mentor", "sponsor": "sponsor"}


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    return reason


def _tell(person: Person, *, kind: str, headline: str, reason: str, by: User | None,
          url: str) -> None:
    notify(recipient=person, kind=kind, template="hr-action",
           context={"headline": headline, "reason": reason, "by": by}, url=url)


@transaction.atomic
def giver_pause_set(*, person: Person, role: str, paused: bool, by: User, reason: str,
                    request=None) -> MentorProfile | SponsorProfile:
    """HR pauses (no new mentees or protégés; running relationships go on) or resumes a mentor
    or sponsor, tells them why and records it."""
    reason = _reason(reason)
    model = {"mentor": MentorProfile, "sponsor": SponsorProfile}.get(role)
    profile = model.objects.select_for_update().filter(person=person).first() if model else None
    if profile is None:
        raise ValidationError(NOT_A_GIVER.format(name=person.full_name,
                                                 role=ROLE_WORDS.get(role, role)))
    profile.is_paused = paused
    profile.save(update_fields=["is_paused"])
    verb = "paused" if paused else "resumed"
    audit_record(request or by, f"hr.{role}_{'pause' if paused else 'resume'}", target=profile,
                 summary=f"{person.full_name} {verb} as {role}", reason=reason)
    headline = (f"HR has paused you as a {role}: nobody new can ask you for now." if paused else
                f"HR has resumed you as a {role}: people can ask you again.")
    _tell(person, kind=f"{role}_{verb}", headline=headline, reason=reason, by=by,
          url=reverse("mentorship:profile_edit" if role == "mentor"
                      else "sponsorship:register"))
    return profile


@transaction.atomic
def hr_admin_role_set(*, person: Person, is_hr_admin: bool, by: User | None, reason: str,
                      request=None, source: str = "") -> User:
    """Give or take away a person's HR admin role, tell them why and record it. The last HR
    admin cannot be removed (nobody could run the program or give the role back).

    `by` is None when the company's identity provider changed the role (its "HR admins" group,
    through SCIM); `source` then says which token did it, in the audit row."""
    reason = _reason(reason)
    if person.user_id is None:
        raise ValidationError(NO_SIGN_IN.format(name=person.full_name))
    # Locking every HR admin row makes two removals at once queue, so one of them sees the last.
    admins = list(User.objects.select_for_update().filter(is_hr_admin=True)
                  .values_list("pk", flat=True))
    user = User.objects.select_for_update().get(pk=person.user_id)
    if not is_hr_admin and user.is_hr_admin and admins == [user.pk]:
        raise ValidationError(LAST_HR_ADMIN.format(name=person.full_name))
    user.is_hr_admin = is_hr_admin
    user.save(update_fields=["is_hr_admin"])
    verb = "granted" if is_hr_admin else "removed"
    extra = {"source": source} if source else {}
    audit_record(request or by, f"hr.role_{'grant' if is_hr_admin else 'remove'}", target=user,
                 summary=f"HR admin role {verb} for {person.full_name}", reason=reason, **extra)
    _tell(person, kind=f"hr_admin_{verb}", reason=reason, by=by, url=reverse("home"),
          headline=("You are now an HR admin of the program." if is_hr_admin
                    else "You are no longer an HR admin of the program."))
    return user


def _correction_reason(reason: str) -> str:
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
    reason = _correction_reason(reason)
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
    reason = _correction_reason(reason)
    event = CareerEvent.objects.select_for_update().select_related("person").get(pk=event.pk)
    audit_record(request or by, "career_event.delete", target=event, summary=f"Deleted {event}",
                 reason=reason, person=event.person.employee_id, kind=event.kind,
                 occurred_on=event.occurred_on.isoformat(), description=event.description)
    event.delete()
