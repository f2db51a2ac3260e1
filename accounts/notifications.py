"""Tell a person something: always in the in-app inbox, by email when their preferences allow.

Emails are a subject / text body / HTML body triplet under templates/emails/<name>-*.{txt,html},
rendered in the recipient's preferred language. Email is sent after the surrounding transaction
commits, so a rolled-back workflow never mails anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse

from .email_content import render_email
from .models import Notification, Person

# Which preference switch governs each kind of email.
PREFERENCE_FIELDS = ("email_reminders", "email_requests", "email_reports")
UNSUBSCRIBE_SALT = "accounts.unsubscribe"
BULK_BATCH_SIZE = 1000

log = logging.getLogger(__name__)


def unsubscribe_url(person: Person, preference: str) -> str:
    token = signing.dumps({"p": person.pk, "f": preference}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("unsubscribe", args=[token])


@dataclass(frozen=True)
class Notice:
    """One message for notify_many: the same arguments as notify()."""

    recipient: Person
    kind: str
    template: str
    context: dict = field(default_factory=dict)
    url: str = ""
    preference: str = "email_requests"


def notification_build(
    *,
    recipient: Person,
    kind: str,
    template: str,
    context: dict,
    url: str = "",
    preference: str = "email_requests",
) -> tuple[Notification, EmailMultiAlternatives | None]:
    """The unsaved inbox entry and, if the person wants email, the email: rendered in their
    language, with their unsubscribe link. notify() and notify_many() save and send them."""
    assert preference in PREFERENCE_FIELDS, preference
    link = unsubscribe_url(recipient, preference)
    context = {
        **context,
        "recipient": recipient,
        "url": settings.SITE_URL + url if url.startswith("/") else url,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": link,
    }
    subject, text, html, inbox = render_email(template, context, recipient.preferred_language)
    wants_email = bool(getattr(recipient, preference)) and bool(recipient.email)
    notification = Notification(recipient=recipient, kind=kind, subject=subject[:200], body=inbox,
                                url=url[:300], emailed=wants_email)
    if not wants_email:
        return notification, None
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[recipient.email],
        headers={"List-Unsubscribe": f"<{link}>"},
    )
    message.attach_alternative(html, "text/html")
    return notification, message


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
    notification, message = notification_build(recipient=recipient, kind=kind, template=template,
                                               context=context, url=url, preference=preference)
    notification.save()
    if message is not None:
        transaction.on_commit(lambda: message.send(fail_silently=False))
    return notification


def notify_many(notices: Iterable[Notice], *, robust: bool = False) -> list[Notification]:
    """notify() for many people at once: every inbox entry in one bulk insert, and (after
    commit) the emails people want through one mail connection. Nothing is mailed if the
    surrounding transaction rolls back. With `robust`, a mail server failure is logged instead of
    raised (the inbox entries are written either way)."""
    built = [notification_build(recipient=n.recipient, kind=n.kind, template=n.template,
                                context=n.context, url=n.url, preference=n.preference)
             for n in notices]
    notifications = Notification.objects.bulk_create([n for n, _ in built],
                                                     batch_size=BULK_BATCH_SIZE)
    messages = [message for _, message in built if message is not None]
    if messages:
        transaction.on_commit(lambda: _send_all(messages, robust=robust))
    return notifications


def _send_all(messages: list[EmailMultiAlternatives], *, robust: bool) -> None:
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages(messages)
    except Exception:
        if not robust:
            raise
        log.exception("Could not email %d notifications; they are in the recipients' inboxes.",
                      len(messages))
