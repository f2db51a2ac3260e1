"""The Django admin for the program's own records: the reminder log and stored reports.

Both are written by the worker only (the sweep's exactly-once key, the weekly snapshot), so the
admin shows them read-only; HR's own views are /hr/reminders/ and /hr/dashboard/.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from program.reminders.models import ReminderLog
from program.reports.models import ReportSnapshot


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("kind", "relationship_kind", "relationship_id", "due_on", "summary",
                    "sent_at", "skipped_reason", "created_at")
    list_filter = ("kind", "relationship_kind", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("summary", "skipped_reason")
    date_hierarchy = "created_at"


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(ReadOnlyAdmin):
    """The stored JSON is the already-suppressed report (small groups hidden)."""

    list_display = ("as_of", "window_months", "created_at", "duration_ms")
    date_hierarchy = "created_at"
