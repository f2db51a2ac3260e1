"""Fixtures of the outbox tests: delivery runs started by the test only, and real Celery
workers (subprocesses on Redis and PostgreSQL, with the mail backend of backends.py)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accounts import notifications
from program.core.celery import BEAT_SCHEDULE, app

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def no_auto_delivery(monkeypatch):
    """Rows are written but no delivery run starts by itself: the test runs it."""
    monkeypatch.setattr(notifications, "_delivery_starters", [])


@pytest.fixture
def worker(require_postgres, redis_url, tmp_path, monkeypatch, no_auto_delivery):
    """worker(delay=0) -> a started worker subprocess on this test's queue; send(task) queues a
    task there as beat would. Rows written by the test wait for the workers this test starts.
    The workers see this process's environment (monkeypatch.setenv before starting one).
    Workers still running at the end are stopped."""
    queue = f"i12-test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    database_url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}"
                    f":{db['PORT'] or 5432}/{db['NAME']}")
    for name in ("broker_write_url", "broker_read_url", "broker_url"):  # derived ones first
        monkeypatch.setattr(app.conf, name, redis_url)
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    started = []

    def start(delay: float = 0.0) -> subprocess.Popen:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.program.delivery.worker_settings",
               "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "TEST_MAIL_DIR": str(mail_dir), "TEST_MAIL_DELAY": str(delay),
               "VAR_DIR": str(tmp_path / "var")}
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "program", "worker", "-P", "solo", "-Q", queue,
             "--without-mingle", "--without-gossip", "-l", "info"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        return process

    def send(entry: str, *args):
        task = BEAT_SCHEDULE[entry]
        app.send_task(task["task"], args=args or task.get("args", ()), queue=queue,
                      expires=task["options"]["expires"])

    start.send = send
    start.mail_dir = mail_dir
    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
