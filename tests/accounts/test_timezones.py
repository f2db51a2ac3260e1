"""Dates in the person's own time zone.

Bob (mentee, New York) and Max (his mentor, London); 20:50 on 29 November in New York is 01:50
on 30 November in UTC and London.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.mentorship.models import CheckIn
from matching.sponsorship import services
from matching.sponsorship.models import Touchpoint
from tests import factories

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
EVENING_IN_NEW_YORK = datetime.datetime(2026, 11, 29, 20, 50, tzinfo=NEW_YORK)


@pytest.fixture
def at_evening_in_new_york(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: EVENING_IN_NEW_YORK.astimezone(datetime.UTC))


@pytest.mark.django_db
def test_a_new_yorkers_start_date_today_and_touchpoint_are_her_own_dates(
        client, login, at_evening_in_new_york, sam, alice):
    alice.timezone = "America/New_York"
    alice.save()
    proposal = services.sponsorship_propose(sponsor=sam, protege=alice, origin="sponsor",
                                            proposed_by=sam)
    login(alice)
    client.post(reverse("sponsorship:answer", args=[proposal.pk]), {"answer": "accept"})
    proposal.refresh_from_db()
    assert proposal.started_on == datetime.date(2026, 11, 29)  # UTC says the 30th
    page = client.get(reverse("sponsorship:detail", args=[proposal.pk]))
    assert page.context["today"] == datetime.date(2026, 11, 29)
    assert "29 Nov 2026" in page.text
    response = client.post(reverse("sponsorship:touchpoint_new", args=[proposal.pk]), {
        "occurred_on": "2026-11-29", "discussed": "First chat"})
    assert response.status_code == 302
    assert Touchpoint.objects.get().occurred_on == datetime.date(2026, 11, 29)


@pytest.mark.django_db
def test_a_date_later_in_her_day_is_refused_as_in_the_future(client, login,
                                                            at_evening_in_new_york, bob,
                                                            max_manager):
    bob.timezone = "America/New_York"
    bob.save()
    mentorship = factories.MentorshipFactory(mentor=max_manager, mentee=bob,
                                             started_on=datetime.date(2026, 11, 1))
    login(bob)
    response = client.post(reverse("mentorship:check_in", args=[mentorship.pk]), {
        "occurred_on": "2026-11-30", "discussed": "Tomorrow's chat"})
    assert response.status_code == 400 and not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_person_picks_their_time_zone_on_their_profile(client, login, bob):
    login(bob)
    client.post(reverse("profile_edit"), {"timezone": "Asia/Tokyo", "preferred_language": "en"})
    bob.refresh_from_db()
    assert bob.timezone == "Asia/Tokyo"
    page = client.post(reverse("profile_edit"), {"timezone": "Mars/Olympus",
                                                 "preferred_language": "en"})
    assert "Select a valid choice" in page.text or "Choose a time zone" in page.text
    bob.refresh_from_db()
    assert bob.timezone == "Asia/Tokyo"
