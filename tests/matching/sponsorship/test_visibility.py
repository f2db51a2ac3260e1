"""Who sees what: the sponsor and HR admins see every record of the sponsorship; the protégé only
the shared one; Bob, Eve and Max (Alice's manager) nothing, and a URL guessed is a 404."""

import pytest
from django.urls import reverse

from matching.sponsorship.models import AdvocacyRecord
from tests import factories

SEES_BOTH = ["sam", "hana"]
SEES_SHARED_ONLY = ["alice"]
SEES_NOTHING = ["bob", "eve", "max_manager"]


@pytest.fixture
def records(shared_record, private_record):
    return shared_record, private_record


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SEES_BOTH + SEES_SHARED_ONLY + SEES_NOTHING)
def test_visible_to_returns_exactly_what_each_persona_may_see(request, records, persona):
    person = request.getfixturevalue(persona)
    shared, private = records
    visible = set(AdvocacyRecord.objects.visible_to(person, person.user))
    expected = ({shared, private} if persona in SEES_BOTH
                else {shared} if persona in SEES_SHARED_ONLY else set())
    assert visible == expected


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SEES_BOTH + SEES_SHARED_ONLY + SEES_NOTHING)
def test_each_persona_opens_only_the_records_they_may_see(request, records, login, persona):
    person = request.getfixturevalue(persona)
    client = login(person)
    shared, private = records
    shared_status = client.get(reverse("sponsorship:advocacy_detail", args=[shared.pk])).status_code
    private_status = client.get(
        reverse("sponsorship:advocacy_detail", args=[private.pk])).status_code
    if persona in SEES_BOTH:
        assert (shared_status, private_status) == (200, 200)
    elif persona in SEES_SHARED_ONLY:
        assert (shared_status, private_status) == (200, 404)
    else:
        assert (shared_status, private_status) == (404, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["sam", "hana", "alice"])
def test_the_sponsorship_page_shows_each_persona_only_their_records(request, records, login,
                                                                   sponsorship, persona):
    page = login(request.getfixturevalue(persona)).get(
        reverse("sponsorship:detail", args=[sponsorship.pk])).content.decode()
    assert "Nominated Alice for senior engineer." in page
    assert ("Argued for Alice in the closed talent review." in page) == (persona != "alice")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SEES_NOTHING)
def test_people_outside_the_sponsorship_get_a_404_for_its_page(request, records, login,
                                                              sponsorship, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("sponsorship:detail", args=[sponsorship.pk])).status_code == 404
    assert client.get(reverse("sponsorship:advocacy_new", args=[sponsorship.pk])).status_code == 404


@pytest.mark.django_db
def test_another_sponsor_cannot_read_or_change_sams_advocacy_by_url(records, login):
    other = factories.SponsorProfileFactory().person
    other.user = factories.UserFactory(email=other.email)
    other.save()
    shared, private = records
    client = login(other)
    assert client.get(reverse("sponsorship:advocacy_detail", args=[private.pk])).status_code == 404
    assert client.post(reverse("sponsorship:advocacy_share", args=[private.pk]),
                       {"shared": "1"}).status_code == 404
    private.refresh_from_db()
    assert not private.shared_with_protege


@pytest.mark.django_db
def test_the_protege_cannot_change_a_shared_record_or_record_advocacy(records, login, alice,
                                                                    sponsorship):
    shared, _ = records
    client = login(alice)
    response = client.post(reverse("sponsorship:advocacy_detail", args=[shared.pk]),
                           {"outcome": "succeeded", "outcome_on": "2020-01-01"})
    assert response.status_code == 404
    assert client.get(reverse("sponsorship:advocacy_new", args=[sponsorship.pk])).status_code == 404
    shared.refresh_from_db()
    assert shared.outcome == "pending"


@pytest.mark.django_db
def test_the_protege_page_shows_the_shared_record_and_never_the_private_one(records, login,
                                                                            alice):
    page = login(alice).get(reverse("sponsorship:protege_home")).content.decode()
    assert "Sam Sponsor" in page
    assert "Nominated Alice for senior engineer." in page
    assert "Argued for Alice" not in page


@pytest.mark.django_db
def test_unsharing_hides_the_record_from_the_protege_again(records, login, sam, alice):
    shared, _ = records
    login(sam).post(reverse("sponsorship:advocacy_share", args=[shared.pk]), {"shared": "0"})
    assert login(alice).get(
        reverse("sponsorship:advocacy_detail", args=[shared.pk])).status_code == 404


@pytest.mark.django_db
def test_sharing_and_unsharing_say_what_changed(records, login, sam, alice):
    """The button flips, and a message says who can see the record now."""
    shared, private = records
    client = login(sam)
    url = reverse("sponsorship:advocacy_share", args=[private.pk])
    page = client.post(url, {"shared": "1"}, follow=True).content.decode()
    assert f"Shared: {alice.full_name} can now see this record." in page
    page = client.post(url, {"shared": "0"}, follow=True).content.decode()
    assert f"No longer shared: {alice.full_name} cannot see this record now." in page
    private.refresh_from_db()
    assert not private.shared_with_protege


@pytest.mark.django_db
def test_a_touchpoints_private_notes_are_seen_by_their_author_only(sponsorship, sam, alice,
                                                                   hana, login):
    factories.TouchpointFactory(sponsorship=sponsorship, author=alice, discussed="Talent review",
                                private_notes="Nervous about the panel")
    for person, sees in ((alice, True), (sam, False), (hana, False)):
        page = login(person).get(
            reverse("sponsorship:detail", args=[sponsorship.pk])).content.decode()
        assert "Talent review" in page
        assert ("Nervous about the panel" in page) == sees
