"""What mentorship and sponsorship share: cadence, closing, meetings, surveys. Written once."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import CADENCE_VALIDATORS, LONG_TEXT_MAX, NOTE_MAX, text_fits


class RelationshipStatus(models.TextChoices):
    # A context of their own: a mentorship's status agrees with it, not with a request's.
    PROPOSED = "proposed", pgettext_lazy("relationship status", "Waiting for acceptance")
    ACTIVE = "active", pgettext_lazy("relationship status", "Active")
    COMPLETED = "completed", pgettext_lazy("relationship status", "Completed")
    ENDED_EARLY = "ended_early", pgettext_lazy("relationship status", "Ended early")
    DECLINED = "declined", pgettext_lazy("relationship status", "Declined")
    # by whoever proposed it, before an answer
    WITHDRAWN = "withdrawn", pgettext_lazy("relationship status", "Withdrawn")


# A relationship in one of these never started: it counts nowhere but the proposals list.
NEVER_STARTED = (RelationshipStatus.PROPOSED, RelationshipStatus.DECLINED,
                 RelationshipStatus.WITHDRAWN)


def relationship_constraints() -> list[models.BaseConstraint]:
    """What every kind's table holds (each kind lists them in its own Meta)."""
    return [
        models.CheckConstraint(
            condition=models.Q(planned_end_on__isnull=True) | models.Q(started_on__isnull=True)
            | models.Q(planned_end_on__gt=models.F("started_on")),
            name="%(class)s_planned_end_after_start"),
        text_fits("close_note", NOTE_MAX),
    ]


class CloseReason(models.TextChoices):
    """No-fault reasons for ending early."""

    GOALS_MET = "goals_met", _("Goals met sooner than planned")
    SCHEDULE = "schedule", _("Schedules no longer work")
    ROLE_CHANGE = "role_change", _("One of us changed role or team")
    LEFT_COMPANY = "left_company", _("One of us left the company")
    NOT_A_FIT = "not_a_fit", _("Not the right fit, no fault")
    OTHER = "other", _("Another reason")


class Relationship(models.Model):
    """The lifecycle both kinds share. Each kind describes itself in the class attributes below,
    so the shared services (matching/relationships/services.py) never import a kind."""

    KIND: ClassVar[str]  # "mentorship": the SurveyResponse kind, URL namespace and survey <kind>
    GIVER: ClassVar[str]  # the field naming who gives: "mentor"
    RECEIVER: ClassVar[str]  # the field naming who receives: "mentee"
    RECEIVER_WORD: ClassVar[str]  # how pages and messages call the receiver: "mentee"
    DEFAULT_MONTHS: ClassVar[int]  # planned length unless one is agreed
    GIVER_PROFILE: ClassVar[type[models.Model]]  # the giver's profile, whose capacity it takes

    status = models.CharField(
        max_length=12, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE,
        db_index=True,
    )
    started_on = models.DateField(null=True, blank=True)
    planned_end_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    cadence_days = models.PositiveSmallIntegerField(default=14, validators=CADENCE_VALIDATORS)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(blank=True, max_length=NOTE_MAX)
    # Denormalised by the check-in/touchpoint services so the reminder sweep can find what is
    # due with an indexed query instead of reading every meeting.
    last_met_on = models.DateField(null=True, blank=True)
    next_due_on = models.DateField(null=True, blank=True, db_index=True)
    inactive_since = models.DateField(null=True, blank=True)
    cohort = models.ForeignKey(
        "matching.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status == RelationshipStatus.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.status in (RelationshipStatus.COMPLETED, RelationshipStatus.ENDED_EARLY)

    def next_check_in_due(self) -> datetime.date | None:
        """The next check-in date as stored (next_due_on), while the relationship is active."""
        return self.next_due_on if self.is_active else None

    def next_check_in_schedule(self) -> datetime.date | None:
        """Store in next_due_on (without saving) the date cadence days after the last meeting, or
        after the start when there has been none; unchanged when neither is known. Whatever
        starts, meets, or changes the cadence of a relationship calls this."""
        anchor = self.last_met_on or self.started_on
        if anchor is not None:
            self.next_due_on = anchor + datetime.timedelta(days=self.cadence_days)
        return self.next_due_on


class Meeting(models.Model):
    """A check-in (mentorship) or touchpoint (sponsorship): date, what was discussed, a rating.

    Private notes are visible to their author only.
    """

    occurred_on = models.DateField()
    discussed = models.TextField(max_length=LONG_TEXT_MAX)
    private_notes = models.TextField(blank=True, max_length=LONG_TEXT_MAX)
    progress_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    author = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-occurred_on", "-id"]
        constraints = [text_fits("discussed", LONG_TEXT_MAX),
                       text_fits("private_notes", LONG_TEXT_MAX)]


# Surveys at the start (baseline) and close of a relationship, the same for both kinds.
ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class SurveyResponse(models.Model):
    class Kind(models.TextChoices):
        MENTORSHIP = "mentorship", _("Mentorship")
        SPONSORSHIP = "sponsorship", _("Sponsorship")

    class Phase(models.TextChoices):
        BASELINE = "baseline", _("At the start")
        CLOSING = "closing", _("At the close")

    respondent = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="survey_responses"
    )
    relationship_kind = models.CharField(max_length=12, choices=Kind.choices)
    mentorship = models.ForeignKey(
        "matching.Mentorship", null=True, blank=True, on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    sponsorship = models.ForeignKey(
        "matching.Sponsorship", null=True, blank=True, on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    phase = models.CharField(max_length=10, choices=Phase.choices)
    answered_on = models.DateField(default=timezone.localdate)
    confidence = models.PositiveSmallIntegerField(
        validators=ONE_TO_FIVE, help_text=_("Confidence in your career direction (1-5).")
    )
    goal_progress = models.PositiveSmallIntegerField(
        validators=ONE_TO_FIVE, help_text=_("Progress on your development goals (1-5).")
    )
    usefulness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE,
        help_text=_("How useful the relationship was (1-5, closing only)."),
    )

    class Meta:
        ordering = ["-answered_on", "-id"]
        indexes = [models.Index(fields=["relationship_kind", "phase"])]
        constraints = [
            # One answer per relationship and phase (survey_record checks first, under a lock).
            models.UniqueConstraint(fields=["mentorship", "phase"],
                                    condition=models.Q(mentorship__isnull=False),
                                    name="one_survey_per_mentorship_phase"),
            models.UniqueConstraint(fields=["sponsorship", "phase"],
                                    condition=models.Q(sponsorship__isnull=False),
                                    name="one_survey_per_sponsorship_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.respondent} {self.relationship_kind} {self.phase}"


def relationship_models() -> dict[str, type[Relationship]]:
    """Every kind of relationship by its KIND: {"mentorship": Mentorship, ...}."""
    return {model.KIND: model for model in apps.get_app_config("matching").get_models()
            if issubclass(model, Relationship)}
