"""The identity provider's multi-factor sign-in as HR's second factor, at the level of allauth's
social login: a real SocialLogin (an OpenID Connect or SAML app, the provider's answer in the
account's data as allauth stores it) goes through allauth's own complete_social_login, and the
test client then uses that session. The browser version for SAML is in tests/e2e/test_sso_saml.py.

Hana is an HR admin without the app's own TOTP: she must have two factors somewhere.
"""

import lxml.etree
import pytest
import xmlsec
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from accounts.adapter import AccountAdapter
from accounts.middleware import PROVIDER_MFA
from accounts.models import AuditEvent
from accounts.provider_mfa import provider_mfa_values
from accounts.sso import SAML_AUTHN_CONTEXTS
from tests.e2e.conftest import give_totp

SAML_PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
SAML_TWO_FACTOR = "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"


def test_xmlsec_and_lxml_share_one_libxml2():
    """python3-saml cannot load otherwise (pyproject.toml pins the pair)."""
    assert xmlsec.get_libxml_version() == lxml.etree.LIBXML_VERSION


def _app(kind: str) -> SocialApp:
    if kind == "openid_connect":
        return SocialApp.objects.create(provider="openid_connect", provider_id="company",
                                        name="Company sign-in", client_id="program",
                                        settings={"server_url": "https://idp.invalid"})
    return SocialApp.objects.create(provider="saml", provider_id="company", client_id="company",
                                    name="Company SAML sign-in", settings={
                                        "idp": {"entity_id": "https://idp.invalid",
                                                "sso_url": "https://idp.invalid/sso",
                                                "x509cert": ""},
                                        "verified_email": True})


def _social_login(request, person, kind: str, extra_data: dict) -> SocialLogin:
    provider = _app(kind).get_provider(request)
    account = SocialAccount(provider="company", uid=f"{kind}-{person.pk}", extra_data=extra_data)
    login = SocialLogin(provider=provider, account=account, email_addresses=[
        EmailAddress(email=person.email, verified=True, primary=True)])
    login.user = person.user.__class__(email=person.email)
    login.state = {"process": "login"}
    return login


