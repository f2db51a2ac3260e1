"""People: who signs in (User), the HR record (Person), what they offer and what happened to them.

A Person exists before its owner ever signs in (HR imports the organisation); signing up with the
same email links the two. Gender and ethnicity are self-described and only ever used in aggregate
equity reports: no template shows them on a profile.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .preferences import PREFERENCE_FIELDS, Delivery
from .search import name_key

# The longest free text each kind of field takes (forms show it; the database holds it).
NOTE_MAX = 2000  # a note, reason or short description
LONG_TEXT_MAX = 4000  # what was discussed or put forward


def text_fits(field: str, max_length: int) -> models.CheckConstraint:
    """The database's copy of a TextField's max_length (which Django only checks in forms)."""
    return models.CheckConstraint(
        condition=models.lookups.LessThanOrEqual(Length(field), max_length),
        name=f"%(class)s_{field}_fits")



class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_hr_admin=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("May use the Django admin."))
    is_hr_admin = models.BooleanField(
        default=False, help_text=_("Runs the program: imports, cohorts, dashboards, reports.")
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        """How a decision is signed: the person's name, the email only without an HR record."""
        person = self.person_or_none
        return person.full_name if person else self.email

    @property
    def person_or_none(self) -> Person | None:
        try:
            return self.person
        except Person.DoesNotExist:
            return None


class Skill(models.Model):
    """The shared vocabulary for skills and development goals (not free text per person)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    category = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet):
    def employed_on(self, day: datetime.date):
        return self.filter(
            models.Q(hire_date__isnull=True) | models.Q(hire_date__lte=day),
            models.Q(termination_date__isnull=True) | models.Q(termination_date__gt=day),
        )

    def current(self):
        return self.employed_on(timezone.localdate())

    # Paths that skip save() still keep search_name (accounts/search.py) in step with full_name.
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for person in objs:
            person.search_name = name_key(person.full_name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        if "full_name" in fields:
            for person in objs:
                person.search_name = name_key(person.full_name)
            if "search_name" not in fields:
                fields.append("search_name")
        return super().bulk_update(objs, fields, *args, **kwargs)


class Person(models.Model):
    """The HR record. `manager` forms the reporting tree (level 1 = entry level)."""

    employee_id = models.CharField(max_length=40, unique=True)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    # full_name folded for search (accounts/search.py); never edited by hand.
    search_name = models.CharField(max_length=200, blank=True, editable=False)
    title = models.CharField(max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(default=1, db_index=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    location = models.CharField(max_length=120, blank=True, db_index=True)
    timezone = models.CharField(max_length=64, default="UTC")
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    hire_date = models.DateField(null=True, blank=True)
    termination_date = models.DateField(null=True, blank=True)
    # Self-described, optional, aggregate reports only. Never shown on a profile.
    gender = models.CharField(max_length=60, blank=True)
    ethnicity = models.CharField(max_length=120, blank=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    # Profile: what the person brings and wants to grow.
    skills = models.ManyToManyField(Skill, blank=True, related_name="people_with_skill")
    development_goals = models.ManyToManyField(
        Skill, blank=True, related_name="people_developing"
    )
    interests = models.TextField(blank=True, max_length=NOTE_MAX)
    languages = models.JSONField(default=list, blank=True,
                                 help_text=_("Language codes, e.g. en, fr."))
    preferred_language = models.CharField(max_length=8, default="en")
    # Shown to the other person of an active mentorship or sponsorship, beside email and time zone.
    meeting_preference = models.CharField(
        _("How you like to meet"), max_length=200, blank=True,
        help_text=_("Shown to your mentor, mentee, sponsor or protégé: e.g. video call, or "
                    "coffee in the Lisbon office."))
    # How they hear about each category of notification (accounts/preferences.py): the inbox
    # entry is always written; these say whether an email follows at once, in the daily digest,
    # or not at all.
    notify_requests = models.CharField(max_length=10, choices=Delivery.choices,
                                       default=Delivery.EMAIL)
    notify_reminders = models.CharField(max_length=10, choices=Delivery.choices,
                                        default=Delivery.EMAIL)
    notify_messages = models.CharField(max_length=10, choices=Delivery.choices,
                                       default=Delivery.EMAIL)
    notify_reports = models.CharField(max_length=10, choices=Delivery.choices,
                                      default=Delivery.EMAIL)
    # Slack, offered only when SLACK_BOT_TOKEN is set: every inbox entry also as a direct message.
    notify_by_slack = models.BooleanField(default=False)
    # The Slack member found for the address `slack_user_email` (the delivery worker fills both),
    # so a message needs no users.lookupByEmail; a changed address looks it up again.
    slack_user_id = models.CharField(max_length=32, blank=True)
    slack_user_email = models.EmailField(max_length=254, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(Lower("email"), name="person_email_lower"),
                   # Lists of people in name order (Meta.ordering, the HR console) read their
                   # first page from here instead of sorting everyone.
                   models.Index(fields=["full_name", "id"], name="person_name_order")]
        constraints = [text_fits("interests", NOTE_MAX)] + [
            models.CheckConstraint(condition=models.Q(**{f"{field}__in": Delivery.values}),
                                   name=f"person_{field}_known")
            for field in PREFERENCE_FIELDS]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = name_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def is_employed(self) -> bool:
        return self.termination_date is None or self.termination_date > timezone.localdate()


# Days between check-ins, for every relationship, a mentor's preference and a cohort's rhythm.
# Here, in the lowest layer, because a mentor's preferred cadence is part of the profile.
CADENCE_DAYS = (7, 90)
CADENCE_RANGE = format_lazy(_("Meet every {} to {} days."), *CADENCE_DAYS)
CADENCE_VALIDATORS = [MinValueValidator(CADENCE_DAYS[0], message=CADENCE_RANGE),
                      MaxValueValidator(CADENCE_DAYS[1], message=CADENCE_RANGE)]
# For the Meta.constraints of each model with a cadence_days field.
CADENCE_IN_RANGE = models.CheckConstraint(
    condition=models.Q(cadence_days__gte=CADENCE_DAYS[0], cadence_days__lte=CADENCE_DAYS[1]),
    name="%(class)s_cadence_in_range", violation_error_message=CADENCE_RANGE)


def cadence_validate(cadence_days: int) -> None:
    """Refuse a cadence outside CADENCE_DAYS, with CADENCE_RANGE on the "cadence_days" field."""
    try:
        for validator in CADENCE_VALIDATORS:
            validator(cadence_days)
    except ValidationError:
        raise ValidationError({"cadence_days": CADENCE_RANGE}) from None


# How many people a mentor or sponsor takes on at once: the bounds, here with the models. What
# counts as a taken place (an active relationship) is matching.relationships.capacity's to say.
MENTOR_CAPACITY = (1, 10)
MENTOR_CAPACITY_RANGE = format_lazy(_("Capacity must be between {} and {} mentees at once."),
                                    *MENTOR_CAPACITY)
SPONSOR_CAPACITY = (1, 5)
SPONSOR_CAPACITY_RANGE = format_lazy(
    _("Capacity is the number of protégés at once: choose {} to {}."), *SPONSOR_CAPACITY)


def capacity_validators(bounds: tuple[int, int], message: str) -> list:
    """For a `capacity` field: checked by model forms, the admin, full_clean and
    capacity_validate."""
    return [MinValueValidator(bounds[0], message=message),
            MaxValueValidator(bounds[1], message=message)]


def capacity_floor(bounds: tuple[int, int], message: str) -> models.CheckConstraint:
    """The database holds the floor only: fewer than one place means nothing (pausing is how to
    take no one new), while the ceiling is program policy that may change without a migration."""
    return models.CheckConstraint(condition=models.Q(capacity__gte=bounds[0]),
                                  name="%(class)s_capacity_at_least_min",
                                  violation_error_message=message)


def capacity_validate(model: type[models.Model], capacity: int) -> None:
    """Refuse a capacity outside `model`'s bounds, with its message on the "capacity" field."""
    try:
        model._meta.get_field("capacity").run_validators(capacity)
    except ValidationError as error:
        raise ValidationError({"capacity": error.messages}) from None


