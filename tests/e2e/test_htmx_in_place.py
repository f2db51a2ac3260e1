"""htmx where it earns its place, in a real browser: the mentor directory narrows as you type or
pick a filter without reloading the page (the URL keeps the filters; back, pagination and a
reload work), and a goal's status changes in place on the mentorship page (the scroll position
stays). Both still work without JavaScript.

A marker set on `window` survives an htmx swap and is gone after a real page load.
"""

import re

from playwright.sync_api import expect

from matching.mentorship.models import Goal
from tests import factories
from tests.e2e.conftest import sign_in

MARK = "window.__stillHere = 'yes'"
STILL_HERE = "window.__stillHere === 'yes'"


def _watch_console(page) -> list[str]:
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def _directory(alice, bob):
    speaking = factories.SkillFactory(name="Public speaking")
    go = factories.SkillFactory(name="Go")
    bob.mentor_profile.skills.add(speaking)
    bob.mentor_profile.how_i_can_help = "I coach speakers before big talks."
    bob.mentor_profile.save()
    carla = factories.MentorProfileFactory(person__full_name="Carla Coach", person__level=4,
                                           person__title="Staff engineer")
    carla.skills.add(speaking, go)
    for n in range(22):
        factories.MentorProfileFactory(person__full_name=f"Gopher {n:02d}",
                                       person__title="Engineer").skills.add(go)
    return speaking, go


def test_the_directory_narrows_as_you_type_without_reloading_and_keeps_the_url(
        new_page, shots, alice, bob):
    speaking, go = _directory(alice, bob)
    page = sign_in(new_page(), alice.email)
    problems = _watch_console(page)
    page.goto("/mentoring/mentors/")
    count = page.locator("#directory-count")
    assert count.inner_text() == "24 mentors found"
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    shots(page, "directory")

    # Typing narrows the results in place: same page (the marker survives), URL carries ?q=.
    page.evaluate(MARK)
    page.get_by_label("Search").press_sequentially("carla", delay=40)
    page.wait_for_url(re.compile(r"[?&]q=carla(&|$)"))
    expect(count).to_have_text("1 mentor found")
    rows = page.locator("#directory-results tbody tr")
    assert rows.count() == 1 and "Carla Coach" in rows.first.inner_text()
    assert page.evaluate(STILL_HERE)
    assert page.get_by_label("Search").evaluate("el => el === document.activeElement")
    shots(page, "typed-carla")

    # A filter change narrows too (no typing): clear the box, pick a skill.
    page.get_by_label("Search").fill("")
    page.wait_for_url(re.compile(r"[?&]q=(&|$)"))
    page.get_by_label("Skill").select_option(str(speaking.pk))
    page.wait_for_url(re.compile(rf"skill={speaking.pk}"))
    expect(count).to_have_text("2 mentors found")
    assert page.locator("#directory-results tbody tr").all_inner_texts()[0].startswith("Bob")
    assert page.evaluate(STILL_HERE)
    shots(page, "skill-public-speaking")

    # Pagination inside the results swaps them in place and keeps the filter.
    page.get_by_label("Skill").select_option(str(go.pk))
    expect(count).to_have_text("23 mentors found")
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(rf"skill={go.pk}.*page=2|page=2.*skill={go.pk}"))
    page.get_by_text("Page 2 of 2").wait_for()
    assert page.locator("#directory-results tbody tr").count() == 3
    assert page.evaluate(STILL_HERE)
    shots(page, "skill-go-page-2")

    # Back reloads the previous URL from the server: its filters and its results agree.
    page.go_back()
    page.wait_for_url(lambda url: "page=2" not in url and f"skill={go.pk}" in url)
    page.get_by_text("Page 1 of 2").wait_for()
    page.wait_for_load_state("load")  # htmx (a deferred script) listens again before going back
    assert not page.evaluate(STILL_HERE)  # a real page load, from the server
    assert page.get_by_label("Skill").input_value() == str(go.pk)
    assert page.locator("#directory-count").inner_text() == "23 mentors found"
    page.go_back()
    page.wait_for_url(re.compile(rf"skill={speaking.pk}"))
    expect(count).to_have_text("2 mentors found")
    page.wait_for_load_state("load")
    assert page.get_by_label("Skill").input_value() == str(speaking.pk)
    assert page.get_by_label("Search").input_value() == ""
    shots(page, "back-to-public-speaking")

    # A shared link opens the same results.
    shared = page.url
    other = sign_in(new_page(), bob.email)
    other.goto(shared)
    assert other.locator("#directory-count").inner_text() == "1 mentor found"  # Bob is left out

    # At 360 px wide.
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_label("Search").press_sequentially("coach", delay=40)
    page.wait_for_url(re.compile(r"[?&]q=coach"))
    expect(count).to_have_text("2 mentors found")
    shots(page, "narrow-360-coach")
    assert problems == []

    # When the session has gone, typing leads to the sign-in page instead of an empty swap.
    page.context.clear_cookies()
    page.evaluate(MARK)
    page.get_by_label("Search").press_sequentially("x", delay=40)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert not page.evaluate(STILL_HERE)


def test_the_directory_filters_without_javascript(browser, live_server, shots, alice, bob):
    _directory(alice, bob)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    try:
        page = sign_in(context.new_page(), alice.email)
        page.goto("/mentoring/mentors/")
        page.get_by_label("Search").fill("carla")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url(re.compile(r"[?&]q=carla"))
        assert page.locator("#directory-count").inner_text() == "1 mentor found"
        shots(page, "no-javascript-carla")
    finally:
        context.close()


def test_a_goal_status_changes_in_place_and_the_page_keeps_its_scroll(new_page, shots, alice,
                                                                      bob):
    mentorship = factories.MentorshipFactory(mentor=bob, mentee=alice)
    factories.CheckInFactory.create_batch(8, mentorship=mentorship)
    goals = [factories.GoalFactory(mentorship=mentorship, title=title)
             for title in ("Rehearse the Q3 talk", "Review one design doc a month")]
    page = sign_in(new_page(), alice.email)
    problems = _watch_console(page)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"/mentoring/{mentorship.pk}/")
    status = page.get_by_label("Status of Review one design doc a month")
    status.scroll_into_view_if_needed()
    page.evaluate(MARK)
    before = page.evaluate("window.scrollY")
    assert before > 500  # on a phone the goals sit below the check-ins
    status.select_option("achieved")
    page.locator(f"#goal-{goals[1].pk}-update").click()
    notice = page.locator("#goal-notice")
    notice.get_by_text("“Review one design doc a month” is now achieved.").wait_for()
    assert page.evaluate(STILL_HERE)
    assert abs(page.evaluate("window.scrollY") - before) < 5
    assert page.evaluate("document.activeElement.id") == f"goal-{goals[1].pk}-update"
    assert page.get_by_label("Status of Review one design doc a month").input_value() == "achieved"
    goals[1].refresh_from_db()
    assert goals[1].status == Goal.Status.ACHIEVED
    page.screenshot(path=str(shots.folder / "01-goal-updated-in-place-viewport.png"))
    assert problems == []
