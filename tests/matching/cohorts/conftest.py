"""Cohort fixtures. A small mentorship round built on the shared personas:

- Alice (mentee, Engineering, wants Rust) and Eve (mentee, Sales, wants Python) enrol to be
  mentored; Max is Alice's manager, so never her mentor.
- Bob (Product, offers Rust and Python) and Max (Engineering, offers Rust) enrol to mentor.
- Hana (HR) runs the cohort and sees every page; Alice and Eve see only their own enrolment.
"""

import pytest

from matching.cohorts.models import Cohort, CohortEnrolment
from tests import factories


@pytest.fixture
def rust(db):
    return factories.SkillFactory(name="Rust")


@pytest.fixture
def python_skill(db):
    return factories.SkillFactory(name="Python")


@pytest.fixture
def cohort(db):
    return factories.CohortFactory(name="Spring 2027", slug="spring-2027",
                                   kind=Cohort.Kind.MENTORSHIP)


@pytest.fixture
def enrol(db):
    """enrol(cohort, person, role, capacity=1, preferred=(), must_haves=()) -> CohortEnrolment
    (straight to the table: service rules are tested on their own)."""

    def _enrol(cohort, person, role, capacity=1, preferred=(), must_haves=()):
        return CohortEnrolment.objects.create(
            cohort=cohort, person=person, role=role, capacity=capacity,
            preferred=[p.pk for p in preferred], must_haves=list(must_haves))

    return _enrol


@pytest.fixture
def small_round(cohort, enrol, alice, eve, bob, max_manager, rust, python_skill):
    alice.development_goals.set([rust])
    eve.development_goals.set([python_skill])
    bob.skills.set([rust, python_skill])
    max_manager.skills.set([rust])
    enrol(cohort, alice, "mentee")
    enrol(cohort, eve, "mentee")
    enrol(cohort, bob, "mentor", capacity=1)
    enrol(cohort, max_manager, "mentor", capacity=1)
    return cohort
