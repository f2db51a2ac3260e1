"""The audit trail: one call records a sensitive action (imports, HR pairings and decisions,
career-event corrections, role changes, exports, HR views of individual records).

    audit_record(request.user, "career_event.delete", target=event, reason=reason)

`actor` may be a User, None (the system: worker, command) or a request (its user and client
address are taken). Extra keyword arguments land in the event's JSON `data`; keep them small and
never put free text written by employees (check-in notes, advocacy details) in them.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.signals import user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.dispatch import receiver

from .middleware import needs_two_factor
from .models import AuditEvent, User
from .provider_mfa import provider_mfa_values


def client_ip(request) -> str | None:
    """The caller's address through TRUSTED_PROXY_COUNT proxies (the rate limits' rule)."""
    try:
        return get_adapter().get_client_ip(request)
    except (PermissionDenied, ValueError):
        return None


def audit_record(
    actor: Any, action: str, *, target: models.Model | None = None, summary: str = "",
    request=None, **data
) -> AuditEvent:
    """`request`, when the actor is given as a user, only supplies the client address."""
    ip = client_ip(request) if request is not None else None
    user = actor
    if hasattr(actor, "META") and hasattr(actor, "user"):  # a request
        ip = client_ip(actor)
        user = actor.user
    if user is not None and not isinstance(user, User):
        user = None if not getattr(user, "is_authenticated", False) else user
    return AuditEvent.objects.create(
        actor=user,
        actor_label=getattr(user, "email", "") if user is not None else "",
        action=action[:60],
        target_type=target._meta.label_lower[:60] if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=_without_nul(summary)[:300],
        data=_without_nul(dict(data)),
        ip_address=ip,
    )


def _without_nul(value):
    """PostgreSQL's text and JSON cannot hold NUL: a hostile query string in `data` (an export's
    filters) must not turn the audit row, and with it the action, into a 500."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


# Sign-ins and two-factor changes of the accounts that can see everyone's data.


@receiver(user_logged_in)
def _audit_sign_in(sender, request=None, user=None, sociallogin=None, **kwargs):
    """How they signed in: a password, or single sign-on through which provider, and the
    provider's multi-factor values when they stood in for the app's own second factor."""
    if user is None or not needs_two_factor(user):
        return
    if sociallogin is None:
        audit_record(user, "account.sign_in", target=user, request=request,
                     summary=f"{user.email} signed in with a password", method="password")
        return
    provider = sociallogin.account.provider
    mfa = provider_mfa_values(sociallogin) if settings.SSO_ACCEPT_PROVIDER_MFA else []
    summary = f"{user.email} signed in through single sign-on ({provider})"
    if mfa:
        summary += ", with the provider's multi-factor"
    audit_record(user, "account.sign_in", target=user, request=request, summary=summary,
                 method="sso", provider=provider, provider_mfa=mfa)


def _audit_two_factor(action: str, request, user, authenticator) -> None:
    if user is not None and needs_two_factor(user):
        kind = getattr(authenticator, "type", "")
        audit_record(user, action, target=user, request=request,
                     summary=f"{user.email}: {kind or 'two-factor'} {action.rsplit('.', 1)[-1]}",
                     authenticator=kind)


@receiver(authenticator_added)
def _audit_two_factor_added(sender, request=None, user=None, authenticator=None, **kwargs):
    _audit_two_factor("two_factor.added", request, user, authenticator)


@receiver(authenticator_removed)
def _audit_two_factor_removed(sender, request=None, user=None, authenticator=None, **kwargs):
    _audit_two_factor("two_factor.removed", request, user, authenticator)


@receiver(authenticator_reset)
def _audit_two_factor_reset(sender, request=None, user=None, authenticator=None, **kwargs):
    _audit_two_factor("two_factor.reset", request, user, authenticator)
