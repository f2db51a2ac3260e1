"""Tell a person something: always in the in-app inbox, by email when their preferences allow,
and as a Slack direct message too when Slack is configured and they chose it.

Emails are a subject / text body / HTML body triplet under templates/emails/<name>-*.{txt,html},
rendered in the recipient's preferred language. An email is never sent from here: it becomes an
OutboxMessage row, written in the same transaction as the inbox entry (so a rolled-back workflow
never mails anyone, and a committed one never loses its email); so is a Slack message. Once the
transaction commits, the delivery worker is asked to send them (program/delivery/ registers how,
see delivery_starter_register); if that request is lost, the worker's catch-up run sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from .email_content import render_email
from .models import Notification, OutboxMessage, Person

# Which preference switch governs each kind of email.
PREFERENCE_FIELDS = ("email_reminders", "email_requests", "email_reports")
UNSUBSCRIBE_SALT = "accounts.unsubscribe"
BULK_BATCH_SIZE = 1000
SLACK_TEXT_MAX = 3000  # the inbox text is short; a Slack message should be too

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
) -> tuple[Notification, OutboxMessage | None]:
    """The unsaved inbox entry and, if the person wants email, the unsaved outbox row of the
    email: rendered in their language, with their unsubscribe link. notify() and notify_many()
    save them."""
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
    email = OutboxMessage(
        channel=OutboxMessage.Channel.EMAIL, recipient=recipient, address=recipient.email,
        subject=(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject)[:300], text=text, html=html,
        headers={"List-Unsubscribe": f"<{link}>"},
    )
    return notification, email


def slack_wanted(person: Person) -> bool:
    """Slack is configured and the person chose it."""
    return bool(settings.SLACK_BOT_TOKEN and person.notify_by_slack and person.email)


def slack_message_build(notification: Notification) -> OutboxMessage | None:
    """The unsaved outbox row of the Slack direct message that repeats an inbox entry, if its
    recipient chose Slack: the subject, the inbox text and its one link, in plain text (the
    delivery escapes what Slack would read as markup). The Slack user is found by `address`."""
    person = notification.recipient
    if not slack_wanted(person):
        return None
    url = notification.url or reverse("inbox")
    link = settings.SITE_URL + url if url.startswith("/") else url
    text = "\n\n".join(part for part in (notification.subject, notification.body[:SLACK_TEXT_MAX],
                                           link) if part)
    return OutboxMessage(channel=OutboxMessage.Channel.SLACK, notification=notification,
                         recipient=person, address=person.email,
                         subject=notification.subject[:300], text=text)


def notify(
    *,
    recipient: Person,
    kind: str,
    template: str,
    context: dict,
    url: str = "",
    preference: str = "email_requests",
) -> Notification:
    """Create the inbox entry and, if the person wants it, the email's outbox row."""
    notification, email = notification_build(recipient=recipient, kind=kind, template=template,
                                             context=context, url=url, preference=preference)
    with transaction.atomic(savepoint=False):
        notification.save()
        outbox = [row for row in (email, slack_message_build(notification)) if row is not None]
        for row in outbox:
            row.notification = notification
            row.save()
        if outbox:
            _start_delivery_after_commit()
    return notification


def notify_many(notices: Iterable[Notice]) -> list[Notification]:
    """notify() for many people at once: every inbox entry in one bulk insert, every email's
    (and Slack message's) outbox row in another."""
    built = [notification_build(recipient=n.recipient, kind=n.kind, template=n.template,
                                context=n.context, url=n.url, preference=n.preference)
             for n in notices]
    with transaction.atomic(savepoint=False):
        notifications = Notification.objects.bulk_create([n for n, _ in built],
                                                         batch_size=BULK_BATCH_SIZE)
        outbox = []
        for notification, email in built:
            for row in (email, slack_message_build(notification)):
                if row is not None:
                    row.notification = notification
                    outbox.append(row)
        if outbox:
            OutboxMessage.objects.bulk_create(outbox, batch_size=BULK_BATCH_SIZE)
            _start_delivery_after_commit()
    return notifications


def email_enqueue(*, address: str, subject: str, text: str, html: str = "",
                  headers: dict | None = None) -> OutboxMessage:
    """An email with no inbox entry (allauth's account emails) into the outbox: delivered, and
    retried, by the worker like every other; its text is blanked once sent (it may carry a
    sign-in or reset link)."""
    with transaction.atomic(savepoint=False):
        row = OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.EMAIL, address=address, subject=subject[:300],
            text=text, html=html, headers=headers or {},
            recipient=Person.objects.filter(email__iexact=address).first())
        _start_delivery_after_commit()
    return row


# How to ask the delivery worker to run: registered by program/delivery (the layer above), so
# accounts never imports it.
_delivery_starters: list[Callable[[], None]] = []


def delivery_starter_register(start: Callable[[], None]) -> None:
    if start not in _delivery_starters:
        _delivery_starters.append(start)


class _DeliveryStart:
    """The on-commit callback that asks for a delivery run; it knows whether it has run."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        _start_delivery()


def _start_delivery_after_commit() -> None:
    """Ask for one delivery run when the transaction commits, however many emails it wrote (a
    cohort invites hundreds of people one notify() at a time). A rolled-back savepoint drops
    its callbacks from run_on_commit, so a later notify() in the transaction registers again."""
    pending = transaction.get_connection().run_on_commit
    if any(isinstance(func, _DeliveryStart) and not func.done for _, func, _ in pending):
        return
    transaction.on_commit(_DeliveryStart())


def _start_delivery() -> None:
    """After commit: ask for a delivery run now. If the queue is unreachable the rows wait for
    the worker's catch-up run; the action that wrote them has succeeded either way."""
    for start in _delivery_starters:
        try:
            start()
        except Exception:  # noqa: BLE001 - any failure to queue only delays the email
            log.warning("Could not queue an email delivery run; the catch-up run will send it.",
                        exc_info=True)
