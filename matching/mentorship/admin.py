"""Mentor requests and mentorships in the admin: read-only, and nothing the pair wrote."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from matching.mentorship.models import MentorRequest, Mentorship


@admin.register(MentorRequest)
class MentorRequestAdmin(ReadOnlyAdmin):
    """Answered through the mentor's page or expired by the worker. The message and the
    decline note are the mentee's and mentor's words to each other: not shown."""

    list_display = ("mentee", "mentor", "status", "created_at", "answered_at", "nudged_at")
    list_filter = ("status", "decline_reason")
    list_select_related = ("mentee", "mentor")
    search_fields = ("mentee__full_name", "mentee__email", "mentor__full_name", "mentor__email")
    date_hierarchy = "created_at"
    fields = ("mentee", "mentor", "status", "decline_reason", "created_at", "answered_at",
              "nudged_at")


@admin.register(Mentorship)
class MentorshipAdmin(ReadOnlyAdmin):
    """The pair's dates and status. The agreement, goals, check-ins and closing note are the
    pair's own (the app shows them to the pair only)."""

    list_display = ("mentor", "mentee", "status", "started_on", "planned_end_on", "ended_on",
                    "last_met_on", "next_due_on", "inactive_since", "cohort")
    list_filter = ("status", "close_reason", "cohort")
    list_select_related = ("mentor", "mentee", "cohort")
    search_fields = ("mentor__full_name", "mentor__email", "mentee__full_name", "mentee__email")
    fields = ("mentor", "mentee", "status", "request", "cohort", "started_on", "planned_end_on",
              "ended_on", "cadence_days", "last_met_on", "next_due_on", "inactive_since",
              "close_reason", "created_at")
