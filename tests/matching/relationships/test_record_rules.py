"""The database holds the rules every path meets: text lengths, a planned end after the start,
one goal of a name per mentorship; services refuse a far planned end and a capacity below the
places taken.

Max mentors Alice; Sam sponsors.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import LONG_TEXT_MAX
from matching.mentorship import services as mentorship_services
from matching.mentorship.models import CheckIn, Goal
from matching.relationships.capacity import capacity_below_taken
from matching.relationships.services import PLANNED_END_TOO_FAR
from matching.sponsorship import services as sponsorship_services
from tests import factories


@pytest.fixture
def mentorship(max_manager, bob):
    return factories.MentorshipFactory(mentor=max_manager, mentee=bob)


@pytest.mark.django_db
def test_a_ten_thousand_character_check_in_is_refused_by_the_form_with_its_limit(
        client, login, mentorship, bob):
    login(bob)
    page = client.get(reverse("mentorship:detail", args=[mentorship.pk]))
    assert f"Up to {LONG_TEXT_MAX} characters." in page.text
    response = client.post(reverse("mentorship:check_in", args=[mentorship.pk]), {
        "occurred_on": mentorship.started_on.isoformat(), "discussed": "x" * 10_000})
    assert response.status_code == 400
    assert f"at most {LONG_TEXT_MAX} characters" in response.text
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_over_long_text_whatever_the_path(mentorship, bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(mentorship=mentorship, author=bob,
                               occurred_on=mentorship.started_on,
                               discussed="x" * (LONG_TEXT_MAX + 1))


@pytest.mark.django_db
def test_a_planned_end_in_9999_is_refused_and_one_before_the_start_cannot_be_stored(
        mentorship, bob):
    with pytest.raises(ValidationError) as error:
        mentorship_services.mentorship_agreement_update(
            mentorship=mentorship, by=bob, agreement="", cadence_days=14,
            planned_end_on=datetime.date(9999, 12, 31))
    assert error.value.message_dict == {"planned_end_on": [PLANNED_END_TOO_FAR.format(years=3)]}
    mentorship.planned_end_on = mentorship.started_on - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        mentorship.save()


@pytest.mark.django_db
def test_the_same_goal_cannot_be_added_twice(mentorship, bob):
    mentorship_services.goal_add(mentorship=mentorship, by=bob, title="Public speaking")
    with pytest.raises(ValidationError) as error:
        mentorship_services.goal_add(mentorship=mentorship, by=bob, title=" public SPEAKING ")
    assert "already has the goal" in error.value.messages[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(mentorship=mentorship, title="PUBLIC speaking")
    assert Goal.objects.count() == 1


@pytest.mark.django_db
def test_capacity_cannot_be_set_below_the_places_taken(max_manager, sam):
    factories.MentorshipFactory.create_batch(2, mentor=max_manager, status="active")
    with pytest.raises(ValidationError) as error:
        mentorship_services.mentor_profile_save(person=max_manager, capacity=1, skills=[])
    assert error.value.message_dict == {"capacity": [capacity_below_taken(2)]}
    factories.SponsorshipFactory.create_batch(2, sponsor=sam, status="active")
    with pytest.raises(ValidationError) as error:
        sponsorship_services.sponsor_register(person=sam, capacity=1, departments=[],
                                              opportunity_kinds=[], commitment_accepted=True)
    assert error.value.message_dict == {"capacity": [capacity_below_taken(2)]}
