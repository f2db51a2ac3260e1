"""HR admins see everyone's data, so they must turn on two-factor sign-in before anything else."""

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

MFA_REQUIRED_MESSAGE = (
    "HR admins must turn on two-factor sign-in. Scan the code with an authenticator app to go on."
)
# Paths an HR admin without MFA may still reach: sign-in/out, MFA set-up, static files, health.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/unsubscribe/")
SESSION_FLAG = "mfa_ok"


class RequireMfaForHrAdminsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_hr_admin
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.session.get(SESSION_FLAG)
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
