"""The outcome report's filters: department, level band, location, cohort and hire years narrow
every group, on the command line, the page, its CSV and a stored snapshot; small groups are
hidden after filtering; bad values are explained, never a server error.

Personas: Hana (tests/conftest.py) is the HR admin who reads the report.
"""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from program.reports.filters import FILTERS_INVALID_BAND, FILTERS_INVALID_YEARS, ReportFilters
from program.reports.outcome import outcome_report, outcome_report_snapshot_create
from tests import factories

AS_OF = datetime.date(2026, 6, 30)
INDEX = datetime.date(2024, 3, 1)


@pytest.fixture
def organisation(db):
    """Sales: 12 mentees (level 2, hired 2019, Leeds) and 3 protégés; Legal: 6 protégés
    (level 6, hired 2012, York) and 20 people in no relationship; a cohort with 8 of the
    Sales mentees."""
    sales, legal = factories.DepartmentFactory(name="Sales"), factories.DepartmentFactory(
        name="Legal")
    mentor = factories.PersonFactory(level=7, department=legal, location="York",
                                     hire_date=datetime.date(2010, 1, 4))
    sponsor = factories.PersonFactory(level=9, department=legal, location="York",
                                      hire_date=datetime.date(2010, 1, 4))
    cohort = factories.CohortFactory(name="Spring 2024")
    sales_person = {"level": 2, "department": sales, "location": "Leeds",
                    "hire_date": datetime.date(2019, 5, 6)}
    for i in range(12):
        person = factories.PersonFactory(**sales_person)
        factories.MentorshipFactory(mentor=mentor, mentee=person, started_on=INDEX,
                                    status="completed", cohort=cohort if i < 8 else None)
        if i < 6:
            factories.CareerEventFactory(person=person, kind="promotion",
                                         occurred_on=INDEX + datetime.timedelta(days=50))
    for _ in range(3):
        factories.SponsorshipFactory(sponsor=sponsor, protege=factories.PersonFactory(
            **sales_person), started_on=INDEX, status="active")
    for _ in range(6):
        factories.SponsorshipFactory(sponsor=sponsor, protege=factories.PersonFactory(
            level=6, department=legal, location="York", hire_date=datetime.date(2012, 2, 6)),
            started_on=INDEX, status="active")
    factories.PersonFactory.create_batch(20, level=4, department=legal, location="York",
                                         hire_date=datetime.date(2015, 3, 2))
    return {"sales": sales, "legal": legal, "cohort": cohort}


def report_json(*options) -> dict:
    out = io.StringIO()
    call_command("outcome_report", "--json", "--as-of", AS_OF.isoformat(), *options, stdout=out)
    return json.loads(out.getvalue())


def sizes(report: dict) -> dict:
    return {name: group["n"] for name, group in report["groups"].items()}


def test_each_filter_narrows_every_group_on_the_command_line(organisation):
    everyone = report_json()
    assert sizes(everyone) == {"mentorship_only": 12, "sponsorship_only": 9, "both": 0,
                               "neither": 22}
    assert sizes(report_json("--department", "Legal")) == {
        "mentorship_only": 0, "sponsorship_only": 6, "both": 0, "neither": 22}
    assert sizes(report_json("--level-band", "5-6")) == {
        "mentorship_only": 0, "sponsorship_only": 6, "both": 0, "neither": 0}
    assert sizes(report_json("--location", "York", "--hired-from", "2012",
                             "--hired-to", "2015"))["neither"] == 20
    cohort = report_json("--cohort", "Spring 2024")
    assert cohort["groups"]["mentorship_only"]["n"] == 8
    assert cohort["filters"] == {"department": None, "level_band": None, "location": None,
                                 "cohort": "Spring 2024", "hired_from": None, "hired_to": None}


