"""SAML configured by environment (settings.SAML_APPS, as SAML_IDP_* make it): our SP metadata
names the entity id and ACS URL README.md tells the IdP's admin to enter, the sign-in page
offers the button, and the "Continue" page lets its form lead to the IdP (CSP form-action).
The sign-in itself is proven in the browser against a real IdP: tests/e2e/test_sso_saml.py."""

import pytest
from django.conf import settings as django_settings

IDP = {"entity_id": "https://idp.acme.test/saml", "sso_url": "https://idp.acme.test/sso",
       "x509cert": "not-needed-for-our-own-metadata"}


@pytest.fixture
def saml_from_environment(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {**django_settings.SOCIALACCOUNT_PROVIDERS, "saml": {
        "APPS": [{"provider_id": "company", "client_id": "company", "name": "Company sign-in",
                  "settings": {"idp": IDP, "sp": {"entity_id": ""},
                               "attribute_mapping": django_settings.SAML_ATTRIBUTE_MAPPING,
                               "verified_email": False,
                               "advanced": {"reject_idp_initiated_sso": True}}}]}}


def test_our_metadata_names_the_entity_id_and_acs_url_the_readme_gives(client,
                                                                        saml_from_environment):
    # python3-saml refuses single-label hosts such as "testserver"; localhost it takes.
    response = client.get("/accounts/saml/company/metadata/", HTTP_HOST="localhost")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'entityID="http://localhost/accounts/saml/company/metadata/"' in body
    assert 'Location="http://localhost/accounts/saml/company/acs/"' in body
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in body


def test_the_sign_in_page_offers_it_and_continue_may_post_towards_the_idp(
        client, saml_from_environment):
    assert "/accounts/saml/company/login/" in client.get("/accounts/login/").content.decode()
    response = client.get("/accounts/saml/company/login/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part)
    assert "https://idp.acme.test" in form_action
    # Every other page keeps form-action to our own origin.
    other = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "idp.acme.test" not in other


def test_an_unknown_organization_is_a_404(client, saml_from_environment):
    assert client.get("/accounts/saml/someone-else/login/").status_code == 404
    assert client.get("/accounts/saml/someone-else/metadata/").status_code == 404
