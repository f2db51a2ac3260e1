"""The identity provider's multi-factor sign-in as HR's second factor.

HR admins and staff must sign in with two factors (accounts.middleware). When they sign in
through the company's identity provider and its signed answer says the provider itself used
more than one factor, that counts, so they are not also asked to set up the app's own TOTP:

- OpenID Connect: the ID token's `amr` (RFC 8176 Authentication Method Reference values) holds
  `mfa` or a second-factor method, or its `acr` names a multi-factor policy.
- SAML: the assertion's AuthnContextClassRef is a multi-factor class, or an `amr` /
  Entra ID `authnmethodsreferences` attribute holds one of the values below.

Without such a value (Google Workspace sends none) the app's own two-factor is still required.
An HR admin who has set up the app's TOTP is then not asked for its code at that sign-in either
(ProviderAwareAuthenticateStage).
SSO_MFA_VALUES adds values (a Keycloak flow's own ACR, say); SSO_ACCEPT_PROVIDER_MFA=false
turns this off. README.md, "Two-factor through the identity provider", lists them.
"""

from __future__ import annotations

import logging

from allauth.account.signals import user_logged_in
from allauth.mfa.stages import AuthenticateStage
from django.conf import settings
from django.dispatch import receiver

from .middleware import PROVIDER_MFA
from .sso import SAML_AUTHN_CONTEXTS

log = logging.getLogger(__name__)

# RFC 8176: `mfa` itself, and the methods that are a second factor next to a password
# (one-time codes, SMS or phone, hardware or software keys, smart cards, biometrics).
# Not `pwd`, `pin`, `kba`, `wia`, `rba`, `geo` or `user`: one factor, or none.
AMR_MFA = frozenset({"mfa", "mca", "otp", "sms", "tel", "hwk", "swk", "sc", "fpt", "face",
                     "iris", "retina", "vbm"})
# OpenID Connect `acr` and SAML AuthnContextClassRef values that mean multi-factor.
MFA_CONTEXTS = frozenset({
    "https://refeds.org/profile/mfa",
    "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
    "http://schemas.microsoft.com/claims/multipleauthn",  # Entra ID / AD FS
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
})
# SAML attributes whose values are authentication methods (Okta can send `session.amr` as
# "amr"; Entra ID sends authnmethodsreferences).
SAML_METHOD_ATTRIBUTES = ("amr", "http://schemas.microsoft.com/claims/authnmethodsreferences")


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value or [] if isinstance(v, str)]


def provider_mfa_values(sociallogin) -> list[str]:
    """The values of this sign-in's assertion that say the provider used more than one factor.

    Read from what allauth checked: the ID token's signature, the SAML response's signature."""
    data = sociallogin.account.extra_data or {}
    kind = sociallogin.provider.id  # "openid_connect" or "saml", whatever the app is called
    if kind == "openid_connect":
        claims = data.get("id_token") or {}
        values = _as_list(claims.get("amr")) + _as_list(claims.get("acr"))
    elif kind == "saml":
        values = _as_list(data.get(SAML_AUTHN_CONTEXTS))
        for name in SAML_METHOD_ATTRIBUTES:
            values += _as_list(data.get(name))
    else:
        return []
    accepted = AMR_MFA | MFA_CONTEXTS | set(settings.SSO_MFA_VALUES)
    return sorted({value for value in values if value in accepted})


@receiver(user_logged_in)
def _remember_provider_mfa(sender, request=None, user=None, sociallogin=None, **kwargs):
    """Recorded in the session of this sign-in only: the next one has to show it again."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(PROVIDER_MFA, None)
    if sociallogin is None or not settings.SSO_ACCEPT_PROVIDER_MFA:
        return
    values = provider_mfa_values(sociallogin)
    if values:
        request.session[PROVIDER_MFA] = {"provider": sociallogin.account.provider,
                                         "values": values}
        log.info("User %s signed in with the provider's multi-factor: %s", user.pk, values)


def _sociallogin_with_mfa(login) -> bool:
    sociallogin = (login.signal_kwargs or {}).get("sociallogin")
    return bool(sociallogin is not None and settings.SSO_ACCEPT_PROVIDER_MFA
                and provider_mfa_values(sociallogin))


class ProviderAwareAuthenticateStage(AuthenticateStage):
    """allauth's "enter your authenticator code" step of signing in, skipped when the identity
    provider has just vouched for its own multi-factor sign-in (AccountAdapter.get_login_stages
    puts it in place of allauth's)."""

    def _should_handle(self, request) -> bool:
        return super()._should_handle(request) and not _sociallogin_with_mfa(self.login)
