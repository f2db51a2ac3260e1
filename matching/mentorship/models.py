"""Mentorship: guidance, feedback, skills and confidence, often behind the scenes."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import CADENCE_IN_RANGE, LONG_TEXT_MAX, NOTE_MAX, MentorProfile, text_fits
from matching.relationships.models import (
    Meeting,
    Relationship,
    RelationshipStatus,
    relationship_constraints,
)


class MentorRequestQuerySet(models.QuerySet):
    def for_person(self, person):
        """The requests a person sent or received."""
        return self.filter(models.Q(mentee=person) | models.Q(mentor=person))

    def open(self):
        return self.filter(status=MentorRequest.Status.OPEN)


class MentorRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class DeclineReason(models.TextChoices):
        NO_TIME = "no_time", _("I don't have time right now")
        NOT_MY_AREA = "not_my_area", _("These goals are outside what I can help with")
        BETTER_FIT = "better_fit", _("Someone else would be a better fit")
        OTHER = "other", _("Another reason")

    mentee = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="mentor_requests_sent"
    )
    mentor = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="mentor_requests_received"
    )
    message = models.TextField(max_length=NOTE_MAX)
    goals = models.ManyToManyField("accounts.Skill", blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(blank=True, max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    nudged_at = models.DateTimeField(null=True, blank=True)

    objects = MentorRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"], condition=models.Q(status="open"),
                name="one_open_request_per_pair",
            ),
            text_fits("message", NOTE_MAX),
            text_fits("decline_note", NOTE_MAX),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return gettext("%(mentee)s asks %(mentor)s") % {"mentee": self.mentee,
                                                         "mentor": self.mentor}


class MentorshipQuerySet(models.QuerySet):
    def for_person(self, person):
        """The mentorships a person is in, as mentor or mentee."""
        return self.filter(models.Q(mentor=person) | models.Q(mentee=person))

    def active(self):
        return self.filter(status=RelationshipStatus.ACTIVE)


class Mentorship(Relationship):
    GIVER_PROFILE = MentorProfile
    KIND, GIVER, RECEIVER, RECEIVER_WORD, DEFAULT_MONTHS = (
        "mentorship", "mentor", "mentee", "mentee", 6)

    mentor = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    request = models.OneToOneField(
        MentorRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorship"
    )
    agreement = models.TextField(blank=True, max_length=LONG_TEXT_MAX,
                                 help_text=_("What the pair agreed to work on."))

    objects = MentorshipQuerySet.as_manager()

    def meeting_create(self, **fields) -> CheckIn:
        return CheckIn.objects.create(mentorship=self, **fields)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["status", "next_due_on"]),
                   models.Index(fields=["mentor", "status"]),
                   # Newest first (the ordering, HR's console): a page reads 50 rows in order.
                   models.Index(fields=["-started_on", "-id"], name="mentorship_newest_idx")]
        constraints = [
            # The accept service checks first for a clear message; this closes the race.
            models.UniqueConstraint(
                fields=["mentor", "mentee"], condition=models.Q(status="active"),
                name="one_active_mentorship_per_pair",
            ),
            CADENCE_IN_RANGE,
            *relationship_constraints(),
            text_fits("agreement", LONG_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return gettext("%(mentor)s mentors %(mentee)s") % {"mentor": self.mentor,
                                                            "mentee": self.mentee}


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    skill = models.ForeignKey(
        "accounts.Skill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # goal_add checks first for a clear message; this holds every other path.
            models.UniqueConstraint(Lower("title"), "mentorship",
                                    name="one_goal_title_per_mentorship"),
        ]

    def __str__(self) -> str:
        return self.title


class CheckIn(Meeting):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")

    class Meta(Meeting.Meta):
        pass
