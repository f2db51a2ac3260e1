"""HR finds a sponsor for someone: ranked like the employee's suggestions, the reporting-line
rules applied, full and paused sponsors left out, and proposing goes through the one-off pairing
service (the protégé is asked to accept).

Personas (tests/conftest.py): Alice (level 2, Engineering, managed by Max); Sam sponsors."""

from django.utils import timezone

from accounts.models import AuditEvent, Notification
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import Sponsorship
from tests import factories


def sponsor(name: str, level: int = 8, **profile):
    person = factories.PersonFactory(full_name=name, level=level)
    factories.SponsorProfileFactory(person=person, **profile)
    return person


def test_sponsors_are_ranked_and_explained_without_her_line_full_or_paused_ones(
        alice, sam, max_manager, hana, login):
    factories.SponsorProfileFactory(person=max_manager)  # her manager: never her sponsor
    near = sponsor("Nia Near", level=4)  # two levels above Alice: the best level gap
    full = sponsor("Fay Full", capacity=1)
    factories.SponsorshipFactory(sponsor=full)
    sponsor("Pat Paused", is_paused=True)
    sponsor("Ron Rejected", status="rejected")
    response = login(hana).get(f"/hr/people/{alice.pk}/find-sponsor/")
    names = [c.profile.person.full_name for c in response.context["candidates"]]
    assert names == ["Nia Near", "Sam Sponsor"]
    best = response.context["candidates"][0]
    assert best.profile.person == near and best.profile.room == 2
    assert "two levels above" in " ".join(best.reasons)
    assert "other department" in response.context["candidates"][1].reasons


def test_search_area_of_influence_and_level_narrow_the_list(alice, sam, hana, login,
                                                            engineering):
    nia = sponsor("Nia Near", level=4)
    nia.sponsor_profile.departments.add(engineering)
    client = login(hana)

    def names(query):
        response = client.get(f"/hr/people/{alice.pk}/find-sponsor/?{query}")
        return [c.profile.person.full_name for c in response.context["candidates"]]

    assert names("q=nia") == ["Nia Near"]
    response = client.get(f"/hr/people/{alice.pk}/find-sponsor/?q=nia")
    assert response.context["candidates"][0].influence_here
    assert "Influence in Engineering" in response.content.decode()
    assert names(f"department={engineering.pk}") == ["Nia Near"]
    assert names("min_level=6") == ["Sam Sponsor"]


def test_proposing_asks_the_protege_and_records_it(alice, sam, hana, login):
    response = login(hana).post(f"/hr/people/{alice.pk}/find-sponsor/", {"sponsor": sam.pk})
    assert response["Location"] == f"/hr/people/{alice.pk}/"
    sponsorship = Sponsorship.objects.get(sponsor=sam, protege=alice)
    assert sponsorship.status == RelationshipStatus.PROPOSED
    assert sponsorship.origin == Sponsorship.Origin.HR and sponsorship.proposed_by == hana
    assert Notification.objects.filter(recipient=alice, kind="sponsorship_proposed").exists()
    assert AuditEvent.objects.filter(action="hr.sponsorship_propose").exists()


def test_a_refused_proposal_says_why_and_creates_nothing(alice, max_manager, hana, login):
    factories.SponsorProfileFactory(person=max_manager)
    response = login(hana).post(f"/hr/people/{alice.pk}/find-sponsor/",
                                {"sponsor": max_manager.pk}, follow=True)
    assert "reporting line" in response.content.decode()
    assert not Sponsorship.objects.exists()


def test_the_ranking_runs_a_fixed_number_of_queries(alice, sam, hana, login,
                                                    django_assert_max_num_queries):
    client = login(hana)
    with django_assert_max_num_queries(25) as small:
        assert client.get(f"/hr/people/{alice.pk}/find-sponsor/").status_code == 200
    for i in range(40):
        person = sponsor(f"Sponsor {i}", level=3 + i % 6)
        person.sponsor_profile.departments.add(factories.DepartmentFactory())
        person.skills.add(factories.SkillFactory())
    factories.SponsorshipFactory(sponsor=sam, started_on=timezone.localdate())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"/hr/people/{alice.pk}/find-sponsor/")
    assert len(response.context["candidates"]) == 25


def test_hr_sees_the_mentors_the_employees_suggestions_show_never_her_manager(
        alice, bob, max_manager, hana, login, django_assert_max_num_queries):
    factories.MentorProfileFactory(person=max_manager)
    client = login(hana)
    with django_assert_max_num_queries(25) as small:
        response = client.get(f"/hr/people/{alice.pk}/find-mentor/")
    assert [s.profile.person for s in response.context["suggestions"]] == [bob]
    assert "three levels above" in " ".join(response.context["suggestions"][0].reasons)
    for _ in range(30):
        factories.MentorProfileFactory(person=factories.PersonFactory(level=5))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"/hr/people/{alice.pk}/find-mentor/")
    assert len(response.context["suggestions"]) == 25