def _sign_in_through_the_provider(client, person, kind: str, extra_data: dict):
    """allauth's own end of a social sign-in, then the test client in that session."""
    request = RequestFactory().get("/accounts/oidc/company/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with context.request_context(request):
        login = _social_login(request, person, kind, extra_data)
        response = complete_social_login(request, login)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    return response, request.session


@pytest.mark.parametrize("kind, extra_data", [
    ("openid_connect", {"id_token": {"sub": "1", "amr": ["pwd", "mfa"]}, "userinfo": {}}),
    ("openid_connect", {"id_token": {"sub": "1", "amr": ["pwd", "otp"]}}),
    ("openid_connect", {"id_token": {"sub": "1", "acr": "https://refeds.org/profile/mfa"}}),
    ("saml", {SAML_AUTHN_CONTEXTS: [SAML_TWO_FACTOR]}),
    ("saml", {SAML_AUTHN_CONTEXTS: [SAML_PASSWORD],
              "http://schemas.microsoft.com/claims/authnmethodsreferences": [
                  "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
                  "http://schemas.microsoft.com/claims/multipleauthn"]}),
])
def test_an_hr_admin_whose_provider_used_mfa_reaches_the_hr_pages(client, hana, kind,
                                                                  extra_data):
    response, session = _sign_in_through_the_provider(client, hana, kind, extra_data)
    assert response.status_code == 302 and response["Location"] == "/"
    assert session[PROVIDER_MFA]["values"]
    # HR's audit trail says how: through which provider, and the multi-factor values.
    [event] = AuditEvent.objects.filter(action="account.sign_in", actor=hana.user)
    assert event.data["method"] == "sso" and event.data["provider"] == "company"
    assert event.data["provider_mfa"] == session[PROVIDER_MFA]["values"]
    assert "single sign-on (company), with the provider's multi-factor" in event.summary
    response = client.get("/hr/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/hr/")
    assert response.status_code == 200


@pytest.mark.parametrize("kind, extra_data", [
    ("openid_connect", {"id_token": {"sub": "1"}}),  # no amr at all (Google)
    ("openid_connect", {"id_token": {"sub": "1", "amr": ["pwd"]}}),
    ("openid_connect", {"userinfo": {"amr": ["mfa"]}}),  # not in the signed ID token
    ("saml", {SAML_AUTHN_CONTEXTS: [SAML_PASSWORD]}),
    ("saml", {}),
])
def test_without_the_providers_mfa_the_apps_own_two_factor_is_still_required(client, hana,
                                                                              kind, extra_data):
    response, session = _sign_in_through_the_provider(client, hana, kind, extra_data)
    assert response["Location"] == "/"
    assert PROVIDER_MFA not in session
    event = AuditEvent.objects.get(action="account.sign_in", actor=hana.user)
    assert event.data == {"method": "sso", "provider": "company", "provider_mfa": []}
    assert "multi-factor" not in event.summary
    response = client.get("/hr/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_the_setting_can_turn_the_providers_mfa_off(client, hana, settings):
    settings.SSO_ACCEPT_PROVIDER_MFA = False
    _sign_in_through_the_provider(client, hana, "openid_connect",
                                  {"id_token": {"sub": "1", "amr": ["mfa"]}})
    assert client.get("/hr/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_more_values_can_be_accepted(hana, rf, settings):
    settings.SSO_MFA_VALUES = ["gold"]
    with context.request_context(rf.get("/")):
        login = _social_login(rf.get("/"), hana, "openid_connect",
                              {"id_token": {"acr": "gold", "amr": ["pwd"]}})
        assert provider_mfa_values(login) == ["gold"]


def test_a_password_sign_in_after_an_sso_one_does_not_keep_the_providers_mfa(client, hana):
    _sign_in_through_the_provider(client, hana, "openid_connect",
                                  {"id_token": {"sub": "1", "amr": ["mfa"]}})
    client.logout()
    EmailAddress.objects.update_or_create(user=hana.user, email=hana.email,
                                          defaults={"verified": True, "primary": True})
    hana.user.set_password("a-fresh-password-2026")
    hana.user.save()
    client.post("/accounts/login/", {"login": hana.email, "password": "a-fresh-password-2026"})
    assert PROVIDER_MFA not in client.session
    assert client.get("/hr/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_an_hr_admin_with_totp_is_still_asked_for_it_at_an_sso_sign_in_without_mfa(client,
                                                                                    hana):
    give_totp(hana.user)
    response, _ = _sign_in_through_the_provider(client, hana, "saml",
                                                {SAML_AUTHN_CONTEXTS: [SAML_PASSWORD]})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")


def test_an_hr_admin_with_totp_is_not_asked_for_it_again_after_the_providers_mfa(client,
                                                                                  hana):
    give_totp(hana.user)
    response, session = _sign_in_through_the_provider(client, hana, "saml",
                                                      {SAML_AUTHN_CONTEXTS: [SAML_TWO_FACTOR]})
    assert response["Location"] == "/"
    assert client.get("/hr/", follow=True).redirect_chain[-1][0].startswith("/hr/")


def test_a_fresh_sso_sign_in_stands_in_for_the_password_when_setting_up_totp(client, hana):
    """An SSO-only HR admin has no password to confirm; the sign-in itself is the proof."""
    hana.user.set_unusable_password()
    hana.user.save()
    _sign_in_through_the_provider(client, hana, "saml", {SAML_AUTHN_CONTEXTS: [SAML_PASSWORD]})
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert "Authenticator code" in response.content.decode()


def test_the_sso_only_rule_keeps_refusing_typed_addresses_but_not_asserted_ones(rf, settings):
    settings.SSO_ONLY_EMAIL_DOMAINS = ["example.com"]
    request = rf.get("/accounts/signup/")
    from django.urls import resolve

    request.resolver_match = resolve("/accounts/signup/")
    with context.request_context(request), pytest.raises(Exception, match="single sign-on"):
        AccountAdapter(request).clean_email("pat@example.com")
    for answer in ("/accounts/oidc/company/login/callback/",
                   "/accounts/saml/company/acs/finish/"):
        request = rf.get(answer)
        request.resolver_match = resolve(answer)
        with context.request_context(request):
            assert AccountAdapter(request).clean_email("pat@example.com") == "pat@example.com"
