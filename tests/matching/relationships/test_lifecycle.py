"""The shared lifecycle (start, meet, close, survey), exercised through a mentorship.

Alice is Bob's mentee here; Eve is in no relationship and may change nothing.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Notification
from matching.mentorship.models import CheckIn, Mentorship
from matching.relationships import services as svc
from matching.relationships.models import SurveyResponse
from tests import factories

TODAY = timezone.localdate()


@pytest.fixture
def pair(alice, bob):
    mentorship = Mentorship(mentor=bob, mentee=alice, cadence_days=14)
    return svc.relationship_start(relationship=mentorship,
                                  started_on=TODAY - datetime.timedelta(days=20))


def test_starting_sets_the_first_due_date_and_a_six_month_plan(pair):
    assert pair.status == "active"
    assert pair.next_due_on == pair.started_on + datetime.timedelta(days=14)
    assert pair.planned_end_on == svc.add_months(pair.started_on, 6)


def test_add_months_keeps_to_the_end_of_short_months():
    assert svc.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert svc.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)


def test_participants_are_mentor_then_mentee(pair, alice, bob):
    assert svc.participants(pair) == (bob, alice)


def test_a_check_in_moves_the_next_due_date_and_clears_inactivity(pair, alice):
    Mentorship.objects.filter(pk=pair.pk).update(inactive_since=TODAY)
    met = TODAY - datetime.timedelta(days=2)
    check_in = svc.meeting_record(relationship=pair, author=alice, occurred_on=met,
                                  discussed="Mock interview", private_notes="nervous",
                                  progress_rating=4)
    pair.refresh_from_db()
    assert isinstance(check_in, CheckIn)
    assert pair.last_met_on == met
    assert pair.next_due_on == met + datetime.timedelta(days=14)
    assert pair.inactive_since is None


def test_an_older_check_in_never_moves_the_last_meeting_back(pair, alice):
    svc.meeting_record(relationship=pair, author=alice, occurred_on=TODAY, discussed="a")
    svc.meeting_record(relationship=pair, author=alice,
                       occurred_on=TODAY - datetime.timedelta(days=10), discussed="b")
    pair.refresh_from_db()
    assert pair.last_met_on == TODAY


@pytest.mark.parametrize(("day", "message"), [
    (TODAY + datetime.timedelta(days=1), svc.MEETING_IN_FUTURE),
    (TODAY - datetime.timedelta(days=21), svc.MEETING_BEFORE_START.split("(")[0]),
])
def test_a_check_in_dated_in_the_future_or_before_the_start_is_refused(pair, alice, day,
                                                                      message):
    with pytest.raises(ValidationError) as error:
        svc.meeting_record(relationship=pair, author=alice, occurred_on=day, discussed="x")
    assert str(message) in str(error.value)
    assert not CheckIn.objects.exists()


def test_someone_outside_the_pair_cannot_record_or_close(pair, eve):
    with pytest.raises(ValidationError, match=re.escape(str(svc.NOT_A_PARTICIPANT))):
        svc.meeting_record(relationship=pair, author=eve, occurred_on=TODAY, discussed="x")
    with pytest.raises(ValidationError, match=re.escape(str(svc.NOT_A_PARTICIPANT))):
        svc.relationship_close(relationship=pair, by=eve, status="completed")
    pair.refresh_from_db()
    assert pair.is_active


def test_a_rating_outside_one_to_five_is_refused(pair, bob):
    with pytest.raises(ValidationError, match=re.escape(str(svc.RATING_OUT_OF_RANGE))):
        svc.meeting_record(relationship=pair, author=bob, occurred_on=TODAY, discussed="x",
                           progress_rating=6)


def test_ending_early_needs_a_no_fault_reason(pair, bob):
    with pytest.raises(ValidationError, match=re.escape(str(svc.CLOSE_REASON_REQUIRED))):
        svc.relationship_close(relationship=pair, by=bob, status="ended_early")
    pair.refresh_from_db()
    assert pair.is_active


def test_closing_tells_the_other_person_and_asks_the_mentee_for_the_survey(
        pair, alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        svc.relationship_close(relationship=pair, by=bob, status="ended_early",
                               reason="schedule", note="Thanks for everything")
    pair.refresh_from_db()
    assert (pair.status, pair.ended_on, pair.next_due_on) == ("ended_early", TODAY, None)
    kinds = set(Notification.objects.filter(recipient=alice).values_list("kind", flat=True))
    assert kinds == {"mentorship_closed", "survey_closing"}
    survey = Notification.objects.get(recipient=alice, kind="survey_closing")
    assert survey.url == f"/mentoring/survey/mentorship/{pair.pk}/closing/"
    assert not Notification.objects.filter(recipient=bob).exists()
    assert any("Bob Mentor closed your mentorship" in m.subject for m in mail.outbox)


def test_a_closed_relationship_takes_no_more_check_ins(pair, alice):
    svc.relationship_close(relationship=pair, by=alice, status="completed")
    with pytest.raises(ValidationError, match=re.escape(str(svc.NOT_ACTIVE))):
        svc.meeting_record(relationship=pair, author=alice, occurred_on=TODAY, discussed="x")


def test_the_mentee_answers_each_survey_once(pair, alice):
    svc.survey_record(relationship=pair, respondent=alice, phase="baseline", confidence=2,
                      goal_progress=1)
    with pytest.raises(ValidationError, match=re.escape(str(svc.SURVEY_ALREADY_ANSWERED))):
        svc.survey_record(relationship=pair, respondent=alice, phase="baseline", confidence=3,
                          goal_progress=3)
    assert SurveyResponse.objects.get().confidence == 2


def test_only_the_mentee_answers_and_usefulness_is_asked_at_the_close_only(pair, alice, bob):
    with pytest.raises(ValidationError, match="Only the mentee"):
        svc.survey_record(relationship=pair, respondent=bob, phase="baseline", confidence=3,
                          goal_progress=3)
    with pytest.raises(ValidationError, match=re.escape(str(svc.SURVEY_USEFULNESS_BASELINE))):
        svc.survey_record(relationship=pair, respondent=alice, phase="baseline", confidence=3,
                          goal_progress=3, usefulness=4)
    with pytest.raises(ValidationError, match=re.escape(str(svc.SURVEY_CLOSING_TOO_EARLY))):
        svc.survey_record(relationship=pair, respondent=alice, phase="closing", confidence=3,
                          goal_progress=3, usefulness=4)
    svc.relationship_close(relationship=pair, by=alice, status="completed")
    with pytest.raises(ValidationError, match=re.escape(str(svc.SURVEY_USEFULNESS_REQUIRED))):
        svc.survey_record(relationship=pair, respondent=alice, phase="closing", confidence=3,
                          goal_progress=3)
    response = svc.survey_record(relationship=pair, respondent=alice, phase="closing",
                                 confidence=4, goal_progress=5, usefulness=5)
    assert (response.relationship_kind, response.mentorship, response.usefulness) == \
        ("mentorship", pair, 5)


def test_a_sponsorship_goes_through_the_same_lifecycle(db):
    sponsorship = factories.SponsorshipFactory(started_on=None, planned_end_on=None)
    svc.relationship_start(relationship=sponsorship, started_on=TODAY)
    assert sponsorship.planned_end_on == svc.add_months(TODAY, 12)
    sponsor, protege = svc.participants(sponsorship)
    touchpoint = svc.meeting_record(relationship=sponsorship, author=sponsor, occurred_on=TODAY,
                                    discussed="Promotion case")
    assert touchpoint.sponsorship == sponsorship
    svc.relationship_close(relationship=sponsorship, by=sponsor, status="completed")
    response = svc.survey_record(relationship=sponsorship, respondent=protege, phase="closing",
                                 confidence=4, goal_progress=4, usefulness=5)
    assert response.relationship_kind == "sponsorship"


def test_a_closing_email_names_status_and_reason_in_each_readers_language(pair, alice, bob):
    from django.utils import translation

    from accounts.models import OutboxMessage
    alice.preferred_language = "es"
    alice.save(update_fields=["preferred_language"])
    with translation.override("fr"):  # the mentor closes from a French page
        svc.relationship_close(relationship=pair, by=bob, status="ended_early",
                               reason="schedule")
    text = OutboxMessage.objects.get(recipient=alice, subject__contains="ha cerrado").text
    assert "Los horarios ya no encajan" in text, text
    assert "Terminé" not in text and "emplois du temps" not in text
