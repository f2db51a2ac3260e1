"""Requests: who may ask whom, accepting within capacity, declining, withdrawing, expiring.

Alice (level 2, Engineering) reports to Max; Bob (level 5, Product) mentors with capacity 2.
Eve (Sales) is another would-be mentee.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts.models import Notification
from matching.mentorship import services as svc
from matching.mentorship.models import Goal, MentorRequest, Mentorship
from matching.relationships.models import SurveyResponse
from tests import factories


def raises(message):
    return pytest.raises(ValidationError, match=re.escape(str(message)))


@pytest.fixture
def speaking(db):
    return factories.SkillFactory(name="Public speaking")


def ask(mentee, mentor, goals):
    return svc.mentor_request_create(mentee=mentee, mentor=mentor, message="Please help",
                                     goals=goals)


def test_a_request_reaches_the_mentor_inbox_with_its_goals(alice, bob, speaking):
    request = ask(alice, bob, [speaking])
    assert request.status == "open"
    assert list(request.goals.all()) == [speaking]
    note = Notification.objects.get(recipient=bob)
    assert note.kind == "mentor_request_received"
    assert "Alice Employee would like you as their mentor" in note.subject


def test_asking_yourself_is_refused(alice, speaking):
    factories.MentorProfileFactory(person=alice)
    with raises(svc.REQUEST_SELF):
        ask(alice, alice, [speaking])
    assert not MentorRequest.objects.exists()


def test_asking_your_manager_or_anyone_above_is_refused(alice, max_manager, speaking):
    factories.MentorProfileFactory(person=max_manager)
    big_boss = factories.PersonFactory(level=8)
    factories.MentorProfileFactory(person=big_boss)
    max_manager.manager = big_boss
    max_manager.save()
    with raises(svc.REQUEST_LINE.format(name="Max Manager")):
        ask(alice, max_manager, [speaking])
    with raises(svc.REQUEST_LINE.format(name=big_boss.full_name)):
        ask(alice, big_boss, [speaking])
    assert not MentorRequest.objects.exists()


def test_asking_your_direct_report_is_refused(alice, max_manager, speaking):
    factories.MentorProfileFactory(person=alice)
    with raises(svc.REQUEST_REPORT.format(name="Alice Employee")):
        ask(max_manager, alice, [speaking])


def test_asking_a_paused_mentor_is_refused(alice, bob, speaking):
    bob.mentor_profile.is_paused = True
    bob.mentor_profile.save()
    with raises(svc.REQUEST_PAUSED.format(name="Bob Mentor")):
        ask(alice, bob, [speaking])
    assert not MentorRequest.objects.exists()


def test_asking_a_full_mentor_is_refused(alice, bob, speaking):
    factories.MentorshipFactory.create_batch(2, mentor=bob)
    with raises(svc.REQUEST_FULL.format(name="Bob Mentor")):
        ask(alice, bob, [speaking])
    assert not MentorRequest.objects.exists()


def test_a_duplicate_open_request_is_refused(alice, bob, speaking):
    ask(alice, bob, [speaking])
    with raises(svc.REQUEST_DUPLICATE.format(name="Bob Mentor")):
        ask(alice, bob, [speaking])
    assert MentorRequest.objects.count() == 1


@override_settings(MENTEE_MAX_OPEN_REQUESTS=3)
def test_a_fourth_open_request_is_refused(alice, speaking):
    mentors = [factories.MentorProfileFactory().person for _ in range(4)]
    for mentor in mentors[:3]:
        ask(alice, mentor, [speaking])
    with raises(svc.REQUEST_TOO_MANY.format(limit=3)):
        ask(alice, mentors[3], [speaking])
    assert MentorRequest.objects.filter(mentee=alice).count() == 3


def test_a_request_needs_a_message_and_a_goal(alice, bob, speaking):
    with raises(svc.REQUEST_MESSAGE_REQUIRED):
        svc.mentor_request_create(mentee=alice, mentor=bob, message="  ", goals=[speaking])
    with raises(svc.REQUEST_GOALS_REQUIRED):
        svc.mentor_request_create(mentee=alice, mentor=bob, message="Hi", goals=[])


def test_accepting_starts_the_mentorship_withdraws_other_requests_and_asks_for_the_baseline(
        alice, bob, speaking):
    other_mentor = factories.MentorProfileFactory().person
    request = ask(alice, bob, [speaking])
    other = ask(alice, other_mentor, [speaking])
    mentorship = svc.mentor_request_accept(mentor_request=request, by=bob)
    assert mentorship.is_active and mentorship.request == request
    assert mentorship.cadence_days == bob.mentor_profile.cadence_days
    assert [g.title for g in Goal.objects.filter(mentorship=mentorship)] == ["Public speaking"]
    other.refresh_from_db()
    assert other.status == "withdrawn"
    note = Notification.objects.get(recipient=alice, kind="mentor_request_accepted")
    assert note.url == f"/mentoring/survey/mentorship/{mentorship.pk}/baseline/"
    assert not SurveyResponse.objects.exists()


def test_only_the_asked_mentor_can_accept(alice, bob, eve, speaking):
    request = ask(alice, bob, [speaking])
    with raises(svc.REQUEST_ONLY_MENTOR):
        svc.mentor_request_accept(mentor_request=request, by=eve)
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("status", ["withdrawn", "expired", "declined", "accepted"])
def test_a_request_that_is_no_longer_open_cannot_be_accepted(alice, bob, speaking, status):
    request = ask(alice, bob, [speaking])
    MentorRequest.objects.filter(pk=request.pk).update(status=status)
    label = MentorRequest.Status(status).label.lower()
    with raises(svc.REQUEST_NOT_OPEN["accepted"].format(status=label)):
        svc.mentor_request_accept(mentor_request=request, by=bob)
    assert not Mentorship.objects.exists()


def test_accepting_beyond_capacity_is_refused(alice, bob, eve, speaking):
    request = ask(alice, bob, [speaking])
    factories.MentorshipFactory.create_batch(2, mentor=bob)
    with raises(svc.ACCEPT_FULL.format(capacity=2)):
        svc.mentor_request_accept(mentor_request=request, by=bob)
    request.refresh_from_db()
    assert request.status == "open"


def test_accepting_from_someone_already_mentored_says_so_to_the_mentor(alice, bob, speaking):
    request = ask(alice, bob, [speaking])
    factories.MentorshipFactory(mentor=bob, mentee=alice)  # started meanwhile (HR, a cohort)
    with raises("You already mentor Alice Employee."):
        svc.mentor_request_accept(mentor_request=request, by=bob)
    request.refresh_from_db()
    assert request.status == "open"
    assert Mentorship.objects.filter(mentor=bob, mentee=alice).count() == 1


def test_declining_needs_a_reason_and_tells_the_mentee_kindly(alice, bob, speaking):
    request = ask(alice, bob, [speaking])
    with raises(svc.DECLINE_REASON_REQUIRED):
        svc.mentor_request_decline(mentor_request=request, by=bob, reason="")
    svc.mentor_request_decline(mentor_request=request, by=bob, reason="no_time",
                               note="Ask me in spring")
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "no_time")
    note = Notification.objects.get(recipient=alice, kind="mentor_request_declined")
    assert "I don't have time right now" in note.body
    assert note.url == "/mentoring/suggestions/"


def test_the_mentee_can_withdraw_but_the_mentor_cannot(alice, bob, speaking):
    request = ask(alice, bob, [speaking])
    with raises(svc.REQUEST_ONLY_MENTEE):
        svc.mentor_request_withdraw(mentor_request=request, by=bob)
    svc.mentor_request_withdraw(mentor_request=request, by=alice)
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_requests_open_for_fourteen_days_expire_once_and_tell_the_mentee(alice, bob, eve,
                                                                         speaking):
    now = timezone.now()
    old = ask(alice, bob, [speaking])
    fresh = ask(eve, bob, [speaking])
    MentorRequest.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=14))
    MentorRequest.objects.filter(pk=fresh.pk).update(created_at=now - datetime.timedelta(days=13))
    assert svc.mentor_requests_expire_due(now=now) == 1
    assert svc.mentor_requests_expire_due(now=now) == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("expired", "open")
    notes = Notification.objects.filter(recipient=alice, kind="mentor_request_expired")
    assert notes.count() == 1
    assert notes[0].url == "/mentoring/suggestions/"


def test_expiring_a_request_answered_meanwhile_does_nothing(alice, bob, speaking):
    request = ask(alice, bob, [speaking])
    MentorRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=20))
    svc.mentor_request_decline(mentor_request=request, by=bob, reason="no_time")
    assert svc.mentor_request_expire(mentor_request=request) is False
    request.refresh_from_db()
    assert request.status == "declined"


def test_mentor_profile_opt_in_validates_capacity_and_cadence(eve, speaking):
    with raises(svc.PROFILE_CAPACITY_RANGE):
        svc.mentor_profile_save(person=eve, capacity=0, skills=[speaking])
    with raises(svc.PROFILE_CADENCE_RANGE):
        svc.mentor_profile_save(person=eve, capacity=2, skills=[speaking], cadence_days=1)
    profile = svc.mentor_profile_save(person=eve, capacity=3, skills=[speaking],
                                      languages=["fr", "en", "fr"], is_paused=True)
    assert (profile.capacity, profile.languages, profile.is_paused) == (3, ["en", "fr"], True)
    assert list(profile.skills.all()) == [speaking]


def test_a_decline_reason_reaches_the_mentee_in_their_language_not_the_mentors(
        alice, bob, speaking):
    from django.utils import translation

    from accounts.models import OutboxMessage
    alice.preferred_language = "es"
    alice.save(update_fields=["preferred_language"])
    request = ask(alice, bob, [speaking])
    with translation.override("fr"):  # the mentor declines from a French page
        svc.mentor_request_decline(mentor_request=request, by=bob, reason="no_time")
    email = OutboxMessage.objects.get(recipient=alice)
    assert "ha rechazado su solicitud: No tengo tiempo ahora mismo." in email.text
    assert "Je n" not in email.text and "Je n" not in email.html
