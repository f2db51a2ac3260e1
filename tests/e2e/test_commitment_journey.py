"""A sponsor writes a dated commitment for a protégé, records the advocacy that keeps it, and sees
it kept on time on their scorecard; the protégé sees the shared commitment; HR sees the sponsor
side by side with the others. At desktop width and at 360 px."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.sponsorship.models import Commitment
from tests import factories
from tests.e2e.conftest import give_totp, sign_in

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture
def sponsorship(sam, alice):
    return factories.SponsorshipFactory(sponsor=sam, protege=alice,
                                        started_on=timezone.localdate() - datetime.timedelta(30))


@pytest.mark.parametrize("width", [1280, 360])
def test_commitment_to_advocacy_to_a_kept_commitment_on_the_scorecard(
        new_page, shots, sponsorship, sam, alice, hana, width):
    due = timezone.localdate() + datetime.timedelta(days=14)
    page = sign_in(new_page(), sam.email)
    page.set_viewport_size({"width": width, "height": 900})

    # The sponsorship page asks for a first commitment.
    page.goto(f"/sponsorship/{sponsorship.pk}/")
    shots(page, f"{width}-sponsorship-asks-for-a-commitment")
    page.get_by_role("link", name="Write your first commitment").click()
    page.get_by_label("What you will do").select_option("introduction")
    page.get_by_label("Where").fill("Platform leadership offsite")
    page.get_by_label("By when").fill(due.isoformat())
    page.get_by_label("Share this commitment with the protégé").check()
    page.get_by_role("button", name="Save commitment", exact=True).click()
    # The rule: an introduction names the decision maker.
    expect(page.get_by_text("Name the decision maker you will introduce them to.")).to_be_visible()
    shots(page, f"{width}-commitment-needs-a-decision-maker")
    page.get_by_label("Decision maker (for an introduction)").fill("Dana Ruiz, VP Platform")
    page.get_by_role("button", name="Save commitment", exact=True).click()
    page.wait_for_url(re.compile(rf"/sponsorship/{sponsorship.pk}/$"))
    expect(page.get_by_text("Dana Ruiz, VP Platform")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shots(page, f"{width}-commitment-written")
    commitment = Commitment.objects.get()
    assert commitment.state == "open" and commitment.due_on == due

    # Alice sees the shared commitment on her page.
    alice_page = sign_in(new_page(), alice.email)
    alice_page.set_viewport_size({"width": width, "height": 900})
    alice_page.goto("/sponsorship/my-sponsor/")
    expect(alice_page.get_by_text("What your sponsor has committed to")).to_be_visible()
    expect(alice_page.get_by_text("Dana Ruiz, VP Platform")).to_be_visible()
    shots(alice_page, f"{width}-protege-sees-the-commitment")

    # Sam records the introduction from the commitment; it is kept, on time.
    page.get_by_role("link", name="Introduce to a named decision maker").click()
    shots(page, f"{width}-commitment-open")
    page.get_by_role("link", name="Record the advocacy that keeps it").click()
    expect(page.get_by_text("This record keeps your commitment")).to_be_visible()
    page.get_by_label("What you put forward").fill(
        "Introduced Alice to Dana and walked her through the platform roadmap pitch.")
    shots(page, f"{width}-advocacy-form-keeping-it")
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_text("Advocacy recorded and the commitment kept.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Kept on time")).first).to_be_visible()
    shots(page, f"{width}-commitment-kept")
    commitment.refresh_from_db()
    assert commitment.state == "kept" and commitment.kept_on_time

    # The scorecard counts it.
    page.goto("/sponsorship/sponsoring/")
    page.get_by_role("link", name="Your scorecard").click()
    stats = page.get_by_role("list", name="Commitments")
    expect(stats.get_by_text(re.compile(r"^1\s+kept on time$"))).to_be_visible()
    expect(stats.get_by_text(re.compile(r"^1\s+commitment made$"))).to_be_visible()
    expect(page.get_by_role("rowheader", name="Introduction to a decision maker")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shots(page, f"{width}-scorecard")

    # HR sees Sam among the sponsors, and Sam's own scorecard.
    hr = sign_in(new_page(), hana.email, totp_secret=give_totp(hana.user))
    hr.set_viewport_size({"width": width, "height": 900})
    hr.goto("/sponsorship/hr/scorecards/")
    row = hr.get_by_role("row", name=re.compile("Sam Sponsor"))
    assert row.get_by_role("cell").nth(2).inner_text() == "1"  # kept on time
    assert hr.evaluate(NO_SIDEWAYS_SCROLL)
    shots(hr, f"{width}-hr-scorecards")
    hr.get_by_role("link", name="Sam Sponsor").click()
    expect(hr.get_by_role("heading", name="Scorecard: Sam Sponsor")).to_be_visible()
