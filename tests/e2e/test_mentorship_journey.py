"""The mentorship journey in a real browser, with a screenshot of every step.

Alice (employee) chooses goals, reads her explained suggestions and asks Bob; Bob accepts; both log
check-ins (Bob's private notes stay his); Alice answers the baseline survey, closes the
mentorship and answers the closing survey. Max, her manager, is a mentor but never suggested.
"""

import re

from django.utils import timezone
from playwright.sync_api import expect

from matching.mentorship.models import CheckIn, MentorRequest, Mentorship
from matching.relationships.models import SurveyResponse
from tests import factories
from tests.e2e.conftest import sign_in


def test_an_employee_finds_a_mentor_works_with_them_and_closes(new_page, shots, alice, bob,
                                                                max_manager):
    speaking = factories.SkillFactory(name="Public speaking")
    design = factories.SkillFactory(name="System design")
    factories.SkillFactory(name="Go")
    bob.mentor_profile.skills.add(speaking, design)
    bob.mentor_profile.how_i_can_help = "I run our architecture reviews and coach speakers."
    bob.mentor_profile.save()
    factories.MentorProfileFactory(person=max_manager).skills.add(speaking, design)
    other = factories.MentorProfileFactory(person__full_name="Carla Coach", person__level=3,
                                           person__department=alice.department)
    other.skills.add(speaking)

    # 1. Alice chooses her development goals.
    page = sign_in(new_page(), alice.email)
    page.get_by_role("link", name="Profile").click()
    page.locator(f"input[name=development_goals][value='{speaking.pk}']").check()
    page.locator(f"input[name=development_goals][value='{design.pk}']").check()
    shots(page, "employee-edits-goals")
    page.get_by_role("button", name=re.compile("Save", re.I)).click()
    assert set(alice.development_goals.all()) == {speaking, design}

    # 2. Her suggestions, best first, each with reasons; her manager is never among them.
    page.get_by_role("link", name="Find a mentor").click()
    page.wait_for_url(re.compile("/mentoring/suggestions/"))
    cards = page.locator("ol.m-list > li")
    expect(cards.first.get_by_role("heading", name="Bob Mentor", exact=True)).to_be_visible()
    assert "can help with 2 of your goals: Public speaking, System design" in \
        cards.first.inner_text()
    assert "three levels above you" in cards.first.inner_text()
    assert "Max Manager" not in page.content()
    shots(page, "explained-suggestions")

    # 3. She asks Bob, with a message; her goals are already ticked.
    cards.first.get_by_role("link", name="Ask Bob Mentor to mentor you").click()
    assert page.locator(f"input[name=goals][value='{speaking.pk}']").is_checked()
    page.get_by_label("Message").fill("I present to leadership next quarter and freeze up. "
                                      "Could we meet every two weeks?")
    shots(page, "request-form")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is on its way to Bob Mentor")).to_be_visible()
    shots(page, "request-sent")
    assert MentorRequest.objects.get().status == "open"

    # 4. Bob sees the request on his home page and accepts.
    mentor_page = sign_in(new_page(), bob.email)
    mentor_page.get_by_role("link", name="Alice Employee").first.click()
    mentor_page.wait_for_url(re.compile(r"/mentoring/requests/\d+/"))
    expect(mentor_page.get_by_text("I present to leadership")).to_be_visible()
    shots(mentor_page, "mentor-sees-request")
    mentor_page.get_by_label("First agreement").fill("Rehearse the Q3 talk; review one design "
                                                     "doc a month.")
    mentor_page.get_by_role("button", name="Accept and start the mentorship").click()
    mentor_page.wait_for_url(re.compile(r"/mentoring/\d+/$"))
    mentorship = Mentorship.objects.get()
    assert mentorship.is_active

    # 5. Bob logs a check-in with private notes.
    mentor_page.get_by_label("What you discussed").fill("Outlined the talk; agreed a dry run.")
    mentor_page.get_by_label("Private notes").fill("BOB-ONLY: she undersells her work.")
    mentor_page.get_by_label("Progress (1-5)").select_option("3")
    mentor_page.get_by_role("button", name="Save check-in").click()
    expect(mentor_page.get_by_text("Check-in saved.")).to_be_visible()
    shots(mentor_page, "mentor-logged-check-in")

    # 6. Alice sees the pair's page without Bob's private notes, answers the baseline survey
    #    and logs her own check-in.
    page.goto(f"/mentoring/{mentorship.pk}/")
    expect(page.get_by_text("Outlined the talk")).to_be_visible()
    assert "BOB-ONLY" not in page.content()
    page.get_by_role("link", name="answer two quick questions").click()
    page.locator("input[name=confidence][value='2']").check()
    page.locator("input[name=goal_progress][value='1']").check()
    shots(page, "baseline-survey")
    page.get_by_role("button", name="Send answers").click()
    page.get_by_label("What you discussed").fill("Dry run of the talk with Bob.")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    assert CheckIn.objects.count() == 2
    shots(page, "mentorship-page")

    # 7. Alice closes it as completed and answers the closing survey.
    page.get_by_text("Close it", exact=True).click()
    page.get_by_label("Completed: we did what we set out to do").check()
    page.get_by_role("button", name="Close the mentorship").click()
    page.wait_for_url(re.compile(r"/survey/mentorship/\d+/closing/"))
    page.locator("input[name=confidence][value='4']").check()
    page.locator("input[name=goal_progress][value='4']").check()
    page.locator("input[name=usefulness][value='5']").check()
    shots(page, "closing-survey")
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    shots(page, "closed")
    mentorship.refresh_from_db()
    assert mentorship.status == "completed"
    assert set(SurveyResponse.objects.values_list("phase", flat=True)) == {"baseline", "closing"}


def test_a_mentor_opts_in_and_an_employee_filters_the_directory(new_page, shots, alice, eve):
    speaking = factories.SkillFactory(name="Public speaking")
    factories.SkillFactory(name="Go")
    for index in range(25):
        profile = factories.MentorProfileFactory(person__full_name=f"Mentor {index:02d}",
                                                 person__level=4 + index % 3,
                                                 is_paused=index % 7 == 0)
        if index % 2:
            profile.skills.add(speaking)

    # Eve opts in as a mentor.
    page = sign_in(new_page(), eve.email)
    page.goto("/mentoring/become-a-mentor/")
    page.get_by_label("Capacity").fill("2")
    page.locator(f"input[name=skills][value='{speaking.pk}']").check()
    page.get_by_label("How I can help").fill("Ten years of conference talks; happy to rehearse.")
    shots(page, "become-a-mentor")
    page.get_by_role("button", name="Start mentoring").click()
    expect(page.get_by_text("Employees can now find you")).to_be_visible()
    shots(page, "my-mentoring")

    # Alice filters the directory by skill and room.
    page = sign_in(new_page(), alice.email)
    page.get_by_role("link", name="Mentor directory").click()
    expect(page.get_by_text("26 mentors found")).to_be_visible()
    page.get_by_label("Skill").select_option(label="Public speaking")
    page.get_by_label("Has room for a mentee").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("mentors found")).to_be_visible()
    assert "Eve Outsider" in page.content()
    shots(page, "directory-filtered")
    page.get_by_role("link", name="How suggestions work").first.click()
    shots(page, "how-suggestions-work")
    page.get_by_role("link", name="Home").first.click()
    shots(page, "home-card")
