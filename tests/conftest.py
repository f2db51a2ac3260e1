"""Shared personas and service fixtures.

The personas, and who may see what:
- Alice (employee, level 2, Engineering) is Bob's mentee once a test pairs them; she sees her
  own mentorships and the advocacy records Sam shares with her, nothing of anyone else's.
- Bob (mentor, level 5, Product) sees the mentorships he is in; never Alice's private notes.
- Sam (sponsor, level 8, Product) sees every advocacy record he wrote; nobody else's.
- Hana (HR admin) sees everything HR sees (all advocacy, reports), but never check-in notes.
- Eve (employee, level 2, Sales) is in no relationship and may see none of the above.
- Max (level 6, Engineering) is Alice's manager: never her mentor or sponsor.
"""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests import factories

REQUIRE_SERVICES = settings.REQUIRE_SERVICES


def _unavailable(what: str) -> None:
    message = f"{what} is not available"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}, and REQUIRE_SERVICES=1 forbids skipping.")
    pytest.skip(message)


@pytest.fixture
def require_postgres(db):
    """For tests that prove concurrency guarantees: they need PostgreSQL's real locking."""
    if connection.vendor != "postgresql":
        _unavailable("PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("Redis (set REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        _unavailable(f"Redis at {url} ({error})")
    return url


@pytest.fixture
def engineering(db):
    return factories.DepartmentFactory(name="Engineering")


@pytest.fixture
def product(db):
    return factories.DepartmentFactory(name="Product")


@pytest.fixture
def max_manager(db, engineering):
    return factories.PersonFactory(full_name="Max Manager", email="max@example.com", level=6,
                                   department=engineering, with_user=True)


@pytest.fixture
def alice(db, engineering, max_manager):
    return factories.PersonFactory(full_name="Alice Employee", email="alice@example.com",
                                   level=2, department=engineering, manager=max_manager,
                                   with_user=True)


@pytest.fixture
def bob(db, product):
    person = factories.PersonFactory(full_name="Bob Mentor", email="bob@example.com", level=5,
                                     department=product, with_user=True)
    factories.MentorProfileFactory(person=person, capacity=2)
    return person


@pytest.fixture
def sam(db, product):
    person = factories.PersonFactory(full_name="Sam Sponsor", email="sam@example.com", level=8,
                                     department=product, with_user=True)
    factories.SponsorProfileFactory(person=person)
    return person


@pytest.fixture
def hana(db):
    person = factories.PersonFactory(full_name="Hana HR", email="hana@example.com", level=5,
                                     department=factories.DepartmentFactory(name="People"),
                                     with_user=True)
    person.user.is_hr_admin = True
    person.user.save()
    return person


@pytest.fixture
def eve(db):
    return factories.PersonFactory(full_name="Eve Outsider", email="eve@example.com", level=2,
                                   department=factories.DepartmentFactory(name="Sales"),
                                   with_user=True)


@pytest.fixture
def login(client):
    """login(person) signs the test client in as that person (HR admins pass the MFA gate)."""

    def _login(person):
        client.force_login(person.user)
        if person.user.is_hr_admin:
            session = client.session
            session["mfa_ok"] = True
            session.save()
        return client

    return _login


@pytest.fixture(autouse=True)
def _fresh_mentor_pool():
    """Each test starts without a cached suggestions mentor pool (matching/mentorship/pool.py):
    a test's rolled-back data sends no signal, so the pool it built must not reach the next."""
    from matching.mentorship.pool import mentor_pool_reset
    from program.reports.figures_cache import figures_reset

    mentor_pool_reset()
    figures_reset()  # the same for cached report figures (program/reports/figures_cache.py)
    yield
