import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.models import Notification, SponsorProfile
from matching.sponsorship import services
from tests import factories


def _register(person, **overrides):
    arguments = {"person": person, "capacity": 2, "departments": [], "opportunity_kinds":
                 ["promotion"], "commitment_accepted": True, **overrides}
    return services.sponsor_register(**arguments)


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_a_leader_at_the_sponsor_level_is_approved_at_once(max_manager):
    profile = _register(max_manager)
    assert profile.status == SponsorProfile.Status.APPROVED
    assert profile.commitment_accepted_at is not None


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_a_leader_below_the_level_waits_for_hr_with_the_reason_shown(bob):
    profile = _register(bob)
    assert profile.status == SponsorProfile.Status.PENDING
    assert profile.status_reason == services.BELOW_LEVEL_REASON.format(level=5, minimum=6)


@pytest.mark.django_db
def test_registering_without_accepting_the_commitment_is_refused_and_writes_nothing(max_manager):
    with pytest.raises(ValidationError) as error:
        _register(max_manager, commitment_accepted=False)
    assert services.COMMITMENT_REQUIRED in error.value.messages
    assert not SponsorProfile.objects.filter(person=max_manager).exists()


@pytest.mark.django_db
def test_a_capacity_outside_one_to_five_is_refused(max_manager):
    with pytest.raises(ValidationError) as error:
        _register(max_manager, capacity=9)
    assert services.CAPACITY_OUT_OF_RANGE in error.value.messages


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_a_pending_leader_cannot_propose_a_protege_before_hr_approves(bob, eve):
    _register(bob)
    with pytest.raises(ValidationError) as error:
        services.sponsorship_propose(sponsor=bob, protege=eve, origin="sponsor", proposed_by=bob)
    assert error.value.messages == [services.SPONSOR_NOT_APPROVED.format(name=bob.full_name,
                                                                          minimum=6)]


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_hr_approves_a_waiting_registration_and_the_leader_is_told(bob, hana):
    profile = _register(bob)
    services.sponsor_registration_decide(profile=profile, by=hana.user, approve=True)
    profile.refresh_from_db()
    assert profile.status == SponsorProfile.Status.APPROVED
    assert profile.decided_by == hana.user
    assert Notification.objects.filter(recipient=bob, kind="sponsor_registration_decided").exists()


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_turning_a_registration_down_needs_a_reason(bob, hana):
    profile = _register(bob)
    with pytest.raises(ValidationError) as error:
        services.sponsor_registration_decide(profile=profile, by=hana.user, approve=False)
    assert services.REJECTION_NEEDS_REASON in error.value.messages
    profile.refresh_from_db()
    assert profile.status == SponsorProfile.Status.PENDING


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_the_registration_page_registers_and_shows_the_waiting_reason(bob, login):
    client = login(bob)
    response = client.post(reverse("sponsorship:register"), {
        "capacity": 2, "opportunity_kinds": ["promotion", "speaking"],
        "commitment_accepted": "on"}, follow=True)
    assert "Waiting for HR approval" in response.content.decode()
    assert "Level 5 is below the sponsor level (6)" in response.content.decode()


@pytest.mark.django_db
def test_the_registration_page_refuses_without_the_commitment(max_manager, login):
    response = login(max_manager).post(reverse("sponsorship:register"), {"capacity": 2})
    assert response.status_code == 200
    assert str(services.COMMITMENT_REQUIRED) in response.content.decode()
    assert not SponsorProfile.objects.filter(person=max_manager).exists()


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_the_hr_queue_lists_waiting_leaders_and_approves_one(bob, hana, login):
    _register(bob)
    client = login(hana)
    page = client.get(reverse("sponsorship:hr_registrations")).content.decode()
    assert "Bob Mentor" in page and "Level 5 is below the sponsor level (6)" in page
    profile = SponsorProfile.objects.get(person=bob)
    client.post(reverse("sponsorship:hr_registration_decide", args=[profile.pk]),
                {"decision": "approve"})
    profile.refresh_from_db()
    assert profile.status == SponsorProfile.Status.APPROVED


@pytest.mark.django_db
def test_the_hr_queue_is_forbidden_to_everyone_but_hr_admins(sam, alice, login):
    for person in (sam, alice):
        assert login(person).get(reverse("sponsorship:hr_registrations")).status_code == 403


@pytest.mark.django_db
@override_settings(SPONSOR_MIN_LEVEL=6)
def test_the_hr_queue_keeps_a_fixed_number_of_queries(hana, login, django_assert_max_num_queries):
    client = login(hana)
    for size in (3, 30):
        for _ in range(size):
            person = factories.PersonFactory(level=4)
            profile = _register(person, departments=[factories.DepartmentFactory()])
            assert profile.status == "pending"
        with django_assert_max_num_queries(12):
            response = client.get(reverse("sponsorship:hr_registrations"))
        assert response.status_code == 200


@pytest.mark.django_db
def test_a_paused_sponsor_takes_no_new_proteges(sam, alice):
    _register(sam, is_paused=True)
    with pytest.raises(ValidationError) as error:
        services.sponsorship_propose(sponsor=sam, protege=alice, origin="hr")
    assert error.value.messages == [services.SPONSOR_PAUSED.format(name=sam.full_name)]
