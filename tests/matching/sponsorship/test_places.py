"""Places are real: a proposal holds a place until it is answered or withdrawn, every path that
proposes a sponsorship refuses a sponsor with no free place, and the cohort preview is what
publishing creates.

Sam (capacity 2 unless a test says otherwise) sponsors; Alice, Bob and Eve could be protégés;
Hana is an HR admin.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Notification
from matching.cohorts import services as cohorts
from matching.cohorts.match import cohort_match
from matching.sponsorship import services
from matching.sponsorship.models import Sponsorship, SponsorshipInterest
from tests import factories
from tests.concurrency import at_once


def _capacity(sam, capacity):
    sam.sponsor_profile.capacity = capacity
    sam.sponsor_profile.save()


def _full_message(sam, *, active=0, proposed=1, capacity=1):
    return services.SPONSOR_NO_FREE_PLACE.format(name=sam.full_name, active=active,
                                                 proposed=proposed, capacity=capacity)


@pytest.mark.django_db
def test_a_waiting_proposal_holds_the_place_so_a_second_is_refused_at_proposal_time(
        sam, alice, eve):
    _capacity(sam, 1)
    services.sponsorship_propose(sponsor=sam, protege=alice, origin="sponsor", proposed_by=sam)
    with pytest.raises(ValidationError) as error:
        services.sponsorship_propose(sponsor=sam, protege=eve, origin="sponsor", proposed_by=sam)
    assert error.value.messages == [_full_message(sam)]
    assert not Sponsorship.objects.filter(protege=eve).exists()


@pytest.mark.django_db
def test_the_sponsors_own_proposal_page_gives_the_reason(sam, alice, eve, login):
    _capacity(sam, 1)
    factories.SponsorshipFactory(sponsor=sam, protege=alice, status="active")
    page = login(sam).post(reverse("sponsorship:propose"), {"protege": eve.email})
    assert page.status_code == 200
    assert _full_message(sam, active=1, proposed=0) in page.text


@pytest.mark.django_db
def test_hr_pairing_and_answering_a_request_give_the_reason_and_the_request_stays_queued(
        sam, alice, eve, hana, login):
    _capacity(sam, 1)
    services.sponsorship_propose(sponsor=sam, protege=alice, origin="sponsor", proposed_by=sam)
    client = login(hana)
    page = client.post(reverse("sponsorship:hr_pair"),
                       {"sponsor": sam.sponsor_profile.pk, "protege": eve.email})
    assert _full_message(sam) in page.text
    interest = services.sponsorship_interest_record(person=eve, aspirations="Run a team.")
    page = client.post(reverse("sponsorship:hr_pair"), {
        "interest": interest.pk, "sponsor": sam.sponsor_profile.pk, "protege": eve.email})
    assert _full_message(sam) in page.text
    assert "Run a team." in client.get(reverse("sponsorship:hr_interests")).text


@pytest.mark.django_db
def test_a_request_leaves_the_queue_only_when_a_proposal_for_it_is_accepted(
        sam, alice, hana, login):
    interest = services.sponsorship_interest_record(person=alice, aspirations="Run a team.")
    first = services.sponsorship_propose(sponsor=sam, protege=alice, origin="interest",
                                         proposed_by=hana, interest=interest)
    services.sponsorship_decline(sponsorship=first, by=alice)
    queue = login(hana).get(reverse("sponsorship:hr_interests")).text
    assert "Run a team." in queue and "Declined" in queue
    second = services.sponsorship_propose(sponsor=sam, protege=alice, origin="interest",
                                          proposed_by=hana, interest=interest)
    services.sponsorship_accept(sponsorship=second, by=alice)
    interest.refresh_from_db()
    assert interest.resolved_at is not None and interest.sponsorship == second
    assert "Run a team." not in login(hana).get(reverse("sponsorship:hr_interests")).text


@pytest.mark.django_db
def test_hr_declines_a_request_with_a_reason_the_employee_reads(alice, hana, login):
    interest = services.sponsorship_interest_record(person=alice, aspirations="Be a VP.")
    client = login(hana)
    url = reverse("sponsorship:hr_interest_decline", args=[interest.pk])
    client.post(url, {"reason": ""})
    interest.refresh_from_db()
    assert interest.resolved_at is None
    client.post(url, {"reason": "No sponsor in Finance this quarter; we'll ask again in June."})
    interest.refresh_from_db()
    assert interest.resolved_at is not None and interest.declined_by == hana.user
    assert AuditEvent.objects.filter(action="sponsorship_interest.decline").count() == 1
    note = Notification.objects.get(recipient=alice, kind="sponsorship_interest_declined")
    assert "No sponsor in Finance" in note.body
    page = login(alice).get(reverse("sponsorship:index")).text
    assert "No sponsor in Finance this quarter" in page
    assert "Tell HR you&#x27;d like a sponsor" in page or "Tell HR you'd like a sponsor" in page


@pytest.mark.django_db
def test_whoever_proposed_withdraws_and_the_place_is_free_again(sam, alice, eve, login):
    _capacity(sam, 1)
    proposal = services.sponsorship_propose(sponsor=sam, protege=alice, origin="sponsor",
                                            proposed_by=sam)
    login(alice).post(reverse("sponsorship:withdraw", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "proposed"  # the protégé declines; she cannot withdraw
    with pytest.raises(ValidationError) as error:
        services.sponsorship_withdraw(sponsorship=proposal, by=alice)
    assert error.value.messages == [services.NOT_YOUR_PROPOSAL]

    client = login(sam)
    assert "Withdraw this proposal" in client.get(
        reverse("sponsorship:detail", args=[proposal.pk])).text
    client.post(reverse("sponsorship:withdraw", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    with pytest.raises(ValidationError):
        services.sponsorship_accept(sponsorship=proposal, by=alice)
    services.sponsorship_propose(sponsor=sam, protege=eve, origin="sponsor", proposed_by=sam)
    # A withdrawn proposal is not a sponsorship anyone sees as theirs.
    assert "Withdrawn" not in login(alice).get(reverse("sponsorship:protege_home")).text


@pytest.mark.django_db
def test_hr_withdraws_a_pairing_hr_made(sam, alice, hana):
    proposal = services.sponsorship_propose(sponsor=sam, protege=alice, origin="hr",
                                            proposed_by=hana)
    with pytest.raises(ValidationError):
        services.sponsorship_withdraw(sponsorship=proposal, by=sam)
    services.sponsorship_withdraw(sponsorship=proposal, by=hana)
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


@pytest.mark.django_db
def test_the_cohort_preview_uses_registered_places_and_publishing_makes_exactly_it(
        sam, alice, bob, eve, hana):
    # Sam registered 2 places and already sponsors someone; 3 were typed for the round.
    factories.SponsorshipFactory(sponsor=sam, status="active")
    paused = factories.PersonFactory(level=8, full_name="Pat Paused")
    factories.SponsorProfileFactory(person=paused, capacity=3, is_paused=False)
    leaders = cohorts.cohort_create(name="Leaders", slug="leaders", kind="sponsorship")
    cohorts.cohort_enrol(cohort=leaders, person=sam, role="sponsor", capacity=3, by_hr=True)
    cohorts.cohort_enrol(cohort=leaders, person=paused, role="sponsor", capacity=2, by_hr=True)
    paused.sponsor_profile.is_paused = True
    paused.sponsor_profile.save()
    for protege in (alice, bob, eve):
        cohorts.cohort_enrol(cohort=leaders, person=protege, role="protege", by_hr=True)

    preview = cohort_match(cohort=leaders)
    assert [p.giver.person_id for p in preview.pairs] == [sam.pk]
    assert len(preview.unmatched) == 2
    assert any("fewer places than typed" in w for w in preview.warnings)
    published = cohorts.cohort_publish(cohort=leaders, by=hana.user,
                                       expected_fingerprint=preview.fingerprint)
    assert published.fingerprint == preview.fingerprint
    assert Sponsorship.objects.filter(cohort=leaders).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_proposals_never_promise_more_places_than_the_sponsor_has(require_postgres):
    sponsor = factories.PersonFactory(level=8)
    factories.SponsorProfileFactory(person=sponsor, capacity=2)
    proteges = factories.PersonFactory.create_batch(6, level=2)
    outcomes = []

    def propose(protege):
        try:
            services.sponsorship_propose(sponsor=sponsor, protege=protege, origin="sponsor",
                                         proposed_by=sponsor)
            outcomes.append("proposed")
        except ValidationError as error:
            outcomes.append(error.messages[0].split(":")[0])

    at_once(propose, proteges)
    assert outcomes.count("proposed") == 2
    assert outcomes.count(f"{sponsor.full_name} has no free place") == 4
    assert Sponsorship.objects.filter(sponsor=sponsor, status="proposed").count() == 2
    assert not SponsorshipInterest.objects.exists()
