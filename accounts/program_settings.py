"""The program rules HR may change in the app, each defaulting to its environment variable.

    from accounts.program_settings import setting
    minimum = setting("SPONSOR_MIN_LEVEL")

What HR stored (accounts.models.ProgramSettings, one row) is cached for CACHE_SECONDS; an empty
field, or no row, means the environment's value, read from django.conf.settings on every call
(so tests overriding settings keep working). Saving goes through program_settings_save, which
records who changed what in the audit trail and clears the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .models import ProgramSettings


@dataclass(frozen=True)
class Rule:
    name: str  # the environment variable, and the key for setting()
    field: str  # the ProgramSettings field
    label_text: str  # lazy: read in the language of whoever reads it (.label, .help)
    help_text: str
    minimum: int
    maximum: int

    @property
    def label(self) -> str:
        return str(self.label_text)

    @property
    def help(self) -> str:
        return str(self.help_text)


RULES = [
    Rule("SPONSOR_MIN_LEVEL", "sponsor_min_level", _("Sponsor minimum level"),
         _("Leaders at or above this level are approved as sponsors at once; below, HR decides."),
         1, 20),
    Rule("MENTOR_REQUEST_EXPIRY_DAYS", "mentor_request_expiry_days", _("Request expiry (days)"),
         _("A mentor request nobody answers expires after this many days."), 1, 365),
    Rule("MENTOR_REQUEST_NUDGE_DAYS", "mentor_request_nudge_days", _("Request nudge (days)"),
         _("The mentor is nudged about an unanswered request after this many days."), 1, 365),
    Rule("REMINDER_DAYS_BEFORE", "reminder_days_before", _("Reminder lead (days)"),
         _("Check-in reminders go out this many days before the check-in is due."), 0, 60),
    Rule("INACTIVE_AFTER_DAYS", "inactive_after_days", _("Inactive after (days)"),
         _("A relationship with no meeting for this long is flagged inactive."), 7, 730),
    Rule("REPORT_MIN_GROUP_SIZE", "report_min_group_size", _("Minimum group size"),
         _("Reports hide any group smaller than this (privacy)."), 1, 100),
]
BY_NAME = {rule.name: rule for rule in RULES}
CACHE_KEY = "accounts.program_settings.v1"
CACHE_SECONDS = 60
NUDGE_AFTER_EXPIRY = _("The nudge ({nudge} days) must come before the request expires "
                       "({expiry} days).")


def _stored() -> dict[str, int | None]:
    stored = cache.get(CACHE_KEY)
    if stored is None:
        row = ProgramSettings.objects.filter(pk=1).values(*(r.field for r in RULES)).first()
        stored = row or {}
        cache.set(CACHE_KEY, stored, CACHE_SECONDS)
    return stored


def setting(name: str) -> int:
    """The value in force: HR's, else the environment's."""
    rule = BY_NAME[name]
    value = _stored().get(rule.field)
    return getattr(settings, name) if value is None else value


def stored_values() -> dict[str, int | None]:
    """What HR stored, by name (None: the environment's value applies)."""
    stored = _stored()
    return {rule.name: stored.get(rule.field) for rule in RULES}


@transaction.atomic
def program_settings_save(*, values: dict[str, int | None], by, request=None) -> list[str]:
    """Store HR's values (None: back to the environment's), record each change with who and
    when, and return the names changed."""
    row, _ = ProgramSettings.objects.select_for_update().get_or_create(pk=1)
    effective = {name: (values.get(name) if name in values else getattr(row, rule.field))
                 for name, rule in BY_NAME.items()}
    for name, rule in BY_NAME.items():
        value = effective[name]
        if value is not None and not rule.minimum <= value <= rule.maximum:
            raise ValidationError({rule.field: gettext("{label}: choose {minimum} to {maximum}.")
                                   .format(label=rule.label, minimum=rule.minimum,
                                           maximum=rule.maximum)})
    nudge = effective["MENTOR_REQUEST_NUDGE_DAYS"] or settings.MENTOR_REQUEST_NUDGE_DAYS
    expiry = effective["MENTOR_REQUEST_EXPIRY_DAYS"] or settings.MENTOR_REQUEST_EXPIRY_DAYS
    if nudge >= expiry:
        raise ValidationError({"mentor_request_nudge_days": NUDGE_AFTER_EXPIRY.format(
            nudge=nudge, expiry=expiry)})
    changed = {}
    for name, rule in BY_NAME.items():
        old = getattr(row, rule.field)
        if name in values and values[name] != old:
            changed[name] = [old, values[name]]
            setattr(row, rule.field, values[name])
    if changed:
        row.updated_by = getattr(request, "user", by) if request else by
        row.updated_at = timezone.now()
        row.save()
        audit_record(request or by, "hr.program_settings_change", target=row,
                     summary="Changed " + ", ".join(
                         f"{name} {old if old is not None else 'default'} → "
                         f"{new if new is not None else 'default'}"
                         for name, (old, new) in changed.items()),
                     changes=changed)
        cache.delete(CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    return list(changed)
