"""Sponsorship: a senior leader advocates, visibly and at a risk to their own reputation."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import CADENCE_IN_RANGE, LONG_TEXT_MAX, NOTE_MAX, SponsorProfile, text_fits
from matching.relationships.models import (
    Meeting,
    Relationship,
    RelationshipStatus,
    relationship_constraints,
)

OPEN_STATUSES = (RelationshipStatus.PROPOSED, RelationshipStatus.ACTIVE)


class SponsorshipQuerySet(models.QuerySet):
    def for_person(self, person):
        """The sponsorships a person is in, as sponsor or protégé."""
        return self.filter(models.Q(sponsor=person) | models.Q(protege=person))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Sponsorship(Relationship):
    GIVER_PROFILE = SponsorProfile
    KIND, GIVER, RECEIVER, RECEIVER_WORD, DEFAULT_MONTHS = (
        "sponsorship", "sponsor", "protege", "protégé", 12)

    class Origin(models.TextChoices):
        HR = "hr", _("Paired by HR")
        SPONSOR = "sponsor", _("Proposed by the sponsor")
        INTEREST = "interest", _("From the employee's request to HR")
        COHORT = "cohort", _("Cohort matching")
        IMPORT = "import", _("Imported")

    sponsor = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="sponsorships_as_sponsor"
    )
    protege = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="sponsorships_as_protege"
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.HR)
    proposed_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_advocacy_on = models.DateField(null=True, blank=True)

    objects = SponsorshipQuerySet.as_manager()

    def meeting_create(self, **fields) -> Touchpoint:
        return Touchpoint.objects.create(sponsorship=self, **fields)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["status", "next_due_on"]),
                   # Newest first (the ordering, HR's console): a page reads 50 rows in order.
                   models.Index(fields=["-started_on", "-id"], name="sponsorship_newest_idx")]
        constraints = [
            # A pair has at most one sponsorship waiting or running; the services check first
            # for a clear message, the constraint closes the race.
            models.UniqueConstraint(
                fields=["sponsor", "protege"], condition=models.Q(status__in=OPEN_STATUSES),
                name="one_open_sponsorship_per_pair",
            ),
            CADENCE_IN_RANGE,
            *relationship_constraints(),
        ]

    def __str__(self) -> str:
        return gettext("%(sponsor)s sponsors %(protege)s") % {"sponsor": self.sponsor,
                                                               "protege": self.protege}


class SponsorshipInterest(models.Model):
    """An employee tells HR they would like a sponsor (they do not cold-request executives)."""

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="sponsorship_interests"
    )
    aspirations = models.TextField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The latest proposal made for it; the request is resolved when a proposal is accepted.
    sponsorship = models.ForeignKey(
        Sponsorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # HR may answer no, with a reason the employee reads.
    declined_reason = models.CharField(max_length=300, blank=True)
    declined_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(resolved_at__isnull=True),
                                    name="one_open_sponsorship_interest_per_person"),
            text_fits("aspirations", NOTE_MAX),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s would like a sponsor") % {"name": self.person}


class SponsorWrittenQuerySet(models.QuerySet):
    """Records a sponsor writes about a protégé (advocacy records, commitments)."""

    def visible_to(self, person, user):
        """Who sees what: HR admins see every record; the sponsor sees the records they wrote;
        the protégé sees only the records shared with them; nobody else sees any."""
        if user is not None and getattr(user, "is_hr_admin", False):
            return self.all()
        if person is None:
            return self.none()
        return self.filter(
            models.Q(sponsorship__sponsor=person)
            | models.Q(sponsorship__protege=person, shared_with_protege=True)
        )


AdvocacyRecordQuerySet = SponsorWrittenQuerySet


class AdvocacyRecord(models.Model):
    """One act of advocacy: what was put forward, where, how openly, and what came of it."""

    class Kind(models.TextChoices):
        PROMOTION_NOMINATION = "promotion_nomination", _("Promotion nomination")
        STRETCH_ASSIGNMENT = "stretch_assignment", _("Stretch assignment")
        HIGH_VISIBILITY_PROJECT = "high_visibility_project", _("High-visibility project")
        LEADERSHIP_NOMINATION = "leadership_nomination", _("Leadership role nomination")
        INTRODUCTION = "introduction", _("Introduction to a decision maker")
        TALENT_REVIEW_ENDORSEMENT = "talent_review_endorsement", _("Endorsement in a talent review")
        SPEAKING_OPPORTUNITY = "speaking_opportunity", _("Speaking or visibility opportunity")

    class Visibility(models.TextChoices):
        OPEN = "open", _("Said in the open")
        CLOSED_DOORS = "closed_doors", _("Behind closed doors")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        NOT_SUCCEEDED = "not_succeeded", _("Not succeeded")

    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.CASCADE, related_name="advocacy_records"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField()
    forum = models.CharField(max_length=200, blank=True)
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default="open")
    description = models.TextField(max_length=LONG_TEXT_MAX, help_text=_("What was put forward."))
    outcome = models.CharField(max_length=14, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, max_length=NOTE_MAX)
    shared_with_protege = models.BooleanField(default=False)
    career_event = models.OneToOneField(
        "accounts.CareerEvent", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="advocacy_record",
    )
    # True when this record's outcome created `career_event` (so undoing the outcome removes
    # it); False when it was linked to an event HR had already recorded (undoing only unlinks).
    created_career_event = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AdvocacyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_on"])]
        constraints = [text_fits("description", LONG_TEXT_MAX),
                       text_fits("outcome_note", NOTE_MAX)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_on})"


class Touchpoint(Meeting):
    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.CASCADE, related_name="touchpoints"
    )

    class Meta(Meeting.Meta):
        pass


# Commitment rules the database holds; the services raise the same words on the field.
COMMITMENT_NEEDS_DECISION_MAKER = _("Name the decision maker you will introduce them to.")
COMMITMENT_DUE_BEFORE_MADE = _("The due date is before the day the commitment is made "
                               "({made_on}).")


class Commitment(models.Model):
    """What a sponsor means to do for a protégé, by when and where. It is kept by a linked
    advocacy record (on time when the record is dated on or before the due date) or dropped
    with a reason; until then it is open."""

    class Kind(models.TextChoices):
        PROMOTION_NOMINATION = "promotion_nomination", _("Nominate for a promotion")
        STRETCH_ASSIGNMENT = "stretch_assignment", _(
            "Put forward for a stretch or high-visibility assignment")
        INTRODUCTION = "introduction", _("Introduce to a named decision maker")
        TALENT_REVIEW = "talent_review", _("Speak up in a calibration or talent review")
        SPEAKING_OPPORTUNITY = "speaking_opportunity", _("A speaking opportunity")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        DROPPED = "dropped", _("Dropped")

    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.CASCADE, related_name="commitments"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    decision_maker = models.CharField(
        max_length=200, blank=True, help_text=_("For an introduction: who, by name and role."))
    forum = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    made_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    shared_with_protege = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    advocacy_record = models.OneToOneField(
        AdvocacyRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="commitment"
    )
    kept_on = models.DateField(null=True, blank=True)
    dropped_on = models.DateField(null=True, blank=True)
    drop_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SponsorWrittenQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("made_on")),
                                   name="commitment_due_after_made",
                                   violation_error_message=_("The due date is before the day the "
                                                             "commitment is made.")),
            models.CheckConstraint(
                condition=~models.Q(kind="introduction") | ~models.Q(decision_maker=""),
                name="commitment_introduction_names_someone",
                violation_error_message=COMMITMENT_NEEDS_DECISION_MAKER),
            # Each state carries exactly its own facts: kept has its record and date, dropped
            # its reason and date, open neither.
            models.CheckConstraint(
                condition=(
                    models.Q(state="open", advocacy_record__isnull=True, kept_on__isnull=True,
                             dropped_on__isnull=True, drop_reason="")
                    | models.Q(state="kept", advocacy_record__isnull=False,
                               kept_on__isnull=False, dropped_on__isnull=True, drop_reason="")
                    | (models.Q(state="dropped", advocacy_record__isnull=True,
                                kept_on__isnull=True, dropped_on__isnull=False)
                       & ~models.Q(drop_reason=""))
                ),
                name="commitment_state_facts"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.due_on}"

    @property
    def kept_on_time(self) -> bool:
        return self.state == self.State.KEPT and self.kept_on <= self.due_on

    def is_overdue(self, today) -> bool:
        return self.state == self.State.OPEN and self.due_on < today
