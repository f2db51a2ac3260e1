import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.sponsorship.selectors import quarter_start
from tests import factories

TODAY = timezone.localdate


def _fill_sponsor(sponsor, count):
    """`count` protégés, each with two advocacy records (one shared) and a touchpoint."""
    sponsor.sponsor_profile.capacity = 5
    sponsor.sponsor_profile.save()
    for n in range(count):
        sponsorship = factories.SponsorshipFactory(sponsor=sponsor,
                                                   status="active" if n < 5 else "completed")
        factories.AdvocacyRecordFactory(sponsorship=sponsorship, shared_with_protege=True)
        factories.AdvocacyRecordFactory(sponsorship=sponsorship, outcome="succeeded",
                                        outcome_on=TODAY())
        factories.TouchpointFactory(sponsorship=sponsorship)


def _fill_protege(protege, count):
    for _ in range(count):
        sponsorship = factories.SponsorshipFactory(protege=protege, status="completed")
        factories.AdvocacyRecordFactory(sponsorship=sponsorship, shared_with_protege=True)
        factories.AdvocacyRecordFactory(sponsorship=sponsorship, shared_with_protege=False)
        factories.TouchpointFactory(sponsorship=sponsorship)
    factories.SponsorshipFactory(protege=protege)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_sponsor_page_keeps_a_fixed_number_of_queries(sam, login, size,
                                                          django_assert_max_num_queries):
    _fill_sponsor(sam, size)
    client = login(sam)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("sponsorship:sponsor_home"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_protege_page_keeps_a_fixed_number_of_queries(alice, login, size,
                                                          django_assert_max_num_queries):
    _fill_protege(alice, size)
    client = login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sponsorship:protege_home"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_home_page_card_keeps_a_fixed_number_of_queries(sam, login, size,
                                                            django_assert_max_num_queries):
    _fill_sponsor(sam, size)
    client = login(sam)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("home"))
    assert "Your protégés" in response.content.decode()


@pytest.mark.django_db
def test_the_sponsor_page_shows_protegees_advocacy_this_quarter_and_outcomes(sponsorship, sam,
                                                                              login):
    factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=TODAY(),
                                    forum="Staffing review", outcome="succeeded",
                                    outcome_on=TODAY())
    factories.AdvocacyRecordFactory(
        sponsorship=sponsorship, occurred_on=quarter_start(TODAY()) - datetime.timedelta(days=1),
        forum="Last quarter's committee", outcome="not_succeeded", outcome_on=TODAY())
    sponsorship.started_on = TODAY() - datetime.timedelta(days=200)
    sponsorship.last_advocacy_on = TODAY()
    sponsorship.save()
    page = login(sam).get(reverse("sponsorship:sponsor_home")).content.decode()
    assert "Alice Employee" in page
    assert "Staffing review" in page and "Last quarter&#x27;s committee" not in page
    assert "1 act of advocacy this quarter" in " ".join(
        page.replace("<strong>", "").replace("</strong>", "").split())
    assert "has had no advocacy from you for 90 days" not in page


@pytest.mark.django_db
def test_the_sponsor_is_nudged_when_a_protege_has_had_no_advocacy_for_90_days(sponsorship, sam,
                                                                              login):
    sponsorship.started_on = TODAY() - datetime.timedelta(days=200)
    sponsorship.last_advocacy_on = TODAY() - datetime.timedelta(days=90)
    sponsorship.save()
    page = login(sam).get(reverse("sponsorship:sponsor_home")).content.decode()
    assert "<strong>Alice Employee</strong> has had no advocacy from you for 90 days" in page


@pytest.mark.django_db
def test_a_new_sponsorship_is_not_nudged_before_90_days(sponsorship, sam, login):
    sponsorship.started_on = TODAY() - datetime.timedelta(days=89)
    sponsorship.save()
    page = login(sam).get(reverse("sponsorship:sponsor_home")).content.decode()
    assert "has had no advocacy from you" not in page


@pytest.mark.django_db
def test_someone_not_yet_a_sponsor_is_sent_to_register(eve, login):
    response = login(eve).get(reverse("sponsorship:sponsor_home"))
    assert response.status_code == 302 and response.url == reverse("sponsorship:register")


@pytest.mark.django_db
def test_the_home_card_invites_anyone_to_tell_hr_they_want_a_sponsor(eve, login):
    page = login(eve).get(reverse("home")).content.decode()
    assert "Tell HR you'd like a sponsor" in page


@pytest.mark.django_db
def test_the_home_card_shows_the_protege_their_sponsor(shared_record, alice, login):
    page = login(alice).get(reverse("home")).content.decode()
    assert "Sam Sponsor" in page and "1 shared record" in page


@pytest.mark.django_db
def test_hr_records_a_career_event_on_the_career_events_page(hana, eve, login):
    client = login(hana)
    response = client.post(reverse("sponsorship:hr_career_events"), {
        "person": eve.employee_id, "kind": "award", "occurred_on": TODAY().isoformat(),
        "description": "Customer hero award"})
    assert response.status_code == 302
    page = client.get(reverse("sponsorship:hr_career_events") + "?kind=award").content.decode()
    assert "Eve Outsider" in page and "Customer hero award" in page


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_career_events_page_keeps_a_fixed_number_of_queries(hana, login, size,
                                                                django_assert_max_num_queries):
    factories.CareerEventFactory.create_batch(size)
    client = login(hana)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("sponsorship:hr_career_events")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_interest_list_keeps_a_fixed_number_of_queries(hana, login, size,
                                                           django_assert_max_num_queries):
    from matching.sponsorship.models import SponsorshipInterest

    SponsorshipInterest.objects.bulk_create([
        SponsorshipInterest(person=factories.PersonFactory(), aspirations="Lead.")
        for _ in range(size)])
    client = login(hana)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("sponsorship:hr_interests")).status_code == 200
