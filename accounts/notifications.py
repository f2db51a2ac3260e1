"""Tell a person something: always in the in-app inbox, by email when their preferences allow.

Emails are a subject / text body / HTML body triplet under templates/emails/<name>-*.{txt,html},
rendered in the recipient's preferred language. Email is sent after the surrounding transaction
commits, so a rolled-back workflow never mails anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Notification, Person

# Which preference switch governs each kind of email.
PREFERENCE_FIELDS = ("email_reminders", "email_requests", "email_reports")
UNSUBSCRIBE_SALT = "accounts.unsubscribe"


def unsubscribe_url(person: Person, preference: str) -> str:
    token = signing.dumps({"p": person.pk, "f": preference}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("unsubscribe", args=[token])


def render_email(template: str, context: dict, language: str = "en") -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"emails/{template}-subject.txt", context).strip()
        text = render_to_string(f"emails/{template}-body.txt", context)
        html = render_to_string(f"emails/{template}-body.html", context)
    return " ".join(subject.split()), text, html


def notify(
    *,
    recipient: Person,
    kind: str,
    template: str,
    context: dict,
    url: str = "",
    preference: str = "email_requests",
) -> Notification:
    """Create the inbox entry and (after commit) send the email if the person wants it."""
    assert preference in PREFERENCE_FIELDS, preference
    full_url = settings.SITE_URL + url if url.startswith("/") else url
    context = {
        **context,
        "recipient": recipient,
        "url": full_url,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(recipient, preference),
    }
    subject, text, html = render_email(template, context, recipient.preferred_language)
    wants_email = bool(getattr(recipient, preference)) and bool(recipient.email)
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, subject=subject, body=text, url=url, emailed=wants_email
    )
    if wants_email:
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=text,
            to=[recipient.email],
            headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
        )
        message.attach_alternative(html, "text/html")
        transaction.on_commit(lambda: message.send(fail_silently=False))
    return notification
