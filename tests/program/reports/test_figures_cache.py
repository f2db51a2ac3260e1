"""The equity page's counts are cached until what they count changes (issue 18): a second view
reads no people, and every kind of change shows on the next view."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.importing import run_import
from program.reports.equity import equity_tables
from tests import factories
from tests.commits import committed

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)
STARTED = TODAY - datetime.timedelta(days=60)


def engineering():
    """Engineering's row: people, then (count, share) per measure."""
    table = {t.slug: t for t in equity_tables(as_of=TODAY)}["by-department"]
    return {row[0]: row for row in table.rows}["Engineering"][1:]


@pytest.fixture
def team():
    dept = factories.DepartmentFactory(name="Engineering")
    people = factories.PersonFactory.create_batch(10, department=dept, level=2)
    return dept, people


def test_a_second_view_reads_the_counts_from_the_cache(team):
    engineering()
    with CaptureQueriesContext(connection) as queries:
        assert engineering()[0] == 10
    assert not [q for q in queries if "accounts_person" in q["sql"]]


def five(factory, people, **fields):
    """Five rows (small counts are suppressed on the page), written and committed."""
    return committed(lambda: [factory(**{key: value(person) if callable(value) else value
                                         for key, value in fields.items()})
                              for person in people[:5]])


def test_a_new_mentorship_person_advocacy_or_event_shows_on_the_next_view(team):
    dept, people = team
    assert engineering()[:2] == [10, (0, 0.0)]
    five(factories.MentorshipFactory, people, mentee=lambda p: p, status="active",
         started_on=STARTED)
    assert engineering()[1][0] == 5
    headcount = engineering()[0]
    committed(factories.PersonFactory, department=dept, level=2)
    assert engineering()[0] == headcount + 1
    sponsorships = five(factories.SponsorshipFactory, people, protege=lambda p: p,
                        status="active", started_on=STARTED)
    assert engineering()[2][0] == 5
    five(factories.AdvocacyRecordFactory, sponsorships, sponsorship=lambda s: s,
         occurred_on=TODAY)
    assert engineering()[3][0] == 5
    five(factories.CareerEventFactory, people, person=lambda p: p, kind="promotion",
         occurred_on=TODAY)
    assert engineering()[5][0] == 5
    headcount = engineering()[0]
    committed(people[9].delete)
    assert engineering()[0] == headcount - 1


def test_an_import_shows_on_the_next_view(team):
    assert engineering()[0] == 10
    result = committed(run_import, "people", "employee_id,email,full_name,level,department\n"
                                             "N1,n1@example.com,New One,2,Engineering\n")
    assert result.ok, result.problems
    assert engineering()[0] == 11
