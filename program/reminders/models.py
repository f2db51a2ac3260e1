"""The reminder log: one row per reminder, the sweep's exactly-once key."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderLog(models.Model):
    """One row per (relationship, due date, kind): the reminder sweep's exactly-once key.

    The sweep inserts the row first (a unique violation means someone else has it), then claims
    it with a conditional UPDATE on `claimed_at`, sends, and sets `sent_at`.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Check-in due soon")
        OVERDUE = "overdue", _("Check-in overdue")
        ESCALATION = "escalation", _("Two missed check-ins (HR told)")
        REQUEST_NUDGE = "request_nudge", _("Unanswered request nudge")
        REQUEST_EXPIRED = "request_expired", _("Request expired")
        INACTIVE = "inactive", _("Inactive relationship")
        ADVOCACY_NUDGE = "advocacy_nudge", _("No advocacy for 90 days")
        OUTCOME_REPORT = "outcome_report", _("Weekly outcome report")
        COMMITMENT_DUE_SOON = "commitment_due_soon", _("Sponsor commitment due soon")
        COMMITMENT_OVERDUE = "commitment_overdue", _("Sponsor commitment overdue")

    # mentorship | sponsorship | request | report | commitment
    relationship_kind = models.CharField(max_length=12)
    relationship_id = models.BigIntegerField()
    due_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Who holds the claim: a claim's rows are found again by token, so one UPDATE claims a batch.
    claim_token = models.UUIDField(null=True, blank=True)
    # "Bob Mentor and Alice Employee": written at delivery so the HR log needs no joins.
    summary = models.CharField(max_length=300, blank=True)
    # Set instead of sending when the reason went away (they met, the request was answered).
    skipped_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep's claim query reads only unsent rows.
            models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True),
                         name="reminder_unsent"),
            models.Index(fields=["kind", "-created_at"], name="reminder_kind_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship_kind", "relationship_id", "due_on", "kind"],
                name="one_reminder_per_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.relationship_kind} {self.relationship_id} ({self.due_on})"
