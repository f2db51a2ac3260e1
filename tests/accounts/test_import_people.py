"""HR imports the organisation from CSV: all or nothing, every problem named by row and column."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.importing import Problem, run_import
from accounts.models import CareerEvent, Department, Person, Skill

HEADER = ("employee_id,email,full_name,title,level,department,location,timezone,"
          "manager_employee_id,hire_date,termination_date,gender,ethnicity,skills,"
          "development_goals")
CEO = "E1,ceo@acme.com,Cara Chief,CEO,10,Leadership,London,Europe/London,,2015-01-01,,,,Strategy,"
DEV = ("E2,dev@acme.com,Dev Eloper,Engineer,2,Engineering,Paris,Europe/Paris,E1,2022-03-01,,,,"
       "Python;Go,System design")
OPS = "E3,ops@acme.com,Olu Ops,Operator,3,Operations,Berlin,Europe/Berlin,E1,2021-05-01,,,,,"


def csv_of(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


def state():
    """Everything a people import could write, to prove a refused file wrote nothing."""
    return (
        sorted(Person.objects.values_list("employee_id", "email", "full_name", "title", "level",
                                          "manager__employee_id", "department__name")),
        sorted(Department.objects.values_list("name", flat=True)),
        sorted(Skill.objects.values_list("name", flat=True)),
        Person.skills.through.objects.count(),
        Person.development_goals.through.objects.count(),
    )


@pytest.fixture
def existing(db):
    """An organisation already imported once, so a bad file could damage something."""
    result = run_import("people", csv_of(CEO, DEV))
    assert result.ok, result.problems
    return state()


def refused(data, existing):
    result = run_import("people", data)
    assert not result.ok
    assert result.created == result.updated == 0
    assert state() == existing, "a refused file must write nothing"
    return result.problems


def test_a_missing_column_is_named_on_the_header_row(existing):
    header = HEADER.replace(",level", "")
    row = "E9,new@acme.com,New Person,Engineer,Engineering,London,Europe/London,E1,2024-01-01,,,,,"
    problems = refused(csv_of(row, header=header), existing)
    assert Problem(1, "level", "this column is missing from the header row") in problems


def test_a_bad_date_is_named_by_row_and_column(existing):
    bad = OPS.replace("2021-05-01", "01/05/2021")
    problems = refused(csv_of(CEO, DEV, bad), existing)
    assert problems == [Problem(4, "hire_date",
                                "'01/05/2021' is not a date; write it as YYYY-MM-DD")]


def test_an_unknown_manager_is_named_by_row_and_column(existing):
    bad = OPS.replace(",E1,", ",E404,")
    problems = refused(csv_of(bad), existing)
    assert problems == [Problem(2, "manager_employee_id",
                                "no person has employee_id 'E404' (in this file or already "
                                "imported)")]


def test_a_manager_already_imported_is_accepted_without_being_in_the_file(existing):
    result = run_import("people", csv_of(OPS))
    assert result.ok, result.problems
    assert Person.objects.get(employee_id="E3").manager.employee_id == "E1"


def test_a_duplicate_employee_id_is_named_on_the_second_row(existing):
    twin = OPS.replace("E3,", "E2,", 1)
    problems = refused(csv_of(CEO, DEV, twin), existing)
    assert Problem(4, "employee_id", "'E2' is already used on row 3") in problems


def test_a_duplicate_email_in_the_file_is_named_on_the_second_row(existing):
    twin = OPS.replace("ops@acme.com", "DEV@acme.com")
    problems = refused(csv_of(CEO, DEV, twin), existing)
    assert Problem(4, "email", "'dev@acme.com' is already used on row 3") in problems


def test_an_email_that_belongs_to_another_imported_person_is_refused(existing):
    thief = OPS.replace("ops@acme.com", "ceo@acme.com")
    problems = refused(csv_of(thief), existing)
    assert problems == [Problem(2, "email", "ceo@acme.com already belongs to employee E1")]


def test_a_manager_cycle_is_refused_with_the_loop_spelled_out(existing):
    a = "E7,a@acme.com,Ann A,Lead,4,Ops,London,UTC,E8,2020-01-01,,,,,"
    b = "E8,b@acme.com,Ben B,Lead,4,Ops,London,UTC,E7,2020-01-01,,,,,"
    problems = refused(csv_of(a, b), existing)
    assert Problem(2, "manager_employee_id",
                   "the reporting line loops back to this person (E7 -> E8 -> E7)") in problems
    assert Problem(3, "manager_employee_id",
                   "the reporting line loops back to this person (E8 -> E7 -> E8)") in problems


def test_a_cycle_through_people_already_imported_is_refused(existing):
    # E1 (already imported, no manager) would now report to E2, who reports to E1.
    problems = refused(csv_of(CEO.replace(",,2015", ",E2,2015")), existing)
    assert problems == [Problem(2, "manager_employee_id",
                                "the reporting line loops back to this person (E1 -> E2 -> E1)")]


def test_a_person_managing_themself_is_refused(existing):
    problems = refused(csv_of(OPS.replace(",E1,", ",E3,")), existing)
    assert Problem(2, "manager_employee_id", "a person cannot manage themself") in problems


def test_a_file_that_is_not_utf8_is_refused_with_the_line_of_the_first_bad_byte(existing):
    latin1 = csv_of(CEO, DEV.replace("Dev Eloper", "José Eloper")).decode().encode("latin-1")
    problems = refused(latin1, existing)
    assert problems == [Problem(3, None, "the file is not UTF-8 text (save it as CSV UTF-8 and "
                                         "upload again; the first bad byte is on line 3)")]


def test_a_utf8_file_with_a_byte_order_mark_is_fine(existing):
    data = "\ufeff".encode() + csv_of(CEO, DEV.replace("Dev Eloper", "José Eloper"))
    assert run_import("people", data).ok
    assert Person.objects.get(employee_id="E2").full_name == "José Eloper"


def test_a_termination_before_the_hire_date_is_refused(existing):
    bad = OPS.replace("2021-05-01,,", "2021-05-01,2020-01-01,")
    problems = refused(csv_of(bad), existing)
    assert problems == [Problem(2, "termination_date",
                                "2020-01-01 is before the hire date 2021-05-01")]


@pytest.mark.parametrize(("level", "message"), [
    ("0", "level 0 is outside 1-20 (1 = entry level)"),
    ("21", "level 21 is outside 1-20 (1 = entry level)"),
    ("senior", "'senior' is not a whole number"),
    ("", "is blank; a value is required"),
])
def test_a_bad_level_is_named_by_row_and_column(existing, level, message):
    bad = OPS.replace(",Operator,3,", f",Operator,{level},")
    problems = refused(csv_of(bad), existing)
    assert problems == [Problem(2, "level", message)]


def test_every_problem_in_the_file_is_listed_not_just_the_first(existing):
    rows = [OPS.replace("2021-05-01", "yesterday"),
            "E4,not-an-email,Bad Email,X,3,Ops,London,UTC,E1,2020-01-01,,,,,",
            "E5,e5@acme.com,,X,99,Ops,London,Mars/Olympus,E1,2020-01-01,,,,,",
            "E6,e6@acme.com,Six,X,3,Ops,London,UTC,E404,2020-01-01,,,,,",
            "E6,e6b@acme.com,Six Again,X,3,Ops,London,UTC,E1,2020-01-01,,,,,"]
    problems = refused(csv_of(*rows), existing)
    assert {(p.row, p.column) for p in problems} == {
        (2, "hire_date"), (3, "email"), (4, "full_name"), (4, "level"), (4, "timezone"),
        (5, "manager_employee_id"), (6, "employee_id")}


def test_a_row_with_the_wrong_number_of_values_is_refused(existing):
    problems = refused(csv_of(CEO, "E6,short@acme.com,Short Row"), existing)
    assert problems == [Problem(3, None, "has 3 values but the header has 15 columns")]


def test_an_unknown_column_is_refused(existing):
    problems = refused(csv_of(OPS + ",x", header=HEADER + ",salary"), existing)
    assert problems[0].row == 1
    assert problems[0].column == "salary"


def test_an_empty_file_is_refused(existing):
    assert refused(b"", existing) == [
        Problem(1, None, "the file is empty; the first row must name the columns")]


def test_reimporting_updates_people_by_employee_id(existing):
    moved = DEV.replace("Engineer,2,Engineering", "Senior Engineer,3,Platform").replace(
        ",E1,", ",E3,").replace("Python;Go", "Rust")
    result = run_import("people", csv_of(CEO, OPS, moved))
    assert result.ok, result.problems
    assert (result.created, result.updated) == (1, 2)
    assert Person.objects.count() == 3
    dev = Person.objects.get(employee_id="E2")
    assert (dev.title, dev.level, dev.department.name) == ("Senior Engineer", 3, "Platform")
    assert dev.manager.employee_id == "E3"
    assert [s.name for s in dev.skills.all()] == ["Rust"]


def test_reimporting_keeps_the_link_to_the_signed_up_user(existing):
    from tests.factories import UserFactory

    user = UserFactory(email="dev@acme.com")
    Person.objects.filter(employee_id="E2").update(user=user)
    assert run_import("people", csv_of(CEO, DEV.replace("Engineer,2", "Engineer,4"))).ok
    assert Person.objects.get(employee_id="E2").user == user


def test_optional_columns_may_be_left_out_of_the_header(db):
    header = "employee_id,email,full_name,level"
    result = run_import("people", csv_of("E1,solo@acme.com,Solo Person,1", header=header))
    assert result.ok, result.problems
    person = Person.objects.get()
    assert (person.title, person.timezone, person.manager, person.hire_date) == (
        "", "UTC", None, None)


def test_a_dry_run_reports_what_would_change_and_writes_nothing(existing):
    result = run_import("people", csv_of(CEO, DEV.replace("Engineer,2", "Engineer,3"), OPS),
                        dry_run=True)
    assert result.ok
    assert (result.created, result.updated) == (1, 2)
    assert result.summary() == "Would create 1 and would update 2 people from 3 rows."
    assert state() == existing


def test_the_command_imports_a_good_file(db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_of(CEO, DEV))
    out = io.StringIO()
    call_command("import_csv", "people", str(path), stdout=out)
    assert "Created 2 and updated 0 people from 2 rows." in out.getvalue()
    assert Person.objects.count() == 2


def test_the_command_lists_every_problem_and_fails(existing, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_of(OPS.replace(",E1,", ",E404,"),
                            DEV.replace("E2,", "E4,", 1).replace("dev@", "dev4@")
                            .replace("2022-03-01", "2021-02-30")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Refused: 2 problem"):
        call_command("import_csv", "people", str(path), stderr=err)
    assert "row 2, column manager_employee_id: no person has employee_id 'E404'" in err.getvalue()
    assert "row 3, column hire_date: '2021-02-30' is not a date" in err.getvalue()
    assert state() == existing


def test_the_command_dry_run_writes_nothing(db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_of(CEO, DEV))
    out = io.StringIO()
    call_command("import_csv", "people", str(path), "--dry-run", stdout=out)
    assert "Would create 2" in out.getvalue()
    assert not Person.objects.exists()


# Career events: the second kind, beside people.

EVENTS = "employee_id,kind,occurred_on,description"


def test_career_events_are_imported_for_known_people_and_not_twice(existing):
    data = csv_of("E2,promotion,2024-03-01,To senior", "E1,award,2023-12-01,",
                  header=EVENTS)
    first = run_import("career_events", data)
    assert first.ok, first.problems
    assert first.created == 2
    again = run_import("career_events", data)
    assert again.ok and again.created == 0
    event = CareerEvent.objects.get(person__employee_id="E2")
    assert (event.kind, str(event.occurred_on), event.description) == (
        "promotion", "2024-03-01", "To senior")


def test_career_events_for_unknown_people_or_kinds_are_refused_whole(existing):
    data = csv_of("E2,promotion,2024-03-01,", "E404,promotion,2024-03-01,",
                  "E1,knighthood,2024-03-01,", header=EVENTS)
    result = run_import("career_events", data)
    assert not result.ok
    assert {(p.row, p.column) for p in result.problems} == {(3, "employee_id"), (4, "kind")}
    assert not CareerEvent.objects.exists()
