"""Touchpoints, closing and the surveys at start and close: shared with mentorship, used here."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Notification
from matching.relationships.models import SurveyResponse
from matching.relationships.services import survey_record
from tests import factories

TODAY = timezone.localdate


@pytest.mark.django_db
def test_a_touchpoint_moves_the_next_due_date_by_the_30_day_cadence(sponsorship, alice, login):
    response = login(alice).post(reverse("sponsorship:touchpoint_new", args=[sponsorship.pk]), {
        "occurred_on": TODAY().isoformat(), "discussed": "Prepared for the promotion panel."})
    assert response.status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.last_met_on == TODAY()
    assert sponsorship.next_due_on == TODAY() + datetime.timedelta(days=30)


@pytest.mark.django_db
def test_closing_asks_the_protege_for_the_closing_survey(sponsorship, sam, alice, login):
    response = login(sam).post(reverse("sponsorship:close", args=[sponsorship.pk]),
                               {"status": "completed"})
    assert response.status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == "completed" and sponsorship.ended_on == TODAY()
    assert Notification.objects.filter(recipient=alice, kind="survey_closing").exists()
    page = login(alice).get(reverse("sponsorship:detail", args=[sponsorship.pk])).content.decode()
    assert "Answer the closing survey" in page
    assert reverse("mentorship:survey", args=["sponsorship", sponsorship.pk, "closing"]) in page


@pytest.mark.django_db
def test_ending_early_without_a_reason_is_refused_on_the_form(sponsorship, sam, login):
    response = login(sam).post(reverse("sponsorship:close", args=[sponsorship.pk]),
                               {"status": "ended_early"})
    assert response.status_code == 200
    assert "Choose a reason for ending early" in response.content.decode()
    sponsorship.refresh_from_db()
    assert sponsorship.status == "active"


@pytest.mark.django_db
def test_surveys_at_start_and_close_use_the_shared_survey_response(sponsorship, alice):
    survey_record(relationship=sponsorship, respondent=alice, phase="baseline", confidence=2,
                  goal_progress=2)
    sponsorship.status, sponsorship.ended_on = "completed", TODAY()
    sponsorship.save()
    survey_record(relationship=sponsorship, respondent=alice, phase="closing", confidence=4,
                  goal_progress=4, usefulness=5)
    answers = SurveyResponse.objects.filter(sponsorship=sponsorship,
                                            relationship_kind="sponsorship")
    assert sorted(answers.values_list("phase", flat=True)) == ["baseline", "closing"]


@pytest.mark.django_db
def test_the_start_survey_link_disappears_once_answered(sponsorship, alice, login):
    client = login(alice)
    url = reverse("sponsorship:detail", args=[sponsorship.pk])
    assert "Answer the start survey" in client.get(url).content.decode()
    survey_record(relationship=sponsorship, respondent=alice, phase="baseline", confidence=3,
                  goal_progress=3)
    assert "Answer the start survey" not in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_the_sponsorship_page_keeps_a_fixed_number_of_queries(sponsorship, sam, login, size,
                                                              django_assert_max_num_queries):
    factories.AdvocacyRecordFactory.create_batch(size, sponsorship=sponsorship)
    factories.TouchpointFactory.create_batch(size, sponsorship=sponsorship)
    client = login(sam)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sponsorship:detail", args=[sponsorship.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_survey_links_count_the_questions_each_survey_asks(sponsorship, alice, sam, login):
    """The start survey asks two questions, the closing one three: the notice says so."""
    client = login(alice)
    url = reverse("sponsorship:detail", args=[sponsorship.pk])
    page = client.get(url).content.decode()
    assert "(two short questions)" in page and "three short questions" not in page
    sponsorship.status, sponsorship.ended_on = "completed", TODAY()
    sponsorship.save()
    page = client.get(url).content.decode()
    assert "Answer the closing survey</a> (three short questions)" in page
    survey = client.get(reverse("mentorship:survey", args=["sponsorship", sponsorship.pk,
                                                           "baseline"])).content.decode()
    assert survey.count('type="radio" name="') == 10  # two questions of five answers


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_date_box_shows_its_date_in_every_language(sponsorship, alice, sam, login, language):
    """A browser's date box reads only 2026-11-29: in French or Spanish, "29/11/2026" left the
    touchpoint being edited (and the advocacy outcome's "Decided on") looking empty."""
    day = TODAY() - datetime.timedelta(days=1)
    touchpoint = factories.TouchpointFactory(sponsorship=sponsorship, author=alice,
                                             occurred_on=day)
    record = factories.AdvocacyRecordFactory(sponsorship=sponsorship)
    alice.preferred_language = sam.preferred_language = language
    alice.save(), sam.save()
    with translation.override("en"):  # the language the pages switch to does not outlive them
        edit = login(alice).get(reverse("sponsorship:touchpoint_edit", args=[touchpoint.pk]))
        outcome = login(sam).get(reverse("sponsorship:advocacy_detail", args=[record.pk]))
    assert f'type="date" name="occurred_on" value="{day.isoformat()}"' in edit.content.decode()
    assert (f'type="date" name="outcome_on" value="{TODAY().isoformat()}"'
            in outcome.content.decode())


@pytest.mark.django_db
def test_closing_again_after_the_back_button_says_it_is_already_closed(sponsorship, sam, alice,
                                                                        login):
    """Sam closes, goes Back and submits again (or Alice closed first): the sponsorship page
    says it has already closed, not a form with "nothing more can be recorded"."""
    url = reverse("sponsorship:close", args=[sponsorship.pk])
    client = login(sam)
    assert client.post(url, {"status": "completed"}).status_code == 302
    for response in (client.post(url, {"status": "ended_early", "reason": "role_change"},
                                 follow=True),
                     login(alice).get(url, follow=True)):
        assert response.redirect_chain[-1][0] == reverse("sponsorship:detail",
                                                         args=[sponsorship.pk])
        assert "This sponsorship has already closed." in response.content.decode()
    sponsorship.refresh_from_db()
    assert sponsorship.status == "completed"
