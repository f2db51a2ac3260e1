"""What mentorships and sponsorships share, written once: start, meet, close, survey.

Every function takes any Relationship (a Mentorship or a Sponsorship). Their differences (who the
two people are, what a meeting is called, how long they run by default) are the models' own class
attributes (KIND, GIVER, RECEIVER, RECEIVER_WORD, DEFAULT_MONTHS, meeting_create), so this module
never imports a kind.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import Person, User
from accounts.notifications import notify
from matching.relationships.models import (
    CloseReason,
    Relationship,
    RelationshipStatus,
    SurveyResponse,
    relationship_models,
)

NOT_A_PARTICIPANT = _("Only the two people in this relationship can do that.")
NOT_ACTIVE = _("This relationship is not active, so nothing more can be recorded in it.")
MEETING_IN_FUTURE = _("The date is in the future: record a meeting once it has happened.")
MEETING_BEFORE_START = _("The date is before the relationship started ({started_on}).")
RATING_OUT_OF_RANGE = _("The progress rating must be a whole number from 1 to 5.")
DISCUSSED_REQUIRED = _("Say briefly what you discussed.")
CLOSE_STATUS_INVALID = _("Close it as completed or as ended early.")
CLOSE_REASON_REQUIRED = _("Choose a reason for ending early (none of them is anyone's fault).")
CLOSE_REASON_INVALID = _("That is not one of the reasons for ending early.")
CLOSE_BEFORE_START = _("The end date is before the relationship started ({started_on}).")
CLOSE_IN_FUTURE = _("The end date is in the future.")
HR_CLOSE_NOTE_REQUIRED = _("Say why HR is ending it; both people will read this.")
HR_NAME = "HR"
SURVEY_NOT_RESPONDENT = {"mentorship": _("Only the mentee answers this survey."),
                         "sponsorship": _("Only the protégé answers this survey.")}
SURVEY_ALREADY_ANSWERED = _("This survey has already been answered. Thank you!")
SURVEY_PHASE_INVALID = _("The survey is either the baseline (at the start) or the closing one.")
SURVEY_ANSWER_OUT_OF_RANGE = _("Answer each question with a whole number from 1 to 5.")
SURVEY_USEFULNESS_REQUIRED = _("Say how useful the relationship was (1-5).")
SURVEY_USEFULNESS_BASELINE = _("Usefulness is asked at the close only.")
SURVEY_CLOSING_TOO_EARLY = _("The closing survey opens once the relationship has closed.")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), or the month's last day if shorter (31 Jan + 1
    month = 28/29 Feb), as relativedelta clamps it. The one definition for the app and the
    reports."""
    return day + relativedelta(months=months)


def _kind(relationship) -> type[Relationship]:
    if not isinstance(relationship, Relationship):
        raise TypeError(f"Not a mentorship or sponsorship: {relationship!r}")
    return type(relationship)


def relationship_model(kind: str) -> type[Relationship] | None:
    """The model for a kind's name ("mentorship"), or None for an unknown name."""
    return relationship_models().get(kind)


def kind_name(relationship) -> str:
    """'mentorship' or 'sponsorship'."""
    return _kind(relationship).KIND


def participants(relationship) -> tuple[Person, Person]:
    """(mentor, mentee) or (sponsor, protégé)."""
    kind = _kind(relationship)
    return getattr(relationship, kind.GIVER), getattr(relationship, kind.RECEIVER)


def _participant_ids(relationship) -> tuple[int, int]:
    kind = _kind(relationship)
    return getattr(relationship, f"{kind.GIVER}_id"), getattr(relationship, f"{kind.RECEIVER}_id")


def _require_participant(relationship, person: Person) -> None:
    if person.pk not in _participant_ids(relationship):
        raise ValidationError(NOT_A_PARTICIPANT)


def _locked(relationship):
    """The same row, re-read under a lock so concurrent changes queue behind each other."""
    return type(relationship).objects.select_for_update().get(pk=relationship.pk)


def relationship_url(relationship) -> str:
    return reverse(f"{kind_name(relationship)}:detail", args=[relationship.pk])


def survey_url(relationship, phase: str) -> str:
    return reverse("mentorship:survey", args=[kind_name(relationship), relationship.pk, phase])


PLANNED_END_BEFORE_START = _("The planned end must be after the start ({started_on}).")
PLANNED_END_TOO_FAR = _(
    "The planned end is more than {years} years after the start; plan a shorter relationship "
    "and extend it later."
)
PLANNED_END_MAX_YEARS = 3


