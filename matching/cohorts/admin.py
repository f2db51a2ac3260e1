"""Cohorts in the admin: read-only (HR runs them at /hr/cohorts/; publishing is all or nothing)."""

from django.contrib import admin
from django.db.models import Count

from accounts.admin import ReadOnlyAdmin
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "kind", "status", "open_to_all", "enrolment_closes_on",
                    "starts_on", "enrolled", "published_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "slug")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(enrolled_count=Count("enrolments"))

    @admin.display(ordering="enrolled_count")
    def enrolled(self, cohort):
        return cohort.enrolled_count


@admin.register(CohortEnrolment)
class CohortEnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("person", "cohort", "role", "capacity", "invited", "created_at")
    list_filter = ("role", "invited", "cohort")
    list_select_related = ("person", "cohort")
    search_fields = ("person__full_name", "person__email", "cohort__name")


@admin.register(CohortPairRule)
class CohortPairRuleAdmin(ReadOnlyAdmin):
    list_display = ("cohort", "rule", "giver", "receiver", "created_by", "created_at")
    list_filter = ("rule", "cohort")
    list_select_related = ("cohort", "giver", "receiver", "created_by")
