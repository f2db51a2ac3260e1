"""Single sign-on glue around allauth's views.

- The Content Security Policy's form-action 'self' would stop the redirect that follows
  allauth's "Continue to <provider>" form, so that one page (OpenID Connect or SAML) also allows
  its own provider's origin.
- SAML: the assertion's AuthnContextClassRef values (how the person signed in at the identity
  provider) are kept with the account's other SAML data, so accounts/provider_mfa.py can read
  them; allauth keeps only the attributes.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from allauth.socialaccount.providers.saml import utils as saml_utils
from allauth.socialaccount.providers.saml import views as saml_views
from django.conf import settings

log = logging.getLogger(__name__)
# The key of SocialAccount.extra_data (for SAML, otherwise attribute name -> values) that holds
# the last assertion's AuthnContextClassRef values.
SAML_AUTHN_CONTEXTS = "saml:AuthnContextClassRef"


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _allow_form_action(response, origin: str):
    if origin:
        config = dict(settings.SECURE_CSP)
        config["form-action"] = [*config.get("form-action", []), origin]
        response._csp_config = config
    return response


def provider_origin(provider_id: str) -> str:
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        if app.get("provider_id") == provider_id:
            return _origin(app.get("settings", {}).get("server_url", ""))
    app = SocialApp.objects.filter(provider="openid_connect", provider_id=provider_id).first()
    return _origin((app.settings or {}).get("server_url", "")) if app else ""


def oidc_login(request, provider_id):
    response = oidc_views.login(request, provider_id=provider_id)
    return _allow_form_action(response, provider_origin(provider_id))


def saml_idp_origin(request, organization_slug: str) -> str:
    """The origin of the IdP's sign-in URL, from the app's settings or the IdP's metadata."""
    app = saml_utils.get_app_or_404(request, organization_slug)
    try:
        config = saml_utils.build_saml_config(request, app.settings, organization_slug)
    except Exception as error:  # an unreachable metadata URL: "Continue" then fails and says so
        log.warning("SAML provider %s: no sign-in URL: %r", organization_slug, error)
        return ""
    return _origin(config["idp"].get("singleSignOnService", {}).get("url", ""))


def saml_login(request, organization_slug):
    response = saml_views.login(request, organization_slug=organization_slug)
    if response.status_code == 200:  # the "Continue" page, whose form leads to the IdP
        _allow_form_action(response, saml_idp_origin(request, organization_slug))
    return response


class SamlFinishAcsView(saml_views.FinishACSView):
    """allauth's end of a SAML sign-in, keeping the AuthnContextClassRef values as well."""

    def get_provider(self, organization_slug):
        provider = super().get_provider(organization_slug)
        attributes_of = provider.extract_extra_data

        def extract_extra_data(auth):  # auth: python3-saml's OneLogin_Saml2_Auth, processed
            return {**attributes_of(auth),
                    SAML_AUTHN_CONTEXTS: list(auth.get_last_authn_contexts() or [])}

        provider.extract_extra_data = extract_extra_data
        return provider


saml_finish_acs = SamlFinishAcsView.as_view()
