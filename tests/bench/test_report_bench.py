"""Benchmark: the outcome report and the HR dashboard on 100,000 people (PostgreSQL).

Run with `make bench` and DATABASE_URL pointing at PostgreSQL. Prints the best and median of five
runs, and the number of queries each takes. Targets: report under 2 s, dashboard under 300 ms,
a fixed number of queries whatever the size.

The population: 100,000 people over twelve departments, ten locations and ten levels, hired over
twelve years, 6% gone; 18,000 mentorships (over three years), 7,000 sponsorships, 12,000 career
events, 8,000 survey answers, 6,000 advocacy records, 1,500 open requests, 3,000 mentor and
600 sponsor profiles.
"""

import datetime
import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CareerEvent, Department, MentorProfile, Person, SponsorProfile
from matching.mentorship.models import MentorRequest, Mentorship
from matching.relationships.models import SurveyResponse
from matching.sponsorship.models import AdvocacyRecord, Sponsorship
from program.reports.dashboard import Filters, dashboard_data
from program.reports.outcome import outcome_report
from tests import factories

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

PEOPLE = 100_000
LOCATIONS = ["London", "Paris", "Berlin", "New York", "Austin", "San Francisco", "Toronto",
             "Bangalore", "Singapore", "Remote"]


def _day(rng, start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(days))


