"""seed_demo and large imports leave PostgreSQL's planner statistics fresh (accounts/planner.py):
the table statistics count the rows just written. Autovacuum cannot have done it: the rows are
not committed yet (pytest-django's transaction), only ANALYZE in this transaction sees them."""

import pytest
from django.db import connection

from accounts import demo
from accounts.importing import run_import
from accounts.models import Person


def _estimated_people() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'accounts_person'")
        return cursor.fetchone()[0]


def test_seeding_ends_with_fresh_statistics(require_postgres):
    demo.seed(people=150, seed=1)
    assert _estimated_people() == Person.objects.count() >= 150


def test_a_large_import_refreshes_statistics_once_committed(
        require_postgres, django_capture_on_commit_callbacks):
    rows = "".join(f"P{i:05d},p{i}@example.com,Person {i},{1 + i % 9}\n" for i in range(1200))
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import("people", "employee_id,email,full_name,level\n" + rows)
    assert result.ok, result.problems[:3]
    assert _estimated_people() == Person.objects.count() == 1200


def test_a_dry_run_leaves_statistics_alone(require_postgres, django_capture_on_commit_callbacks):
    before = _estimated_people()
    rows = "".join(f"D{i:05d},d{i}@example.com,Dry {i},2\n" for i in range(1200))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert run_import("people", "employee_id,email,full_name,level\n" + rows,
                          dry_run=True).ok
    assert callbacks == []
    assert _estimated_people() == before


pytestmark = pytest.mark.django_db
