"""How the Importer framework runs an import (accounts/importing.py), whatever the kind: a dry
run of a kind with plan() checks and counts without writing a row; a file over the row limit is
refused with a message saying what to do; bulk_update saves many rows in a few statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import importing
from accounts.importing import bulk_update, run_import
from accounts.models import Person
from tests import factories

pytestmark = pytest.mark.django_db
HEADER = "employee_id,email,full_name,level,manager_employee_id\n"


def test_a_dry_run_counts_creates_and_updates_without_writing_a_row():
    factories.PersonFactory(employee_id="E1", email="e1@example.com")
    data = HEADER + "E1,e1@example.com,One,3,\nE2,e2@example.com,Two,2,E1\n"
    with CaptureQueriesContext(connection) as queries:
        result = run_import("people", data, dry_run=True)
    assert result.ok and (result.created, result.updated) == (1, 1)
    assert result.summary() == "Would create 1 and would update 1 people from 2 rows."
    # (The run holds the import queue's transaction, so a SAVEPOINT is expected; no row moves.)
    written = [q["sql"] for q in queries
               if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert written == []
    assert not Person.objects.filter(employee_id="E2").exists()
    # The same file written reports the same counts.
    result = run_import("people", data)
    assert (result.created, result.updated) == (1, 1)
    assert Person.objects.get(employee_id="E2").manager.employee_id == "E1"


def test_a_dry_run_still_lists_every_problem():
    data = HEADER + "E1,e1@example.com,One,3,\nE1,e2@example.com,Two,2,NOPE\n"
    result = run_import("people", data, dry_run=True)
    assert not result.ok
    assert {str(p) for p in result.problems} >= {
        "row 3, column employee_id: 'E1' is already used on row 2"}
    assert any("manager_employee_id" in str(p) for p in result.problems)


def test_a_file_over_the_row_limit_is_refused_with_what_to_do(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    data = HEADER + "".join(f"E{i},e{i}@example.com,P {i},2,\n" for i in range(4))
    result = run_import("people", data)
    assert not result.ok
    assert [str(p) for p in result.problems] == [
        "row 5: the file has more than 3 rows; split it into files of at most 3 rows and "
        "import them one after the other"]
    assert not Person.objects.filter(employee_id__startswith="E").exists()
    assert run_import("people", HEADER + "".join(
        f"E{i},e{i}@example.com,P {i},2,\n" for i in range(3))).ok


def test_bulk_update_saves_every_row_and_field(django_assert_max_num_queries):
    people = factories.PersonFactory.create_batch(7, level=1)
    boss = factories.PersonFactory(level=9)
    for i, person in enumerate(people):
        person.level, person.full_name, person.manager = 2 + i, f"Renamed {i}", boss
        person.languages = ["en", "fr"]
    with django_assert_max_num_queries(4):
        bulk_update(people, ["level", "full_name", "manager", "languages"], batch_size=3)
    for i, person in enumerate(people):
        person.refresh_from_db()
        assert (person.level, person.full_name, person.manager_id, person.languages) == (
            2 + i, f"Renamed {i}", boss.pk, ["en", "fr"])
