"""A person's file for HR: everything about them on one page, in a fixed number of queries, and
every opening recorded in the audit trail.

Personas (tests/conftest.py): Hana (HR admin) opens Alice's file; Alice and Sam get 403.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from matching.relationships.models import RelationshipStatus
from tests import factories


def story(alice, bob, sam, size: int) -> None:
    """Alice mentored by Bob and sponsored by Sam, mentoring `size` people herself, with `size`
    career events, advocacy records, surveys and notifications."""
    today = timezone.localdate()
    mentorship = factories.MentorshipFactory(mentor=bob, mentee=alice,
                                             next_due_on=today - datetime.timedelta(days=2))
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    factories.MentorProfileFactory(person=alice, capacity=10)
    for i in range(size):
        factories.MentorshipFactory(mentor=alice)
        factories.CareerEventFactory(person=alice, occurred_on=today - datetime.timedelta(days=i))
        factories.AdvocacyRecordFactory(sponsorship=sponsorship, shared_with_protege=i % 2 == 0)
        factories.NotificationFactory(recipient=alice, subject=f"Reminder {i}")
        factories.MentorRequestFactory(mentee=alice)
    factories.SurveyResponseFactory(respondent=alice, mentorship=mentorship)


def test_the_file_shows_every_relationship_both_ways_and_everything_recorded(
        alice, bob, sam, hana, login):
    story(alice, bob, sam, 2)
    factories.SponsorshipFactory(sponsor=alice, protege=factories.PersonFactory(
        full_name="Pat Protege"), status=RelationshipStatus.COMPLETED)
    response = login(hana).get(f"/hr/people/{alice.pk}/")
    assert response.status_code == 200
    file = response.context["file"]
    assert len(file.mentorships) == 3 and len(file.sponsorships) == 2
    assert file.mentees_now == 2
    assert len(file.career_events) == 2 and len(file.advocacy) == 2  # HR sees unshared ones too
    assert len(file.surveys) == 1 and len(file.notifications) == 2
    page = response.content.decode()
    for text in ("Bob Mentor", "Sam Sponsor", "Pat Protege", "Reminder 1", "Max Manager",
                 "2 of 10 places taken", "Overdue", "not shared with them"):
        assert text in page, text
    assert f'href="/hr/people/{bob.pk}/"' in page and f'href="/hr/people/{sam.pk}/"' in page


def test_the_file_says_how_each_notification_reached_the_person(alice, hana, login):
    factories.NotificationFactory(recipient=alice, subject="By mail", emailed=True)
    factories.NotificationFactory(recipient=alice, subject="For the digest", digest_due=True)
    factories.NotificationFactory(recipient=alice, subject="Inbox alone")
    page = login(hana).get(f"/hr/people/{alice.pk}/").content.decode()
    assert 'By mail <span class="muted">(inbox and email)</span>' in page
    assert 'For the digest <span class="muted">(inbox and daily digest)</span>' in page
    assert 'Inbox alone <span class="muted">(inbox only)</span>' in page


def test_opening_a_file_is_recorded_in_the_audit_trail(alice, hana, login):
    login(hana).get(f"/hr/people/{alice.pk}/")
    event = AuditEvent.objects.get(action="hr.person_view")
    assert event.actor == hana.user
    assert (event.target_type, event.target_id) == ("accounts.person", str(alice.pk))


def test_the_file_runs_a_fixed_number_of_queries(alice, bob, sam, hana, login,
                                                django_assert_max_num_queries):
    story(alice, bob, sam, 1)
    client = login(hana)
    with django_assert_max_num_queries(20) as small:
        assert client.get(f"/hr/people/{alice.pk}/").status_code == 200
    story_size = 25
    for _ in range(story_size):
        factories.MentorshipFactory(mentor=alice)
        factories.CareerEventFactory(person=alice, occurred_on=factories.timezone.localdate()
                                     - datetime.timedelta(days=100 + _))
        factories.NotificationFactory(recipient=alice)
        factories.SponsorshipFactory(protege=alice, status=RelationshipStatus.COMPLETED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/hr/people/{alice.pk}/").status_code == 200


def test_an_unknown_person_is_not_found(hana, login):
    assert login(hana).get("/hr/people/999999/").status_code == 404


@pytest.mark.parametrize("persona", ["alice", "sam"])
def test_nobody_but_hr_opens_a_file(persona, request, login, eve):
    assert login(request.getfixturevalue(persona)).get(f"/hr/people/{eve.pk}/").status_code == 403
    assert not AuditEvent.objects.filter(action="hr.person_view").exists()
