"""The real demo organisation: each demo persona signs in through the browser and sees home."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_HR_TOTP_SECRET, DEMO_PASSWORD, DEMO_PERSONAS
from tests.e2e.conftest import sign_in


@pytest.fixture
def demo_org(live_server, transactional_db):
    call_command("seed_demo", "--people", "60", "--seed", "1", "--quiet")


@pytest.mark.parametrize(("role", "email", "name"),
                         [(role, email, name) for role, email, name, *_ in DEMO_PERSONAS])
def test_each_demo_persona_signs_in_and_sees_their_home(demo_org, new_page, shots, role, email,
                                                        name):
    page = sign_in(new_page(), email, password=DEMO_PASSWORD,
                   totp_secret=DEMO_HR_TOTP_SECRET if role == "hr" else None)
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Home")).to_be_visible()
    shots(page, f"{role}-home")
