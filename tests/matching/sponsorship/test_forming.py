import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from matching.sponsorship import services
from matching.sponsorship.models import Sponsorship, SponsorshipInterest
from tests import factories


def _propose(sponsor, protege, origin="sponsor"):
    return services.sponsorship_propose(sponsor=sponsor, protege=protege, origin=origin,
                                        proposed_by=sponsor)


@pytest.mark.django_db
def test_a_proposed_sponsorship_starts_only_when_the_protege_accepts(sam, alice):
    sponsorship = _propose(sam, alice)
    assert sponsorship.status == "proposed" and sponsorship.started_on is None
    assert Notification.objects.filter(recipient=alice, kind="sponsorship_proposed").exists()
    services.sponsorship_accept(sponsorship=sponsorship, by=alice)
    sponsorship.refresh_from_db()
    today = timezone.localdate()
    assert sponsorship.status == "active" and sponsorship.started_on == today
    assert sponsorship.cadence_days == 30
    assert sponsorship.next_due_on == today + datetime.timedelta(days=30)
    assert 365 <= (sponsorship.planned_end_on - today).days <= 366
    assert Notification.objects.filter(recipient=sam, kind="sponsorship_accepted").exists()
    assert Notification.objects.filter(recipient=alice, kind="survey_baseline").exists()


@pytest.mark.django_db
def test_only_the_protege_can_accept(sam, alice, eve):
    sponsorship = _propose(sam, alice)
    for outsider in (sam, eve):
        with pytest.raises(ValidationError) as error:
            services.sponsorship_accept(sponsorship=sponsorship, by=outsider)
        assert error.value.messages == [services.ONLY_PROTEGE_ANSWERS]
    sponsorship.refresh_from_db()
    assert sponsorship.status == "proposed"


@pytest.mark.django_db
def test_a_declined_proposal_never_starts_and_cannot_be_accepted_later(sam, alice):
    sponsorship = _propose(sam, alice)
    services.sponsorship_decline(sponsorship=sponsorship, by=alice)
    with pytest.raises(ValidationError) as error:
        services.sponsorship_accept(sponsorship=sponsorship, by=alice)
    assert error.value.messages == [services.NOT_PROPOSED]


@pytest.mark.django_db
def test_nobody_sponsors_themself(sam):
    with pytest.raises(ValidationError) as error:
        _propose(sam, sam)
    assert error.value.messages == [services.SPONSOR_SELF]


@pytest.mark.django_db
def test_a_manager_cannot_sponsor_someone_in_their_reporting_line(max_manager, alice):
    factories.SponsorProfileFactory(person=max_manager)
    with pytest.raises(ValidationError) as error:
        _propose(max_manager, alice)
    assert error.value.messages == [services.SPONSOR_IN_LINE.format(
        sponsor=max_manager.full_name, protege=alice.full_name)]
    assert not Sponsorship.objects.exists()


@pytest.mark.django_db
def test_a_leader_cannot_sponsor_their_own_manager(sam):
    boss = factories.PersonFactory(full_name="Sam's Boss", level=9)
    sam.manager = boss
    sam.save()
    with pytest.raises(ValidationError) as error:
        _propose(sam, boss)
    assert error.value.messages == [services.SPONSOR_OWN_MANAGER.format(
        sponsor=sam.full_name, protege=boss.full_name)]


@pytest.mark.django_db
def test_a_pair_cannot_have_two_open_sponsorships(sam, alice):
    _propose(sam, alice)
    with pytest.raises(ValidationError) as error:
        _propose(sam, alice)
    assert error.value.messages == [services.ALREADY_OPEN.format(sponsor=sam.full_name,
                                                                 protege=alice.full_name)]


@pytest.mark.django_db
def test_a_protege_over_the_sponsors_capacity_is_refused(sam, alice):
    sam.sponsor_profile.capacity = 1
    sam.sponsor_profile.save()
    factories.SponsorshipFactory(sponsor=sam, status="active")
    with pytest.raises(ValidationError) as error:
        _propose(sam, alice)
    assert error.value.messages == [services.SPONSOR_NO_FREE_PLACE.format(
        name=sam.full_name, active=1, proposed=0, capacity=1)]


