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
