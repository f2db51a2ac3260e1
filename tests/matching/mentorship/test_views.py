"""Mentorship pages: what each person sees, what they may not, and the query budgets.

Alice is Bob's mentee once `pair` runs; Eve is in no relationship and gets a 404 for theirs.
"""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext

from matching.mentorship import services as svc
from matching.mentorship.models import CheckIn, MentorRequest, Mentorship
from matching.relationships import services as relationships
from matching.relationships.models import SurveyResponse
from tests import factories

TODAY = timezone.localdate()


@pytest.fixture
def speaking(db):
    return factories.SkillFactory(name="Public speaking")


@pytest.fixture
def pair(alice, bob, speaking):
    request = svc.mentor_request_create(mentee=alice, mentor=bob, message="Help me present",
                                        goals=[speaking])
    mentorship = svc.mentor_request_accept(
        mentor_request=request, by=bob, started_on=TODAY - datetime.timedelta(days=10))
    return mentorship


def test_the_pair_sees_the_mentorship_and_private_notes_only_their_own(login, pair, alice,
                                                                       bob):
    relationships.meeting_record(relationship=pair, author=alice, occurred_on=TODAY,
                                 discussed="Practised the talk", private_notes="ALICE-SECRET")
    relationships.meeting_record(relationship=pair, author=bob, occurred_on=TODAY,
                                 discussed="Gave feedback", private_notes="BOB-SECRET")
    page = login(alice).get(f"/mentoring/{pair.pk}/").content.decode()
    assert "Practised the talk" in page and "Gave feedback" in page
    assert "ALICE-SECRET" in page and "BOB-SECRET" not in page
    page = login(bob).get(f"/mentoring/{pair.pk}/").content.decode()
    assert "BOB-SECRET" in page and "ALICE-SECRET" not in page


def test_someone_elses_mentorship_request_and_survey_are_404(login, pair, eve):
    client = login(eve)
    assert client.get(f"/mentoring/{pair.pk}/").status_code == 404
    assert client.get(f"/mentoring/{pair.pk}/next-check-in.ics").status_code == 404
    assert client.post(f"/mentoring/{pair.pk}/check-ins/",
                       {"occurred_on": TODAY, "discussed": "x"}).status_code == 404
    assert client.post(f"/mentoring/{pair.pk}/close/", {"status": "completed"}).status_code == 404
    assert client.get(f"/mentoring/requests/{pair.request_id}/").status_code == 404
    assert client.post(f"/mentoring/requests/{pair.request_id}/accept/").status_code == 404
    assert client.get(f"/mentoring/survey/mentorship/{pair.pk}/baseline/").status_code == 404
    assert CheckIn.objects.count() == 0
    pair.refresh_from_db()
    assert pair.is_active


def test_the_mentor_cannot_answer_the_mentees_survey(login, pair, bob):
    assert login(bob).get(f"/mentoring/survey/mentorship/{pair.pk}/baseline/").status_code == 404


def test_a_check_in_in_the_future_shows_the_message_and_saves_nothing(login, pair, alice):
    response = login(alice).post(f"/mentoring/{pair.pk}/check-ins/", {
        "occurred_on": TODAY + datetime.timedelta(days=3), "discussed": "Plans"})
    assert response.status_code == 400
    assert str(relationships.MEETING_IN_FUTURE) in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_check_in_before_the_start_shows_the_message_and_saves_nothing(login, pair, alice):
    response = login(alice).post(f"/mentoring/{pair.pk}/check-ins/", {
        "occurred_on": pair.started_on - datetime.timedelta(days=1), "discussed": "Plans"})
    assert response.status_code == 400
    assert "before the relationship started" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_start_date_in_a_message_reads_like_the_page_in_each_language(login, pair, alice):
    pair.started_on = datetime.date(2026, 11, 3)
    pair.save()
    for language in ("en", "fr", "es"):
        alice.preferred_language = language
        alice.save()
        page = login(alice).post(f"/mentoring/{pair.pk}/check-ins/", {
            "occurred_on": "2026-11-01", "discussed": "Plans"}).content.decode()
        with translation.override(language):
            shown = date_format(pair.started_on)  # "3 November 2026", as the other forms write it
        with translation.override(language):
            message = gettext(str(relationships.MEETING_BEFORE_START)).format(started_on=shown)
        assert escape(message) in page, language
        assert "2026-11-03" not in page


