"""HR admins see everyone's data, and staff can change anyone's account in /admin/, so both must
turn on two-factor sign-in before anything else. Private pages are never kept in caches."""

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

MFA_REQUIRED_MESSAGE = (
    "HR admins and administrators must turn on two-factor sign-in. Scan the code with an "
    "authenticator app to go on."
)
# Paths an HR admin without MFA may still reach: sign-in/out, MFA set-up, static files, health.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/unsubscribe/")
SESSION_FLAG = "mfa_ok"
# Set at an SSO sign-in whose provider vouched for its own multi-factor (accounts/provider_mfa.py).
PROVIDER_MFA = "mfa_by_identity_provider"


def needs_two_factor(user) -> bool:
    """Every account that can reach an HR page or /admin/ (the one rule; tests reuse it)."""
    return bool(user.is_hr_admin or user.is_staff or user.is_superuser)


class RequireMfaForHrAdminsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and needs_two_factor(user)
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.session.get(SESSION_FLAG)
            and not request.session.get(PROVIDER_MFA)
        ):
            if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                request.session[SESSION_FLAG] = True
            else:
                messages.warning(request, MFA_REQUIRED_MESSAGE)
                return redirect(reverse("mfa_activate_totp") + "?"
                                + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


@receiver(authenticator_removed)
def _forget_mfa_when_removed(sender, request=None, user=None, authenticator=None, **kwargs):
    """Turning TOTP off puts an HR admin back behind the gate in this very session."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_FLAG, None)


# Responses that carry files of personal data, whoever asks for them.
PRIVATE_CONTENT_TYPES = ("text/csv", "text/calendar", "application/json")


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page shown to a signed-in user (HR pages, advocacy
    records, check-ins) and on every CSV, calendar or JSON file: no shared proxy or browser cache
    may keep a copy of what one person was allowed to see."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.get(
                "Content-Type", "").startswith(PRIVATE_CONTENT_TYPES):
            patch_cache_control(response, no_store=True, private=True)
        return response

