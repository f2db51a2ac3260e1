"""Helpers for the reminder tests: a fixed clock and relationships with a known next due date.

Alice is Bob's mentee and Sam's protégé in these tests; Hana (HR admin) hears about escalations.
"""

import datetime

import pytest

from tests import factories

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def mentorship_due(alice, bob):
    """mentorship_due(on) -> Alice and Bob's active mentorship, next check-in due `on`."""

    def make(on: datetime.date, cadence: int = 14, **extra):
        return factories.MentorshipFactory(
            mentor=bob, mentee=alice, cadence_days=cadence, started_on=on - days(cadence),
            next_due_on=on, **extra)

    return make


@pytest.fixture
def sponsorship_due(alice, sam):
    def make(on: datetime.date, cadence: int = 30, **extra):
        extra.setdefault("last_advocacy_on", on - days(10))
        return factories.SponsorshipFactory(
            sponsor=sam, protege=alice, cadence_days=cadence, started_on=on - days(cadence),
            next_due_on=on, **extra)

    return make


@pytest.fixture
def worker_mail(require_postgres, redis_url, settings, tmp_path, monkeypatch):
    """For a real Celery worker on the test's Redis: not eager, every broker URL pinned to it
    (another test may have left a derived one behind), email written to files in the folder
    this returns."""
    from program.core.celery import app

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                                    "OPTIONS": {"file_path": str(tmp_path)}}}
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    for name in ("broker_url", "broker_write_url", "broker_read_url"):
        monkeypatch.setattr(app.conf, name, redis_url)
    monkeypatch.setattr(app.conf, "broker_transport_options", {"visibility_timeout": 3600})
    return tmp_path
