"""Stored outcome reports, so dashboards show the latest at once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ReportSnapshot(models.Model):
    """A stored outcome report (the JSON contract) so dashboards show it at once."""

    as_of = models.DateField()
    window_months = models.PositiveSmallIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Outcome report as of {self.as_of} ({self.window_months} months)"
