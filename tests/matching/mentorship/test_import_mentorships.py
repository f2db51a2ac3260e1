"""`import_csv mentorships`: all-or-nothing, every problem named by row and column."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.importing import run_import
from matching.mentorship.models import Mentorship
from tests import factories

HEADER = "mentor_employee_id,mentee_employee_id,started_on,ended_on,status\n"


@pytest.fixture
def people(db):
    return {code: factories.PersonFactory(employee_id=code) for code in ("M1", "M2", "A1", "A2")}


def test_a_good_file_creates_every_mentorship_and_reimporting_changes_nothing(people):
    data = HEADER + ("M1,A1,2025-01-10,2025-07-01,completed\n"
                     "M1,A2,2025-03-01,2025-05-01,ended_early\n"
                     "M2,A1,2026-02-01,,active\n")
    result = run_import("mentorships", data)
    assert result.ok, result.problems
    assert (result.created, result.updated) == (3, 0)
    active = Mentorship.objects.get(status="active")
    assert active.mentor == people["M2"] and active.next_due_on is not None
    again = run_import("mentorships", data)
    assert (again.created, again.updated) == (0, 0)
    assert Mentorship.objects.count() == 3


def test_a_status_change_on_reimport_updates_the_stored_mentorship(people):
    run_import("mentorships", HEADER + "M2,A1,2026-02-01,,active\n")
    result = run_import("mentorships", HEADER + "M2,A1,2026-02-01,2026-04-01,completed\n")
    assert (result.created, result.updated) == (0, 1)
    assert Mentorship.objects.get().status == "completed"


def test_a_bad_file_names_each_problem_by_row_and_column_and_writes_nothing(people):
    future = timezone.localdate() + datetime.timedelta(days=5)
    data = HEADER + ("M1,A1,2025-01-10,2025-07-01,completed\n"      # row 2: fine
                     "M9,A1,2025-01-10,,active\n"                   # row 3: unknown mentor
                     "M1,M1,2025-01-10,,active\n"                   # row 4: themself
                     "M1,A2,2025-03-01,,completed\n"                # row 5: no end date
                     "M2,A2,2025-03-01,2025-02-01,ended_early\n"    # row 6: ends before start
                     f"M2,A1,{future},,active\n"                    # row 7: future start
                     "M2,A2,2025-13-01,,paused\n"                   # row 8: bad date, status
                     "M1,A1,2025-01-10,2025-07-01,completed\n")     # row 9: duplicate of row 2
    result = run_import("mentorships", data)
    assert not result.ok
    problems = {(p.row, p.column) for p in result.problems}
    assert {(3, "mentor_employee_id"), (4, "mentee_employee_id"), (5, "ended_on"),
            (6, "ended_on"), (7, "started_on"), (8, "started_on"), (8, "status"),
            (9, "started_on")} <= problems
    assert "no person has employee_id 'M9'" in " ".join(map(str, result.problems))
    assert not Mentorship.objects.exists()


def test_two_active_mentorships_for_one_pair_are_refused(people):
    factories.MentorshipFactory(mentor=people["M1"], mentee=people["A1"],
                                started_on=datetime.date(2025, 1, 1))
    result = run_import("mentorships", HEADER + "M1,A1,2025-06-01,,active\n")
    assert [(p.row, p.column) for p in result.problems] == [(2, "status")]
    assert Mentorship.objects.count() == 1


def test_the_command_runs_the_mentorships_kind(people, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + "M1,A1,2025-01-10,2025-07-01,completed\n")
    call_command("import_csv", "mentorships", str(path))
    assert Mentorship.objects.count() == 1
