"""A pair in a real browser, from acceptance to a held meeting: Bob accepts Alice's request; they
exchange messages; Alice (New York) offers two times; Bob (Tokyo) reads them in his own time,
accepts one and downloads the invitation; after the meeting the page asks for notes, and the
check-in clears the prompt. Also at phone width (360 px): nothing scrolls sideways.
"""

import datetime
import re

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from matching.mentorship import services as mentoring
from matching.pairs import services as pairs
from matching.pairs.models import MeetingProposal, Message
from tests import factories
from tests.e2e.conftest import sign_in


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_pair_messages_agrees_a_time_meets_and_logs_it(new_page, shots, alice, bob, browser,
                                                         live_server):
    alice.timezone = "America/New_York"
    alice.save()
    bob.timezone, bob.meeting_preference = "Asia/Tokyo", "Video call, early evenings Tokyo time"
    bob.save()
    goal = factories.SkillFactory(name="Public speaking")
    request = mentoring.mentor_request_create(mentee=alice, mentor=bob, message="Help me present",
                                              goals=[goal])

    # 1. Bob accepts; the mentorship page shows how to reach Alice.
    bob_page = sign_in(new_page(), bob.email)
    bob_page.goto(f"/mentoring/requests/{request.pk}/")
    assert "Wants to grow in" in bob_page.content()
    bob_page.get_by_role("button", name="Accept and start the mentorship").click()
    mentorship = request.__class__.objects.get(pk=request.pk).mentorship
    bob_page.goto(f"/mentoring/{mentorship.pk}/")
    panel = bob_page.locator("section.p-panel")
    assert "alice@example.com" in panel.inner_text() and "America/New_York" in panel.inner_text()
    shots(bob_page, "mentor-sees-contact")

    # 2. Bob writes; Alice sees it as new and answers.
    panel.get_by_role("link", name=re.compile("Messages and meeting times")).click()
    bob_page.get_by_role("textbox", name="Message").fill(
        "Welcome! Send me a couple of times that suit you.")
    bob_page.get_by_role("button", name="Send", exact=True).click()
    alice_page = sign_in(new_page(), alice.email)
    alice_page.goto(f"/mentoring/{mentorship.pk}/")
    expect(alice_page.locator("section.p-panel").get_by_text("1 new")).to_be_visible()
    alice_page.locator("section.p-panel").get_by_role(
        "link", name=re.compile("Messages and meeting times")).click()
    expect(alice_page.get_by_text("Welcome! Send me a couple of times")).to_be_visible()
    alice_page.get_by_role("textbox", name="Message").fill("Thank you! Offering two slots now.")
    alice_page.get_by_role("button", name="Send", exact=True).click()

    # 3. Alice offers two times in her own (New York) time.
    day = timezone.localdate() + datetime.timedelta(days=5)
    alice_page.get_by_label("First time").fill(f"{day.isoformat()}T08:00")
    alice_page.get_by_label("Second time (optional)").fill(f"{day.isoformat()}T18:30")
    alice_page.get_by_role("button", name="Send these times").click()
    expect(alice_page.get_by_text("Times sent")).to_be_visible()
    shots(alice_page, "mentee-offered-times")
    proposal = MeetingProposal.objects.get()
    assert pairs.local(proposal.option_1, alice).strftime("%H:%M") == "08:00"

    # 4. Bob reads them in Tokyo time and accepts the first.
    bob_page.reload()
    tokyo = pairs.local(proposal.option_1, bob)
    accept = bob_page.get_by_role("button", name=f"Accept {tokyo:%a %-d %b, %H:%M}")
    expect(accept).to_be_visible()
    shots(bob_page, "mentor-reads-times-in-tokyo")
    accept.click()
    expect(bob_page.get_by_text("Accepted: it is your next meeting")).to_be_visible()
    with bob_page.expect_download() as download:
        bob_page.get_by_role("link", name="Add to calendar (.ics)").click()
    event = Calendar.from_ical(download.value.path().read_bytes()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == proposal.option_1
    mentorship.refresh_from_db()
    assert mentorship.next_due_on == timezone.localdate(proposal.option_1)

    # 5. The meeting takes place; the page asks for notes until a check-in is logged.
    MeetingProposal.objects.filter(pk=proposal.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1))
    alice_page.goto(f"/mentoring/{mentorship.pk}/")
    expect(alice_page.get_by_text(re.compile("has taken place: log it below"))).to_be_visible()
    alice_page.get_by_label("What you discussed").fill(
        "Rehearsed the opening of the talk.")
    alice_page.get_by_role("button", name="Save check-in").click()
    expect(alice_page.get_by_text(re.compile("has taken place"))).to_be_hidden()
    shots(alice_page, "meeting-logged")
    assert Message.objects.count() == 2

    # 6. At phone width the thread and the pair's page fit the screen.
    phone = browser.new_context(base_url=live_server.url,
                                viewport={"width": 360, "height": 740})
    phone_page = sign_in(phone.new_page(), bob.email)
    for url in (f"/pairs/mentorship/{mentorship.pk}/", f"/mentoring/{mentorship.pk}/",
                "/pairs/calendar/"):
        phone_page.goto(url)
        shots(phone_page, "phone-" + url.strip("/").replace("/", "-"))
        assert _fits(phone_page), url
    phone.close()
