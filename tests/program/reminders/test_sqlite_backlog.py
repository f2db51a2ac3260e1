"""The embedded default (a SQLite file shared by web and worker) under a backlog sweep: two
send_reminders at once over 1,000 due pairs while people sign in and get notified. Nobody sees
"database is locked" and every reminder goes out once. (Before: a concurrent sweep crashed and
people's writes failed after 10 s.) Runs in subprocesses, each with its own connection."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PAIRS = 1000


def _start(var_dir, *args) -> subprocess.Popen:
    env = {name: value for name, value in os.environ.items()
           if name not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(VAR_DIR=str(var_dir), DEBUG="1", DJANGO_SETTINGS_MODULE="program.core.settings")
    return subprocess.Popen([sys.executable, "-m", "tests.program.reminders.sqlite_backlog",
                             *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _finish(process) -> str:
    out, _ = process.communicate(timeout=600)
    assert process.returncode == 0, out
    return out


def test_a_backlog_sweep_on_sqlite_leaves_people_and_a_second_sweep_unharmed(tmp_path):
    _finish(_start(tmp_path, "setup", str(PAIRS)))
    people = _start(tmp_path, "people", "20")
    sweeps = [_start(tmp_path, "sweep") for _ in range(2)]
    outputs = [_finish(sweep) for sweep in sweeps]
    people_output = _finish(people)
    assert "database is locked" not in "".join(outputs) + people_output
    # "Sent N reminder(s)." from each: every reminder once, shared between the two sweeps.
    assert sum(int(out.strip().splitlines()[-1].split()[1]) for out in outputs) == PAIRS
    assert "people:" in people_output
