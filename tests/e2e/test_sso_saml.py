"""Single sign-on through SAML 2.0, end to end in a real browser, against a real identity
provider: pysaml2's IdP runs in a second process on loopback (tests/saml_idp/), with a key and
certificate made for the test, signing with Debian's xmlsec1. The program reads the IdP's
metadata from its URL, as with Entra ID or Okta; the IdP reads the program's SP metadata from
/accounts/saml/company/metadata/. Nothing is mocked.

- An imported employee signs in with "Company SAML sign-in" and lands on their own home page,
  linked to their Person, when the app trusts the IdP's addresses (SAML_TRUST_EMAIL).
- When it does not, the same sign-in gets an account but not the Person with that address.
- With the domain SSO-only, passwords are refused and SAML still signs people in; an address no
  Person has gets an account linked to nobody.
- An HR admin without the app's own TOTP whose IdP asserts a multi-factor AuthnContextClassRef
  reaches the HR pages; one whose IdP asserts only a password is sent to set up two-factor.
"""

import datetime
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Person, User
from tests import factories
from tests.e2e.sso import free_port, sso_sign_in, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
IDP_PASSWORD = "idp-pass-2026"
PASSWORD_ONLY = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
TWO_FACTOR = "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"


def _key_and_certificate(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "loopback-idp")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    key_path, cert_path = folder / "idp-key.pem", folder / "idp-cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@pytest.fixture
def saml_idp(tmp_path, live_server):
    """start(users, trust_email=True) -> the IdP's base URL. users: {email: authn context}."""
    servers = []

    def start(users: dict[str, str], trust_email: bool = True) -> str:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        folder = tmp_path / f"idp-{port}"
        folder.mkdir()
        key, cert = _key_and_certificate(folder)
        app_settings = {"attribute_mapping": settings.SAML_ATTRIBUTE_MAPPING,
                        "verified_email": trust_email}
        # Our SP metadata needs an IdP: first the IdP's details typed in (the
        # SAML_IDP_ENTITY_ID / SSO_URL / X509_CERT way), for the IdP to read our metadata...
        app, _ = SocialApp.objects.update_or_create(
            provider="saml", client_id="company",
            defaults={"provider_id": "company", "name": "Company SAML sign-in", "settings": {
                **app_settings, "idp": {"entity_id": f"{base}/metadata",
                                        "sso_url": f"{base}/sso/redirect",
                                        "x509cert": cert.read_text()}}})
        with urllib.request.urlopen(f"{live_server.url}/accounts/saml/company/metadata/",
                                    timeout=10) as response:
            (folder / "sp.xml").write_bytes(response.read())
        config = {"base": base, "port": port, "key": str(key), "cert": str(cert),
                  "sp_metadata": str(folder / "sp.xml"), "users": {
                      email: {"password": IDP_PASSWORD, "authn_context": context,
                              "attributes": {"mail": [email], "givenName": ["Test"],
                                             "sn": [email.split("@")[0].title()]}}
                      for email, context in users.items()}}
        (folder / "config.json").write_text(json.dumps(config))
        env = {**os.environ}
        env.pop("DATABASE_URL", None)
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "tests.saml_idp.server", str(folder / "config.json")],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=folder.joinpath(
                "stderr.txt").open("w")))
        wait_until_up(f"{base}/metadata", "the loopback SAML IdP (see its stderr.txt in "
                      f"{folder})")
        # ... then, as with Entra ID or Okta, only its metadata URL (SAML_METADATA_URL).
        app.settings = {**app_settings, "idp": {"metadata_url": f"{base}/metadata",
                                                "entity_id": f"{base}/metadata"}}
        app.save()
        return base

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def _saml_sign_in(page, email, shots=None):
    """Up to the IdP posting its signed assertion back to our ACS URL."""
    sso_sign_in(page, button="Company SAML sign-in", provider_page="http://127.0.0.1:*/sso/*",
                email=email, password=IDP_PASSWORD, submit="Sign in at the IdP", shots=shots)


