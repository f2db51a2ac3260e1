"""Mentorship workflows: opting in as a mentor, requests, accepting, goals.

Starting, meeting, closing and surveys are shared with sponsorship: see relationships.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    CADENCE_RANGE,
    MENTOR_CAPACITY_RANGE,
    MentorProfile,
    Notification,
    Person,
    Skill,
    cadence_validate,
    capacity_validate,
)
from accounts.notifications import Notice, notify, notify_many
from accounts.program_settings import setting
from matching import scoring
from matching.mentorship.models import Goal, MentorRequest, Mentorship
from matching.relationships.capacity import capacity_not_below_taken, places_left
from matching.relationships.models import RelationshipStatus, SurveyResponse
from matching.relationships.services import (
    NOT_A_PARTICIPANT,
    NOT_ACTIVE,
    planned_end_validate,
    relationship_start,
    survey_url,
)

REQUEST_SELF = _("You cannot ask yourself to be your mentor.")
REQUEST_LINE = _(
    "{name} is your manager or above you in your reporting line; choose a mentor outside it."
)
REQUEST_REPORT = _("{name} reports to you; choose a mentor outside your reporting line.")
REQUEST_NOT_A_MENTOR = _("{name} has not opted in as a mentor.")
REQUEST_PAUSED = _("{name} has paused mentoring and is not taking new requests right now.")
REQUEST_FULL = _("{name} has no room for another mentee right now; try another mentor.")
REQUEST_DUPLICATE = _("You already have an open request to {name}; wait for their answer.")
REQUEST_TOO_MANY = _(
    "You already have {limit} open requests, the most at once. Withdraw one or wait for an "
    "answer before asking someone else."
)
REQUEST_ALREADY_PAIRED = _("{name} is already your mentor.")
# The same fact as the mentor reads it, on accepting (the pair may have been started another way,
# by HR or a cohort, while the request waited).
ACCEPT_ALREADY_PAIRED = _("You already mentor {name}.")
REQUEST_MESSAGE_REQUIRED = _("Write a short message: what you hope to work on together.")
REQUEST_GOALS_REQUIRED = _("Choose at least one goal this request is about.")
# By what was attempted: whole sentences, so each language words them its own way.
REQUEST_NOT_OPEN = {
    "accepted": _("This request is {status}, so it can no longer be accepted."),
    "declined": _("This request is {status}, so it can no longer be declined."),
    "withdrawn": _("This request is {status}, so it can no longer be withdrawn."),
}
REQUEST_ONLY_MENTEE = _("Only the person who asked can do that.")
REQUEST_ONLY_MENTOR = _("Only the mentor who was asked can do that.")
DECLINE_REASON_REQUIRED = _("Choose a reason for declining.")
ACCEPT_FULL = _(
    "Every place is taken (your capacity is {capacity}). Close a mentorship or raise your "
    "capacity before accepting."
)
PROFILE_CAPACITY_RANGE = MENTOR_CAPACITY_RANGE
PROFILE_CADENCE_RANGE = CADENCE_RANGE
GOAL_TITLE_REQUIRED = _("Describe the goal in a few words.")
GOAL_DUPLICATE = _("This mentorship already has the goal {title!r}.")


# Becoming a mentor.


@transaction.atomic
def mentor_profile_save(
    *,
    person: Person,
    capacity: int,
    skills: Iterable[Skill],
    how_i_can_help: str = "",
    cadence_days: int = 14,
    languages: Iterable[str] = (),
    is_paused: bool = False,
) -> MentorProfile:
    """Opt in, or edit. Pausing stops new requests; current mentorships go on."""
    capacity_validate(MentorProfile, capacity)
    cadence_validate(cadence_days)
    MentorProfile.objects.select_for_update().filter(person=person).first()  # queue acceptances
    capacity_not_below_taken(MentorProfile, person.pk, capacity)
    profile, _created = MentorProfile.objects.update_or_create(
        person=person,
        defaults={"capacity": capacity, "how_i_can_help": how_i_can_help.strip(),
                  "cadence_days": cadence_days, "languages": sorted(set(languages)),
                  "is_paused": is_paused},
    )
    profile.skills.set(skills)
    return profile


# Requests.


def _request_problem(mentee: Person, mentor: Person) -> str | None:
    """Why `mentee` may not ask `mentor`, or None. Shared by the form page and the service."""
    candidates = scoring.load_candidates([mentee.pk, mentor.pk])
    blocked = scoring.blocked_reason(candidates[mentee.pk], candidates[mentor.pk])
    if blocked == scoring.BLOCKED_SELF:
        return REQUEST_SELF
    if blocked == scoring.BLOCKED_LINE:
        return REQUEST_LINE.format(name=mentor.full_name)
    if blocked == scoring.BLOCKED_REPORT:
        return REQUEST_REPORT.format(name=mentor.full_name)
    profile = MentorProfile.objects.filter(person=mentor).first()
    if profile is None:
        return REQUEST_NOT_A_MENTOR.format(name=mentor.full_name)
    if profile.is_paused:
        return REQUEST_PAUSED.format(name=mentor.full_name)
    if Mentorship.objects.filter(mentor=mentor, mentee=mentee,
                                 status=RelationshipStatus.ACTIVE).exists():
        return REQUEST_ALREADY_PAIRED.format(name=mentor.full_name)
    if places_left(profile) <= 0:
        return REQUEST_FULL.format(name=mentor.full_name)
    return None


def mentor_request_problem(*, mentee: Person, mentor: Person) -> str | None:
    """For pages: the message the request would be refused with, before the mentee writes it."""
    problem = _request_problem(mentee, mentor)
    if problem:
        return problem
    open_requests = MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.OPEN)
    if open_requests.filter(mentor=mentor).exists():
        return REQUEST_DUPLICATE.format(name=mentor.full_name)
    if open_requests.count() >= settings.MENTEE_MAX_OPEN_REQUESTS:
        return REQUEST_TOO_MANY.format(limit=settings.MENTEE_MAX_OPEN_REQUESTS)
    return None


@transaction.atomic
def mentor_request_create(
    *, mentee: Person, mentor: Person, message: str, goals: Iterable[Skill]
) -> MentorRequest:
    goals = list(goals)
    if not message.strip():
        raise ValidationError({"message": REQUEST_MESSAGE_REQUIRED})
    if not goals:
        raise ValidationError({"goals": REQUEST_GOALS_REQUIRED})
    # Lock the mentee's row: two requests sent at once cannot both be the third.
    Person.objects.select_for_update().filter(pk=mentee.pk).first()
    problem = _request_problem(mentee, mentor)
    if problem:
        raise ValidationError(problem)
    open_requests = MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.OPEN)
    if open_requests.filter(mentor=mentor).exists():
        raise ValidationError(REQUEST_DUPLICATE.format(name=mentor.full_name))
    if open_requests.count() >= settings.MENTEE_MAX_OPEN_REQUESTS:
        raise ValidationError(REQUEST_TOO_MANY.format(limit=settings.MENTEE_MAX_OPEN_REQUESTS))
    try:
        with transaction.atomic():
            mentor_request = MentorRequest.objects.create(mentee=mentee, mentor=mentor,
                                                          message=message.strip())
    except IntegrityError:
        raise ValidationError(REQUEST_DUPLICATE.format(name=mentor.full_name)) from None
    mentor_request.goals.set(goals)
    notify(recipient=mentor, kind="mentor_request_received", template="mentor-request-received",
           context={"mentor_request": mentor_request, "mentee": mentee, "goals": goals},
           url=reverse("mentorship:request_detail", args=[mentor_request.pk]))
    return mentor_request


def _lock_open_request(mentor_request: MentorRequest, *, action: str) -> MentorRequest:
    locked = MentorRequest.objects.select_for_update().get(pk=mentor_request.pk)
    if locked.status != MentorRequest.Status.OPEN:
        raise ValidationError(REQUEST_NOT_OPEN[action].format(
            status=locked.get_status_display().lower()))
    return locked


def _request_url(mentor_request_id: int) -> str:
    return reverse("mentorship:request_detail", args=[mentor_request_id])


def _requests_answered_in_inbox(request_ids: list[int], now: datetime.datetime) -> None:
    """The mentors' "asks you to mentor them" notifications of these requests are done: marked
    read once the request is answered, withdrawn or expired, so the inbox shows only what waits."""
    Notification.objects.filter(kind="mentor_request_received", read_at__isnull=True,
                                url__in=[_request_url(pk) for pk in request_ids]).update(
        read_at=now)


def _tell_mentors_withdrawn(requests: list[MentorRequest], *, reason: str) -> None:
    notify_many([Notice(recipient=r.mentor, kind="mentor_request_withdrawn",
                        template="mentor-request-withdrawn",
                        context={"mentor_request": r, "mentee": r.mentee, "reason": reason},
                        url=_request_url(r.pk)) for r in requests])


@transaction.atomic
def mentor_request_withdraw(*, mentor_request: MentorRequest, by: Person) -> MentorRequest:
    if by.pk != mentor_request.mentee_id:
        raise ValidationError(REQUEST_ONLY_MENTEE)
    mentor_request = _lock_open_request(mentor_request, action="withdrawn")
    mentor_request.status = MentorRequest.Status.WITHDRAWN
    mentor_request.answered_at = timezone.now()
    mentor_request.save(update_fields=["status", "answered_at"])
    _requests_answered_in_inbox([mentor_request.pk], mentor_request.answered_at)
    _tell_mentors_withdrawn([mentor_request], reason="withdrawn")
    return mentor_request


@transaction.atomic
def mentor_request_accept(
    *, mentor_request: MentorRequest, by: Person, agreement: str = "",
    started_on: datetime.date | None = None,
) -> Mentorship:
    """Accept, atomically and within capacity; the mentee's other open requests are withdrawn.

    The mentor's profile row is locked first, so concurrent acceptances for one mentor run one
    after the other and each sees the mentorships the previous one created.
    """
    if by.pk != mentor_request.mentor_id:
        raise ValidationError(REQUEST_ONLY_MENTOR)
    profile = MentorProfile.objects.select_for_update().get(person_id=mentor_request.mentor_id)
    mentor_request = _lock_open_request(mentor_request, action="accepted")
    if places_left(profile) <= 0:
        raise ValidationError(ACCEPT_FULL.format(capacity=profile.capacity))
    if Mentorship.objects.filter(mentor_id=mentor_request.mentor_id,
                                 mentee_id=mentor_request.mentee_id,
                                 status=RelationshipStatus.ACTIVE).exists():
        raise ValidationError(ACCEPT_ALREADY_PAIRED.format(name=mentor_request.mentee.full_name))
    now = timezone.now()
    mentor_request.status = MentorRequest.Status.ACCEPTED
    mentor_request.answered_at = now
    mentor_request.save(update_fields=["status", "answered_at"])
    mentorship = Mentorship(mentor_id=mentor_request.mentor_id,
                            mentee_id=mentor_request.mentee_id, request=mentor_request,
                            cadence_days=profile.cadence_days, agreement=agreement.strip())
    relationship_start(relationship=mentorship, started_on=started_on or timezone.localdate())
    goals = list(mentor_request.goals.all())
    Goal.objects.bulk_create([Goal(mentorship=mentorship, title=skill.name, skill=skill)
                              for skill in goals])
    others = list(MentorRequest.objects.select_for_update()
                  .filter(mentee_id=mentor_request.mentee_id, status=MentorRequest.Status.OPEN)
                  .select_related("mentor", "mentee"))
    MentorRequest.objects.filter(pk__in=[r.pk for r in others]).update(
        status=MentorRequest.Status.WITHDRAWN, answered_at=now)
    _requests_answered_in_inbox([mentor_request.pk] + [r.pk for r in others], now)
    _tell_mentors_withdrawn(others, reason="found a mentor")
    mentee = mentor_request.mentee
    notify(recipient=mentee, kind="mentor_request_accepted", template="mentor-request-accepted",
           context={"mentor_request": mentor_request, "mentor": by, "mentorship": mentorship,
                    "survey_url": survey_url(mentorship, SurveyResponse.Phase.BASELINE)},
           url=survey_url(mentorship, SurveyResponse.Phase.BASELINE))
    return mentorship


@transaction.atomic
def mentor_request_decline(
    *, mentor_request: MentorRequest, by: Person, reason: str, note: str = ""
) -> MentorRequest:
    if by.pk != mentor_request.mentor_id:
        raise ValidationError(REQUEST_ONLY_MENTOR)
    if reason not in MentorRequest.DeclineReason.values:
        raise ValidationError({"reason": DECLINE_REASON_REQUIRED})
    mentor_request = _lock_open_request(mentor_request, action="declined")
    mentor_request.status = MentorRequest.Status.DECLINED
    mentor_request.decline_reason = reason
    mentor_request.decline_note = note.strip()
    mentor_request.answered_at = timezone.now()
    mentor_request.save(update_fields=["status", "decline_reason", "decline_note",
                                       "answered_at"])
    _requests_answered_in_inbox([mentor_request.pk], mentor_request.answered_at)
    notify(recipient=mentor_request.mentee, kind="mentor_request_declined",
           template="mentor-request-declined",
           context={"mentor_request": mentor_request, "mentor": by,
                    # the label, not get_..._display(): the mentee reads it in their language
                    "reason_label": MentorRequest.DeclineReason(reason).label},
           url=reverse("mentorship:suggestions"))
    return mentor_request


def _expiry_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=setting("MENTOR_REQUEST_EXPIRY_DAYS"))


@transaction.atomic
def mentor_request_expire(
    *, mentor_request: MentorRequest, now: datetime.datetime | None = None
) -> bool:
    """Expire one request left open too long; tell the mentee. False when it was not due (or was
    answered meanwhile), so a second run does nothing."""
    now = now or timezone.now()
    claimed = MentorRequest.objects.filter(
        pk=mentor_request.pk, status=MentorRequest.Status.OPEN,
        created_at__lte=_expiry_cutoff(now),
    ).update(status=MentorRequest.Status.EXPIRED, answered_at=now)
    if not claimed:
        return False
    mentor_request.refresh_from_db()
    _requests_answered_in_inbox([mentor_request.pk], now)
    notify(recipient=mentor_request.mentee, kind="mentor_request_expired",
           template="mentor-request-expired",
           context={"mentor_request": mentor_request, "mentor": mentor_request.mentor,
                    "days": setting("MENTOR_REQUEST_EXPIRY_DAYS")},
           url=reverse("mentorship:suggestions"))
    return True


def mentor_requests_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Expire every request open for MENTOR_REQUEST_EXPIRY_DAYS or more; return how many."""
    now = now or timezone.now()
    due = MentorRequest.objects.filter(status=MentorRequest.Status.OPEN,
                                       created_at__lte=_expiry_cutoff(now))
    expired = 0
    for mentor_request in due.select_related("mentee", "mentor").order_by("created_at"):
        expired += mentor_request_expire(mentor_request=mentor_request, now=now)
    return expired


