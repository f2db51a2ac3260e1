"""HR's bulk work, one job per process (run by tests/bench/run.py, or alone):

    python -m tests.bench.jobs sweep|cohort|import

Each job builds what it needs inside one transaction on the (seeded) bench database, measures,
and rolls everything back, so the database can be reused. It prints one JSON object: the figures
and the process's peak resident memory (ru_maxrss, the Django process included).

- sweep: 10,000 mentorships and 10,000 sponsorships among 4,000 extra people (85% met recently,
  15% overdue by 1-40 days, some silent for 90 days), on top of the seeded ones. The first sweep
  ever (the whole backlog at once, as of yesterday), then the daily sweep of today.
- cohort: 2,000 mentees and 1,000 mentors (capacities 1-3, 40 skills, rankings, must-haves,
  50 forbidden and 20 pinned pairs); `cohort_match` for the score objective.
- import: a people CSV of 100,000 new rows (a reporting tree, skills and goals): the check
  (dry run) and the write.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import resource
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.importing import run_import  # noqa: E402
from accounts.models import Department, Notification, Person, Skill  # noqa: E402
from matching.cohorts.match import cohort_match  # noqa: E402
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule  # noqa: E402
from matching.mentorship.models import Mentorship  # noqa: E402
from matching.sponsorship.models import Sponsorship  # noqa: E402
from program.reminders.sweep import reminders_sweep  # noqa: E402

# --- the reminder sweep ------------------------------------------------------------------------

SWEEP_PEOPLE = 4000
PER_KIND = 10_000
NOW = datetime.datetime.combine(timezone.now().date(), datetime.time(12), tzinfo=datetime.UTC)
TODAY = NOW.date()
ZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Paris", "UTC"]


def _sweep_population(rng: random.Random) -> None:
    Person.objects.bulk_create([
        Person(employee_id=f"SWEEP{i:05d}", email=f"sweep{i}@example.com",
               full_name=f"Bench {i}", timezone=ZONES[i % len(ZONES)],
               preferred_language="fr" if i % 7 == 0 else "en")
        for i in range(SWEEP_PEOPLE)], batch_size=2000)
    ids = list(Person.objects.filter(employee_id__startswith="SWEEP")
               .values_list("id", flat=True))
    used = set()

    def pair() -> tuple[int, int]:
        while True:  # one active relationship per pair of people
            a, b = rng.sample(ids, 2)
            if (a, b) not in used:
                used.add((a, b))
                return a, b

    def fields(cadence: int) -> dict:
        if rng.random() < 0.85:
            last_met = TODAY - datetime.timedelta(days=rng.randrange(cadence))
        else:
            last_met = TODAY - datetime.timedelta(days=cadence + rng.randrange(1, 41))
        a, b = pair()
        return {"a": a, "b": b, "started_on": last_met - datetime.timedelta(days=60),
                "last_met_on": last_met,
                "next_due_on": last_met + datetime.timedelta(days=cadence),
                "cadence_days": cadence, "status": "active"}

    mentorships = []
    for _ in range(PER_KIND):
        f = fields(14)
        mentorships.append(Mentorship(mentor_id=f.pop("a"), mentee_id=f.pop("b"), **f))
    Mentorship.objects.bulk_create(mentorships, batch_size=2000)
    sponsorships = []
    for _ in range(PER_KIND):
        f = fields(30)
        advocacy = TODAY - datetime.timedelta(days=rng.randrange(120))
        sponsorships.append(Sponsorship(sponsor_id=f.pop("a"), protege_id=f.pop("b"),
                                        last_advocacy_on=advocacy, **f))
    Sponsorship.objects.bulk_create(sponsorships, batch_size=2000)


def _timed_sweep(now: datetime.datetime) -> dict:
    before = Notification.objects.count()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = reminders_sweep(now=now)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "queries": len(queries), "planned": result.planned,
            "sent": sum(result.counts().values()),
            "inbox": Notification.objects.count() - before}


def sweep() -> dict:
    with transaction.atomic():
        _sweep_population(random.Random(5))
        relationships = (Mentorship.objects.filter(status="active").count()
                         + Sponsorship.objects.filter(status="active").count())
        backlog = _timed_sweep(NOW - datetime.timedelta(days=1))
        daily = _timed_sweep(NOW)
        transaction.set_rollback(True)
    return {"relationships": relationships, "backlog": backlog, "daily": daily}


# --- cohort matching ---------------------------------------------------------------------------

MENTEES, MENTORS = 2000, 1000
MUST_HAVES = ["same_language", "other_department", "near_timezone", "helps_with_goals"]


def _cohort_population(rng: random.Random) -> Cohort:
    departments = Department.objects.bulk_create([Department(name=f"Bench dept {i}")
                                                  for i in range(12)])
    skills = Skill.objects.bulk_create([Skill(name=f"Bench skill {i}", slug=f"bench-skill-{i}")
                                        for i in range(40)])

    def person(i: int, level: int, manager_id=None) -> Person:
        return Person(employee_id=f"COHORT{i:05d}", email=f"cohort{i}@example.com",
                      full_name=f"Person {i}", level=level, manager_id=manager_id,
                      department=rng.choice(departments), timezone=rng.choice(ZONES),
                      gender=rng.choice(["woman", "man", "non-binary", ""]),
                      languages=["en"] + ([rng.choice(["fr", "de", "es"])]
                                          if rng.random() < 0.3 else []))

    mentors = Person.objects.bulk_create([person(i, rng.randint(4, 8))
                                          for i in range(MENTORS)])
    mentees = Person.objects.bulk_create([
        person(MENTORS + i, rng.randint(1, 4),
               manager_id=rng.choice(mentors).pk if rng.random() < 0.5 else None)
        for i in range(MENTEES)])
    Person.skills.through.objects.bulk_create([
        Person.skills.through(person_id=m.pk, skill_id=s.pk)
        for m in mentors for s in rng.sample(skills, rng.randint(2, 6))])
    Person.development_goals.through.objects.bulk_create([
        Person.development_goals.through(person_id=m.pk, skill_id=s.pk)
        for m in mentees for s in rng.sample(skills, rng.randint(1, 3))])
    cohort = Cohort.objects.create(name="Bench", slug="bench-cohort", kind="mentorship")
    mentor_ids = [m.pk for m in mentors]
    CohortEnrolment.objects.bulk_create(
        [CohortEnrolment(cohort=cohort, person=m, role="mentor", capacity=rng.randint(1, 3))
         for m in mentors]
        + [CohortEnrolment(cohort=cohort, person=m, role="mentee",
                           preferred=rng.sample(mentor_ids, rng.randint(0, 5)),
                           must_haves=[rng.choice(MUST_HAVES)] if rng.random() < 0.1 else [])
           for m in mentees])
    rules = {}
    while len(rules) < 70:
        mentee, mentor = rng.choice(mentees), rng.choice(mentors)
        if mentee.manager_id != mentor.pk:
            rules[mentee.pk, mentor.pk] = "forbid" if len(rules) < 50 else "pin"
    CohortPairRule.objects.bulk_create([
        CohortPairRule(cohort=cohort, receiver_id=r, giver_id=g, rule=rule)
        for (r, g), rule in rules.items()])
    return cohort


def cohort() -> dict:
    with transaction.atomic():
        bench_cohort = _cohort_population(random.Random(2026))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = cohort_match(cohort=bench_cohort, objective="score")
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"seconds": seconds, "queries": len(queries), "pairs": len(result.pairs)}


# --- the people import -------------------------------------------------------------------------

IMPORT_ROWS = 100_000


def people_csv(rows: int, rng: random.Random) -> bytes:
    """A people file of `rows` new employees: a reporting tree (each row's manager is on an
    earlier row), departments, skills and development goals by name."""
    departments = list(Department.objects.values_list("name", flat=True)) or ["Engineering"]
    skills = list(Skill.objects.values_list("name", flat=True)) or ["Python", "SQL"]
    out = io.StringIO()
    out.write("employee_id,email,full_name,title,level,department,location,timezone,"
              "manager_employee_id,hire_date,gender,ethnicity,skills,development_goals\n")
    for i in range(rows):
        manager = f"IMP{rng.randrange(max(1, i // 10)):06d}" if i >= 10 else ""
        out.write(f"IMP{i:06d},imported{i}@example.com,Imported Person {i},Engineer,"
                  f"{rng.randint(1, 10)},{rng.choice(departments)},London,Europe/London,"
                  f"{manager},2020-01-{1 + i % 28:02d},,,"
                  f"{';'.join(rng.sample(skills, 2))},{rng.choice(skills)}\n")
    return out.getvalue().encode()


def _vacuum() -> None:
    """Clear the dead rows a rolled-back job leaves, and the statistics they skew (about 5 s).
    Without it each run on the reused database reads more dead entries than the last, and the
    planner misjudges the pages: after the cohort job's 3,000 rolled-back enrolments it took a
    cohort of 52 for 3,000 and hashed every person and skill for the cohort preview (400 ms
    instead of 100 ms); each import left 100,000 dead people."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def people_import(mode: str) -> dict:
    data = people_csv(IMPORT_ROWS, random.Random(11))
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = run_import("people", data, dry_run=mode == "check")
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    assert result.ok, result.problems[:5]
    return {"seconds": seconds, "queries": len(queries), "rows": result.rows,
            "created": result.created}


JOBS = {"sweep": sweep, "cohort": cohort,
        "import-check": lambda: people_import("check"),
        "import-write": lambda: people_import("write")}

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=list(JOBS))
    args = parser.parse_args()
    _vacuum()  # before (what earlier runs left) and after, outside the measured time
    figures = JOBS[args.job]()
    _vacuum()
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["load"] = os.getloadavg()[0]
    print(json.dumps(figures))
