"""The key pages, each as its persona, on an already seeded database (run by tests/bench/run.py).

`python -m tests.bench.pages --runs 9` prints one JSON object: for each page its query count and
the server time of each request (Django's test client in this process: URL routing, views,
templates and the database, no network), after one warm-up request. For the outcome report and
the dashboard it also times their SQL alone (each SELECT the page ran, run again on the same
connection): the floor the page cannot beat.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.demo import DEMO_PERSONAS  # noqa: E402
from accounts.models import Department, Person, Skill, User  # noqa: E402
from matching.cohorts.models import Cohort  # noqa: E402
from matching.mentorship.models import Mentorship  # noqa: E402
from matching.sponsorship.models import Sponsorship  # noqa: E402
from program.reports.figures_cache import figures_reset  # noqa: E402

FLOOR_PAGES = {"HR dashboard", "outcome report"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    if user.is_hr_admin:
        session = client.session
        session["mfa_ok"] = True
        session.save()
    return client


def _protege_user(sponsor: Person) -> User:
    """The demo's protégé: the employee persona if sponsored, else the sponsor persona's first
    protégé (given a login once, so the page can be seen as them)."""
    sponsorship = (Sponsorship.objects.filter(sponsor=sponsor, status="active")
                   .select_related("protege__user").order_by("pk").first())
    protege = sponsorship.protege
    if protege.user_id is None:
        user = User.objects.create_user(protege.email, password=None)
        protege.user = user
        protege.save(update_fields=["user"])
    return protege.user


def pages() -> list[tuple[str, User, str]]:
    """(name, persona, URL) for every key page, as its persona would open it."""
    personas = {role: Person.objects.select_related("user").get(email=email)
                for role, email, *_ in DEMO_PERSONAS}
    employee, mentor = personas["employee"].user, personas["mentor"].user
    sponsor, hr = personas["sponsor"].user, personas["hr"].user
    mentorship = (Mentorship.objects.filter(mentee=personas["employee"])
                  .order_by("-started_on", "pk").first())
    # Filters that find mentors at any size: the mentor persona's first skill and department.
    skill = (Skill.objects.filter(mentors__person=personas["mentor"]).order_by("name").first()
             or Skill.objects.order_by("name").first())
    department = personas["mentor"].department or Department.objects.order_by("name").first()
    cohort = Cohort.objects.order_by("pk").first()
    today = timezone.localdate().isoformat()
    found = [
        ("home (employee)", employee, "/"),
        ("home (HR)", hr, "/"),
        ("profile", employee, "/me/profile/"),
        ("mentor directory", employee, "/mentoring/mentors/"),
        ("mentor directory, filtered", employee,
         f"/mentoring/mentors/?skill={skill.pk}&department={department.pk}&has_capacity=on"),
        ("mentor directory, search", employee, "/mentoring/mentors/?q=an"),
        ("mentor directory, deep page", employee, "/mentoring/mentors/?page=150"),
        ("suggestions", employee, "/mentoring/suggestions/"),
        ("mentorship page", employee, f"/mentoring/{mentorship.pk}/" if mentorship else None),
        ("mentor's mentoring page", mentor, "/mentoring/"),
        ("inbox", employee, "/me/inbox/"),
        ("sponsor page", sponsor, "/sponsorship/sponsoring/"),
        ("protégé page", _protege_user(personas["sponsor"]), "/sponsorship/my-sponsor/"),
        ("HR dashboard", hr, "/hr/dashboard/"),
        ("outcome report", hr, f"/hr/report/?as_of={today}&window_months=12"),
        ("equity", hr, "/hr/equity/"),
        ("career events (HR)", hr, "/sponsorship/hr/career-events/"),
        ("sponsor registrations (HR)", hr, "/sponsorship/hr/registrations/"),
        ("sponsorship interests (HR)", hr, "/sponsorship/hr/interests/"),
        ("reminder log (HR)", hr, "/hr/reminders/"),
        ("cohort list (HR)", hr, "/hr/cohorts/"),
        ("cohort preview", hr, f"/hr/cohorts/{cohort.slug}/preview/" if cohort else None),
        *[(f"HR console: {listing}", hr, f"/hr/console/{listing}/")
          for listing in ("mentorships", "sponsorships", "requests", "proposals", "interests",
                          "people")],
        ("HR console: mentorships, searched and sorted", hr,
         "/hr/console/mentorships/?q=an&sort=-started_on"),
        ("person's file (HR)", hr, f"/hr/people/{personas['employee'].pk}/"),
        ("data health (HR)", hr, "/hr/data-health/"),
        ("sponsor scorecards (HR)", hr, "/sponsorship/hr/scorecards/"),
        ("talent review (HR)", hr, "/sponsorship/hr/talent-review/"),
        ("sponsor's scorecard", sponsor, "/sponsorship/sponsoring/scorecard/"),
        ("pair's messages", employee,
         f"/pairs/mentorship/{mentorship.pk}/" if mentorship else None),
    ]
    return [page for page in found if page[2]]


def _floor(queries: list[dict]) -> float:
    """Seconds to run the page's SELECTs again, alone, in one transaction on the same
    connection, with the session settings the page set (SET LOCAL work_mem ...)."""
    statements = [q["sql"] for q in queries
                  if q["sql"].lstrip().upper().startswith(("SELECT", "WITH", "SET"))]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql.replace("%", "%%"))
            if cursor.description is not None:
                cursor.fetchall()
    return time.perf_counter() - started


def measure(runs: int, only: str = "") -> dict:
    results = {}
    for name, user, url in pages():
        if only and only not in name:
            continue
        client = _client(user)
        response = client.get(url)  # warm-up: caches, first-use imports
        status = response.status_code
        times, floors, count = [], [], 0
        for _ in range(runs):
            if name in FLOOR_PAGES:
                # Timed against its SQL floor, the report is computed each run: the figures
                # cache (which serves HR's repeat views and the load test) is emptied first.
                figures_reset()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            count = len(captured)
            status = response.status_code
            if name in FLOOR_PAGES:
                floors.append(_floor(captured.captured_queries))
        results[name] = {"url": url, "status": status, "queries": count, "times": times,
                         "median": statistics.median(times),
                         "p95": _percentile(times, 95),
                         "floor": statistics.median(floors) if floors else None,
                         "load": os.getloadavg()[0]}
    return results


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", default="", help="Only the pages whose name contains this.")
    args = parser.parse_args()
    print(json.dumps({"people": Person.objects.count(), "pages": measure(args.runs, args.only)}))
