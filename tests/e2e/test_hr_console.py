"""HR in a real browser: from a dashboard number to the list it counts, to a person, to an
action (ending a mentorship with a reason both people read); every console page fits a 360 px
phone without scrolling sideways."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_HR_TOTP_SECRET, DEMO_PASSWORD
from accounts.models import Notification
from accounts.program_settings import CACHE_KEY
from matching.mentorship.models import Mentorship
from tests.e2e.conftest import sign_in

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo_org(live_server, transactional_db):
    call_command("seed_demo", "--people", "300", "--seed", "1", "--quiet")
    yield
    cache.delete(CACHE_KEY)  # the test changes a program setting; the next test must not see it


def _too_wide(page) -> list[str]:
    """What sticks out past the right edge of the window (nothing, on a page that fits)."""
    return page.evaluate("""() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
        [`the page is ${document.documentElement.scrollWidth}px wide`].concat(
          Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         && !e.closest('.table-scroll table'))
            .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))
            .slice(0, 5))""")


def test_hr_goes_from_a_dashboard_number_to_a_person_and_ends_their_mentorship(
        demo_org, new_page, shots):
    page = sign_in(new_page(), "hr@example.com", password=DEMO_PASSWORD,
                   totp_secret=DEMO_HR_TOTP_SECRET)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    active = int(page.locator(".stat.mentorship .stat-value").inner_text().replace(",", ""))
    assert active > 0
    page.locator(".stat.mentorship a.stat-value").click()
    page.wait_for_url(re.compile(r"/hr/console/mentorships/\?status=active"))
    expect(page.get_by_role("heading", name="Mentorships", level=1)).to_be_visible()
    assert page.locator(".console-bar strong").inner_text().replace(",", "") == str(active)
    shots(page, "mentorships-from-dashboard")
    page.screenshot(path=str(shots.folder / "viewport-list.png"))  # for the README

    # Sort by mentee, then open the first mentee's file.
    page.get_by_role("link", name="Mentee", exact=True).click()
    page.wait_for_url(re.compile(r"sort=mentee"))
    first = page.locator(".console-table tbody tr").first
    mentee_name = first.locator("td").nth(2).inner_text()
    first.get_by_role("link", name=mentee_name).click()
    page.wait_for_url(re.compile(r"/hr/people/\d+/"))
    expect(page.get_by_role("heading", name=mentee_name, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Mentorships")).to_be_visible()
    shots(page, "person")
    page.screenshot(path=str(shots.folder / "viewport-person.png"))

    mentorship = Mentorship.objects.get(mentee__full_name=mentee_name, status="active")
    page.locator(f'a[href="/hr/relationships/mentorship/{mentorship.pk}/end/"]').click()
    page.get_by_label("Reason").select_option("role_change")
    page.get_by_label("Why HR is ending it").fill("The mentor moved to another region.")
    shots(page, "end-form")
    page.get_by_role("button", name="End the mentorship").click()
    page.wait_for_url(re.compile(r"/hr/people/\d+/"))
    expect(page.get_by_text("Both have been told why.")).to_be_visible()
    shots(page, "ended")
    mentorship.refresh_from_db()
    assert mentorship.status == "ended_early"
    assert mentorship.close_note == "The mentor moved to another region."
    for person in (mentorship.mentor, mentorship.mentee):
        assert Notification.objects.filter(recipient=person, kind="mentorship_closed",
                                           body__contains="another region").exists()

    # The other console pages HR reaches from here.
    person_url = page.url
    page.get_by_role("link", name=f"Find a sponsor for {mentee_name}").click()
    expect(page.get_by_role("heading", name=f"Find a sponsor for {mentee_name}")).to_be_visible()
    assert page.locator(".candidate-list li").count() > 0
    page.screenshot(path=str(shots.folder / "viewport-find-sponsor.png"))
    page.get_by_role("link", name="Data health").click()
    expect(page.get_by_role("heading", name="Data health", level=1)).to_be_visible()
    page.screenshot(path=str(shots.folder / "viewport-data-health.png"))
    page.get_by_role("link", name="Program settings").click()
    page.get_by_label("Minimum group size").fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: Minimum group size.")).to_be_visible()
    page.screenshot(path=str(shots.folder / "viewport-settings.png"))

    # The same pages on a phone: nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    for url, name in ((person_url, "phone-person"),
                      (person_url + "find-sponsor/", "phone-find-sponsor"),
                      ("/hr/data-health/", "phone-data-health"),
                      ("/hr/settings/", "phone-settings"),
                      ("/hr/console/mentorships/?status=active", "phone-list"),
                      ("/hr/console/requests/", "phone-requests"),
                      ("/hr/dashboard/", "phone-dashboard")):
        assert page.goto(url).ok, url
        assert _too_wide(page) == [], url
        shots(page, name)