def test_small_groups_are_hidden_after_filtering(organisation):
    # Everyone: 9 protégés are shown. In Sales there are 3: hidden, with the next smallest.
    assert report_json()["groups"]["sponsorship_only"]["suppressed"] is False
    sales = report_json("--department", "Sales")
    assert sales["groups"]["sponsorship_only"]["suppressed"] is True
    assert sales["groups"]["mentorship_only"]["suppressed"] is True
    assert sales["groups"]["sponsorship_only"]["n"] is None
    assert sales["filters"]["department"] == "Sales"


def test_unknown_names_and_bad_years_are_refused_with_a_message(organisation):
    with pytest.raises(CommandError, match="--department 'Marketing' is not known; the names "
                                           "are: Legal, Sales"):
        report_json("--department", "Marketing")
    with pytest.raises(CommandError, match="the first not after the last"):
        report_json("--hired-from", "2020", "--hired-to", "2019")
    with pytest.raises(CommandError, match="invalid choice"):
        report_json("--level-band", "9-10")


def test_filters_given_in_code_are_checked_with_a_message(db):
    with pytest.raises(ValidationError) as error:
        outcome_report(as_of=AS_OF, filters=ReportFilters(level_band="8-9"))
    assert error.value.messages == [FILTERS_INVALID_BAND]
    for years in ({"hired_from": 1850}, {"hired_from": 2021, "hired_to": 2020}):
        with pytest.raises(ValidationError) as error:
            outcome_report(as_of=AS_OF, filters=ReportFilters(**years))
        assert error.value.messages == [FILTERS_INVALID_YEARS]


def test_a_snapshot_keeps_its_filters(organisation):
    snapshot = outcome_report_snapshot_create(
        as_of=AS_OF, filters=ReportFilters(department_id=organisation["legal"].pk))
    snapshot.refresh_from_db()
    assert snapshot.data["filters"]["department"] == "Legal"
    assert snapshot.data["groups"]["sponsorship_only"]["n"] == 6


def test_the_page_and_its_csv_are_narrowed_by_the_form(organisation, hana, login):
    client = login(hana)
    query = {"as_of": AS_OF.isoformat(), "window_months": 12,
             "department": organisation["legal"].pk, "location": "York"}
    response = client.get("/hr/report/", query)
    assert response.context["report"]["groups"]["sponsorship_only"]["n"] == 6
    assert "filters: Department: Legal; Location: York" in response.content.decode()
    rows = client.get("/hr/report/export/groups.csv", query).content.decode("utf-8-sig")
    assert "Department: Legal; Location: York" in rows
    assert "Sponsorship only,6," in rows


@pytest.mark.parametrize("query, message", [
    ({"department": "abc"}, "Select a valid choice"),
    ({"department": "999999"}, "Select a valid choice"),
    ({"level_band": "9-10"}, "Select a valid choice"),
    ({"location": "Atlantis"}, "Select a valid choice"),
    ({"hired_from": "nineteen"}, "Enter a whole number"),
    ({"hired_from": "2020", "hired_to": "2019"}, "The first hire year is after the last"),
    ({"hired_to": "99999"}, "less than or equal to 2100"),
    ({"cohort": "-1"}, "Select a valid choice"),
    ({"window_months": "0"}, "greater than or equal to 1"),
])
def test_bad_filter_values_are_explained_on_the_page(organisation, hana, login, query, message):
    client = login(hana)
    response = client.get("/hr/report/", query)
    assert response.status_code == 200
    assert message in response.content.decode()
    # The CSV of a bad query exports nothing rather than a report nobody asked for.
    export = client.get("/hr/report/export/groups.csv", query)
    assert export.status_code == 400
    assert export.content.decode().startswith("Nothing exported:")


def test_a_filtered_report_runs_a_fixed_number_of_queries(organisation,
                                                          django_assert_max_num_queries):
    filters = ReportFilters(department_id=organisation["legal"].pk,
                            cohort_id=organisation["cohort"].pk, level_band="5-6",
                            location="York", hired_from=2010, hired_to=2020)
    with django_assert_max_num_queries(8):
        outcome_report(as_of=AS_OF, filters=filters)