class MentorProfile(models.Model):
    """An employee who has opted in to mentor."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mentor_profile")
    capacity = models.PositiveSmallIntegerField(default=2, help_text=_("Mentees at once."),
                                                validators=capacity_validators(
                                                    MENTOR_CAPACITY, MENTOR_CAPACITY_RANGE))
    skills = models.ManyToManyField(Skill, blank=True, related_name="mentors")
    how_i_can_help = models.TextField(blank=True, max_length=NOTE_MAX)
    cadence_days = models.PositiveSmallIntegerField(default=14, validators=CADENCE_VALIDATORS)
    languages = models.JSONField(default=list, blank=True)
    is_paused = models.BooleanField(default=False, help_text=_("Paused: no new requests."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [capacity_floor(MENTOR_CAPACITY, MENTOR_CAPACITY_RANGE), CADENCE_IN_RANGE,
                       text_fits("how_i_can_help", NOTE_MAX)]

    def __str__(self) -> str:
        return f"Mentor: {self.person}"


class SponsorProfile(models.Model):
    """A leader who has registered to sponsor. Below SPONSOR_MIN_LEVEL, HR approves first."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for HR approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    class Opportunity(models.TextChoices):
        PROMOTION = "promotion", _("Promotions")
        STRETCH = "stretch_assignment", _("Stretch assignments")
        HIGH_VISIBILITY = "high_visibility_project", _("High-visibility projects")
        LEADERSHIP = "leadership_role", _("Leadership roles")
        INTRODUCTIONS = "introduction", _("Introductions to decision makers")
        SPEAKING = "speaking", _("Speaking and visibility")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="sponsor_profile")
    capacity = models.PositiveSmallIntegerField(default=2, help_text=_("Protégés at once."),
                                                validators=capacity_validators(
                                                    SPONSOR_CAPACITY, SPONSOR_CAPACITY_RANGE))
    departments = models.ManyToManyField(Department, blank=True, related_name="sponsors")
    opportunity_kinds = models.JSONField(default=list, blank=True)
    commitment_accepted_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    is_paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [capacity_floor(SPONSOR_CAPACITY, SPONSOR_CAPACITY_RANGE)]

    def __str__(self) -> str:
        return f"Sponsor: {self.person}"


