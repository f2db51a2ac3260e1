"""README.md's commands work as written after `make run`: it writes a local .env (development
mode, a generated secret key) that manage.py reads, so nobody has to guess `DEBUG=1`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _clean_env(var_dir: Path) -> dict:
    """No DEBUG, no SECRET_KEY, no DATABASE_URL: only what any shell has (and a var/ of its own,
    so the test never touches the checkout's database)."""
    return {"PATH": os.environ["PATH"], "HOME": str(var_dir), "VAR_DIR": str(var_dir)}


@pytest.fixture
def dotenv(tmp_path):
    """The .env `make run` writes, in the checkout (kept if it was already there)."""
    made = tmp_path / "made"
    made.mkdir()
    subprocess.run(["make", "-s", "-C", str(made), "-f", str(ROOT / "Makefile"), ".env"],
                   check=True, env=_clean_env(tmp_path))
    target = ROOT / ".env"
    created = not target.exists()
    if created:
        target.write_text((made / ".env").read_text())
    yield made / ".env"
    if created:
        target.unlink()


def _manage(*args, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, env=_clean_env(tmp_path), timeout=300)


def test_make_writes_a_development_env_with_a_generated_secret_once(dotenv, tmp_path):
    text = dotenv.read_text()
    assert "DEBUG=1" in text.splitlines()
    key = re.search(r"^SECRET_KEY=(\S+)$", text, re.M).group(1)
    assert len(key) >= 50
    subprocess.run(["make", "-s", "-C", str(dotenv.parent), "-f", str(ROOT / "Makefile"),
                    ".env"], check=True, env=_clean_env(tmp_path))
    assert dotenv.read_text() == text  # never overwritten: sessions survive a restart
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def test_readme_commands_run_from_a_clean_environment(dotenv, tmp_path):
    totp = _manage("demo_totp", tmp_path=tmp_path)
    assert totp.returncode == 0, totp.stderr
    assert re.search(r"\b\d{6}\b", totp.stdout)
    migrate = _manage("migrate", "--no-input", "-v0", tmp_path=tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    report = _manage("outcome_report", tmp_path=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "SECRET_KEY" not in report.stderr


def test_without_the_env_file_manage_py_still_asks_for_a_secret_key(tmp_path):
    if (ROOT / ".env").exists():
        pytest.skip("this checkout has a .env (make run wrote it)")
    result = _manage("outcome_report", tmp_path=tmp_path)
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
