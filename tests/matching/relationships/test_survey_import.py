"""`import_csv surveys`: answers from a mentee or protégé, for both kinds of relationship."""

import datetime

import pytest
from django.utils import timezone

from accounts.importing import run_import
from matching.relationships.models import SurveyResponse
from tests import factories

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _csv(header, *rows):
    return "\n".join([header, *rows]) + "\n"


def _problems(result):
    return [(p.row, p.column) for p in result.problems]


SURVEY_HEADER = ("employee_id,relationship_kind,phase,answered_on,confidence,goal_progress,"
                 "usefulness")


@pytest.mark.django_db
def test_surveys_import_links_each_answer_to_the_relationship_running_that_day(alice, sam, bob):
    old = factories.SponsorshipFactory(protege=alice, status="completed",
                                       started_on=TODAY - 400 * DAY, ended_on=TODAY - 100 * DAY)
    current = factories.SponsorshipFactory(protege=alice, sponsor=sam,
                                           started_on=TODAY - 50 * DAY)
    mentorship = factories.MentorshipFactory(mentee=alice, mentor=bob)
    data = _csv(SURVEY_HEADER,
                f"{alice.employee_id},sponsorship,baseline,{TODAY - 390 * DAY},2,2,",
                f"{alice.employee_id},sponsorship,closing,{TODAY - 99 * DAY},4,4,5",
                f"{alice.employee_id},sponsorship,baseline,{TODAY - 40 * DAY},3,2,",
                f"{alice.employee_id},mentorship,baseline,{TODAY - 20 * DAY},3,3,")
    result = run_import("surveys", data)
    assert result.ok, result.problems
    assert set(SurveyResponse.objects.filter(sponsorship=old).values_list("phase", flat=True)) \
        == {"baseline", "closing"}
    assert SurveyResponse.objects.get(sponsorship=current).confidence == 3
    assert SurveyResponse.objects.get(mentorship=mentorship).respondent == alice
    assert run_import("surveys", data).created == 0


@pytest.mark.django_db
def test_a_survey_row_with_no_relationship_names_its_row_and_column_and_writes_nothing(alice,
                                                                                       eve):
    factories.SponsorshipFactory(protege=alice)
    data = _csv(SURVEY_HEADER,
                f"{alice.employee_id},sponsorship,baseline,{TODAY},3,3,",
                f"{eve.employee_id},sponsorship,baseline,{TODAY},3,3,",
                f"{alice.employee_id},sponsorship,closing,{TODAY},3,3,",
                f"{alice.employee_id},mentorship,baseline,{TODAY},9,3,")
    result = run_import("surveys", data)
    problems = _problems(result)
    for expected in [(3, "relationship_kind"), (4, "usefulness"), (5, "confidence")]:
        assert expected in problems, (expected, result.problems)
    assert not SurveyResponse.objects.exists()
