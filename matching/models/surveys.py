"""Surveys at the start (baseline) and close of a relationship, the same for both kinds."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class SurveyResponse(models.Model):
    class Kind(models.TextChoices):
        MENTORSHIP = "mentorship", "Mentorship"
        SPONSORSHIP = "sponsorship", "Sponsorship"

    class Phase(models.TextChoices):
        BASELINE = "baseline", "At the start"
        CLOSING = "closing", "At the close"

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
        validators=ONE_TO_FIVE, help_text="Confidence in your career direction (1-5)."
    )
    goal_progress = models.PositiveSmallIntegerField(
        validators=ONE_TO_FIVE, help_text="Progress on your development goals (1-5)."
    )
    usefulness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE,
        help_text="How useful the relationship was (1-5, closing only).",
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
