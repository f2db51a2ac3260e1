"""Single sign-on glue. allauth's "Continue to <provider>" page posts a form whose answer
redirects to the identity provider; the Content Security Policy's form-action 'self' would stop
that redirect, so that one page allows its own provider's origin as well."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def provider_origin(provider_id: str) -> str:
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        if app.get("provider_id") == provider_id:
            return _origin(app.get("settings", {}).get("server_url", ""))
    app = SocialApp.objects.filter(provider="openid_connect", provider_id=provider_id).first()
    return _origin((app.settings or {}).get("server_url", "")) if app else ""


def oidc_login(request, provider_id):
    response = oidc_views.login(request, provider_id=provider_id)
    origin = provider_origin(provider_id)
    if origin:
        config = dict(settings.SECURE_CSP)
        config["form-action"] = [*config.get("form-action", []), origin]
        response._csp_config = config
    return response
