"""What a pair needs to work together: a private message thread and proposed meeting times.

Both belong to one relationship of either kind: exactly one of `mentorship` / `sponsorship` is
set (the field is named after the kind's KIND, as on SurveyResponse), and the database holds it.
Messages are the pair's own: nobody else reads them, HR included (the rule of check-in notes).
"""

from __future__ import annotations

import datetime
import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 500
MAX_OPTIONS = 3
DURATION_MINUTES = (15, 240)


def _one_relationship(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(models.Q(mentorship__isnull=False, sponsorship__isnull=True)
                   | models.Q(mentorship__isnull=True, sponsorship__isnull=False)),
        name=name, violation_error_message=_("Belongs to exactly one mentorship or sponsorship."))


class PairRecord(models.Model):
    """The link to the relationship, shared by messages, read marks and proposals."""

    mentorship = models.ForeignKey("matching.Mentorship", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    sponsorship = models.ForeignKey("matching.Sponsorship", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @property
    def relationship(self):
        return self.mentorship or self.sponsorship


class Message(PairRecord):
    author = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [_one_relationship("message_one_relationship")]
        indexes = [models.Index(fields=["mentorship", "created_at"]),
                   models.Index(fields=["sponsorship", "created_at"])]

    def __str__(self) -> str:
        return f"Message from {self.author_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ThreadRead(PairRecord):
    """Up to when a person has read their pair's thread: unread = the other's later messages."""

    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            _one_relationship("threadread_one_relationship"),
            models.UniqueConstraint(fields=["person", "mentorship"],
                                    name="one_read_mark_mentorship",
                                    condition=models.Q(mentorship__isnull=False)),
            models.UniqueConstraint(fields=["person", "sponsorship"],
                                    name="one_read_mark_sponsorship",
                                    condition=models.Q(sponsorship__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read up to {self.read_at:%Y-%m-%d %H:%M}"


class MeetingProposal(PairRecord):
    """One side offers one to three times; the other accepts one (it becomes the next meeting),
    declines (and may offer others: a new proposal, which replaces any open one), or either side
    cancels an accepted meeting. `sequence` counts the calendar updates of the meeting."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REPLACED = "replaced", _("Replaced by new times")
        CANCELLED = "cancelled", _("Cancelled")

    proposed_by = models.ForeignKey("accounts.Person", on_delete=models.CASCADE,
                                    related_name="+")
    option_1 = models.DateTimeField()
    option_2 = models.DateTimeField(null=True, blank=True)
    option_3 = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    starts_at = models.DateTimeField(null=True, blank=True)  # the accepted option
    answered_by = models.ForeignKey("accounts.Person", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answer_note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            _one_relationship("meetingproposal_one_relationship"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=DURATION_MINUTES[0],
                                   duration_minutes__lte=DURATION_MINUTES[1]),
                name="meetingproposal_duration_in_range",
                violation_error_message=_("A meeting lasts 15 minutes to 4 hours.")),
            models.CheckConstraint(
                condition=models.Q(status="accepted", starts_at__isnull=False)
                | ~models.Q(status="accepted"),
                name="meetingproposal_accepted_has_time"),
            # At most one open proposal per pair: a new one replaces it (services, under a lock).
            models.UniqueConstraint(fields=["mentorship"], name="one_open_proposal_mentorship",
                                    condition=models.Q(status="open", mentorship__isnull=False)),
            models.UniqueConstraint(fields=["sponsorship"], name="one_open_proposal_sponsorship",
                                    condition=models.Q(status="open", sponsorship__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"Meeting proposal {self.pk} ({self.status})"

    @property
    def options(self) -> list[datetime.datetime]:
        return [t for t in (self.option_1, self.option_2, self.option_3) if t is not None]

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


def feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's calendar subscription: a secret address listing their agreed meetings and
    check-in due dates. Resetting it gives a new address and the old one stops working."""

    person = models.OneToOneField("accounts.Person", on_delete=models.CASCADE,
                                  related_name="+")
    token = models.CharField(max_length=64, unique=True, default=feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person_id}"


class ClosingReflection(PairRecord):
    """The mentor's or sponsor's own answer at the close (how it went, would they do it again),
    kept apart from the mentee's or protégé's survey so neither colours the other."""

    respondent = models.ForeignKey("accounts.Person", on_delete=models.CASCADE,
                                   related_name="+")
    how_it_went = models.PositiveSmallIntegerField(
        _("How did it go? (1 = poorly, 5 = very well)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    would_do_again = models.BooleanField(_("Would you do it again?"))
    comment = models.TextField(_("Anything HR should know (optional)"), max_length=1000,
                               blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            _one_relationship("closingreflection_one_relationship"),
            models.UniqueConstraint(fields=["mentorship"], name="one_reflection_mentorship",
                                    condition=models.Q(mentorship__isnull=False)),
            models.UniqueConstraint(fields=["sponsorship"], name="one_reflection_sponsorship",
                                    condition=models.Q(sponsorship__isnull=False)),
            models.CheckConstraint(condition=models.Q(how_it_went__gte=1, how_it_went__lte=5),
                                   name="closingreflection_how_it_went_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Reflection of {self.respondent_id}"
