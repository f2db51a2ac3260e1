"""Demo cohort: one mentoring round still enrolling, ready for HR to preview and publish.

The employee persona is enrolled as a mentee and the mentor persona as a mentor, so the demo
logins see the round from both sides (they already mentor each other, so the matcher will not
pair them again: a hard rule to see in the preview). Deterministic: only
ctx.rng decides.
"""

from __future__ import annotations

import datetime

from accounts.demo import DemoContext, demo_step
from accounts.models import Person
from matching.cohorts.models import Cohort, CohortEnrolment

MENTEES, MENTORS = 36, 16


@demo_step(50)
def create_cohort(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    employee, mentor = ctx.personas.get("employee"), ctx.personas.get("mentor")
    personas = {p.pk for p in ctx.personas.values()}
    people = list(Person.objects.current().exclude(pk__in=personas)
                  .order_by("id").values_list("pk", "level"))
    juniors = [pk for pk, level in people if level <= 3]
    seniors = [pk for pk, level in people if level >= 4]
    if len(juniors) < MENTEES or len(seniors) < MENTORS:
        return  # a very small demo organisation: no cohort
    mentee_ids = rng.sample(juniors, MENTEES)
    mentor_ids = rng.sample(seniors, MENTORS)
    if employee and mentor:
        mentee_ids[0], mentor_ids[0] = employee.pk, mentor.pk

    cohort = Cohort.objects.create(
        name="Spring mentoring round", slug="spring-round", kind=Cohort.Kind.MENTORSHIP,
        description="Six months of mentoring, matched all at once. Tell us who you would like "
                    "to learn from and what matters most; we find the best fit for everyone.",
        enrolment_opens_on=today - datetime.timedelta(days=10),
        enrolment_closes_on=today + datetime.timedelta(days=11),
        starts_on=today + datetime.timedelta(days=14), length_months=6, cadence_days=14)
    enrolments = [CohortEnrolment(cohort=cohort, person_id=pk, role="mentor",
                                  capacity=rng.choice([1, 2, 2, 3]), invited=rng.random() < 0.3)
                  for pk in mentor_ids]
    for pk in mentee_ids:
        ranked = rng.sample(mentor_ids, rng.randint(0, 4))
        must = rng.sample(["same_language", "other_department", "near_timezone"], 1) \
            if rng.random() < 0.2 else []
        enrolments.append(CohortEnrolment(cohort=cohort, person_id=pk, role="mentee",
                                          preferred=ranked, must_haves=must))
    CohortEnrolment.objects.bulk_create(enrolments)
