"""Under REQUIRE_SERVICES=1 (CI) a test whose service is missing fails; elsewhere it skips."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NEEDS_POSTGRES = ("tests/program/core/test_health_and_settings.py::"
                  "test_check_deploy_is_clean_with_a_production_like_environment[postgres]")
NEEDS_REDIS = ("tests/program/core/test_require_services.py::"
               "test_healthz_reports_a_live_redis_broker")
NEEDS_CHROMIUM = ("tests/e2e/test_sign_in_smoke.py::"
                  "test_an_employee_signs_in_and_lands_on_home")


def test_healthz_reports_a_live_redis_broker(client, db, redis_url, monkeypatch):
    from tests.program.core.test_health_and_settings import point_health_check_at

    point_health_check_at(monkeypatch, redis_url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def run_pytest(*test_ids: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "REQUIRE_SERVICES", "CHROMIUM_PATH")}
    return subprocess.run([sys.executable, "-m", "pytest", *test_ids, "-q", "-rfs",
                           "-p", "no:cacheprovider", "-p", "no:warnings"], cwd=ROOT,
                          env={**base, **env}, capture_output=True, text=True, timeout=300)


def test_a_missing_service_fails_the_test_when_services_are_required():
    result = run_pytest(NEEDS_POSTGRES, NEEDS_REDIS, NEEDS_CHROMIUM, REQUIRE_SERVICES="1",
                        CHROMIUM_PATH="/nonexistent/chromium")
    assert result.returncode == 1, result.stdout
    assert "1 failed, 2 errors" in result.stdout  # fixtures that fail count as errors
    for what in ("PostgreSQL", "Redis", "chromium"):
        assert f"{what}" in result.stdout
    assert result.stdout.count("REQUIRE_SERVICES=1 forbids skipping") >= 3


def test_a_missing_service_skips_the_test_otherwise():
    result = run_pytest(NEEDS_POSTGRES, NEEDS_REDIS)
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout
