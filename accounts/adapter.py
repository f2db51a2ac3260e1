"""allauth hooks: the sign-up domain rule and linking a new user to their imported Person."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

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

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            link_person(user)
        return user


def link_person(user) -> Person | None:
    """Attach the Person HR imported with this email, if there is one and it is unclaimed."""
    updated = Person.objects.filter(email__iexact=user.email, user__isnull=True).update(user=user)
    return Person.objects.filter(user=user).first() if updated else None