def test_logging_a_check_in_moves_the_next_check_in_date(login, pair, alice):
    response = login(alice).post(f"/mentoring/{pair.pk}/check-ins/", {
        "occurred_on": TODAY, "discussed": "Practised", "progress_rating": "4"}, follow=True)
    assert "Check-in saved." in response.content.decode()
    pair.refresh_from_db()
    assert pair.next_due_on == TODAY + datetime.timedelta(days=pair.cadence_days)


def test_the_ics_file_holds_the_next_check_in(login, pair, alice):
    response = login(alice).get(f"/mentoring/{pair.pk}/next-check-in.ics")
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar"
    assert f"DTSTART;VALUE=DATE:{pair.next_due_on:%Y%m%d}" in body
    assert "SUMMARY:Mentoring check-in with Bob Mentor" in body


def test_a_name_cannot_inject_a_calendar_property_and_long_lines_are_folded(login, pair, alice,
                                                                           bob):
    bob.full_name = "Bob\rATTENDEE:mailto:x@evil.example; Ünïcödé, " + "é" * 60 + "\\"
    bob.save()
    body = login(alice).get(f"/mentoring/{pair.pk}/next-check-in.ics").content
    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert not [line for line in lines if line.startswith(b"ATTENDEE")]
    assert b"\r" not in b"".join(lines) and b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    unfolded = body.decode().replace("\r\n ", "")
    assert ("SUMMARY:Mentoring check-in with Bob\\nATTENDEE:mailto:x@evil.example\\; "
            "Ünïcödé\\, " + "é" * 60 + "\\\\\r\n") in unfolded


def test_requesting_your_manager_through_the_page_shows_why_and_sends_nothing(
        login, alice, max_manager, speaking):
    factories.MentorProfileFactory(person=max_manager)
    client = login(alice)
    page = client.get(f"/mentoring/mentors/{max_manager.pk}/request/").content.decode()
    assert "Max Manager is your manager or above you in your reporting line" in page
    response = client.post(f"/mentoring/mentors/{max_manager.pk}/request/",
                           {"message": "Hi", "goals": [speaking.pk]})
    assert "reporting line" in response.content.decode()
    assert not MentorRequest.objects.exists()


def test_a_mentee_requests_through_the_page(login, alice, bob, speaking):
    response = login(alice).post(f"/mentoring/mentors/{bob.pk}/request/",
                                 {"message": "Could we meet?", "goals": [speaking.pk]},
                                 follow=True)
    assert "Your request is on its way to Bob Mentor" in response.content.decode()
    assert MentorRequest.objects.get().mentee == alice


def test_accepting_a_withdrawn_request_through_the_page_explains_and_changes_nothing(
        login, alice, bob, speaking):
    request = svc.mentor_request_create(mentee=alice, mentor=bob, message="Hi",
                                        goals=[speaking])
    svc.mentor_request_withdraw(mentor_request=request, by=alice)
    response = login(bob).post(f"/mentoring/requests/{request.pk}/accept/", follow=True)
    assert "This request is withdrawn, so it can no longer be accepted." in \
        response.content.decode()
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("status", ["withdrawn", "expired"])
def test_a_request_nobody_answered_does_not_say_answered(login, alice, bob, speaking, status):
    request = svc.mentor_request_create(mentee=alice, mentor=bob, message="Hi",
                                        goals=[speaking])
    day = timezone.localdate().strftime("%-d %b %Y")
    MentorRequest.objects.filter(pk=request.pk).update(status=status, answered_at=timezone.now())
    for person in (alice, bob):
        page = login(person).get(f"/mentoring/requests/{request.pk}/").content.decode()
        assert f"{status} {day}" in page
        assert "answered" not in page