@pytest.mark.django_db
def test_an_acceptance_that_would_exceed_capacity_is_refused(sam, alice, eve):
    # Proposals made before places were counted at proposal time (or with capacity since
    # lowered) can still outnumber the places: acceptance checks again.
    first = _propose(sam, alice)
    second = factories.SponsorshipFactory(sponsor=sam, protege=eve, status="proposed",
                                          started_on=None, planned_end_on=None)
    sam.sponsor_profile.capacity = 1
    sam.sponsor_profile.save()
    services.sponsorship_accept(sponsorship=first, by=alice)
    with pytest.raises(ValidationError) as error:
        services.sponsorship_accept(sponsorship=second, by=eve)
    assert error.value.messages == [services.sponsor_at_capacity(sam.full_name, 1)]
    second.refresh_from_db()
    assert second.status == "proposed"


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_exceed_the_sponsors_capacity(require_postgres):
    sponsor = factories.PersonFactory(level=8)
    factories.SponsorProfileFactory(person=sponsor, capacity=2)
    proteges = factories.PersonFactory.create_batch(6, level=2)
    proposals = [factories.SponsorshipFactory(sponsor=sponsor, protege=protege,
                                              status="proposed", started_on=None,
                                              planned_end_on=None)
                 for protege in proteges]
    barrier = threading.Barrier(len(proposals))
    outcomes = []

    def accept(sponsorship):
        try:
            barrier.wait()
            services.sponsorship_accept(sponsorship=sponsorship, by=sponsorship.protege)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=accept, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("accepted") == 2 and outcomes.count("refused") == 4
    assert Sponsorship.objects.filter(sponsor=sponsor, status="active").count() == 2


@pytest.mark.django_db
def test_an_employee_tells_hr_they_want_a_sponsor_once(alice):
    services.sponsorship_interest_record(person=alice, aspirations="Lead a team within a year.")
    with pytest.raises(ValidationError) as error:
        services.sponsorship_interest_record(person=alice, aspirations="Again.")
    assert error.value.messages == [services.INTEREST_ALREADY_OPEN]
    assert SponsorshipInterest.objects.filter(person=alice).count() == 1


@pytest.mark.django_db
def test_the_interest_form_names_no_sponsor_and_reaches_the_hr_list(alice, hana, login):
    client = login(alice)
    page = client.get(reverse("sponsorship:index")).content.decode()
    assert "Tell HR you'd like a sponsor" in page
    assert 'name="sponsor"' not in page  # employees never pick an executive themselves
    client.post(reverse("sponsorship:interest"), {"aspirations": "Lead the platform team."})
    hr_page = login(hana).get(reverse("sponsorship:hr_interests")).content.decode()
    assert "Alice Employee" in hr_page and "Lead the platform team." in hr_page


@pytest.mark.django_db
def test_hr_pairs_an_interested_employee_with_a_sponsor(sam, alice, hana, login):
    interest = services.sponsorship_interest_record(person=alice, aspirations="Lead a team.")
    client = login(hana)
    response = client.post(reverse("sponsorship:hr_pair"), {
        "interest": interest.pk, "sponsor": sam.sponsor_profile.pk, "protege": alice.email})
    assert response.status_code == 302
    sponsorship = Sponsorship.objects.get(sponsor=sam, protege=alice)
    assert sponsorship.origin == "interest" and sponsorship.status == "proposed"
    interest.refresh_from_db()
    # It stays in HR's queue, showing the proposal, until Alice accepts.
    assert interest.resolved_at is None and interest.sponsorship == sponsorship
    services.sponsorship_accept(sponsorship=sponsorship, by=alice)
    interest.refresh_from_db()
    assert interest.resolved_at is not None and interest.sponsorship == sponsorship


@pytest.mark.django_db
def test_hr_pairing_shows_the_reporting_line_refusal_on_the_form(max_manager, alice, hana, login):
    profile = factories.SponsorProfileFactory(person=max_manager)
    response = login(hana).post(reverse("sponsorship:hr_pair"), {
        "sponsor": profile.pk, "protege": alice.employee_id})
    assert response.status_code == 200
    assert "in Alice Employee&#x27;s reporting line" in response.content.decode()
    assert not Sponsorship.objects.exists()


@pytest.mark.django_db
def test_a_sponsor_proposes_and_the_protege_accepts_through_the_pages(sam, eve, login):
    login(sam).post(reverse("sponsorship:propose"), {"protege": eve.email})
    sponsorship = Sponsorship.objects.get(sponsor=sam, protege=eve)
    assert sponsorship.origin == "sponsor"
    response = login(eve).post(reverse("sponsorship:answer", args=[sponsorship.pk]),
                               {"answer": "accept"})
    assert response.status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == "active"


@pytest.mark.django_db
def test_proposing_an_unknown_person_says_so(sam, login):
    response = login(sam).post(reverse("sponsorship:propose"), {"protege": "nobody@example.com"})
    assert "No current employee has that email or employee ID." in response.content.decode()
