"""Cohorts: a matching round. HR enrols people, matches everyone at once, then publishes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    CADENCE_IN_RANGE,
    CADENCE_VALIDATORS,
    LONG_TEXT_MAX,
    capacity_floor,
    capacity_validators,
    text_fits,
)

# How many people a mentor or sponsor takes on in one cohort (mentees and protégés: 1).
ENROLMENT_CAPACITY = (1, 10)
ENROLMENT_CAPACITY_RANGE = format_lazy(
    _("Capacity is how many people you take on in this cohort: {low} to {high}."),
    low=ENROLMENT_CAPACITY[0], high=ENROLMENT_CAPACITY[1])


class CohortQuerySet(models.QuerySet):
    def visible_to(self, person):
        """Cohorts an employee may see: open ones still enrolling, and any they are enrolled in
        (an invitation is an enrolment HR made for them)."""
        return self.filter(
            models.Q(status=Cohort.Status.ENROLLING, open_to_all=True)
            | models.Q(enrolments__person=person)
        ).distinct()


class Cohort(models.Model):
    class Kind(models.TextChoices):
        MENTORSHIP = "mentorship", _("Mentorship")
        SPONSORSHIP = "sponsorship", _("Sponsorship")

    class Status(models.TextChoices):
        ENROLLING = "enrolling", _("Enrolling")
        PUBLISHED = "published", _("Published")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField(blank=True, max_length=LONG_TEXT_MAX,
                                   help_text=_("Shown to employees on the enrolment page."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ENROLLING)
    open_to_all = models.BooleanField(default=True)
    enrolment_opens_on = models.DateField(null=True, blank=True)
    enrolment_closes_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    length_months = models.PositiveSmallIntegerField(default=6)
    cadence_days = models.PositiveSmallIntegerField(default=14, validators=CADENCE_VALIDATORS)
    weights = models.JSONField(default=dict, blank=True,
                               help_text=_("Points per scoring criterion."))
    objective = models.CharField(max_length=10, default="score")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [CADENCE_IN_RANGE, text_fits("description", LONG_TEXT_MAX)]

    def __str__(self) -> str:
        return self.name


class CohortEnrolment(models.Model):
    class Role(models.TextChoices):
        MENTEE = "mentee", _("Mentee")
        MENTOR = "mentor", _("Mentor")
        PROTEGE = "protege", _("Protégé")
        SPONSOR = "sponsor", _("Sponsor")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="cohort_enrolments"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=capacity_validators(ENROLMENT_CAPACITY, ENROLMENT_CAPACITY_RANGE))
    preferred = models.JSONField(default=list, blank=True,
                                 help_text=_("Ranked person ids (max 5)."))
    must_haves = models.JSONField(default=list, blank=True)
    invited = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person", "role"],
                                    name="one_enrolment_per_role"),
            capacity_floor(ENROLMENT_CAPACITY, ENROLMENT_CAPACITY_RANGE),
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.role} in {self.cohort}"


class CohortPairRule(models.Model):
    """A pair HR pinned (must be made) or forbade (must not be made) in a cohort."""

    class Rule(models.TextChoices):
        PIN = "pin", _("Pinned")
        FORBID = "forbid", _("Forbidden")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pair_rules")
    giver = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    receiver = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=6, choices=Rule.choices)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "giver", "receiver"],
                                    name="one_rule_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.giver} -> {self.receiver}"
