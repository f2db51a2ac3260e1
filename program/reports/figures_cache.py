"""Report figures kept until the data behind them changes (issue 18: the equity page counts
every person employed, 0.3-0.4 s at 100,000 people, and its data changes a few times a day).

A figure is cached in Django's cache (Redis in production: shared by every worker) under the
current data version, which gets a new value, now and again once the transaction commits, when
any of the models the reports count is saved or deleted, or an import is written (bulk writes
send no model signals; accounts.importing sends `import_written`). A figure older than MAX_AGE
is computed again anyway, a safety net for a write that bypasses signals (a raw UPDATE).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.importing import import_written
from accounts.models import CareerEvent, Department, Person
from accounts.program_settings import setting
from matching.cohorts.models import CohortEnrolment
from matching.mentorship.models import Mentorship
from matching.relationships.models import SurveyResponse
from matching.sponsorship.models import AdvocacyRecord, Sponsorship
from program.reports.filters import ReportFilters
from program.reports.outcome import outcome_report

VERSION_KEY = "reports:figures:version"
MAX_AGE = 10 * 60  # seconds
# What the cached figures count: a change to any of these renews the version.
COUNTED_MODELS = (Person, Department, Mentorship, Sponsorship, AdvocacyRecord, CareerEvent,
                  SurveyResponse, CohortEnrolment)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def cached[T](name: str, build: Callable[[], T]) -> T:
    """`build()`'s value for `name` (which must say everything the value depends on besides
    the data, e.g. the as-of date), from the cache while the data has not changed."""
    key = f"reports:figures:{_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=MAX_AGE)
    return value


def outcome_report_cached(*, as_of, window_months: int, filters=None) -> dict:
    """The outcome report for these dates and filters (0.5-0.7 s at 100,000 people), computed
    once until the data it counts changes: HR re-reading the same report, and the API, get it
    from the cache. The minimum group size is part of the key (HR can change it in the app)."""
    filters = filters or ReportFilters()
    name = (f"outcome:{as_of.isoformat()}:{window_months}:{filters!r}:"
            f"{setting('REPORT_MIN_GROUP_SIZE')}")
    return cached(name, lambda: outcome_report(as_of=as_of, window_months=window_months,
                                               filters=filters))


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def figures_invalidate() -> None:
    """A new version now (this transaction sees its own change at once) and again once the
    transaction commits: another process may have cached the data before the commit."""
    _new_version()
    transaction.on_commit(_new_version)


def figures_reset() -> None:
    """Forget every cached figure (tests: a rolled-back test's data must not outlive it)."""
    cache.delete(VERSION_KEY)


def _changed(sender, **kwargs) -> None:
    figures_invalidate()


def connect() -> None:
    """Called once from ProgramConfig.ready()."""
    for model in COUNTED_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"report-figures-save-{model}")
        post_delete.connect(_changed, sender=model,
                            dispatch_uid=f"report-figures-delete-{model}")
    import_written.connect(_changed, dispatch_uid="report-figures-import")
