"""A bounded load test (run by tests/bench/run.py, or alone):

    python -m tests.bench.load --users 30 --seconds 60 --port 41811

Starts gunicorn on loopback (2 workers x 4 threads, the production WSGI app) against the seeded
database, then runs `--users` simulated users for `--seconds`, each in its own thread with
http.client: a user is one of the four personas (half employees, a fifth mentors, a tenth
sponsors, a fifth HR) and walks that persona's journey (tests/bench/pages.py: the key pages it
opens), with 0.2-1 s of thinking between pages. Employees also mark their inbox read and HR asks
for a reminder sweep now (both POSTs with the CSRF token), so the run writes while it reads.
gunicorn runs tests/bench/settings.py: background work (the sweep HR asks for, deliveries) is
queued as in production, not run inside the request; no worker runs, and the queue is emptied
afterwards.

Prints one JSON object: the time until the fresh server answered its first request, requests/s,
p50/p95/p99 latency, errors (any status other than 200/302, or a failed connection), per
persona counts, and the invariants checked afterwards on the database: no mentor or sponsor
holds more active relationships than their capacity, and no reminder was planned or sent twice.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.db import connection  # noqa: E402

from tests.bench.pages import _client, _percentile, pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MIX = [("employee", 5), ("mentor", 2), ("sponsor", 1), ("hr", 2)]
POSTS = {"employee": "/me/inbox/read-all/", "hr": "/hr/reminders/sweep/"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _journeys() -> dict[str, tuple[dict, list[str]]]:
    """persona -> (cookies, URLs of its journey)."""
    by_user: dict = {}
    for _, user, url in pages():
        by_user.setdefault(user, []).append(url)
    roles = {"employee@example.com": "employee", "mentor@example.com": "mentor",
             "sponsor@example.com": "sponsor", "hr@example.com": "hr"}
    journeys: dict = {}
    for user, urls in by_user.items():
        role = roles.get(user.email, "employee")
        client = _client(user)
        client.get("/")  # sets the CSRF cookie
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        if role in journeys:  # the protégé's page joins the employee journey
            journeys[role][1].extend(urls)
        else:
            journeys[role] = (cookies, urls)
    return journeys


def _request(conn, method: str, url: str, cookies: dict) -> int:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
               "Host": "127.0.0.1"}
    body = None
    if method == "POST":
        headers["X-CSRFToken"] = cookies.get("csrftoken", "")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = ""
    conn.request(method, url, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def _user(port: int, role: str, cookies: dict, urls: list[str], stop: float, seed: int,
          samples: list, errors: list) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.monotonic() < stop:
        steps = [("GET", url) for url in urls]
        if role in POSTS:
            steps.insert(rng.randrange(len(steps) + 1), ("POST", POSTS[role]))
        for method, url in steps:
            if time.monotonic() >= stop:
                break
            started = time.perf_counter()
            try:
                status = _request(conn, method, url, cookies)
            except (OSError, http.client.HTTPException) as error:
                status = repr(error)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - started
            samples.append((role, url, elapsed))
            if status not in (200, 302):
                errors.append((role, method, url, status))
            time.sleep(rng.uniform(0.2, 1.0))
    conn.close()


def _wait_for(port: int, process: subprocess.Popen, limit: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("gunicorn did not answer in time")


def _forget_queued_tasks() -> None:
    """The sweeps and deliveries the run queued: no worker runs during the bench (the
    database's changes are measured, not delivered), so they are dropped."""
    from program.core.celery import app

    with contextlib.suppress(Exception):  # a broker that is down has queued nothing
        app.control.purge()


def invariants() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT COUNT(*) FROM accounts_mentorprofile p
             WHERE p.capacity < (SELECT COUNT(*) FROM matching_mentorship m
                                  WHERE m.mentor_id = p.person_id AND m.status = 'active')""")
        mentors_over = cursor.fetchone()[0]
        cursor.execute("""
            SELECT COUNT(*) FROM accounts_sponsorprofile p
             WHERE p.capacity < (SELECT COUNT(*) FROM matching_sponsorship s
                                  WHERE s.sponsor_id = p.person_id AND s.status = 'active')""")
        sponsors_over = cursor.fetchone()[0]
        cursor.execute("""
            SELECT COUNT(*) FROM (SELECT 1 FROM program_reminderlog
                                   GROUP BY relationship_kind, relationship_id, kind, due_on
                                  HAVING COUNT(*) > 1) twice""")
        reminders_twice = cursor.fetchone()[0]
    return {"mentors_over_capacity": mentors_over, "sponsors_over_capacity": sponsors_over,
            "reminders_twice": reminders_twice}


def _by_url(samples: list) -> dict:
    """Per URL: requests, median and p95 (what the slow requests of the run are)."""
    times: dict = {}
    for _, url, elapsed in samples:
        times.setdefault(url, []).append(elapsed)
    return {url: {"requests": len(t), "p50": _percentile(t, 50), "p95": _percentile(t, 95)}
            for url, t in sorted(times.items(), key=lambda item: -_percentile(item[1], 95))}


def run(users: int, seconds: float, port: int) -> dict:
    journeys = _journeys()
    connection.close()
    port = port or _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.bench.settings"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "program.core.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env)
    try:
        first_response = _wait_for(port, process)
        roles = [role for role, weight in MIX for _ in range(weight)]
        samples: list = []
        errors: list = []
        stop = time.monotonic() + seconds
        threads = []
        started = time.monotonic()
        for i in range(users):
            role = roles[i % len(roles)]
            cookies, urls = journeys[role]
            thread = threading.Thread(target=_user, args=(port, role, cookies, urls, stop, i,
                                                          samples, errors), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(timeout=seconds + 180)
        elapsed = time.monotonic() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
        _forget_queued_tasks()
    times = [t for _, _, t in samples]
    slowest = sorted(samples, key=lambda s: -s[2])[:5]
    return {
        "users": users, "seconds": elapsed, "first_response": first_response,
        "requests": len(samples), "rps": len(samples) / elapsed,
        "p50": _percentile(times, 50), "p95": _percentile(times, 95),
        "p99": _percentile(times, 99), "errors": len(errors), "error_samples": errors[:5],
        "by_persona": {role: sum(1 for r, _, _ in samples if r == role) for role, _ in MIX},
        "slowest": [[role, url, t] for role, url, t in slowest],
        "by_url": _by_url(samples),
        "invariants": invariants(), "load": os.getloadavg()[0],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(run(args.users, args.seconds, args.port)))
