"""allauth hooks: the sign-up domain rule and linking a user to their imported Person.

A Person (an imported employee's HR record, with their mentorships, requests and advocacy) is
linked to an account only once that account has proven it owns the Person's address: when the
address is verified (email_confirmed), or at sign-in for an address verified earlier. Never at
sign-up, whatever ACCOUNT_EMAIL_VERIFICATION says: with "optional" anyone could otherwise sign up
with a colleague's address and read their records; with "none" nothing links automatically.
"""

import logging
import time
from types import SimpleNamespace

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.dispatch import receiver

from .email_content import layout_html_around_text
from .models import Person, User
from .notifications import email_enqueue

log = logging.getLogger(__name__)
DOMAIN_NOT_ALLOWED = "Sign-up is only open to {domains} email addresses. Use your work email."
SSO_ONLY = ("{domain} addresses sign in with the company's single sign-on: use the "
            "“{provider}” button.")


def sso_only(email: str) -> bool:
    """Whether the address must sign in through the company's identity provider."""
    domain = (email or "").rsplit("@", 1)[-1].lower()
    return bool(email) and domain in settings.SSO_ONLY_EMAIL_DOMAINS


def _sso_only_error(email: str) -> ValidationError:
    return ValidationError(SSO_ONLY.format(domain="@" + email.rsplit("@", 1)[-1].lower(),
                                           provider="Company sign-in"))


# The views where the identity provider's answer arrives. allauth cleans the address it asserts
# with clean_email too: refusing SSO-only addresses there would drop exactly the addresses that
# must come through SSO (the sign-in then stops at a blank sign-up form).
SSO_ANSWER_VIEWS = frozenset({"openid_connect_callback", "saml_finish_acs"})


def _answering_sso(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in SSO_ANSWER_VIEWS


def email_domain_allowed(email: str) -> bool:
    domains = settings.SIGNUP_EMAIL_DOMAINS
    if not domains:
        return True
    return email.rsplit("@", 1)[-1].lower() in domains


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).lower()
        if not email_domain_allowed(email):
            domains = ", ".join("@" + d for d in settings.SIGNUP_EMAIL_DOMAINS)
            raise ValidationError(DOMAIN_NOT_ALLOWED.format(domains=domains))
        if sso_only(email) and not _answering_sso(allauth_context.request):
            raise _sso_only_error(email)
        return email

    def pre_authenticate(self, request, **credentials):
        """Passwords are refused for SSO-only domains, except for superusers (break-glass)."""
        email = (credentials.get("email") or "").strip()
        if sso_only(email) and not User.objects.filter(email__iexact=email,
                                                       is_superuser=True).exists():
            raise _sso_only_error(email)
        return super().pre_authenticate(request, **credentials)

    def get_login_stages(self) -> list[str]:
        """allauth's two-factor step, aware of the identity provider's (accounts/provider_mfa)."""
        return ["accounts.provider_mfa.ProviderAwareAuthenticateStage"
                if stage == "allauth.mfa.stages.AuthenticateStage" else stage
                for stage in super().get_login_stages()]

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up two-factor asks to confirm who you are first, by password or code. An
        account that signs in only through SSO has neither (allauth wipes the password of an
        account first reached through an unverified address), so an HR admin sent to set up
        TOTP would meet a dead end. A single sign-on of the last few minutes is that proof."""
        if app == "allauth.mfa" and _recent_sso_sign_in(allauth_context.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Through the outbox like every email: a sign-up or reset never fails because mail
        does, and the worker retries. allauth names the site after the request's host ("Hello
        from 127.0.0.1:8301!"); our emails name the program instead."""
        message = self.render_mail(template_prefix, email,
                                   {"current_site": program_site(), **context})
        html = next((body for body, kind in getattr(message, "alternatives", [])
                     if kind == "text/html"), "")
        email_enqueue(address=email, subject=message.subject, text=message.body, html=html)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's plain-text emails get an HTML part in the program's shared layout."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            message.attach_alternative(layout_html_around_text(message.body, context), "text/html")
        return message


def _recent_sso_sign_in(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return bool(records) and records[-1].get("method") == "socialaccount" and (
        time.time() - records[-1].get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT)


def program_site() -> SimpleNamespace:
    """What allauth's templates call the site: the program's name, never a host and port."""
    return SimpleNamespace(name=settings.PROGRAM_NAME, domain=settings.PROGRAM_NAME)


def link_person(user) -> Person | None:
    """Attach the unclaimed Person HR imported with one of the user's VERIFIED addresses."""
    if Person.objects.filter(user=user).exists():
        return None
    verified = list(EmailAddress.objects.filter(user=user, verified=True)
                    .values_list("email", flat=True))
    for email in verified:
        if Person.objects.filter(email__iexact=email, user__isnull=True).update(user=user):
            return Person.objects.get(user=user)
    return None


@receiver(email_confirmed)
def _link_on_verification(sender, request=None, email_address=None, **kwargs):
    link_person(email_address.user)


@receiver(user_logged_in)
def _link_on_sign_in(sender, request=None, user=None, **kwargs):
    link_person(user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on: the provider's assertion is taken as it is. An address it marks verified
    is stored verified, so signing in links it to the imported Person (_link_on_sign_in); one it
    does not is stored unverified and links to nothing until the person proves it by email.

    SAML has no standard "verified" flag, so there the app's setting alone decides
    (`verified_email`: SAML_TRUST_EMAIL, or the social application's settings): an attribute
    the assertion carries (allauth's default mapping reads Auth0's email_verified) does not."""

    def populate_user(self, request, sociallogin, data):
        if sociallogin.provider.id == "saml":
            for address in sociallogin.email_addresses:
                address.verified = self.is_email_verified(sociallogin.provider, address.email)
        return super().populate_user(request, sociallogin, data)

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None):
        """What went wrong, for whoever runs the app (the person sees allauth's page)."""
        log.warning("Single sign-on through %s failed: %s %r", getattr(provider, "id", provider),
                    error, exception)
        return super().on_authentication_error(request, provider, error=error,
                                               exception=exception, extra_context=extra_context)
