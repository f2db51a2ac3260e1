"""seed_demo's cohort step: an enrolling round HR can preview and publish straight away."""

import pytest

from accounts import demo
from matching.cohorts.match import cohort_match
from matching.cohorts.models import Cohort, CohortEnrolment


@pytest.mark.django_db
def test_the_demo_has_an_enrolling_cohort_that_matches_with_reasons():
    ctx = demo.seed(people=400, seed=3)

    cohort = Cohort.objects.get(slug="spring-round")
    result = cohort_match(cohort=cohort)

    assert cohort.status == Cohort.Status.ENROLLING
    assert CohortEnrolment.objects.filter(cohort=cohort, person=ctx.personas["employee"],
                                          role="mentee").exists()
    assert CohortEnrolment.objects.filter(cohort=cohort, person=ctx.personas["mentor"],
                                          role="mentor").exists()
    assert len(result.pairs) >= 20 and all(pair.reasons for pair in result.pairs)
    assert result.total_score >= result.greedy_total_score