# Inside a mentorship.


@transaction.atomic
def mentorship_agreement_update(
    *, mentorship: Mentorship, by: Person, agreement: str, cadence_days: int,
    planned_end_on: datetime.date | None,
) -> Mentorship:
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError(NOT_A_PARTICIPANT)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if not mentorship.is_active:
        raise ValidationError(NOT_ACTIVE)
    cadence_validate(cadence_days)
    planned_end_validate(started_on=mentorship.started_on, planned_end_on=planned_end_on)
    mentorship.agreement = agreement.strip()
    mentorship.cadence_days = cadence_days
    mentorship.planned_end_on = planned_end_on
    mentorship.next_check_in_schedule()
    mentorship.save(update_fields=["agreement", "cadence_days", "planned_end_on", "next_due_on"])
    return mentorship


@transaction.atomic
def goal_add(*, mentorship: Mentorship, by: Person, title: str,
             skill: Skill | None = None) -> Goal:
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError(NOT_A_PARTICIPANT)
    if not mentorship.is_active:
        raise ValidationError(NOT_ACTIVE)
    title = title.strip()
    if not title:
        raise ValidationError({"title": GOAL_TITLE_REQUIRED})
    if mentorship.goals.filter(title__iexact=title).exists():
        raise ValidationError({"title": GOAL_DUPLICATE.format(title=title)})
    return Goal.objects.create(mentorship=mentorship, title=title, skill=skill)


@transaction.atomic
def goal_set_status(*, goal: Goal, by: Person, status: str) -> Goal:
    mentorship = goal.mentorship
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError(NOT_A_PARTICIPANT)
    if status not in Goal.Status.values:
        raise ValidationError({"status": _("Choose one of the goal statuses.")})
    goal.status = status
    goal.save(update_fields=["status"])
    return goal
