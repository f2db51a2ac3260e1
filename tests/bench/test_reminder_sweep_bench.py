"""Benchmark: one reminder sweep over 20,000 active relationships on PostgreSQL.

Run with `make bench` (DATABASE_URL set). Prints the time and the number of queries for
(1) the first sweep, which plans over all 20,000 and sends what is due, and (2) a second sweep
an hour later, which finds the same things due and sends nothing new (the steady state).
Target: under 10 s, and the query count grows with the number of batches, not of rows.

The population: 10,000 mentorships (cadence 14 days) and 10,000 sponsorships (cadence 30) among
4,000 people. 85% of pairs met recently (due dates spread over the next cadence), 15% are
1-40 days overdue; a few have gone 90 days without meeting or without advocacy.
"""

import datetime
import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, Person, User
from matching.mentorship.models import Mentorship
from matching.sponsorship.models import Sponsorship
from program.reminders.models import ReminderLog
from program.reminders.sweep import BATCH_SIZE, reminders_sweep

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

PEOPLE = 4000
PER_KIND = 10_000
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
ZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Paris", "UTC"]


def _population(rng: random.Random) -> None:
    Person.objects.bulk_create([
        Person(employee_id=f"B{i:05d}", email=f"bench{i}@example.com", full_name=f"Bench {i}",
               timezone=ZONES[i % len(ZONES)], preferred_language="fr" if i % 7 == 0 else "en")
        for i in range(PEOPLE)], batch_size=2000)
    ids = list(Person.objects.values_list("id", flat=True))
    hr = User.objects.create_user("bench-hr@example.com", is_hr_admin=True)
    Person.objects.filter(pk=ids.pop()).update(user=hr)  # escalations go to one HR admin
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


def _timed_sweep(now):
    notifications_before = Notification.objects.count()
    rows_before = ReminderLog.objects.count()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = reminders_sweep(now=now)
        seconds = time.perf_counter() - started
    inbox = Notification.objects.count() - notifications_before
    batches = -(-(ReminderLog.objects.count() - rows_before) // BATCH_SIZE)
    per_message = f", {seconds / inbox * 1000:.1f} ms per inbox row" if inbox else ""
    print(f"  {seconds:.2f} s, {len(queries)} queries, {batches} delivery batches of "
          f"{BATCH_SIZE}; {result.planned} due, {sum(result.counts().values())} sent, "
          f"{inbox} inbox rows{per_message}; {result.counts()}")
    return result, seconds, len(queries), batches


def test_a_sweep_over_20000_active_relationships(require_postgres, settings):
    # Email transport is not the sweep: the dummy backend takes the messages without building
    # MIME or talking to a server (that cost is the mail server's, per message, after commit).
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    _population(random.Random(5))
    assert Mentorship.objects.count() + Sponsorship.objects.count() == 2 * PER_KIND

    print("\nfirst sweep ever (yesterday: the whole backlog goes out at once):")
    backlog, _, backlog_queries, backlog_batches = _timed_sweep(NOW - datetime.timedelta(days=1))
    print("the first sweep of today (what crossed a threshold since yesterday):")
    today, seconds, queries, batches = _timed_sweep(NOW)
    print("an hour later (the steady state: everything due was already sent):")
    later, later_seconds, later_queries, _ = _timed_sweep(NOW + datetime.timedelta(hours=1))

    assert sum(later.counts().values()) == 0
    assert seconds < 10
    assert later_seconds < 10
    # Queries grow with batches, not rows: per batch an insert, a claim (select + update), a
    # re-read, a lock, a load per model, one insert of inbox rows and one update of the log;
    # and once per sweep, the escalation digest (a lock, a check, the rows, a load per model,
    # the inbox rows, the log update).
    for n_queries, n_batches in ((backlog_queries, backlog_batches), (queries, batches)):
        assert n_queries <= 35 + 12 * n_batches, (n_queries, n_batches)
    assert later_queries <= 25 + 2 * (later.planned // BATCH_SIZE + 1)
