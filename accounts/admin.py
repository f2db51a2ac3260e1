"""The Django admin for people: the operator's (a superuser's) view of accounts and HR records.

Only what is safe to edit here is editable: the shared vocabularies (skills, departments) and a
user's flags. Everything else has a service or an import behind it (the people import checks
manager cycles and time zones, and a re-import would overwrite an edit made here), so the admin
shows it read-only. Gender and ethnicity are self-described and used in aggregate reports only:
the admin never shows them, like every other page.
"""

from django import forms
from django.contrib import admin
from django.utils.text import slugify

from accounts.audit import audit_record
from accounts.models import (
    AuditEvent,
    CareerEvent,
    Department,
    MentorProfile,
    Notification,
    OutboxMessage,
    Person,
    Skill,
    SponsorProfile,
    User,
)

ROLE_FLAGS = ("is_active", "is_hr_admin", "is_staff", "is_superuser")


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only: rows change through the app's services and imports, never from here."""

    show_full_result_count = False  # no second COUNT(*) over the whole table on each page
    list_per_page = 50

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Flags only. Accounts are created by signing up (allauth keeps the email records) or by
    createsuperuser; passwords are reset through allauth; deactivate instead of deleting."""

    list_display = ("email", "is_active", "is_hr_admin", "is_staff", "is_superuser",
                    "date_joined", "last_login")
    list_filter = ("is_active", "is_hr_admin", "is_staff", "is_superuser")
    search_fields = ("email",)
    ordering = ("email",)
    fields = ("email", "is_active", "is_hr_admin", "is_staff", "is_superuser", "date_joined",
              "last_login")
    readonly_fields = ("email", "date_joined", "last_login")
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in ROLE_FLAGS if name in form.changed_data]
        if changed:  # the admin saves in one transaction: the row and its audit go together
            audit_record(request, "user.roles_change", target=obj,
                         summary=f"{obj.email}: " + ", ".join(
                             f"{name}={getattr(obj, name)}" for name in changed),
                         **{name: getattr(obj, name) for name in changed})


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, read-only like everywhere else (HR searches it at /hr/audit/)."""

    list_display = ("created_at", "actor_label", "action", "target_type", "target_id",
                    "summary")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "target_id")


class SkillForm(forms.ModelForm):
    """The slug is always slugify(name): the people import finds skills by it."""

    class Meta:
        model = Skill
        fields = ("name", "category")

    def clean(self):
        cleaned = super().clean()
        slug = slugify(cleaned.get("name", ""))
        if not slug:
            raise forms.ValidationError({"name": "A skill name needs letters or digits."})
        if Skill.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                {"name": f"Another skill already has the short name {slug!r}."})
        self.instance.slug = slug
        return cleaned


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    """The shared vocabulary: add and rename. No delete: it would silently strip the skill from
    every person, mentor and goal that has it."""

    form = SkillForm
    list_display = ("name", "slug", "category")
    list_filter = ("category",)
    search_fields = ("name", "slug", "category")
    readonly_fields = ("slug",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """Add and rename. No delete: it would empty every person's department and skew reports."""

    list_display = ("name",)
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    """The HR record, read-only: the people import (import_csv people) is its source."""

    list_display = ("full_name", "employee_id", "email", "title", "level", "department",
                    "location", "manager", "termination_date", "user")
    list_filter = ("level", "department", "termination_date")
    list_select_related = ("department", "manager", "user")
    search_fields = ("full_name", "email", "employee_id")
    # Never gender or ethnicity (aggregate reports only), never the free-text interests.
    fields = ("employee_id", "email", "full_name", "title", "level", "department", "location",
              "timezone", "manager", "hire_date", "termination_date", "user", "skills",
              "development_goals", "languages", "preferred_language", "notify_requests",
              "notify_reminders", "notify_messages", "notify_reports", "notify_by_slack",
              "slack_user_id")


@admin.register(MentorProfile)
class MentorProfileAdmin(ReadOnlyAdmin):
    list_display = ("person", "capacity", "cadence_days", "is_paused", "created_at")
    list_filter = ("is_paused",)
    list_select_related = ("person",)
    search_fields = ("person__full_name", "person__email")
    fields = ("person", "capacity", "skills", "cadence_days", "languages", "is_paused",
              "created_at")


@admin.register(SponsorProfile)
class SponsorProfileAdmin(ReadOnlyAdmin):
    """Approvals go through HR's queue (/sponsorship/hr/registrations/)."""

    list_display = ("person", "status", "capacity", "is_paused", "decided_by", "decided_at")
    list_filter = ("status", "is_paused")
    list_select_related = ("person", "decided_by")
    search_fields = ("person__full_name", "person__email")


@admin.register(CareerEvent)
class CareerEventAdmin(ReadOnlyAdmin):
    """Recorded by HR at /sponsorship/hr/career-events/ or imported."""

    list_display = ("person", "kind", "occurred_on", "recorded_by", "created_at")
    list_filter = ("kind",)
    list_select_related = ("person", "recorded_by")
    search_fields = ("person__full_name", "person__email", "person__employee_id")
    date_hierarchy = "occurred_on"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Whether someone was told and emailed; not what the message said (it may quote a request
    written to one person)."""

    list_display = ("recipient", "kind", "subject", "created_at", "read_at", "emailed")
    list_filter = ("kind", "emailed")
    list_select_related = ("recipient",)
    search_fields = ("recipient__email", "recipient__full_name")
    fields = ("recipient", "kind", "subject", "url", "created_at", "read_at", "emailed",
              "digest_due", "digest")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Delivery of each email: status, attempts and the last error; not the body (it may quote a
    request written to one person). HR retries failed ones from the reminders page."""

    list_display = ("address", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("address",)
    fields = ("channel", "address", "subject", "status", "attempts", "last_error",
              "next_attempt_at", "claimed_at", "created_at", "sent_at", "updated_at")
