"""docs/OPERATIONS.md's PostgreSQL backup and restore, done for real: pg_dump of the test
database, pg_restore into a new database of this test's own, and the app working on the copy."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from accounts.models import OutboxMessage, Person
from accounts.notifications import Notice, notify_many

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def _libpq_env(db) -> dict:
    return {**os.environ, "PGHOST": db["HOST"] or "localhost", "PGPORT": str(db["PORT"] or 5432),
            "PGUSER": db["USER"], "PGPASSWORD": db["PASSWORD"] or ""}


def _connect(db, dbname: str, **options) -> psycopg.Connection:
    return psycopg.connect(host=db["HOST"] or "localhost", port=db["PORT"] or 5432,
                           user=db["USER"], password=db["PASSWORD"] or None, dbname=dbname,
                           **options)


def _count(dbname: str, db, table: str) -> int:
    with _connect(db, dbname) as copy:
        return copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


@pytest.fixture
def restore_target(require_postgres):
    """The name of a new, empty database, dropped at the end."""
    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _connect(db, "postgres", autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect(db, "postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_pg_dump_restored_with_pg_restore_is_the_same_working_installation(
        restore_target, alice, bob, tmp_path, monkeypatch):
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} is needed (postgresql-client)"
    from accounts import notifications

    monkeypatch.setattr(notifications, "_delivery_starters", [])
    notify_many([Notice(recipient=p, kind="mentor_request_expired",
                        template="mentor-request-expired",
                        context={"mentor_request": None, "mentor": p, "mentee": p})
                 for p in (alice, bob)])
    db = connection.settings_dict
    env = _libpq_env(db)
    dump = tmp_path / "program.dump"
    # The commands of docs/OPERATIONS.md.
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", db["NAME"]],
                   env=env, check=True, timeout=300)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restore_target}",
                    str(dump)], env=env, check=True, timeout=300)

    for model in (Person, OutboxMessage):
        table = model._meta.db_table
        assert _count(restore_target, db, table) == model.objects.count() > 0
    # The app, pointed at the copy, finds every migration applied.
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
           f"{db['PORT'] or 5432}/{restore_target}")
    check = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "1",
             "DJANGO_SETTINGS_MODULE": "program.core.settings"},
        capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
