"""HR on a phone creates an API token for a BI tool, copies it once, the tool reads with it,
and HR revokes it: the page fits 360 px and the token stops working at once."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import give_totp, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_creates_a_token_a_tool_reads_with_then_revokes_it(hana, browser, live_server,
                                                               shots):
    factories.CareerEventFactory(person=hana, description="Head of People")
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 360, "height": 740})
    context.set_default_timeout(15000)
    page = sign_in(context.new_page(), hana.email, totp_secret=give_totp(hana.user))
    page.goto("/")
    page.get_by_role("link", name="Connect HR systems and BI tools (API tokens)").click()
    page.wait_for_url(re.compile(r"/api/tokens/$"))
    page.get_by_label("What it is for").fill("Power BI")
    shots(page, "tokens-page")
    page.get_by_role("checkbox", name=re.compile(r"read: relationships")).check()
    page.get_by_role("button", name="Create token").click()
    token = page.locator("[role=status] code").inner_text()
    assert token.startswith("gta_")
    expect(page.get_by_role("cell", name="read", exact=True)).to_be_visible()
    shots(page, "token-created")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    tool = context.request  # a BI tool: no session cookie matters, only the token
    answer = tool.get("/api/v1/career-events", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200
    assert answer.json()["items"][0]["description"] == "Head of People"

    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Revoked “Power BI”: it no longer works.")).to_be_visible()
    shots(page, "token-revoked")
    answer = tool.get("/api/v1/career-events", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 401
    context.close()
