"""A leader registers, HR approves one below the level, a sponsorship forms and is accepted, the
sponsor records advocacy and settles a promotion nomination, and the protégé sees only what was
shared with them."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from accounts.models import CareerEvent, SponsorProfile
from matching.relationships.models import SurveyResponse
from matching.sponsorship.models import Sponsorship
from tests import factories
from tests.e2e.conftest import give_totp, sign_in


@pytest.fixture
def leader(db, product):
    return factories.PersonFactory(full_name="Lena Leader", email="lena@example.com", level=7,
                                   title="Director of Platform", department=product,
                                   with_user=True)


@override_settings(SPONSOR_MIN_LEVEL=6)
def test_sponsorship_journey(new_page, shots, leader, bob, alice, hana, engineering, product):
    # A leader at the sponsor level registers and is approved at once.
    page = sign_in(new_page(), leader.email)
    page.get_by_role("link", name="Sponsorship", exact=True).click()
    shots(page, "sponsorship-index")
    page.get_by_role("link", name="Register as a sponsor").click()
    page.get_by_label("Product").check()
    page.get_by_label("Promotions").check()
    page.get_by_label("High-visibility projects").check()
    page.get_by_label("Protégés at once").fill("2")
    shots(page, "register-form")
    page.get_by_role("button", name="Register").click()
    page.get_by_label("I accept this commitment").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Sponsoring")).to_be_visible()
    shots(page, "registered-sponsor-page")
    assert SponsorProfile.objects.get(person=leader).status == "approved"

    # Bob (level 5) registers too and waits, with the reason shown.
    bob_page = sign_in(new_page(), bob.email)
    bob_page.goto("/sponsorship/register/")
    bob_page.get_by_label("Protégés at once").fill("1")
    bob_page.get_by_label("I accept this commitment").check()
    bob_page.get_by_role("button", name="Register").click()
    expect(bob_page.get_by_text("Level 5 is below the sponsor level (6)").first).to_be_visible()
    shots(bob_page, "below-level-waits")

    # HR approves Bob from the queue.
    hr = sign_in(new_page(), hana.email, totp_secret=give_totp(hana.user))
    hr.get_by_role("link", name="Sponsors", exact=True).click()
    expect(hr.get_by_role("cell", name=re.compile("Level 5 is below"))).to_be_visible()
    shots(hr, "hr-approval-queue")
    hr.get_by_role("button", name="Approve Bob Mentor").click()
    expect(hr.get_by_text("Bob Mentor's registration is approved.")).to_be_visible()
    shots(hr, "hr-approved")
    assert SponsorProfile.objects.get(person=bob).status == "approved"

    # The leader proposes Alice; Alice accepts.
    page.get_by_role("link", name="Propose a protégé").click()
    page.get_by_label("Protégé").fill(alice.email)
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Waiting for Alice Employee to accept.")).to_be_visible()
    sponsorship = Sponsorship.objects.get(sponsor=leader, protege=alice)
    assert sponsorship.status == "proposed"

    alice_page = sign_in(new_page(), alice.email)
    alice_page.goto(f"/sponsorship/{sponsorship.pk}/")
    shots(alice_page, "protege-asked-to-accept")
    alice_page.get_by_role("button", name="Accept").click()
    # Accepting leads straight to the shared start survey.
    alice_page.wait_for_url(re.compile(r"/survey/sponsorship/\d+/baseline/"))
    shots(alice_page, "protege-accepted-start-survey")
    sponsorship.refresh_from_db()
    assert sponsorship.status == "active"
    alice_page.get_by_role("group", name=re.compile("confident")).get_by_text("3").click()
    alice_page.get_by_role("group", name=re.compile("progress")).get_by_text("2").click()
    alice_page.get_by_role("button", name="Send answers").click()
    alice_page.wait_for_load_state()
    assert SurveyResponse.objects.get(sponsorship=sponsorship, phase="baseline").confidence == 3

    # The sponsor records a shared promotion nomination and a private endorsement.
    page.goto(f"/sponsorship/{sponsorship.pk}/advocacy/new/")
    page.get_by_label("What you did").select_option("promotion_nomination")
    page.get_by_label("Where").fill("Q3 promotion committee")
    page.get_by_label("What you put forward").fill("Alice for senior engineer: she led the "
                                                    "payments migration.")
    page.get_by_label("Share this record with the protégé").check()
    shots(page, "advocacy-form")
    page.get_by_role("button", name="Save record").click()
    page.get_by_role("link", name="Record advocacy").first.click()
    page.get_by_label("What you did").select_option("talent_review_endorsement")
    page.get_by_label("How openly").select_option("closed_doors")
    page.get_by_label("What you put forward").fill("Argued for Alice as top-tier in calibration.")
    page.get_by_role("button", name="Save record").click()
    shots(page, "sponsorship-with-two-records")

    # Later: the nomination succeeded, and the promotion is recorded in the same step.
    page.get_by_role("link", name="Promotion nomination").click()
    page.get_by_label("Outcome").select_option("succeeded")
    page.get_by_label("Also record the matching career event for the protégé").check()
    shots(page, "outcome-form")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome saved.")).to_be_visible()
    shots(page, "outcome-saved")
    event = CareerEvent.objects.get(person=alice)
    assert event.kind == "promotion"

    page.goto("/sponsorship/sponsoring/")
    shots(page, "sponsor-page")

    # The protégé sees the shared record only.
    alice_page.goto("/sponsorship/my-sponsor/")
    expect(alice_page.get_by_text("she led the payments migration")).to_be_visible()
    assert alice_page.get_by_text("top-tier in calibration").count() == 0
    shots(alice_page, "protege-page")
    alice_page.goto("/")
    shots(alice_page, "protege-home-card")

    # HR sees the promotion among career events.
    hr.goto("/sponsorship/hr/career-events/")
    expect(hr.get_by_role("row", name=re.compile("Alice Employee")).first).to_be_visible()
    shots(hr, "hr-career-events")