def test_an_employee_signs_in_through_the_company_saml_provider(new_page, shots, saml_idp,
                                                                 alice, live_server):
    alice_email = alice.email
    alice.user.delete()  # imported, never signed in before
    saml_idp({alice_email: PASSWORD_ONLY})
    page = new_page()
    _saml_sign_in(page, alice_email, shots)
    page.wait_for_url(f"{live_server.url}/")
    shots(page, "signed-in-through-saml")
    user = User.objects.get(email__iexact=alice_email)
    assert Person.objects.get(pk=alice.pk).user == user
    assert alice.full_name.split()[0] in page.content()
    account = SocialAccount.objects.get(user=user, provider="company")
    assert account.extra_data["saml:AuthnContextClassRef"] == [PASSWORD_ONLY]


def test_an_address_the_app_does_not_trust_the_idp_for_gets_no_ones_records(new_page, shots,
                                                                             saml_idp):
    person = factories.PersonFactory(email="claimed@example.com")
    saml_idp({"claimed@example.com": PASSWORD_ONLY}, trust_email=False)
    page = new_page()
    _saml_sign_in(page, "claimed@example.com")
    page.wait_for_load_state()
    shots(page, "untrusted-address")
    person.refresh_from_db()
    assert person.user is None
    user = User.objects.get(socialaccount__provider="company")
    assert not Person.objects.filter(user=user).exists()
    assert not user.emailaddress_set.filter(verified=True).exists()


def test_an_sso_only_domain_signs_in_through_saml_and_links_only_the_asserted_address(
        new_page, shots, saml_idp, settings, bob, live_server):
    settings.SSO_ONLY_EMAIL_DOMAINS = ["example.com"]
    other = factories.PersonFactory(email="someone.else@example.com")
    saml_idp({bob.email: PASSWORD_ONLY, "stranger@example.com": PASSWORD_ONLY})
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(bob.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("sign in with the company's single sign-on")).to_be_visible()
    _saml_sign_in(page, bob.email)
    page.wait_for_url(f"{live_server.url}/")
    shots(page, "sso-only-domain-through-saml")
    assert bob.full_name.split()[0] in page.content()
    assert SocialAccount.objects.filter(user=bob.user, provider="company").exists()

    page = new_page()  # an address the IdP asserts but HR never imported
    _saml_sign_in(page, "stranger@example.com")
    page.wait_for_url(lambda url: "/accounts/saml/" not in url and "127.0.0.1:" not in url)
    shots(page, "address-without-a-person")
    stranger = User.objects.get(email="stranger@example.com")
    assert not Person.objects.filter(user=stranger).exists()
    other.refresh_from_db()
    assert other.user is None


def test_the_idps_multi_factor_sign_in_is_an_hr_admins_second_factor(new_page, shots, saml_idp,
                                                                     hana, live_server):
    hugo = factories.PersonFactory(full_name="Hugo HR", email="hugo@example.com", with_user=True)
    hugo.user.is_hr_admin = True
    hugo.user.save()
    saml_idp({hana.email: TWO_FACTOR, hugo.email: PASSWORD_ONLY})
    page = new_page()
    _saml_sign_in(page, hana.email)
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/hr/")
    shots(page, "hr-admin-with-the-idps-mfa")
    assert "/2fa/" not in page.url
    assert page.url.startswith(f"{live_server.url}/hr/")

    page = new_page()
    _saml_sign_in(page, hugo.email)
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    shots(page, "hr-admin-with-a-password-only")
    expect(page.get_by_text("must turn on two-factor sign-in")).to_be_visible()
    # Reached through an address never verified here, the account's password was wiped
    # (allauth): the fresh sign-in itself lets Hugo set up TOTP, no password asked.
    hugo.user.refresh_from_db()
    assert not hugo.user.has_usable_password()
    expect(page.get_by_label("Authenticator code")).to_be_visible()
