"""Benchmark: match a cohort of 2,000 mentees and 1,000 mentors (capacities 1-3) at once.

Run with `make bench`. Prints, for each objective, the wall time of `cohort_match` (loading the
cohort, scoring all 2,000,000 pairs, the hard rules, the optimal assignment, the greedy baseline,
the reasons and rates), its peak Python memory (tracemalloc, a separate run, since tracing slows
it) and the process's peak resident size, and the total score against greedy. Then the time to
publish (matching again, 2,000 mentorships and their goals created, about 3,000 inbox entries
rendered and written) and, separately, the time to hand the emails to the mail backend after
commit (the test's locmem backend, so an SMTP server's latency is not in it). The first `reverse`
imports the URLconf (~1.5 s here, paid once per process, not per web request) inside the publish
timing. Target: matching under 10 s; publishing well inside a 30 s web request.

The population is shaped like a company: twelve departments with reporting lines (some mentors
manage some mentees), 40 skills (mentees want 1-3, mentors offer 2-6), most people speak
English and some a second language, six time zones; mentees rank up to five mentors, one in ten
has a must-have; HR has forbidden 50 pairs and pinned 20.
"""

import random
import resource
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Department, Person, Skill
from matching.cohorts.match import cohort_match
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.cohorts.services import cohort_publish
from matching.mentorship.models import Mentorship

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

MENTEES, MENTORS = 2000, 1000
ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "America/Chicago",
         "Asia/Kolkata", "Asia/Singapore"]
MUST_HAVES = ["same_language", "other_department", "near_timezone", "helps_with_goals"]


def _population(rng: random.Random) -> Cohort:
    departments = Department.objects.bulk_create([Department(name=f"Dept {i}")
                                                  for i in range(12)])
    skills = Skill.objects.bulk_create([Skill(name=f"Skill {i}", slug=f"skill-{i}")
                                        for i in range(40)])

    def person(i: int, level: int, manager_id=None) -> Person:
        return Person(employee_id=f"C{i:05d}", email=f"cohort{i}@example.com",
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

    cohort = Cohort.objects.create(name="Bench", slug="bench", kind="mentorship")
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


def test_matching_two_thousand_mentees_and_one_thousand_mentors(
        django_capture_on_commit_callbacks, mailoutbox):
    cohort = _population(random.Random(2026))
    places = sum(CohortEnrolment.objects.filter(cohort=cohort, role="mentor")
                 .values_list("capacity", flat=True))
    print(f"\n{MENTEES} mentees, {MENTORS} mentors, {places} places "
          f"({connection.vendor})")

    for objective in ("score", "coverage"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = cohort_match(cohort=cohort, objective=objective)
            seconds = time.perf_counter() - started
        tracemalloc.start()
        cohort_match(cohort=cohort, objective=objective)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        gain = result.total_score - result.greedy_total_score
        print(f"{objective:>8}: {seconds:.2f} s, {len(queries)} queries, peak traced "
              f"{peak / 2**20:.0f} MiB, max RSS {rss:.0f} MiB; {len(result.pairs)} matched, "
              f"total {result.total_score:.1f} vs greedy {result.greedy_total_score:.1f} "
              f"({result.greedy_matched} matched), +{gain:.1f} "
              f"(+{100 * gain / result.greedy_total_score:.2f}%)")
        assert seconds < 10
        assert result.total_score >= result.greedy_total_score - 1e-6
        assert sum(p.pinned for p in result.pairs) == 20

    with (django_capture_on_commit_callbacks() as callbacks,
          CaptureQueriesContext(connection) as queries):
        started = time.perf_counter()
        published = cohort_publish(cohort=cohort, by=None, objective="score")
        seconds = time.perf_counter() - started
    print(f" publish: {seconds:.2f} s, {len(queries)} queries, for {len(published.pairs)} "
          f"mentorships and {len(published.unmatched)} unmatched told")
    started = time.perf_counter()
    for callback in callbacks:
        callback()
    print(f"  emails: {time.perf_counter() - started:.2f} s for {len(mailoutbox)} messages "
          f"after commit")
    assert Mentorship.objects.filter(cohort=cohort).count() == len(published.pairs)
    assert seconds < 15