def planned_end_validate(*, started_on: datetime.date | None,
                         planned_end_on: datetime.date | None) -> None:
    """A planned end comes after the start, and within PLANNED_END_MAX_YEARS of it (the
    database holds the first half: planned_end_after_start)."""
    if not (started_on and planned_end_on):
        return
    if planned_end_on <= started_on:
        raise ValidationError({"planned_end_on": PLANNED_END_BEFORE_START.format(
            started_on=date_format(started_on))})
    if planned_end_on > add_months(started_on, 12 * PLANNED_END_MAX_YEARS):
        raise ValidationError({"planned_end_on": PLANNED_END_TOO_FAR.format(
            years=PLANNED_END_MAX_YEARS)})


def relationship_start_fields(*, relationship, started_on: datetime.date):
    """Set what makes a relationship active from `started_on`, without saving: the first
    check-in is due one cadence later and it runs the kind's default length unless a planned
    end is set. relationship_start saves one; cohort publishing bulk-inserts many."""
    relationship.status = RelationshipStatus.ACTIVE
    relationship.started_on = started_on
    if relationship.planned_end_on is None:
        relationship.planned_end_on = add_months(started_on, _kind(relationship).DEFAULT_MONTHS)
    relationship.next_check_in_schedule()
    relationship.inactive_since = None
    return relationship


@transaction.atomic
def relationship_start(*, relationship, started_on: datetime.date):
    """Make it active from `started_on`; the first check-in is due one cadence later."""
    relationship_start_fields(relationship=relationship, started_on=started_on)
    relationship.save()
    return relationship


def meeting_validate(*, relationship, occurred_on: datetime.date, discussed: str,
                     progress_rating: int | None) -> None:
    """The rules of a check-in or touchpoint, when it is recorded and when it is edited."""
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": MEETING_IN_FUTURE})
    if relationship.started_on and occurred_on < relationship.started_on:
        raise ValidationError(
            {"occurred_on": MEETING_BEFORE_START.format(
                started_on=date_format(relationship.started_on))})
    if progress_rating is not None and not (
            isinstance(progress_rating, int) and 1 <= progress_rating <= 5):
        raise ValidationError({"progress_rating": RATING_OUT_OF_RANGE})
    if not (discussed or "").strip():
        raise ValidationError({"discussed": DISCUSSED_REQUIRED})


@transaction.atomic
def meeting_record(
    *,
    relationship,
    author: Person,
    occurred_on: datetime.date,
    discussed: str,
    private_notes: str = "",
    progress_rating: int | None = None,
):
    """Record a check-in (mentorship) or touchpoint (sponsorship) and move the next due date."""
    _require_participant(relationship, author)
    relationship = _locked(relationship)
    if not relationship.is_active:
        raise ValidationError(NOT_ACTIVE)
    meeting_validate(relationship=relationship, occurred_on=occurred_on, discussed=discussed,
                     progress_rating=progress_rating)
    fields = {"occurred_on": occurred_on, "discussed": discussed.strip(),
              "private_notes": private_notes.strip(), "progress_rating": progress_rating,
              "author": author}
    meeting = relationship.meeting_create(**fields)
    if relationship.last_met_on is None or occurred_on > relationship.last_met_on:
        relationship.last_met_on = occurred_on
    relationship.next_check_in_schedule()
    relationship.inactive_since = None
    relationship.save(update_fields=["last_met_on", "next_due_on", "inactive_since"])
    return meeting


@transaction.atomic
def relationship_close(
    *,
    relationship,
    by: Person,
    status: str,
    reason: str = "",
    note: str = "",
    ended_on: datetime.date | None = None,
):
    """Close it as completed or ended early (no-fault reason), tell the other person, and ask the
    mentee or protégé for the closing survey."""
    _require_participant(relationship, by)
    relationship = _close_record(relationship, status=status, reason=reason, note=note,
                                 ended_on=ended_on)
    context = _closed_context(relationship, closed_by=by)
    giver, receiver = participants(relationship)
    _tell_closed(relationship, receiver if by.pk == giver.pk else giver, context)
    _ask_closing_survey(relationship, context)
    return relationship


