"""/healthz, and the settings module refusing to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

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
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_degraded_and_names_the_broker_when_it_is_unreachable(
        client, db, monkeypatch):
    # Pages still work without the broker (background work waits), so the web stays in service.
    point_health_check_at(monkeypatch, "redis://127.0.0.1:9/0")  # nothing listens on port 9
    response = client.get("/healthz")
    assert response.status_code == 200
    # Anonymous callers learn which part failed, never the exception text (hosts, ports).
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "error",
                               "cache": "ok"}


def test_hr_admins_and_staff_read_the_details_of_a_failure(client, db, monkeypatch, hana,
                                                            eve, login):
    point_health_check_at(monkeypatch, "redis://127.0.0.1:9/0")
    assert login(hana).get("/healthz").json()["broker"].startswith("error: ")
    eve.user.is_staff = True
    eve.user.save()
    client.force_login(eve.user)
    assert client.get("/healthz").json()["broker"].startswith("error: ")


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    from program.core import health as views

    def broken_cursor():
        raise RuntimeError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(views.connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


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


# Strict parsing: a value the settings do not understand stops start-up, naming the variable.

def test_a_misspelt_boolean_stops_start_up_with_the_variable_value_and_accepted_words(tmp_path):
    result = run_python("import django; django.setup()", DEBUG="ture", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert ("ImproperlyConfigured: DEBUG must be true or false, got 'ture'. "
            "Accepted (any case): true/false, yes/no, on/off, 1/0.") in result.stderr


def test_boolean_words_are_read_in_any_case_with_spaces_and_empty_means_the_default(tmp_path):
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
            "s.SECURE_HSTS_PRELOAD, s.CELERY_TASK_ALWAYS_EAGER, s.REQUIRE_SERVICES]))")
    result = run_python(code, DEBUG=" Off ", SECRET_KEY=secrets.token_urlsafe(50),
                        VAR_DIR=str(tmp_path), SECURE_SSL_REDIRECT="No", SECURE_COOKIES="",
                        SECURE_HSTS_PRELOAD="YES", CELERY_TASK_ALWAYS_EAGER="on",
                        REQUIRE_SERVICES="0")
    assert result.returncode == 0, result.stderr
    # SECURE_COOKIES="" is its default, true.
    assert result.stdout.strip() == "[false, false, true, true, true, false]"


def test_a_malformed_cron_expression_stops_start_up(tmp_path):
    result = run_python("import django; django.setup()", DEBUG="1", VAR_DIR=str(tmp_path),
                        OUTCOME_REPORT_CRON="0 25 * * mon")
    assert result.returncode != 0
    assert ("ImproperlyConfigured: OUTCOME_REPORT_CRON must be a cron expression (minute hour "
            "day month weekday, such as '0 6 * * mon'), got '0 25 * * mon'") in result.stderr


@pytest.fixture
def parsers():
    """program/core/settings.py, whose env* functions parse the environment."""
    from program.core import settings

    return settings


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "True", "yes", "Yes", "on", " ON "])
def test_true_words(parsers, monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    assert parsers.envbool("SOME_FLAG", "false") is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "NO", "off", " off\n"])
def test_false_words(parsers, monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    assert parsers.envbool("SOME_FLAG", "true") is False


@pytest.mark.parametrize("value", ["ture", "2", "y", "n", "enabled", "-1", "none", "t"])
def test_anything_else_is_refused_not_read_as_false(parsers, monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=f"SOME_FLAG must be true or false, got "
                                                  f"'{value}'"):
        parsers.envbool("SOME_FLAG", "false")


def test_an_empty_or_unset_boolean_is_its_default(parsers, monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert parsers.envbool("SOME_FLAG", "true") is True
    monkeypatch.setenv("SOME_FLAG", "  ")
    assert parsers.envbool("SOME_FLAG", "true") is True
    assert parsers.envbool("SOME_FLAG", "false") is False


def test_numbers_are_whole_within_their_range_and_empty_means_the_default(parsers, monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", " 12 ")
    assert parsers.envint("SOME_NUMBER", "3") == 12
    monkeypatch.setenv("SOME_NUMBER", "")
    assert parsers.envint("SOME_NUMBER", "3") == 3
    monkeypatch.setenv("SOME_NUMBER", "2.5")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        parsers.envint("SOME_NUMBER", "3")
    monkeypatch.setenv("SOME_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be at least 1, got '0'"):
        parsers.envint("SOME_NUMBER", "3", minimum=1)
    monkeypatch.setenv("SOME_NUMBER", "70000")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be 1 to 65535"):
        parsers.envint("SOME_NUMBER", "587", minimum=1, maximum=65535)


def test_a_list_item_with_a_space_is_a_missing_comma(parsers, monkeypatch):
    monkeypatch.setenv("SOME_LIST", " a.com, b.com ,,")
    assert parsers.envlist("SOME_LIST") == ["a.com", "b.com"]
    monkeypatch.setenv("SOME_LIST", "a.com b.com")
    with pytest.raises(ImproperlyConfigured, match="SOME_LIST is a comma-separated list, got "
                                                  "'a.com b.com'"):
        parsers.envlist("SOME_LIST")


def test_urls_need_a_known_scheme_and_errors_hide_the_password(parsers, monkeypatch):
    monkeypatch.setenv("SOME_URL", "postgres://user:pw@db:5432/name")
    assert parsers.envurl("SOME_URL", "", ("postgres",)) == "postgres://user:pw@db:5432/name"
    for typo in ("postgress://user:s3cret@db/name", "postgres:/user:s3cret@db/name", "db/name"):
        monkeypatch.setenv("SOME_URL", typo)
        with pytest.raises(ImproperlyConfigured, match="SOME_URL must be a URL of the form "
                                                      "postgres://") as error:
            parsers.envurl("SOME_URL", "", ("postgres",))
        assert "s3cret" not in str(error.value)
    monkeypatch.setenv("SOME_URL", "")
    assert parsers.envurl("SOME_URL", "filesystem://") == "filesystem://"


def test_choices_and_cron_are_checked(parsers, monkeypatch):
    monkeypatch.setenv("SOME_CHOICE", " Optional ")
    assert parsers.envchoice("SOME_CHOICE", "mandatory", ("mandatory", "optional")) == "optional"
    monkeypatch.setenv("SOME_CHOICE", "mandatroy")
    with pytest.raises(ImproperlyConfigured, match="SOME_CHOICE must be one of mandatory, "
                                                  "optional"):
        parsers.envchoice("SOME_CHOICE", "mandatory", ("mandatory", "optional"))
    monkeypatch.setenv("SOME_CRON", "*/15 6-18 * * mon-fri")
    assert parsers.envcron("SOME_CRON", "0 6 * * mon") == "*/15 6-18 * * mon-fri"
    for wrong in ("0 6 * mon", "0 6 * * funday", "60 6 * * *"):
        monkeypatch.setenv("SOME_CRON", wrong)
        with pytest.raises(ImproperlyConfigured, match="SOME_CRON must be a cron expression"):
            parsers.envcron("SOME_CRON", "0 6 * * mon")
