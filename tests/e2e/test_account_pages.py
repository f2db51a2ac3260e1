"""The allauth pages in the app's look: sign-in, sign-up, verification, reset and two-factor."""

import re

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.e2e.conftest import totp_now
from tests.factories import PASSWORD


def test_signing_up_asks_to_verify_the_email_address(new_page, shots, db):
    page = new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    shots(page, "login")
    page.get_by_role("link", name="sign up").click()
    page.get_by_label("Email").fill("new.starter@example.com")
    page.get_by_label(re.compile(r"^Password\W*$")).fill("a-long-and-unusual-passphrase-42")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase-42")
    shots(page, "signup")
    page.get_by_role("button", name=re.compile("Sign Up", re.I)).click()
    page.wait_for_url(re.compile("/accounts/confirm-email/"))
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    shots(page, "verification-sent")
    assert not EmailAddress.objects.get(email="new.starter@example.com").verified


def test_a_forgotten_password_can_be_reset_by_email(new_page, shots, alice):
    page = new_page()
    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill(alice.email)
    shots(page, "password-reset")
    page.get_by_role("button", name=re.compile("Reset My Password", re.I)).click()
    page.wait_for_url(re.compile("/accounts/password/reset/done/"))
    shots(page, "password-reset-done")


def test_an_hr_admin_sets_up_two_factor_then_needs_it_to_sign_in(new_page, shots, hana):
    EmailAddress.objects.create(user=hana.user, email=hana.email, verified=True, primary=True)
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(hana.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    # The gate: first the password again, then the QR code.
    page.wait_for_url(re.compile("/accounts/reauthenticate/"))
    assert page.get_by_text(
        "HR admins and administrators must turn on two-factor sign-in").is_visible()
    shots(page, "reauthenticate")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_url(re.compile("/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    expect(page.get_by_text("two-factor sign-in is required")).to_be_visible()
    shots(page, "activate-totp")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile("/accounts/2fa/recovery-codes/"))
    assert Authenticator.objects.filter(user=hana.user, type="totp").exists()
    shots(page, "recovery-codes")
    page.goto("/")
    expect(page.get_by_role("heading", name="Welcome, Hana HR")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(hana.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(re.compile("/accounts/2fa/authenticate/"))
    shots(page, "two-factor-code")
    page.get_by_label("Code").fill(totp_now(secret))
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(lambda url: url.endswith("/"))
    expect(page.get_by_role("heading", name="Welcome, Hana HR")).to_be_visible()
