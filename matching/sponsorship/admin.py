"""Sponsorships, interests and advocacy records in the admin: read-only.

Advocacy details are shown: the admin is a superuser, and superusers are HR admins, who see every
record in the app too. Touchpoints (what was discussed, private notes) are not registered.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from matching.sponsorship.models import AdvocacyRecord, Sponsorship, SponsorshipInterest


@admin.register(Sponsorship)
class SponsorshipAdmin(ReadOnlyAdmin):
    """Formed, accepted and closed through the sponsorship services (capacity under a lock)."""

    list_display = ("sponsor", "protege", "status", "origin", "started_on", "ended_on",
                    "last_met_on", "last_advocacy_on", "next_due_on", "cohort")
    list_filter = ("status", "origin", "close_reason", "cohort")
    list_select_related = ("sponsor", "protege", "cohort")
    search_fields = ("sponsor__full_name", "sponsor__email", "protege__full_name",
                     "protege__email")
    fields = ("sponsor", "protege", "status", "origin", "proposed_by", "cohort", "started_on",
              "planned_end_on", "ended_on", "cadence_days", "last_met_on", "next_due_on",
              "inactive_since", "last_advocacy_on", "close_reason", "created_at")


@admin.register(SponsorshipInterest)
class SponsorshipInterestAdmin(ReadOnlyAdmin):
    """Answered by HR at /sponsorship/hr/interests/."""

    list_display = ("person", "created_at", "resolved_at", "sponsorship")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    list_select_related = ("person", "sponsorship__sponsor", "sponsorship__protege")
    search_fields = ("person__full_name", "person__email")


@admin.register(AdvocacyRecord)
class AdvocacyRecordAdmin(ReadOnlyAdmin):
    """Recorded by the sponsor; a succeeded outcome creates the career event in the same step."""

    list_display = ("kind", "sponsor", "protege", "occurred_on", "visibility", "outcome",
                    "outcome_on", "shared_with_protege")
    list_filter = ("kind", "outcome", "visibility", "shared_with_protege")
    list_select_related = ("sponsorship__sponsor", "sponsorship__protege")
    search_fields = ("sponsorship__sponsor__full_name", "sponsorship__protege__full_name",
                     "forum")
    date_hierarchy = "occurred_on"
    fields = ("sponsorship", "kind", "occurred_on", "forum", "visibility", "description",
              "outcome", "outcome_on", "outcome_note", "shared_with_protege", "career_event",
              "created_at")

    @admin.display(ordering="sponsorship__sponsor__full_name")
    def sponsor(self, record):
        return record.sponsorship.sponsor

    @admin.display(ordering="sponsorship__protege__full_name", description="protégé")
    def protege(self, record):
        return record.sponsorship.protege