def test_radio_groups_are_named_by_their_label_not_an_empty_for(login, pair, alice, bob,
                                                                   speaking):
    page = login(alice).get(f"/mentoring/{pair.pk}/").content.decode()
    assert 'for=""' not in page
    assert 'role="radiogroup" aria-labelledby="id_status_label"' in page
    assert '<label id="id_status_label">How is it ending?' in page
    request = svc.mentor_request_create(mentee=factories.PersonFactory(), mentor=bob,
                                        message="Hi", goals=[speaking])
    page = login(bob).get(f"/mentoring/requests/{request.pk}/").content.decode()
    assert 'for=""' not in page and 'aria-labelledby="id_reason_label"' in page


def test_the_mentee_closes_and_lands_on_the_survey(login, pair, alice):
    client = login(alice)
    response = client.post(f"/mentoring/{pair.pk}/close/", {"status": "ended_early"})
    assert escape(str(relationships.CLOSE_REASON_REQUIRED)) in response.content.decode()
    response = client.post(f"/mentoring/{pair.pk}/close/", {"status": "completed"})
    assert response.url == f"/mentoring/survey/mentorship/{pair.pk}/closing/"
    response = client.post(response.url, {"confidence": "4", "goal_progress": "5",
                                          "usefulness": "5"})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.phase, answer.usefulness, answer.respondent) == ("closing", 5, alice)


def test_opting_in_as_a_mentor_and_pausing(login, eve, speaking):
    client = login(eve)
    response = client.post("/mentoring/become-a-mentor/", {
        "capacity": "2", "skills": [speaking.pk], "how_i_can_help": "Talks",
        "cadence_days": "14", "languages": ["en"]})
    assert response.status_code == 302
    eve.refresh_from_db()
    assert eve.mentor_profile.capacity == 2 and not eve.mentor_profile.is_paused
    client.post("/mentoring/become-a-mentor/", {
        "capacity": "2", "skills": [speaking.pk], "how_i_can_help": "Talks",
        "cadence_days": "14", "is_paused": "on"})
    eve.mentor_profile.refresh_from_db()
    assert eve.mentor_profile.is_paused


def test_suggestions_explain_and_leave_out_blocked_paused_and_full_mentors(
        login, alice, max_manager, bob, speaking):
    alice.development_goals.add(speaking)
    bob.mentor_profile.skills.add(speaking)
    factories.MentorProfileFactory(person=max_manager)
    paused = factories.MentorProfileFactory(person__full_name="Pat Paused", is_paused=True)
    full = factories.MentorProfileFactory(person__full_name="Fran Full", capacity=1)
    factories.MentorshipFactory(mentor=full.person)
    page = login(alice).get("/mentoring/suggestions/").content.decode()
    assert "Bob Mentor" in page
    assert "can help with your goal: Public speaking" in page
    assert "three levels above you" in page and "other department" in page
    for hidden in ("Max Manager", paused.person.full_name, full.person.full_name):
        assert hidden not in page


def test_the_directory_filters_by_skill_and_capacity(login, eve, bob, speaking):
    bob.mentor_profile.skills.add(speaking)
    other = factories.MentorProfileFactory(person__full_name="Olga Other", capacity=1)
    factories.MentorshipFactory(mentor=other.person)
    client = login(eve)
    page = client.get("/mentoring/mentors/").content.decode()
    assert "Bob Mentor" in page and "Olga Other" in page
    page = client.get(f"/mentoring/mentors/?skill={speaking.pk}").content.decode()
    assert "Bob Mentor" in page and "Olga Other" not in page
    page = client.get("/mentoring/mentors/?has_capacity=on").content.decode()
    assert "Bob Mentor" in page and "Olga Other" not in page
    page = client.get("/mentoring/mentors/?q=olga").content.decode()
    assert "Bob Mentor" not in page and "Olga Other" in page
    # A skill typed in the search box finds who lists it (once, with two matching skills).
    bob.mentor_profile.skills.add(factories.SkillFactory(name="Speaking to the board"))
    page = client.get("/mentoring/mentors/?q=speaking").content.decode()
    assert "Bob Mentor" in page and "Olga Other" not in page
    assert "1 mentor found" in page


