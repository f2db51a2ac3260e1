"""allauth hooks: the sign-up domain rule and linking a user to their imported Person.

A Person (an imported employee's HR record, with their mentorships, requests and advocacy) is
linked to an account only once that account has proven it owns the Person's address: when the
address is verified (email_confirmed), or at sign-in for an address verified earlier. Never at
sign-up, whatever ACCOUNT_EMAIL_VERIFICATION says: with "optional" anyone could otherwise sign up
with a colleague's address and read their records; with "none" nothing links automatically.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in
from django.conf import settings
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from .models import Person

DOMAIN_NOT_ALLOWED = "Sign-up is only open to {domains} email addresses. Use your work email."


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
        return email


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