def _population(rng: random.Random, today: datetime.date) -> None:
    departments = Department.objects.bulk_create([Department(name=f"Dept {i}")
                                                  for i in range(12)])
    people = []
    for i in range(PEOPLE):
        hired = _day(rng, today - datetime.timedelta(days=12 * 365), 12 * 365 - 30)
        left = _day(rng, hired + datetime.timedelta(days=30), (today - hired).days) \
            if rng.random() < 0.06 and (today - hired).days > 40 else None
        people.append(Person(
            employee_id=f"B{i:06d}", email=f"bench{i}@example.com", full_name=f"Person {i}",
            level=rng.choice([1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10]),
            department=rng.choice(departments), location=rng.choice(LOCATIONS),
            hire_date=hired, termination_date=left,
            gender=rng.choice(["woman", "man", "non-binary", ""]),
            ethnicity=rng.choice(["Asian", "Black", "Hispanic or Latino", "White", ""])))
    Person.objects.bulk_create(people, batch_size=5000)
    ids = list(Person.objects.values_list("id", flat=True))
    seniors = list(Person.objects.filter(level__gte=5).values_list("id", flat=True))
    leaders = list(Person.objects.filter(level__gte=7).values_list("id", flat=True))
    MentorProfile.objects.bulk_create([MentorProfile(person_id=pk, capacity=rng.randint(1, 4))
                                       for pk in rng.sample(seniors, 3000)])
    now = timezone.now()
    SponsorProfile.objects.bulk_create([
        SponsorProfile(person_id=pk, capacity=rng.randint(1, 3), commitment_accepted_at=now,
                       status="approved") for pk in rng.sample(leaders, 600)])
    start = today - datetime.timedelta(days=3 * 365)
    statuses = ["active", "active", "completed", "completed", "ended_early", "proposed"]
    mentorships = []
    for mentee in rng.sample(ids, 18_000):
        began = _day(rng, start, 3 * 365)
        status = rng.choice(statuses)
        mentorships.append(Mentorship(
            mentor_id=rng.choice(seniors), mentee_id=mentee, started_on=began, status=status,
            ended_on=None if status in ("active", "proposed") else began + datetime.timedelta(180),
            next_due_on=_day(rng, today - datetime.timedelta(days=30), 60),
            inactive_since=today if rng.random() < 0.05 else None))
    Mentorship.objects.bulk_create(mentorships, batch_size=5000)
    sponsorships = Sponsorship.objects.bulk_create([
        Sponsorship(sponsor_id=rng.choice(leaders), protege_id=protege,
                    started_on=_day(rng, start, 3 * 365), status=rng.choice(statuses[:5]),
                    next_due_on=_day(rng, today - datetime.timedelta(days=30), 60))
        for protege in rng.sample(ids, 7_000)], batch_size=5000)
    kinds = ["promotion", "promotion", "high_visibility_assignment", "leadership_role", "exit",
             "award", "lateral_move"]
    CareerEvent.objects.bulk_create([
        CareerEvent(person_id=rng.choice(ids), kind=rng.choice(kinds),
                    occurred_on=_day(rng, start, 3 * 365)) for _ in range(12_000)],
        batch_size=5000)
    answers = []
    for mentorship in rng.sample(mentorships, 2_000):
        for phase, offset in (("baseline", 5), ("closing", 170)):
            answers.append(SurveyResponse(
                respondent_id=mentorship.mentee_id, relationship_kind="mentorship", phase=phase,
                answered_on=mentorship.started_on + datetime.timedelta(days=offset),
                confidence=rng.randint(1, 5), goal_progress=rng.randint(1, 5)))
    for sponsorship in rng.sample(sponsorships, 2_000):
        for phase, offset in (("baseline", 5), ("closing", 170)):
            answers.append(SurveyResponse(
                respondent_id=sponsorship.protege_id, relationship_kind="sponsorship",
                phase=phase, answered_on=sponsorship.started_on + datetime.timedelta(offset),
                confidence=rng.randint(1, 5), goal_progress=rng.randint(1, 5)))
    SurveyResponse.objects.bulk_create(answers, batch_size=5000)
    AdvocacyRecord.objects.bulk_create([
        AdvocacyRecord(sponsorship=rng.choice(sponsorships),
                       kind=rng.choice(AdvocacyRecord.Kind.values),
                       occurred_on=_day(rng, start, 3 * 365), description="Put forward.",
                       outcome=rng.choice(["pending", "succeeded", "not_succeeded"]))
        for _ in range(6_000)], batch_size=5000)
    MentorRequest.objects.bulk_create([
        MentorRequest(mentee_id=mentee, mentor_id=rng.choice(seniors), message="Please?",
                      created_at=now - datetime.timedelta(days=rng.randrange(40)))
        for mentee in rng.sample(ids, 1_500)], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give


def _timed(function, runs: int = 5) -> tuple[list[float], int]:
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return times, queries


def _line(name: str, times: list[float], queries: int) -> str:
    return (f"{name}: best {min(times) * 1000:.0f} ms, median "
            f"{statistics.median(times) * 1000:.0f} ms over {len(times)} runs, "
            f"{queries} queries")


def test_the_report_and_dashboard_are_fast_on_100000_people(require_postgres, client):
    rng = random.Random(2026)
    today = timezone.localdate()
    started = time.perf_counter()
    _population(rng, today)
    print(f"\nseeded {Person.objects.count():,} people in {time.perf_counter() - started:.1f} s")

    report_times, report_queries = _timed(lambda: outcome_report(as_of=today, window_months=12))
    dash_times, dash_queries = _timed(
        lambda: dashboard_data(filters=Filters(), now=timezone.now()))
    filtered = Filters(department_id=Department.objects.first().pk, level_band="1-2",
                       location="London")
    filtered_times, filtered_queries = _timed(
        lambda: dashboard_data(filters=filtered, now=timezone.now()))

    hana = factories.PersonFactory(email="hana.bench@example.com", with_user=True)
    hana.user.is_hr_admin = True
    hana.user.save()
    client.force_login(hana.user)
    session = client.session
    session["mfa_ok"] = True
    session.save()
    page_times, page_queries = _timed(lambda: client.get("/hr/dashboard/"))

    report = outcome_report(as_of=today, window_months=12)
    print({name: group["n"] for name, group in report["groups"].items()})
    for line in (_line("outcome_report", report_times, report_queries),
                 _line("dashboard_data", dash_times, dash_queries),
                 _line("dashboard_data filtered", filtered_times, filtered_queries),
                 _line("GET /hr/dashboard/ (whole page)", page_times, page_queries)):
        print(line)
    assert statistics.median(report_times) < 2.0
    assert statistics.median(dash_times) < 0.3
    assert report_queries <= 5 and dash_queries <= 10