def test_the_directory_answers_an_htmx_request_with_the_whole_page_and_the_filters_applied(
        login, eve, bob, speaking):
    """htmx swaps #directory-results (and the count) out of the ordinary page: no fragment mode,
    so the same URL serves a full load, a shared link and a reload from the back button."""
    bob.mentor_profile.skills.add(speaking)
    factories.MentorProfileFactory(person__full_name="Olga Other", capacity=1)
    client = login(eve)
    response = client.get("/mentoring/mentors/", {"q": "olga", "skill": ""},
                          headers={"HX-Request": "true", "HX-Current-URL": "/mentoring/mentors/"})
    assert response.status_code == 200
    page = response.content.decode()
    results = page[page.index('id="directory-results"'):]
    assert "Olga Other" in results and "Bob Mentor" not in results
    assert '<p class="m-count" id="directory-count" role="status">1 mentor found</p>' in page
    assert 'value="olga"' in page
    response = client.get("/mentoring/mentors/", {"skill": speaking.pk},
                          headers={"HX-Request": "true"})
    results = response.content.decode().split('id="directory-results"', 1)[1]
    assert "Bob Mentor" in results and "Olga Other" not in results


def test_the_directory_pages_keep_the_filters_and_swap_the_results_in_place(login, eve):
    for n in range(23):
        factories.MentorProfileFactory(person__full_name=f"Pat Page {n:02d}")
    page = login(eve).get("/mentoring/mentors/?q=pat+page",
                          headers={"HX-Request": "true"}).content.decode()
    assert "23 mentors found" in page and "Page 1 of 2" in page
    assert 'href="?q=pat+page&amp;page=2"' in page
    results = page.split('id="directory-results"', 1)[1]
    assert '<div hx-boost="true">' in results  # the pagination links swap the results too
    page = login(eve).get("/mentoring/mentors/?q=pat+page&page=2").content.decode()
    assert "Pat Page 22" in page and "Pat Page 00" not in page


