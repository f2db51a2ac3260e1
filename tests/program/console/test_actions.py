"""HR's actions: each changes the record through its service, tells the people concerned with
HR's reason, and leaves an audit row.

Personas (tests/conftest.py): Hana (HR admin) acts; Alice is Bob's mentee and Sam's protégé;
Eve is in nothing. Only HR admins may act (403 for Alice).
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from accounts.services import LAST_HR_ADMIN
from matching.relationships.models import RelationshipStatus
from program.console.services import NOTHING_OVERDUE
from tests import factories


def told(person, text: str) -> bool:
    return any(text in n.body for n in Notification.objects.filter(recipient=person))


def test_hr_ends_a_mentorship_and_both_people_are_told_why(alice, bob, hana, login):
    mentorship = factories.MentorshipFactory(mentor=bob, mentee=alice)
    client = login(hana)
    assert client.get(f"/hr/relationships/mentorship/{mentorship.pk}/end/").status_code == 200
    response = client.post(f"/hr/relationships/mentorship/{mentorship.pk}/end/",
                           {"reason": "role_change", "note": "Bob moved to the Paris office."})
    assert response.status_code == 302 and response["Location"] == f"/hr/people/{alice.pk}/"
    mentorship.refresh_from_db()
    assert mentorship.status == RelationshipStatus.ENDED_EARLY
    assert mentorship.close_note == "Bob moved to the Paris office."
    assert mentorship.ended_on == timezone.localdate() and mentorship.next_due_on is None
    assert told(alice, "Bob moved to the Paris office.")
    assert told(bob, "Bob moved to the Paris office.")
    assert Notification.objects.filter(recipient=alice, kind="survey_closing").exists()
    assert AuditEvent.objects.filter(action="hr.mentorship_end",
                                     target_id=str(mentorship.pk)).exists()


def test_ending_needs_a_note_and_an_active_relationship(alice, sam, hana, login):
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    client = login(hana)
    url = f"/hr/relationships/sponsorship/{sponsorship.pk}/end/"
    response = client.post(url, {"reason": "other", "note": "   "})
    assert response.status_code == 200 and response.context["form"].errors["note"]
    assert client.post(url, {"reason": "other", "note": "Reorganisation."}).status_code == 302
    response = client.post(url, {"reason": "other", "note": "Again."})
    assert "not active" in str(response.context["form"].non_field_errors())
    assert Notification.objects.filter(recipient=sam, kind="sponsorship_closed").count() == 1
    assert client.get("/hr/relationships/goal/1/end/").status_code == 404


def test_hr_pauses_and_resumes_a_mentor_with_a_reason_they_read(
        bob, hana, login, django_capture_on_commit_callbacks):
    client = login(hana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/hr/people/{bob.pk}/pause/",
                    {"role": "mentor", "paused": "1", "reason": "On parental leave until June."})
    bob.mentor_profile.refresh_from_db()
    assert bob.mentor_profile.is_paused
    assert told(bob, "On parental leave until June.")
    assert [m.to for m in mail.outbox if "On parental leave" in m.body] == [[bob.email]]
    client.post(f"/hr/people/{bob.pk}/pause/",
                {"role": "mentor", "paused": "0", "reason": "Back from leave."})
    bob.mentor_profile.refresh_from_db()
    assert not bob.mentor_profile.is_paused and told(bob, "Back from leave.")
    assert list(AuditEvent.objects.filter(target_type="accounts.mentorprofile")
                .order_by("pk").values_list("action", "data__reason")) == [
        ("hr.mentor_pause", "On parental leave until June."),
        ("hr.mentor_resume", "Back from leave.")]


def test_pausing_needs_a_reason_and_a_profile(sam, eve, hana, login):
    client = login(hana)
    response = client.post(f"/hr/people/{sam.pk}/pause/",
                           {"role": "sponsor", "paused": "1", "reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode() or "required" in response.content.decode()
    sam.sponsor_profile.refresh_from_db()
    assert not sam.sponsor_profile.is_paused
    response = client.post(f"/hr/people/{eve.pk}/pause/",
                           {"role": "mentor", "paused": "1", "reason": "x"}, follow=True)
    assert "not registered as a mentor" in response.content.decode()
    assert not Notification.objects.filter(recipient__in=[sam, eve]).exists()


def test_hr_grants_and_removes_the_hr_admin_role(eve, hana, login):
    client = login(hana)
    client.post(f"/hr/people/{eve.pk}/hr-admin/", {"grant": "1", "reason": "Joins People Ops."})
    eve.user.refresh_from_db()
    assert eve.user.is_hr_admin and told(eve, "Joins People Ops.")
    client.post(f"/hr/people/{eve.pk}/hr-admin/", {"grant": "0", "reason": "Left People Ops."})
    eve.user.refresh_from_db()
    assert not eve.user.is_hr_admin and told(eve, "Left People Ops.")
    assert list(AuditEvent.objects.filter(action__startswith="hr.role_").order_by("pk")
                .values_list("action", "actor")) == [("hr.role_grant", hana.user.pk),
                                                     ("hr.role_remove", hana.user.pk)]


def test_the_last_hr_admin_cannot_be_removed(hana, login):
    response = login(hana).post(f"/hr/people/{hana.pk}/hr-admin/",
                                {"grant": "0", "reason": "Oops."}, follow=True)
    assert LAST_HR_ADMIN.format(name="Hana HR") in response.content.decode()
    hana.user.refresh_from_db()
    assert hana.user.is_hr_admin


def test_remind_overdue_tells_both_people_of_each_overdue_pair_on_the_filtered_list(
        hana, login):
    today = timezone.localdate()
    cohort = factories.CohortFactory()
    late = factories.MentorshipFactory(cohort=cohort, next_due_on=today - datetime.timedelta(5))
    on_time = factories.MentorshipFactory(cohort=cohort, next_due_on=today)
    other_cohort = factories.MentorshipFactory(next_due_on=today - datetime.timedelta(days=5))
    closed = factories.MentorshipFactory(cohort=cohort, status=RelationshipStatus.COMPLETED,
                                         next_due_on=today - datetime.timedelta(days=5))
    response = login(hana).post(f"/hr/console/mentorships/remind-overdue/?cohort={cohort.pk}",
                                {"reason": "The spring cohort review is next week."})
    assert response["Location"] == f"/hr/console/mentorships/?cohort={cohort.pk}"
    for person in (late.mentor, late.mentee):
        assert told(person, "The spring cohort review is next week.")
    for person in (on_time.mentor, on_time.mentee, other_cohort.mentee, closed.mentee):
        assert not Notification.objects.filter(recipient=person).exists()
    event = AuditEvent.objects.get(action="hr.mentorship_remind_overdue")
    assert event.data["relationship_ids"] == [late.pk]


def test_remind_overdue_with_nobody_overdue_says_so(hana, login):
    factories.SponsorshipFactory(next_due_on=timezone.localdate())
    response = login(hana).post("/hr/console/sponsorships/remind-overdue/",
                                {"reason": "Check in please."}, follow=True)
    assert str(NOTHING_OVERDUE) in response.content.decode()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("url", ["/hr/console/mentorships/remind-overdue/",
                                 "/hr/people/1/pause/", "/hr/people/1/hr-admin/",
                                 "/hr/relationships/mentorship/1/end/"])
def test_nobody_but_hr_may_act(url, alice, login):
    assert login(alice).post(url, {"reason": "x", "grant": "1"}).status_code == 403
    assert not AuditEvent.objects.exists()
