"""The demo organisation tells README.md's story: each persona starts where README says."""

import pytest

from accounts import demo
from accounts.models import Notification, SponsorProfile
from matching.mentorship.models import MentorRequest, Mentorship
from matching.mentorship.selectors import suggestions_for
from matching.sponsorship.models import AdvocacyRecord, Sponsorship, SponsorshipInterest


@pytest.mark.django_db
def test_each_persona_starts_where_the_readme_says():
    ctx = demo.seed(people=200, seed=1)
    elena, marcus = ctx.personas["employee"], ctx.personas["mentor"]
    sofia = ctx.personas["sponsor"]
    # Elena: no mentor yet; good suggestions, Marcus (who helps with all her goals) among them.
    assert not Mentorship.objects.filter(mentee=elena).exists()
    suggestions = suggestions_for(elena, limit=5)
    assert marcus in [s.profile.person for s in suggestions]
    assert all(not s.reasons[0].against for s in suggestions)  # each can help with a goal
    # Marcus: mentors people and has a request waiting, which is in his inbox.
    assert Mentorship.objects.filter(mentor=marcus, status="active").exists()
    waiting = MentorRequest.objects.get(mentor=marcus, status="open")
    assert Notification.objects.filter(recipient=marcus, url__endswith=f"/{waiting.pk}/").exists()
    # ...from someone he does not mentor yet (the app refuses a request to one's own mentor).
    assert not Mentorship.objects.filter(mentor=marcus, mentee=waiting.mentee,
                                         status="active").exists()
    # Sofia: protégés and advocacy.
    assert Sponsorship.objects.filter(sponsor=sofia, status="active").count() >= 2
    assert AdvocacyRecord.objects.filter(sponsorship__sponsor=sofia).exists()
    # Hana: a queue to work.
    assert SponsorProfile.objects.filter(status="pending").exists()
    assert SponsorshipInterest.objects.exists()
