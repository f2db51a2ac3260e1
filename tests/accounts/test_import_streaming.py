"""The people import reads, checks and writes a file a batch at a time (issue 18: 100,000 rows in
under 200 MB): the batches must not change what is written or what is refused."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts import importers, importing
from accounts.importing import Problem, run_import
from accounts.models import Person
from accounts.search import name_matches
from tests import factories

HEADER = "employee_id,email,full_name,level,manager_employee_id,skills\n"


@given(st.text(st.sampled_from(["a", ",", '"', "\r", "\n", " ", "é"]), max_size=60))
def test_the_file_is_split_into_the_lines_a_newline_free_stringio_gives(text):
    assert list(importing._lines(text)) == list(io.StringIO(text, newline=""))


@pytest.fixture
def tiny_batches(monkeypatch):
    monkeypatch.setattr(importers, "PEOPLE_BATCH", 2)


def _org():
    return {person.employee_id: (person.full_name, person.manager and person.manager.employee_id,
                                 sorted(person.skills.values_list("name", flat=True)))
            for person in Person.objects.select_related("manager")}


@pytest.mark.django_db
def test_managers_on_later_batches_updates_and_skills_are_written_as_in_one_batch(tiny_batches):
    boss = factories.PersonFactory(employee_id="B1", email="b1@example.com", full_name="Old Name")
    boss.skills.add(factories.SkillFactory(name="Cobol"))
    data = HEADER + "".join([
        "E1,e1@example.com,One,2,E5,Python\n",      # manager five rows (two batches) later
        "E2,e2@example.com,Two,2,E1,\n",
        "E3,e3@example.com,Three,2,B1,Go;Python\n",  # manager already stored
        "E4,e4@example.com,Four,2,E3,\n",
        "E5,e5@example.com,Five,6,B1,\n",
        "B1,b1@example.com,New Name,9,,Go\n",        # an update: name, skills replaced
    ])
    result = run_import("people", data)
    assert result.ok, result.problems
    assert (result.created, result.updated) == (5, 1)
    assert _org() == {
        "E1": ("One", "E5", ["Python"]), "E2": ("Two", "E1", []),
        "E3": ("Three", "B1", ["Go", "Python"]), "E4": ("Four", "E3", []),
        "E5": ("Five", "B1", []), "B1": ("New Name", None, ["Go"])}
    # The renamed person is found by the new name (search_name follows full_name).
    assert list(Person.objects.filter(name_matches("new name"))) == [boss]
    # The dry run of the same file counts the same, in batches too.
    again = run_import("people", data, dry_run=True)
    assert (again.created, again.updated) == (0, 6)


@pytest.mark.django_db
def test_every_problem_is_still_listed_in_the_same_order_across_batches(tiny_batches):
    factories.PersonFactory(employee_id="X1", email="taken@example.com")
    data = HEADER + "".join([
        "E1,e1@example.com,One,2,E2,\n",
        "E2,e2@example.com,Two,2,E1,\n",             # E1 and E2 manage each other
        "E3,taken@example.com,Three,2,,\n",          # X1's email
        "E4,e4@example.com,Four,2,E4,\n",            # manages themself
        "E3,e5@example.com,Five,2,NOPE,\n",          # duplicate id, unknown manager
        "E6,e6@example.com,Six,zero,,\n",            # not a level: left out of the checks
    ])
    problems = run_import("people", data).problems
    # Row by row, as HR reads the file; on one row in the order the checks found them.
    assert problems == [
        Problem(2, "manager_employee_id",
                "the reporting line loops back to this person (E1 -> E2 -> E1)"),
        Problem(3, "manager_employee_id",
                "the reporting line loops back to this person (E2 -> E1 -> E2)"),
        Problem(4, "email", "taken@example.com already belongs to employee X1"),
        Problem(5, "manager_employee_id", "a person cannot manage themself"),
        Problem(5, "manager_employee_id",
                "the reporting line loops back to this person (E4 -> E4)"),
        Problem(6, "employee_id", "'E3' is already used on row 4"),
        Problem(6, "manager_employee_id",
                "no person has employee_id 'NOPE' (in this file or already imported)"),
        Problem(7, "level", "'zero' is not a whole number"),
    ]
    assert not Person.objects.filter(employee_id__startswith="E").exists()