class CareerEvent(models.Model):
    """What happened to someone's career: the outcomes the report counts, for everyone."""

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("Promotion")
        HIGH_VISIBILITY = "high_visibility_assignment", _("High-visibility assignment")
        LEADERSHIP = "leadership_role", _("Leadership role")
        LATERAL = "lateral_move", _("Lateral move")
        AWARD = "award", _("Award")
        EXIT = "exit", _("Exit")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="career_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField()
    description = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on"]
        indexes = [models.Index(fields=["kind", "occurred_on"]),
                   models.Index(fields=["person", "kind", "occurred_on"]),
                   # HR's career events page, newest first (EXPLAIN: a top-N sort of every
                   # event joined to every person without it; an index scan of 50 with it).
                   models.Index(fields=["-occurred_on", "-id"], name="careerevent_newest_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person} on {self.occurred_on}"


class Notification(models.Model):
    """The in-app inbox. Every email the app sends also lands here."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)
    # Waiting for the person's next daily digest email (they chose "daily digest" for its
    # category); `digest` is the digest that listed it, or let it go because it was read first.
    digest_due = models.BooleanField(default=False)
    digest = models.ForeignKey("Digest", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="notifications")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   # The digest run reads only the waiting entries.
                   models.Index(fields=["recipient", "id"], condition=models.Q(digest_due=True),
                                name="notification_digest_due")]

    def __str__(self) -> str:
        return self.subject


class OutboxMessage(models.Model):
    """One message to deliver outside the app (an email, or a Slack direct message), written in
    the same transaction as the inbox entry that caused it.

    The delivery worker (program/delivery/) claims due rows, hands each to the mail backend (or
    Slack's API) and marks it sent only once it was accepted; a failure is recorded with its
    error and tried again later with a growing delay, until it is given up as failed.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SLACK = "slack", "Slack"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")

    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    # Both empty for the account emails allauth writes (address confirmation, password reset):
    # they have no inbox entry and may go to someone without an HR record.
    notification = models.ForeignKey(Notification, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="outbox")
    recipient = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    address = models.CharField(max_length=254)  # the email address at the time of writing
    subject = models.CharField(max_length=300)
    text = models.TextField(blank=True)  # the plain-text part (the inbox keeps a shorter text)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Files sent with the email, written with the row: [{"filename", "content_type", "content"}]
    # with text content (a meeting's .ics: "text/calendar; method=REQUEST").
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Who is sending it: a delivery run stamps its token; a claim older than the delivery
    # module's CLAIM_TIMEOUT belongs to a run that died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The delivery run reads only pending rows, oldest due first.
            models.Index(fields=["next_attempt_at", "id"],
                         condition=models.Q(status="pending"), name="outbox_due"),
            models.Index(fields=["status", "-updated_at"], name="outbox_status_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["pending", "sent", "failed"]),
                                   name="outbox_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.address}: {self.subject} ({self.status})"


class Digest(models.Model):
    """One person's daily digest email (accounts/digest.py): at most one per person and day,
    which is what keeps two digest runs at once from both sending it."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()  # the day in the person's own time zone
    items = models.PositiveIntegerField(default=0)
    outbox = models.ForeignKey(OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"],
                                               name="one_digest_per_person_and_day")]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002 - append-only
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One sensitive action: who did what to which record, and when. Append-only.

    Written through accounts.audit.audit_record(), never edited or deleted by the app.
    """

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # kept if the user goes
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "created_at"]),
                   models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


class ProgramSettings(models.Model):
    """The program rules HR tunes in the app (one row). An empty field means "the environment's
    value" (program/core/settings.py); read them through accounts.program_settings.setting()."""

    sponsor_min_level = models.PositiveSmallIntegerField(null=True, blank=True)
    mentor_request_expiry_days = models.PositiveSmallIntegerField(null=True, blank=True)
    mentor_request_nudge_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reminder_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    inactive_after_days = models.PositiveSmallIntegerField(null=True, blank=True)
    report_min_group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "program settings"

    def __str__(self) -> str:
        return "Program settings"


class FormSubmission(models.Model):
    """A creating form's one-time token (accounts/submissions.py), claimed by the first
    submission that carries it: a double click or Back-and-save finds it and shows what the
    first one made instead of making it again."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Submission {self.token}"


class AccessRequest(models.Model):
    """A signed-in user without an HR record asks HR to link their account to a Person
    (accounts/access.py). At most one open request per user."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for HR")
        LINKED = "linked", _("Linked to an HR record")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_requests")
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(status="open"),
                                               name="one_open_access_request_per_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"


class ImportJob(models.Model):
    """A large CSV import run by the worker (accounts/import_jobs.py): the upload page stores the
    file here and shows the job's page, which refreshes itself until the job is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=50)
    file_name = models.CharField(max_length=200, blank=True)
    content = models.TextField()
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_seen = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.kind} from {self.file_name} ({self.get_status_display()})"
