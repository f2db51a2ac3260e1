"""/healthz, and the settings module refusing to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def point_health_check_at(monkeypatch, url: str) -> None:
    """Send /healthz's broker check to `url` without touching the Celery app's configuration
    (other tests start real workers from it)."""
    from program.core.celery import app

    connect = app.connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda **kwargs: connect(url=url))


def test_healthz_is_200_when_the_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_and_names_the_broker_when_it_is_unreachable(client, db, monkeypatch):
    point_health_check_at(monkeypatch, "redis://127.0.0.1:9/0")  # nothing listens on port 9
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    from program.core import health as views

    def broken_cursor():
        raise RuntimeError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(views.connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: RuntimeError: connection refused"


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
             "DJANGO_SETTINGS_MODULE": "program.core.settings"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = run_python("import django; django.setup()", DEBUG="0", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set." in result.stderr


def test_settings_start_without_a_secret_key_in_debug_mode(tmp_path):
    result = run_python("import django; django.setup(); print('started')", DEBUG="1",
                        VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_a_malformed_number_setting_is_refused_with_its_name(tmp_path):
    result = run_python("import django; django.setup()", DEBUG="1", VAR_DIR=str(tmp_path),
                        SPONSOR_MIN_LEVEL="six")
    assert "SPONSOR_MIN_LEVEL must be a whole number, got 'six'." in result.stderr


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_check_deploy_is_clean_with_a_production_like_environment(tmp_path, database):
    env = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "mentoring.example.com", "EMAIL_HOST": "smtp.example.com",
           "VAR_DIR": str(tmp_path)}
    if database == "postgres":
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            from tests.conftest import _unavailable

            _unavailable("PostgreSQL (set DATABASE_URL)")
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        env["REDIS_URL"] = os.environ.get("REDIS_URL", "")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                             "--fail-level", "WARNING"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env={"PATH": os.environ["PATH"], **env})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
