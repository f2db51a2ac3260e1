"""How each person wants to hear about each kind of notification: the one home of that rule.

Every notification kind belongs to one Category (requests, reminders, messages, reports), and a
person chooses, per category, one Delivery: in the inbox only, by email at once, or in one daily
digest email. The inbox entry is always written (accounts/notifications.py); the choice only says
whether and when an email follows it.

KIND_CATEGORY lists every kind the app sends. notify() refuses a kind missing from it, and
tests/accounts/test_notification_settings.py checks that every kind the code names is here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    REQUESTS = "requests", _("Requests and your relationships")
    REMINDERS = "reminders", _("Reminders")
    MESSAGES = "messages", _("Messages from your mentor, mentee, sponsor or protégé")
    REPORTS = "reports", _("Program reports (HR admins)")


class Delivery(models.TextChoices):
    INBOX = "inbox", _("Inbox only")
    EMAIL = "email", _("Email at once")
    DIGEST = "digest", _("Daily digest email")


# What each category covers, shown under its choice on the settings form.
CATEGORY_HELP = {
    Category.REQUESTS: _("Mentor and sponsor requests, proposals, answers and withdrawals; "
                         "meeting times; cohorts; surveys; relationships that close."),
    Category.REMINDERS: _("Check-ins due or overdue, quiet relationships, unanswered requests "
                          "and other nudges."),
    Category.MESSAGES: _("New messages in your pair's thread (one notice per burst)."),
    Category.REPORTS: _("The outcome report and the digest of missed check-ins."),
}

# The Person field that holds each category's choice.
FIELD_OF_CATEGORY = {category: f"notify_{category.value}" for category in Category}
PREFERENCE_FIELDS = tuple(FIELD_OF_CATEGORY.values())

# Every notification kind the app sends, and its category. The reminder sweep's kinds are
# "reminder_" + program.reminders.models.ReminderLog.Kind (accounts cannot import it; a test
# checks that each is here).
KIND_CATEGORY: dict[str, Category] = {
    # Requests, proposals, answers and what follows them.
    "mentor_request_received": Category.REQUESTS,
    "mentor_request_accepted": Category.REQUESTS,
    "mentor_request_declined": Category.REQUESTS,
    "mentor_request_expired": Category.REQUESTS,
    "mentor_request_withdrawn": Category.REQUESTS,
    "sponsorship_proposed": Category.REQUESTS,
    "sponsorship_accepted": Category.REQUESTS,
    "sponsorship_interest_declined": Category.REQUESTS,
    "sponsor_registration_decided": Category.REQUESTS,
    "cohort_invited": Category.REQUESTS,
    "cohort_matched": Category.REQUESTS,
    "cohort_unmatched": Category.REQUESTS,
    "meeting_proposed": Category.REQUESTS,
    "meeting_accepted": Category.REQUESTS,
    "meeting_declined": Category.REQUESTS,
    "meeting_cancelled": Category.REQUESTS,
    "meeting_confirmed": Category.REQUESTS,
    "meeting_cancel_sent": Category.REQUESTS,
    "mentorship_closed": Category.REQUESTS,
    "sponsorship_closed": Category.REQUESTS,
    "survey_baseline": Category.REQUESTS,
    "survey_closing": Category.REQUESTS,
    "advocacy_shared": Category.REQUESTS,
    "commitment_shared": Category.REQUESTS,
    # HR's decisions about a person's roles (accounts/services.py).
    "mentor_paused": Category.REQUESTS,
    "mentor_resumed": Category.REQUESTS,
    "sponsor_paused": Category.REQUESTS,
    "sponsor_resumed": Category.REQUESTS,
    "hr_admin_granted": Category.REQUESTS,
    "hr_admin_removed": Category.REQUESTS,
    # Reminders and nudges.
    "reminder_due_soon": Category.REMINDERS,
    "reminder_overdue": Category.REMINDERS,
    "reminder_inactive": Category.REMINDERS,
    "reminder_advocacy_nudge": Category.REMINDERS,
    "reminder_request_nudge": Category.REMINDERS,
    "reminder_request_expired": Category.REMINDERS,
    "reminder_commitment_due_soon": Category.REMINDERS,
    "reminder_commitment_overdue": Category.REMINDERS,
    "hr_overdue_reminder": Category.REMINDERS,
    # The pair's own thread.
    "pair_message": Category.MESSAGES,
    # What HR admins receive about the program.
    "reminder_outcome_report": Category.REPORTS,
    "reminder_escalation": Category.REPORTS,
}

UNKNOWN_KIND = ("Notification kind {kind!r} has no category: add it to "
                "accounts.preferences.KIND_CATEGORY.")


def category_for(kind: str) -> Category:
    try:
        return KIND_CATEGORY[kind]
    except KeyError:
        raise ValueError(UNKNOWN_KIND.format(kind=kind)) from None


def delivery_for(person, kind: str) -> Delivery:
    """How `person` wants to hear about a notification of `kind`: inbox only when they have no
    email address, whatever they chose."""
    if not person.email:
        return Delivery.INBOX
    return Delivery(getattr(person, FIELD_OF_CATEGORY[category_for(kind)]))


# The unsubscribe links of emails sent before the per-category settings name the old email
# switches; each still turns off what that switch covered (pair messages were "requests" then).
LEGACY_SWITCHES: dict[str, tuple[Category, ...]] = {
    "email_reminders": (Category.REMINDERS,),
    "email_requests": (Category.REQUESTS, Category.MESSAGES),
    "email_reports": (Category.REPORTS,),
}
