"""seed_demo's mentoring step: something real to look at for every persona and every state."""

import pytest
from django.db.models import Count, F, Q

from accounts import demo
from accounts.models import MentorProfile, Notification
from matching.mentorship.models import CheckIn, Goal, MentorRequest, Mentorship
from matching.relationships.models import SurveyResponse


@pytest.mark.django_db
def test_the_demo_has_mentors_requests_in_every_state_and_two_years_of_mentorships():
    ctx = demo.seed(people=400, seed=3)
    mentor, employee = ctx.personas["mentor"], ctx.personas["employee"]
    assert mentor.mentor_profile.capacity > 0 and not mentor.mentor_profile.is_paused
    # README.md's story: Elena has no mentor yet; Marcus mentors two people, has room for one
    # more and a request waiting, which is in his inbox.
    assert not Mentorship.objects.filter(mentee=employee).exists()
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 2
    waiting = MentorRequest.objects.get(mentor=mentor, status="open")
    assert Notification.objects.filter(recipient=mentor, kind="mentor_request_received",
                                       url=f"/mentoring/requests/{waiting.pk}/").exists()
    states = set(MentorRequest.objects.values_list("status", flat=True))
    assert states == {"open", "accepted", "declined", "withdrawn", "expired"}
    statuses = set(Mentorship.objects.values_list("status", flat=True))
    assert statuses == {"active", "completed", "ended_early"}
    oldest = Mentorship.objects.order_by("started_on").first().started_on
    assert (ctx.today - oldest).days > 365
    assert CheckIn.objects.exists() and Goal.objects.exists()
    assert set(SurveyResponse.objects.filter(relationship_kind="mentorship")
               .values_list("phase", flat=True)) == {"baseline", "closing"}
    for mentorship in Mentorship.objects.filter(status="active").select_related(
            "mentor__mentor_profile"):
        assert mentorship.next_due_on is not None


@pytest.mark.django_db
def test_the_demo_never_puts_a_mentor_over_capacity():
    demo.seed(people=400, seed=5)
    over = (MentorProfile.objects
            .annotate(active=Count("person__mentorships_as_mentor",
                                   filter=Q(person__mentorships_as_mentor__status="active")))
            .filter(active__gt=F("capacity")))
    assert not over.exists()