@transaction.atomic
def relationship_end_by_hr(*, relationship, by: User, reason: str, note: str, request=None):
    """An HR admin ends a relationship early, for a no-fault `reason` and with a `note` saying
    why, which both people are told (the note is kept as the close note). The same rules as
    relationship_close; the closing survey goes to the mentee or protégé as usual."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": HR_CLOSE_NOTE_REQUIRED})
    relationship = _close_record(relationship, status=RelationshipStatus.ENDED_EARLY,
                                 reason=reason, note=note, ended_on=None)
    audit_record(request or by, f"hr.{kind_name(relationship)}_end", target=relationship,
                 summary=f"Ended: {relationship}", reason=note)
    hr_person = by.person_or_none
    context = _closed_context(relationship, closed_by=hr_person or {"full_name": HR_NAME})
    for person in participants(relationship):
        _tell_closed(relationship, person, context)
    _ask_closing_survey(relationship, context)
    return relationship


def _closed_context(relationship, *, closed_by) -> dict:
    giver, receiver = participants(relationship)
    return {"relationship": relationship, "kind": _kind(relationship).KIND,
            "closed_by": closed_by, "giver": giver, "receiver": receiver,
            "status_label": _label(relationship, "status"),
            "reason_label": _label(relationship, "close_reason")}


def _label(relationship, field: str):
    """A choice's label still to be translated: get_FOO_display() would freeze it in the
    language of whoever closed, and each participant reads it in their own."""
    return dict(relationship._meta.get_field(field).flatchoices).get(
        getattr(relationship, field), "")


def _tell_closed(relationship, person: Person, context: dict) -> None:
    notify(recipient=person, kind=f"{_kind(relationship).KIND}_closed",
           template="relationship-closed", context=context, url=relationship_url(relationship))


def _ask_closing_survey(relationship, context: dict) -> None:
    _giver, receiver = participants(relationship)
    notify(recipient=receiver, kind="survey_closing", template="survey-request",
           context={**context, "phase": SurveyResponse.Phase.CLOSING},
           url=survey_url(relationship, SurveyResponse.Phase.CLOSING))


def _close_record(relationship, *, status: str, reason: str, note: str,
                  ended_on: datetime.date | None):
    """Check and store the close of an active relationship (under its row lock)."""
    relationship = _locked(relationship)
    if not relationship.is_active:
        raise ValidationError(NOT_ACTIVE)
    if status not in (RelationshipStatus.COMPLETED, RelationshipStatus.ENDED_EARLY):
        raise ValidationError({"status": CLOSE_STATUS_INVALID})
    if status == RelationshipStatus.ENDED_EARLY:
        if not reason:
            raise ValidationError({"reason": CLOSE_REASON_REQUIRED})
        if reason not in CloseReason.values:
            raise ValidationError({"reason": CLOSE_REASON_INVALID})
    elif reason and reason not in CloseReason.values:
        raise ValidationError({"reason": CLOSE_REASON_INVALID})
    ended_on = ended_on or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": CLOSE_IN_FUTURE})
    if relationship.started_on and ended_on < relationship.started_on:
        raise ValidationError(
            {"ended_on": CLOSE_BEFORE_START.format(
                started_on=date_format(relationship.started_on))})
    relationship.status = status
    relationship.close_reason = reason
    relationship.close_note = note.strip()
    relationship.ended_on = ended_on
    relationship.next_due_on = None
    relationship.save(update_fields=["status", "close_reason", "close_note", "ended_on",
                                     "next_due_on"])
    return relationship


def _one_to_five(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


@transaction.atomic
def survey_record(
    *,
    relationship,
    respondent: Person,
    phase: str,
    confidence: int,
    goal_progress: int,
    usefulness: int | None = None,
    answered_on: datetime.date | None = None,
) -> SurveyResponse:
    """The mentee's or protégé's answers, once per relationship and phase."""
    kind = _kind(relationship)
    if respondent.pk != _participant_ids(relationship)[1]:
        raise ValidationError(SURVEY_NOT_RESPONDENT[kind.KIND])
    if phase not in SurveyResponse.Phase.values:
        raise ValidationError(SURVEY_PHASE_INVALID)
    relationship = _locked(relationship)  # two tabs submitting at once: one wins
    if phase == SurveyResponse.Phase.CLOSING and not relationship.is_closed:
        raise ValidationError(SURVEY_CLOSING_TOO_EARLY)
    if not (_one_to_five(confidence) and _one_to_five(goal_progress)):
        raise ValidationError(SURVEY_ANSWER_OUT_OF_RANGE)
    if phase == SurveyResponse.Phase.CLOSING:
        if usefulness is None:
            raise ValidationError({"usefulness": SURVEY_USEFULNESS_REQUIRED})
        if not _one_to_five(usefulness):
            raise ValidationError({"usefulness": SURVEY_ANSWER_OUT_OF_RANGE})
    elif usefulness is not None:
        raise ValidationError({"usefulness": SURVEY_USEFULNESS_BASELINE})
    if survey_answered(relationship=relationship, phase=phase):
        raise ValidationError(SURVEY_ALREADY_ANSWERED)
    return SurveyResponse.objects.create(
        respondent=respondent, relationship_kind=kind.KIND, phase=phase,
        answered_on=answered_on or timezone.localdate(),
        confidence=confidence, goal_progress=goal_progress, usefulness=usefulness,
        **{kind.KIND: relationship},
    )


def survey_answered(*, relationship, phase: str) -> bool:
    kind = _kind(relationship)
    return SurveyResponse.objects.filter(**{kind.KIND: relationship}, phase=phase).exists()
