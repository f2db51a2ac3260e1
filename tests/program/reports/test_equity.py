"""Equity of access: breakdowns by department, level band, gender and ethnicity, suppressed.

Nobody's self-described gender or ethnicity is shown alone: rows under 5 people are hidden with
the next smallest row, and small counts (or small remainders) are hidden within each column.
"""

import datetime

import pytest

from program.reports.equity import equity_tables
from tests import factories

TODAY = datetime.date(2026, 6, 30)


def department(name, size, *, mentored=0, sponsored=0, gender="", mentor=None, sponsor=None):
    dept = factories.DepartmentFactory(name=name)
    people = factories.PersonFactory.create_batch(size, department=dept, gender=gender, level=2)
    for person in people[:mentored]:
        factories.MentorshipFactory(mentee=person, mentor=mentor, status="active",
                                    started_on=TODAY - datetime.timedelta(days=60))
    for person in people[:sponsored]:
        factories.SponsorshipFactory(protege=person, sponsor=sponsor, status="active",
                                     started_on=TODAY - datetime.timedelta(days=60))
    return people


@pytest.fixture
def givers(db):
    """A mentor and a sponsor who joined after TODAY, so they are in none of the tables."""
    later = TODAY + datetime.timedelta(days=30)
    return (factories.PersonFactory(level=5, hire_date=later),
            factories.PersonFactory(level=8, hire_date=later))


def table(slug):
    return {t.slug: t for t in equity_tables(as_of=TODAY)}[slug]


def rows_by_label(t):
    return {row[0]: row for row in t.rows}


def test_access_is_counted_per_department(givers):
    mentor, sponsor = givers
    department("Engineering", 40, mentored=12, sponsored=8, mentor=mentor, sponsor=sponsor)
    department("Sales", 30, mentored=6, sponsored=10, mentor=mentor, sponsor=sponsor)
    rows = rows_by_label(table("by-department"))
    # Columns: label, people, then (count, share) per measure.
    assert rows["Engineering"][1:4] == [40, (12, 0.3), (8, 0.2)]
    assert rows["Sales"][1:4] == [30, (6, 0.2), (10, pytest.approx(1 / 3))]
    html_row = {r[0]["text"]: r for r in table("by-department").display_rows()}["Engineering"]
    assert [cell["text"] for cell in html_row[:4]] == ["Engineering", "40", "12 (30%)",
                                                       "8 (20%)"]


def test_a_department_of_four_is_hidden_with_the_next_smallest(givers):
    mentor, sponsor = givers
    department("Engineering", 40, mentored=12, sponsored=8, mentor=mentor, sponsor=sponsor)
    department("Sales", 30, mentored=6, sponsored=10, mentor=mentor, sponsor=sponsor)
    department("Legal", 4, mentored=2, mentor=mentor, sponsor=sponsor)
    rows = rows_by_label(table("by-department"))
    assert set(rows["Legal"][1:]) == {None}
    # Hiding Legal alone would leave it as (headcount) - (the rest): Sales hides with it.
    assert set(rows["Sales"][1:]) == {None}
    assert rows["Engineering"][1] == 40


def test_one_small_department_takes_the_next_smallest_down_with_it(givers):
    mentor, sponsor = givers
    department("Operations", 50, mentored=10, sponsored=10, mentor=mentor, sponsor=sponsor)
    department("Engineering", 40, mentored=12, sponsored=8, mentor=mentor, sponsor=sponsor)
    department("Sales", 30, mentored=6, sponsored=10, mentor=mentor, sponsor=sponsor)
    rows = rows_by_label(table("by-department"))
    # No row is small, nothing hides.
    assert all(row[1] is not None for row in rows.values())
    department("Legal", 4, mentored=2, mentor=mentor, sponsor=sponsor)
    rows = rows_by_label(table("by-department"))
    assert rows["Legal"][1] is None and rows["Sales"][1] is None
    assert rows["Engineering"][1] == 40


def test_a_small_count_in_a_column_is_hidden_with_the_next_smallest(givers):
    mentor, sponsor = givers
    department("Operations", 50, mentored=20, sponsored=10, mentor=mentor, sponsor=sponsor)
    department("Engineering", 40, mentored=12, sponsored=3, mentor=mentor, sponsor=sponsor)
    department("Sales", 30, mentored=6, sponsored=9, mentor=mentor, sponsor=sponsor)
    rows = rows_by_label(table("by-department"))
    sponsored = {label: row[3] for label, row in rows.items()}
    # Engineering's 3 is hidden; Sales' 9 (the next smallest) goes with it.
    assert sponsored == {"Operations": (10, 0.2), "Engineering": None, "Sales": None}


def test_gender_counts_only_people_who_gave_it(givers):
    mentor, sponsor = givers
    department("Engineering", 20, gender="woman", mentored=8, mentor=mentor, sponsor=sponsor)
    department("Sales", 20, gender="man", mentored=5, mentor=mentor, sponsor=sponsor)
    department("Data", 25, gender="", mentored=9, mentor=mentor, sponsor=sponsor)
    rows = rows_by_label(table("by-gender"))
    assert set(rows) == {"woman", "man"}
    assert rows["woman"][1] == 20 and rows["man"][1] == 20
    assert table("by-gender").note.startswith("Only people who chose")


def test_level_bands_are_in_order(givers):
    factories.PersonFactory.create_batch(6, level=8)
    factories.PersonFactory.create_batch(6, level=1)
    rows = table("by-level-band").rows
    assert [row[0] for row in rows] == ["Levels 1–2 (entry)", "Levels 7 and above"]


def test_a_department_where_nobody_has_a_sponsor_shows_the_gap(givers):
    mentor, sponsor = givers
    department("Engineering", 40, mentored=12, sponsored=8, mentor=mentor, sponsor=sponsor)
    department("Legal", 20, mentored=6, mentor=mentor, sponsor=sponsor)
    rows = rows_by_label(table("by-department"))
    assert rows["Legal"][3] == (0, 0.0)
