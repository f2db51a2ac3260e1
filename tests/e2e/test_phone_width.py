"""Every main page at phone width, as the demo persona who uses it: nothing scrolls sideways.

Each page is screenshotted under test-artifacts/screenshots/<test>/ (look at them); the test fails
when the document is wider than the screen, naming the page and the widest element.
"""

import os

import pytest
from django.core.management import call_command
from django.db.models import Q
from playwright.sync_api import expect

from accounts.demo import DEMO_HR_TOTP_SECRET, DEMO_PASSWORD, DEMO_PERSONAS
from tests.e2e.conftest import words_split_over_lines

WIDTHS = [360, 390]
EMAILS = {role: email for role, email, *_ in DEMO_PERSONAS}

# The widest elements on the page, for the failure message: what to fix.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
  const clipped = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (scrolls(p) && p !== document.body && p !== document.documentElement) return true; }
    return false; };
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
    .slice(-5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
                 ' right=' + Math.round(el.getBoundingClientRect().right));
}"""


@pytest.fixture
def demo_org(live_server, transactional_db):
    # PHONE_TEST_PEOPLE=3000 checks the pages at the size `make run` seeds (longer tables).
    people = os.environ.get("PHONE_TEST_PEOPLE", "60")
    call_command("seed_demo", "--people", people, "--seed", "1", "--quiet")


def _pages(role: str) -> list[str]:
    """The pages each persona uses, read from the demo organisation."""
    from matching.cohorts.models import Cohort
    from matching.mentorship.models import MentorProfile, MentorRequest, Mentorship
    from matching.sponsorship.models import AdvocacyRecord, Sponsorship

    email = EMAILS[role]
    if role == "employee":
        mentor = MentorProfile.objects.exclude(person__user__email=email).first()
        sponsorship = Sponsorship.objects.filter(protege__user__email=email).first()
        return [
            "/", "/mentoring/", "/mentoring/mentors/", "/mentoring/suggestions/",
            "/mentoring/how-suggestions-work/", f"/mentoring/mentors/{mentor.person_id}/",
            f"/mentoring/mentors/{mentor.person_id}/request/", "/mentoring/become-a-mentor/",
            "/sponsorship/", "/sponsorship/my-sponsor/", f"/sponsorship/{sponsorship.pk}/",
            f"/mentoring/survey/sponsorship/{sponsorship.pk}/baseline/",
            "/cohorts/", "/me/inbox/", "/me/profile/",
        ]
    if role == "mentor":
        waiting = MentorRequest.objects.filter(mentor__user__email=email, status="open").first()
        mentorship = Mentorship.objects.filter(
            Q(mentor__user__email=email) | Q(mentee__user__email=email)).first()
        pages = ["/", "/mentoring/", f"/mentoring/requests/{waiting.pk}/", "/me/inbox/"]
        return pages + ([f"/mentoring/{mentorship.pk}/"] if mentorship else [])
    if role == "sponsor":
        sponsorship = Sponsorship.objects.filter(sponsor__user__email=email,
                                                 status="active").first()
        advocacy = AdvocacyRecord.objects.filter(sponsorship__sponsor__user__email=email).first()
        return [
            "/", "/sponsorship/", "/sponsorship/sponsoring/", "/sponsorship/sponsoring/propose/",
            f"/sponsorship/{sponsorship.pk}/", f"/sponsorship/{sponsorship.pk}/advocacy/new/",
            f"/sponsorship/{sponsorship.pk}/touchpoints/new/",
            f"/sponsorship/advocacy/{advocacy.pk}/", "/sponsorship/register/",
        ]
    cohort = Cohort.objects.first()
    return [
        "/", "/hr/dashboard/", "/hr/report/", "/hr/equity/", "/hr/reminders/",
        "/hr/cohorts/", f"/hr/cohorts/{cohort.slug}/", "/sponsorship/hr/registrations/",
        "/sponsorship/hr/pair/", "/sponsorship/hr/interests/",
        "/sponsorship/hr/career-events/", "/me/import/",
    ]


def _phone(browser, live_server, role: str, width: int):
    from tests.e2e.conftest import sign_in

    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 800})
    context.set_default_timeout(15000)
    page = sign_in(context.new_page(), EMAILS[role], password=DEMO_PASSWORD,
                   totp_secret=DEMO_HR_TOTP_SECRET if role == "hr" else None)
    return context, page


def _check_pages(page, shots, width, paths):
    too_wide = []
    for path in paths:
        response = page.goto(path)
        assert response.status < 400, f"{path} answered {response.status}"
        name = path.strip("/").replace("/", "-") or "home"
        shots(page, f"{width}-{name}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide.append(f"{path} at {width}: {scroll_width} px {page.evaluate(WIDEST)}")
    return too_wide


@pytest.mark.parametrize("role", ["employee", "mentor", "sponsor", "hr"])
def test_every_main_page_fits_a_phone_screen(demo_org, browser, live_server, shots, role):
    paths, too_wide = _pages(role), []
    # Signed in once: a second two-factor sign-in within 30 s would reuse the code (refused).
    context, page = _phone(browser, live_server, role, WIDTHS[0])
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            too_wide += _check_pages(page, shots, width, paths)
    finally:
        context.close()
    assert not too_wide, "wider than the screen:\n" + "\n".join(too_wide)


def test_the_menu_button_opens_the_main_menu_on_a_phone(demo_org, browser, live_server, shots):
    context, page = _phone(browser, live_server, "employee", WIDTHS[0])
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto("/")
            nav = page.get_by_role("navigation", name="Main")
            expect(nav.get_by_role("link", name="Home")).to_be_hidden()
            header = page.locator("header.topbar").bounding_box()
            assert header["height"] <= 72, f"the top bar is {header['height']} px tall"
            shots(page, f"{width}-menu-closed")
            page.get_by_role("button", name="Menu").click()
            expect(nav.get_by_role("link", name="Home")).to_be_visible()
            expect(page.get_by_role("link", name="Inbox")).to_be_visible()
            shots(page, f"{width}-menu-open")
            nav.get_by_role("link", name="Mentor directory").click()
            page.wait_for_url("**/mentoring/mentors/")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize("role", ["employee", "mentor", "sponsor", "hr"])
def test_every_main_page_fits_a_phone_screen_in_every_language(demo_org, browser, live_server,
                                                                 shots, role):
    """French and Spanish run longer than English: the same pages at 360 px in each."""
    from accounts.models import Person

    paths, too_wide = _pages(role), []
    context, page = _phone(browser, live_server, role, WIDTHS[0])
    try:
        for language in ("fr", "es"):
            Person.objects.filter(user__email=EMAILS[role]).update(preferred_language=language)
            page.goto("/")
            assert page.locator("html").get_attribute("lang") == language
            too_wide += _check_pages(page, lambda p, name, lang=language: shots(
                p, f"{lang}-{name}"), WIDTHS[0], paths)
    finally:
        context.close()
    assert not too_wide, "wider than the screen:\n" + "\n".join(too_wide)




@pytest.mark.parametrize("width", [360, 1280])
def test_table_cells_keep_whole_words(demo_org, browser, live_server, shots, width):
    """The sponsor's tables at phone and desktop width: a header or a status tag wraps between
    words, never inside one (the table scrolls in its own box on a phone instead)."""
    context, page = _phone(browser, live_server, "sponsor", width)
    try:
        split = {}
        for path in ("/sponsorship/sponsoring/", "/sponsorship/sponsoring/scorecard/"):
            page.goto(path)
            expect(page.get_by_role("table").first).to_be_visible()
            shots(page, f"{width}-{path.strip('/').replace('/', '-')}")
            # Table words ("Overdu|e", "Recor|ds"); "Kept: 2" or "(late)" may break at the marks.
            if words := words_split_over_lines(page, "main table th, main table td",
                                               r"[^\s:,·()]+"):
                split[path] = words
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
    assert not split, f"words split over two lines in table cells: {split}"


def test_the_mentor_directory_reads_one_mentor_at_a_time_on_a_phone(demo_org, browser,
                                                                      live_server, shots):
    """Each mentor's room is on screen (not scrolled out of a squeezed table) and no skill or
    header is split in the middle of a word."""
    context, page = _phone(browser, live_server, "employee", WIDTHS[0])
    try:
        page.goto("/mentoring/mentors/")
        shots(page, "directory")
        rows = page.locator("#directory-results table tbody tr")
        assert rows.count() > 3
        for i in range(rows.count()):
            room = rows.nth(i).locator("td").last.locator(".tag")
            box = room.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[0], \
                f"row {i}: the room ({room.inner_text()}) is off screen at x={box['x']}"
        # A skill tag on two lines means a word was cut ("Budgeti-ng"): each is one line high.
        heights = page.locator("#directory-results td .tag").evaluate_all(
            "tags => tags.map(t => [t.textContent, t.getBoundingClientRect().height,"
            " parseFloat(getComputedStyle(t).lineHeight)])")
        cut = [text for text, height, line in heights if height > line * 1.5]
        assert not cut, f"skills split over lines: {cut}"
    finally:
        context.close()
