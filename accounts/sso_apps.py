"""Company sign-ins HR adds in the app, stored as allauth's social applications (the same rows
/admin/ edits; environment variables configure others, which this module leaves alone).

One rule for the SAML settings a stored application gets: the attribute names and the refusal
of sign-ins the identity provider starts on its own are the environment's (settings.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.audit import audit_record

KINDS = ("openid_connect", "saml")

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
NOT_HTTPS = _lazy("Use an https:// address: sign-ins must not cross the network unencrypted "
                  "(plain http:// is only accepted for this machine, e.g. a test provider).")


def https_or_loopback(url: str) -> None:
    """An identity provider's address is https, except one on this machine (tests, a local
    Keycloak): its keys and the tokens it hands back must not travel in the clear."""
    if not url:
        return
    try:
        parts = urlsplit(url)
    except ValueError:
        return  # not an address at all ("https://["): the field's own message says so
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return
    try:
        URLValidator()(url)
    except ValidationError:
        return  # not an address at all: the field's own message says so, once
    raise ValidationError(NOT_HTTPS, code="not_https")


def environment_apps() -> list[dict]:
    """The sign-ins environment variables configure: shown to HR, not editable here."""
    return [{"kind": kind, "name": app.get("name", ""), "provider_id": app.get("provider_id")}
            for kind in KINDS
            for app in settings.SOCIALACCOUNT_PROVIDERS.get(kind, {}).get("APPS", [])]


def stored_apps():
    return SocialApp.objects.filter(provider__in=KINDS).order_by("name", "id")


def _saml_settings(metadata_url: str, trust_email: bool) -> dict:
    return {"idp": {"metadata_url": metadata_url},
            "attribute_mapping": settings.SAML_ATTRIBUTE_MAPPING,
            "verified_email": trust_email,
            "advanced": settings.SAML_ADVANCED}


def sso_app_fields(app: SocialApp) -> dict:
    """The form's fields for a stored sign-in: the inverse of sso_app_save (never the secret)."""
    stored = app.settings or {}
    return {"kind": app.provider, "name": app.name, "provider_id": app.provider_id,
            "server_url": stored.get("server_url", ""),
            "client_id": app.client_id if app.provider == "openid_connect" else "",
            "metadata_url": (stored.get("idp") or {}).get("metadata_url", ""),
            "trust_email": bool(stored.get("verified_email"))}


@transaction.atomic
def sso_app_save(*, request, app: SocialApp | None, kind: str, name: str, provider_id: str,
                 server_url: str = "", client_id: str = "", secret: str = "",
                 metadata_url: str = "", trust_email: bool = False) -> SocialApp:
    """Create or change one sign-in; the secret is kept when none is given, and never written
    to the audit trail."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose OpenID Connect or SAML.")})
    taken = {a["provider_id"] for a in environment_apps()} | set(
        stored_apps().exclude(pk=getattr(app, "pk", None)).values_list("provider_id", flat=True))
    if provider_id in taken:
        raise ValidationError({"provider_id": _("Another sign-in already uses this short "
                                                "name.")})
    app = app or SocialApp()
    app.provider, app.provider_id, app.name = kind, provider_id, name
    if kind == "openid_connect":
        app.client_id = client_id
        app.secret = secret or app.secret
        app.settings = {"server_url": server_url}
    else:
        app.client_id, app.secret = provider_id, ""
        app.settings = _saml_settings(metadata_url, trust_email)
    app.save()
    audit_record(request, "hr.sso_provider_save", target=app,
                 summary=f"{kind} {provider_id}: {name}",
                 server_url=server_url, metadata_url=metadata_url, trust_email=trust_email)
    return app


@transaction.atomic
def sso_app_delete(*, request, app: SocialApp) -> None:
    audit_record(request, "hr.sso_provider_delete", target=app,
                 summary=f"{app.provider} {app.provider_id}: {app.name}")
    app.delete()
