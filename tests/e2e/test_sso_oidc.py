"""Single sign-on through OpenID Connect, end to end in a real browser, against a real provider:
django-allauth's own OpenID Connect identity provider runs in a second process on loopback
(tests/idp/), as Entra ID or Okta would. Nothing is mocked.

- An imported employee whose address the provider asserts as verified signs in with "Company
  sign-in" and lands on their own home page (linked to their Person).
- One whose address the provider does not assert as verified gets an account but no access to
  the Person with that address.
- An HR admin without the app's own TOTP, whose ID token says the provider used MFA
  (`amr`: pwd, mfa), reaches the HR pages without being asked to set up TOTP.
- With their domain SSO-only, the same employee cannot sign in with a password; a superuser
  (break-glass) still can.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.sync_api import expect

from accounts.models import Person, User
from tests import factories
from tests.e2e.conftest import sign_in
from tests.e2e.sso import free_port, sso_sign_in, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "mentorship-program", "loopback-client-secret"


@pytest.fixture
def identity_provider(tmp_path, live_server):
    """start(email, password, verified, amr="pwd,mfa") -> the provider's base URL, serving that
    one employee."""
    servers = []

    def start(email: str, password: str, verified: bool, amr: str = "") -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.idp.settings",
               "IDP_DATABASE": str(tmp_path / f"idp-{len(servers)}.sqlite3"),
               "IDP_PRIVATE_KEY": key.private_bytes(
                   serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                   serialization.NoEncryption()).decode()}
        env.pop("DATABASE_URL", None)
        env["IDP_AMR"] = amr  # the ID token's `amr` claim: how the person signed in there
        callback = f"{live_server.url}/accounts/oidc/company/login/callback/"
        subprocess.run([sys.executable, "-m", "tests.idp.provision", callback, CLIENT_ID,
                        CLIENT_SECRET, email, password, "1" if verified else "0"],
                       cwd=ROOT, env=env, check=True, timeout=120)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers.append(server)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/.well-known/openid-configuration",
                      "the loopback identity provider")
        SocialApp.objects.update_or_create(
            provider="openid_connect", provider_id="company",
            defaults={"name": "Company sign-in", "client_id": CLIENT_ID,
                      "secret": CLIENT_SECRET, "settings": {"server_url": base}})
        return base

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def _sso_sign_in(page, email, password, shots=None):
    sso_sign_in(page, button="Company sign-in", provider_page="**/accounts/login/**",
                email=email, password=password, submit="Sign In", shots=shots)


def test_an_employee_signs_in_through_the_company_provider(new_page, shots, identity_provider,
                                                            alice, live_server):
    alice_email = alice.email
    alice.user.delete()  # imported, never signed in before
    identity_provider(alice_email, "idp-pass-2026", verified=True)
    page = new_page()
    _sso_sign_in(page, alice_email, "idp-pass-2026", shots)
    page.wait_for_url(f"{live_server.url}/")
    shots(page, "signed-in-through-sso")
    user = User.objects.get(email__iexact=alice_email)
    assert Person.objects.get(pk=alice.pk).user == user
    assert alice.full_name.split()[0] in page.content()


def test_an_address_the_provider_does_not_vouch_for_gets_no_ones_records(
        new_page, shots, identity_provider):
    person = factories.PersonFactory(email="claimed@example.com")
    identity_provider("claimed@example.com", "idp-pass-2026", verified=False)
    page = new_page()
    _sso_sign_in(page, "claimed@example.com", "idp-pass-2026")
    page.wait_for_load_state()
    shots(page, "unverified-address")
    person.refresh_from_db()
    assert person.user is None


def test_sso_only_domains_refuse_passwords_but_not_break_glass_superusers(new_page, settings,
                                                                         alice):
    settings.SSO_ONLY_EMAIL_DOMAINS = ["example.com"]
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("sign in with the company's single sign-on")).to_be_visible()
    root = User.objects.create_superuser(email="root@example.com", password=factories.PASSWORD)
    assert root.is_superuser
    page = sign_in(new_page(), "root@example.com")
    assert "/accounts/login/" not in page.url


def test_an_hr_admin_whose_provider_used_mfa_reaches_the_hr_pages(new_page, shots,
                                                                  identity_provider, hana,
                                                                  live_server):
    identity_provider(hana.email, "idp-pass-2026", verified=True, amr="pwd,mfa")
    page = new_page()
    _sso_sign_in(page, hana.email, "idp-pass-2026")
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/hr/")
    shots(page, "hr-admin-with-the-providers-mfa")
    assert page.url.startswith(f"{live_server.url}/hr/")
    account = SocialAccount.objects.get(user=hana.user, provider="company")
    assert account.extra_data["id_token"]["amr"] == ["pwd", "mfa"]