def test_a_goal_status_posted_by_htmx_comes_back_in_place_and_without_htmx_redirects(
        login, pair, alice):
    goal = factories.GoalFactory(mentorship=pair, title="Rehearse the talk")
    client = login(alice)
    url = f"/mentoring/{pair.pk}/goals/{goal.pk}/"
    response = client.post(url, {"status": "achieved"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert ('id="goal-notice" role="status">“Rehearse the talk” is now achieved.</p>'
            in page)
    goal_list = page.split('id="goal-list"', 1)[1]
    assert '<option value="achieved" selected>' in goal_list
    assert f'id="goal-{goal.pk}-update"' in goal_list
    goal.refresh_from_db()
    assert goal.status == "achieved"
    # Nothing was queued for the next page: the notice was shown in place.
    assert "is now achieved" not in client.get(f"/mentoring/{pair.pk}/").content.decode()
    response = client.post(url, {"status": "in_progress"})
    assert response.status_code == 302 and response.url == f"/mentoring/{pair.pk}/"
    page = client.get(response.url).content.decode()
    assert "“Rehearse the talk” is now in progress." in page
    assert 'id="goal-notice" role="status"></p>' in page


def test_the_home_card_shows_the_mentor_and_the_next_check_in(login, pair, alice):
    page = login(alice).get("/").content.decode()
    assert "Your mentor" in page and "Bob Mentor" in page
    assert "Next check-in" in page


def test_the_how_suggestions_work_page_lists_the_rules(login, alice):
    page = login(alice).get("/mentoring/how-suggestions-work/").content.decode()
    assert "Who is never suggested" in page and "Your development goals" in page


def _grow(size, skills, mentee):
    """`size` people, a tenth of them mentors with skills and a mentorship or request each."""
    department = factories.DepartmentFactory(name="Data")
    people = factories.PersonFactory.create_batch(size, department=department)
    for index, person in enumerate(people):
        person.skills.add(skills[index % len(skills)])
        person.development_goals.add(skills[(index + 1) % len(skills)])
        if index % 10 == 0:
            profile = factories.MentorProfileFactory(person=person, capacity=3)
            profile.skills.add(*skills)
            mentorship = factories.MentorshipFactory(mentor=person, mentee=people[index - 1])
            factories.CheckInFactory.create_batch(2, mentorship=mentorship)
            factories.MentorRequestFactory(mentor=person, mentee=mentee)
    return people


@pytest.mark.parametrize("size", [20, 120])
def test_directory_suggestions_and_index_hold_a_fixed_query_budget(
        size, login, alice, django_assert_max_num_queries):
    skills = [factories.SkillFactory(name=f"Budget skill {n}") for n in range(5)]
    alice.development_goals.add(skills[0])
    _grow(size, skills, alice)
    client = login(alice)
    for url, budget in [("/mentoring/mentors/", 12), ("/mentoring/suggestions/", 20),
                        ("/mentoring/", 12), ("/", 14)]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("check_ins", [3, 40])
def test_the_mentorship_page_holds_a_fixed_query_budget(
        check_ins, login, pair, alice, bob, django_assert_max_num_queries):
    for index in range(check_ins):
        factories.CheckInFactory(mentorship=pair, author=alice if index % 2 else bob,
                                 occurred_on=TODAY)
        factories.GoalFactory(mentorship=pair, title=f"Goal {index}")
    client = login(alice)
    # 12: the pair panel (unread messages, accepted meetings) adds two.
    with django_assert_max_num_queries(12):
        assert client.get(f"/mentoring/{pair.pk}/").status_code == 200


def test_suggestions_leave_out_your_current_mentor_and_mentors_you_already_asked(login, alice):
    from accounts.models import Skill
    from tests.factories import MentorProfileFactory, MentorRequestFactory, MentorshipFactory

    goal = Skill.objects.create(name="Public speaking", slug="public-speaking")
    alice.development_goals.add(goal)
    current, asked, fresh = (MentorProfileFactory(person__full_name=name, capacity=3)
                             for name in ("Current Mentor", "Asked Mentor", "Fresh Mentor"))
    for profile in (current, asked, fresh):
        profile.skills.add(goal)
    MentorshipFactory(mentor=current.person, mentee=alice)
    MentorRequestFactory(mentor=asked.person, mentee=alice)

    page = login(alice).get("/mentoring/suggestions/").content.decode()

    assert "Fresh Mentor" in page
    assert "Current Mentor" not in page
    assert "Asked Mentor" not in page


@pytest.mark.parametrize("choice, says", [
    ("email", "Bob Mentor gets your message in their inbox and by email."),
    ("digest", "Bob Mentor gets your message in their inbox and in their daily email digest."),
    ("inbox", "Bob Mentor gets your message in their inbox."),
])
def test_the_request_form_says_how_the_mentor_hears_and_when_it_expires(
        login, alice, bob, settings, choice, says):
    """As the mentor's own notification settings and HR's expiry rule say, not a fixed
    'by email' and 'two weeks'."""
    bob.notify_requests = choice
    bob.save()
    settings.MENTOR_REQUEST_EXPIRY_DAYS = 10
    page = login(alice).get(f"/mentoring/mentors/{bob.pk}/request/").content.decode()
    assert says in page
    assert "If they don't answer within 10 days, the request expires." in page
    assert "two weeks" not in page
    if choice == "inbox":
        assert "by email" not in page


@pytest.mark.parametrize("choice, says", [
    ("email", "You will hear back here and by email."),
    ("digest", "You will hear back here and in your daily email digest."),
    ("inbox", "You will hear back here, in your inbox."),
])
def test_the_sent_message_says_how_the_mentee_will_hear_back(login, alice, bob, speaking,
                                                             choice, says):
    alice.notify_requests = choice
    alice.save()
    page = login(alice).post(f"/mentoring/mentors/{bob.pk}/request/",
                             {"message": "Could we meet?", "goals": [speaking.pk]},
                             follow=True).content.decode()
    assert f"Your request is on its way to Bob Mentor. {says}" in page


def test_requests_for_you_is_for_mentors_only(login, alice, bob):
    assert "Requests for you" not in login(alice).get("/mentoring/").content.decode()
    assert "Requests for you" in login(bob).get("/mentoring/").content.decode()
