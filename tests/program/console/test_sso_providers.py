"""HR adds the company's sign-in in the app (issue 17: "configured by environment variables or
by HR in the app"): an OpenID Connect or SAML application allauth then offers on the sign-in
page; the secret is never shown again nor written to the audit trail."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

OIDC = {"kind": "openid_connect", "name": "Acme sign-in", "provider_id": "acme",
        "server_url": "https://login.acme.example/v2.0", "client_id": "abc-123",
        "secret": "s3cret-value", "metadata_url": ""}


@pytest.fixture
def hr_client(login, hana):
    return login(hana)


def test_hr_adds_an_openid_connect_sign_in_that_the_sign_in_page_then_offers(hr_client, client):
    response = hr_client.post(reverse("hr:sso_providers"), OIDC)
    assert response.status_code == 302
    app = SocialApp.objects.get(provider="openid_connect", provider_id="acme")
    assert (app.name, app.client_id, app.secret, app.settings) == (
        "Acme sign-in", "abc-123", "s3cret-value",
        {"server_url": "https://login.acme.example/v2.0"})
    page = hr_client.get(reverse("hr:sso_providers")).content.decode()
    assert "Acme sign-in" in page and "s3cret-value" not in page
    assert "/accounts/oidc/acme/login/callback/" in page
    event = AuditEvent.objects.get(action="hr.sso_provider_save")
    assert "s3cret-value" not in str(event.data) + event.summary
    hr_client.logout()
    assert "Acme sign-in" in client.get(reverse("account_login")).content.decode()


def test_changing_it_without_a_secret_keeps_the_stored_one(hr_client):
    hr_client.post(reverse("hr:sso_providers"), OIDC)
    app = SocialApp.objects.get(provider_id="acme")
    edit = reverse("hr:sso_provider_edit", args=[app.pk])
    assert 'value="s3cret-value"' not in hr_client.get(edit).content.decode()
    hr_client.post(edit, {**OIDC, "name": "Acme", "secret": ""})
    app.refresh_from_db()
    assert (app.name, app.secret) == ("Acme", "s3cret-value")


def test_bad_input_says_what_and_where_and_saves_nothing(hr_client):
    response = hr_client.post(reverse("hr:sso_providers"),
                              {**OIDC, "server_url": "ftp://x", "client_id": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL." in page and "OpenID Connect needs this." in page
    assert not SocialApp.objects.exists()
    hr_client.post(reverse("hr:sso_providers"), OIDC)
    again = hr_client.post(reverse("hr:sso_providers"), {**OIDC, "name": "Twice"})
    assert "Another sign-in already uses this short name." in again.content.decode()
    assert SocialApp.objects.count() == 1


def test_a_saml_sign_in_gets_the_environments_rules_and_can_be_removed(hr_client, settings):
    hr_client.post(reverse("hr:sso_providers"), {
        "kind": "saml", "name": "Okta", "provider_id": "okta",
        "metadata_url": "https://acme.okta.example/app/metadata", "trust_email": "on"})
    app = SocialApp.objects.get(provider="saml")
    assert app.client_id == "okta"
    assert app.settings["idp"] == {"metadata_url": "https://acme.okta.example/app/metadata"}
    assert app.settings["verified_email"] is True
    assert app.settings["attribute_mapping"] == settings.SAML_ATTRIBUTE_MAPPING
    assert app.settings["advanced"] == {"reject_idp_initiated_sso": True}
    assert "/accounts/saml/okta/acs/" in hr_client.get(reverse("hr:sso_providers")).content.decode()
    hr_client.post(reverse("hr:sso_provider_delete", args=[app.pk]))
    assert not SocialApp.objects.exists()
    assert AuditEvent.objects.filter(action="hr.sso_provider_delete").count() == 1


@pytest.mark.parametrize("field, url", [
    ("server_url", "http://login.acme.example/v2.0"),
    ("server_url", "ftp://login.acme.example/"),
    ("metadata_url", "http://idp.acme.example/metadata"),
    ("server_url", "["),
])
def test_an_identity_provider_off_this_machine_must_use_https(hr_client, field, url):
    data = {**OIDC, field: url} if field == "server_url" else {
        "kind": "saml", "name": "Acme SAML", "provider_id": "acme-saml", field: url}
    response = hr_client.post(reverse("hr:sso_providers"), data)
    assert response.status_code == 200
    page = response.content.decode()
    if url == "[":  # not an address at all: the field's own message, once
        assert page.count("Enter a valid URL.") == 1 and not SocialApp.objects.exists()
        return
    assert "Use an https:// address" in page
    assert page.count("Use an https:// address") == 1 and "Enter a valid URL." not in page
    assert not SocialApp.objects.exists()


def test_a_provider_on_this_machine_may_use_plain_http(hr_client):
    hr_client.post(reverse("hr:sso_providers"),
                   {**OIDC, "server_url": "http://127.0.0.1:9000/o"})
    assert SocialApp.objects.get().settings["server_url"] == "http://127.0.0.1:9000/o"
