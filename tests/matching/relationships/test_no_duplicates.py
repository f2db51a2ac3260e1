"""No duplicates from impatience: a creating form submitted twice makes one thing and the second
submission shows the first's result; a check-in's author can change or delete it for 14 days.

Max mentors Bob; Sam sponsors Alice; Hana is an HR admin.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import CareerEvent
from accounts.submissions import ALREADY_SUBMITTED
from matching.mentorship.models import CheckIn, Goal
from matching.relationships.meetings import MEETING_NOT_YOURS, meeting_delete, meeting_update
from matching.sponsorship.models import AdvocacyRecord, Sponsorship, Touchpoint
from tests import factories


@pytest.fixture
def mentorship(max_manager, bob):
    return factories.MentorshipFactory(mentor=max_manager, mentee=bob)


def _token(client, url, form_name="form"):
    return client.get(url).context[form_name]["submission_token"].value()


@pytest.mark.django_db
def test_a_double_clicked_check_in_is_saved_once(client, login, mentorship, bob):
    login(bob)
    url = reverse("mentorship:detail", args=[mentorship.pk])
    token = _token(client, url, "check_in_form")
    data = {"occurred_on": timezone.localdate().isoformat(), "discussed": "Roadmap",
            "submission_token": token}
    first = client.post(reverse("mentorship:check_in", args=[mentorship.pk]), data)
    second = client.post(reverse("mentorship:check_in", args=[mentorship.pk]), data, follow=True)
    assert first.status_code == 302 and CheckIn.objects.count() == 1
    assert ALREADY_SUBMITTED in second.text and "Roadmap" in second.text
    # A new page load is a new form: a second, different check-in is saved.
    data["submission_token"] = _token(client, url, "check_in_form")
    client.post(reverse("mentorship:check_in", args=[mentorship.pk]), data)
    assert CheckIn.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_submission_can_be_corrected_and_sent_again_with_the_same_form(
        client, login, mentorship, bob):
    login(bob)
    token = _token(client, reverse("mentorship:detail", args=[mentorship.pk]), "check_in_form")
    url = reverse("mentorship:check_in", args=[mentorship.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused = client.post(url, {"occurred_on": tomorrow.isoformat(), "discussed": "x",
                                "submission_token": token})
    assert refused.status_code == 400
    client.post(url, {"occurred_on": timezone.localdate().isoformat(), "discussed": "x",
                      "submission_token": token})
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_goals_touchpoints_advocacy_proposals_and_career_events_are_made_once(
        client, login, mentorship, bob, sam, alice, eve, hana):
    login(bob)
    token = _token(client, reverse("mentorship:detail", args=[mentorship.pk]), "goal_form")
    for _ in range(2):
        client.post(reverse("mentorship:goal_add", args=[mentorship.pk]),
                    {"title": "Speak at a meetup", "submission_token": token})
    assert Goal.objects.filter(mentorship=mentorship).count() == 1

    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice, status="active")
    login(sam)
    for name, url, data in [
        ("touchpoint", reverse("sponsorship:touchpoint_new", args=[sponsorship.pk]),
         {"occurred_on": timezone.localdate().isoformat(), "discussed": "Q3 plans"}),
        ("advocacy", reverse("sponsorship:advocacy_new", args=[sponsorship.pk]),
         {"kind": "introduction", "occurred_on": timezone.localdate().isoformat(),
          "visibility": "open", "description": "Introduced Alice to the CTO"}),
        ("proposal", reverse("sponsorship:propose"), {"protege": eve.email}),
    ]:
        data["submission_token"] = _token(client, url)
        responses = [client.post(url, data) for _ in range(2)]
        assert all(r.status_code == 302 for r in responses), name
        assert responses[0]["Location"] == responses[1]["Location"], name
    assert Touchpoint.objects.count() == 1 and AdvocacyRecord.objects.count() == 1
    assert Sponsorship.objects.filter(protege=eve).count() == 1

    login(hana)
    url = reverse("sponsorship:hr_career_events")
    data = {"person": alice.email, "kind": "award", "occurred_on": "2024-05-01",
            "submission_token": _token(client, url)}
    responses = [client.post(url, data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert CareerEvent.objects.filter(person=alice).count() == 1


@pytest.mark.django_db
def test_the_author_edits_and_deletes_a_check_in_within_14_days(client, login, mentorship, bob,
                                                               max_manager):
    check_in = CheckIn.objects.create(mentorship=mentorship, author=bob, discussed="Typo",
                                      occurred_on=timezone.localdate())
    login(bob)
    page = client.get(reverse("mentorship:detail", args=[mentorship.pk]))
    edit = reverse("mentorship:check_in_edit", args=[check_in.pk])
    assert edit in page.text
    earlier = timezone.localdate() - datetime.timedelta(days=2)
    client.post(edit, {"action": "save", "occurred_on": earlier.isoformat(),
                       "discussed": "Fixed"})
    check_in.refresh_from_db()
    mentorship.refresh_from_db()
    assert (check_in.discussed, check_in.occurred_on) == ("Fixed", earlier)
    assert mentorship.last_met_on == earlier
    assert mentorship.next_due_on == earlier + datetime.timedelta(days=mentorship.cadence_days)

    login(max_manager)  # the other person in the pair sees it, but may not change it
    assert client.get(edit).status_code == 404
    with pytest.raises(ValidationError) as error:
        meeting_delete(meeting=check_in, by=max_manager)
    assert error.value.messages == [MEETING_NOT_YOURS]

    login(bob)
    client.post(edit, {"action": "delete"})
    assert not CheckIn.objects.exists()
    mentorship.refresh_from_db()
    assert mentorship.last_met_on is None


@pytest.mark.django_db
def test_after_14_days_a_check_in_can_no_longer_be_changed(client, login, mentorship, bob):
    check_in = CheckIn.objects.create(
        mentorship=mentorship, author=bob, discussed="Old", occurred_on=mentorship.started_on,
        created_at=timezone.now() - datetime.timedelta(days=15))
    login(bob)
    assert reverse("mentorship:check_in_edit", args=[check_in.pk]) not in client.get(
        reverse("mentorship:detail", args=[mentorship.pk])).text
    with pytest.raises(ValidationError):
        meeting_update(meeting=check_in, by=bob, occurred_on=check_in.occurred_on,
                       discussed="New")
    client.post(reverse("mentorship:check_in_edit", args=[check_in.pk]), {"action": "delete"})
    assert CheckIn.objects.filter(pk=check_in.pk, discussed="Old").exists()


@pytest.mark.django_db
def test_a_touchpoints_author_edits_it_from_the_sponsorship_page(client, login, sam, alice):
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice, status="active")
    touchpoint = Touchpoint.objects.create(sponsorship=sponsorship, author=sam, discussed="Q",
                                           occurred_on=timezone.localdate())
    login(sam)
    edit = reverse("sponsorship:touchpoint_edit", args=[touchpoint.pk])
    assert edit in client.get(reverse("sponsorship:detail", args=[sponsorship.pk])).text
    client.post(edit, {"action": "save", "occurred_on": timezone.localdate().isoformat(),
                       "discussed": "Q3 review"})
    touchpoint.refresh_from_db()
    assert touchpoint.discussed == "Q3 review"
