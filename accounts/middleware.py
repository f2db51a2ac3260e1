"""HR admins see everyone's data, so they must turn on two-factor sign-in before anything else."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

MFA_REQUIRED_MESSAGE = (
    "HR admins must turn on two-factor sign-in. Scan the code with an authenticator app to go on."
)
# Paths an HR admin without MFA may still reach: sign-in/out, MFA set-up, static files, health.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/unsubscribe/")


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
            and not request.session.get("mfa_ok")
        ):
            if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                request.session["mfa_ok"] = True
            else:
                messages.warning(request, MFA_REQUIRED_MESSAGE)
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
