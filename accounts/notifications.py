"""Tell a person something: always in the in-app inbox, by email when their preferences allow,
and as a Slack direct message too when Slack is configured and they chose it.

Each kind of notification belongs to a category (accounts/preferences.py: requests, reminders,
messages, reports) and the person chose per category: inbox only, email at once, or the daily
digest (accounts/digest.py collects the entries marked `digest_due` into one email a day).

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
from django.utils import timezone

from .email_content import render_email
from .models import Notification, OutboxMessage, Person
from .preferences import (
    FIELD_OF_CATEGORY,
    LEGACY_SWITCHES,
    PREFERENCE_FIELDS,
    Category,
    Delivery,
    category_for,
    delivery_for,
)

UNSUBSCRIBE_SALT = "accounts.unsubscribe"
# The unsubscribe link of the digest email: it stops the digest (every category on it goes to
# inbox only) rather than one category.
UNSUBSCRIBE_DIGEST = "digest"
BULK_BATCH_SIZE = 1000
SLACK_TEXT_MAX = 3000  # the inbox text is short; a Slack message should be too

log = logging.getLogger(__name__)


def unsubscribe_url(person: Person, category: str) -> str:
    """A signed link that sets `category` (a preferences.Category, or UNSUBSCRIBE_DIGEST) to
    inbox only. Links in older emails carry "f" (an old email switch's name) instead of "c"."""
    token = signing.dumps({"p": person.pk, "c": str(category)}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("unsubscribe", args=[token])


def unsubscribe_target(data: dict) -> tuple[str, Callable[[Person], dict]] | None:
    """What an unsubscribe token stops: its label, and the Person field changes that do it (set
    to inbox only); None for a token naming nothing known."""
    inbox = Delivery.INBOX.value
    if data.get("c") == UNSUBSCRIBE_DIGEST:
        return (str(Delivery.DIGEST.label),
                lambda person: {field: inbox for field in PREFERENCE_FIELDS
                                if getattr(person, field) == Delivery.DIGEST})
    if data.get("c") in Category.values:
        category = Category(data["c"])
        return str(category.label), lambda person: {FIELD_OF_CATEGORY[category]: inbox}
    if data.get("f") in LEGACY_SWITCHES:  # a link in an email sent before the settings per kind
        categories = LEGACY_SWITCHES[data["f"]]
        return (", ".join(str(c.label) for c in categories),
                lambda person: {FIELD_OF_CATEGORY[c]: inbox for c in categories})
    return None


@dataclass(frozen=True)
class Attachment:
    """A file sent with the email (not with the inbox entry or the digest): text content."""

    filename: str
    content_type: str
    content: str

    def as_dict(self) -> dict:
        return {"filename": self.filename, "content_type": self.content_type,
                "content": self.content}


@dataclass(frozen=True)
class Notice:
    """One message for notify_many: the same arguments as notify()."""

    recipient: Person
    kind: str
    template: str
    context: dict = field(default_factory=dict)
    url: str = ""
    attachments: tuple[Attachment, ...] = ()


def notification_build(
    *,
    recipient: Person,
    kind: str,
    template: str,
    context: dict,
    url: str = "",
    attachments: Iterable[Attachment] = (),
) -> tuple[Notification, OutboxMessage | None]:
    """The unsaved inbox entry and, if the person wants this kind by email now, the unsaved
    outbox row of the email: rendered in their language, with their unsubscribe link and the
    attachments. notify() and notify_many() save them. For a digest kind the entry is marked to
    wait for the person's daily digest instead."""
    category = category_for(kind)  # an unknown kind stops here, before anything is written
    delivery = delivery_for(recipient, kind)
    link = unsubscribe_url(recipient, category)
    context = {
        **context,
        "recipient": recipient,
        "url": settings.SITE_URL + url if url.startswith("/") else url,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": link,
    }
    subject, text, html, inbox = render_email(template, context, recipient.preferred_language)
    wants_email = delivery == Delivery.EMAIL
    notification = Notification(recipient=recipient, kind=kind, subject=subject[:200], body=inbox,
                                url=url[:300], emailed=wants_email,
                                digest_due=delivery == Delivery.DIGEST)
    if not wants_email:
        return notification, None
    email = OutboxMessage(
        channel=OutboxMessage.Channel.EMAIL, recipient=recipient, address=recipient.email,
        subject=(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject)[:300], text=text, html=html,
        headers={"List-Unsubscribe": f"<{link}>"},
        attachments=[attachment.as_dict() for attachment in attachments],
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
    if notification.read_at or not slack_wanted(person):
        return None  # an entry born read (the copy of one's own action) is not repeated
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
    attachments: Iterable[Attachment] = (),
    read: bool = False,
) -> Notification:
    """Create the inbox entry and, if the person wants it by email now, the email's outbox row
    (with `attachments`). `read`: the entry is already read (a copy of what the person did)."""
    notification, email = notification_build(recipient=recipient, kind=kind, template=template,
                                             context=context, url=url, attachments=attachments)
    if read:
        notification.read_at = timezone.now()
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
                                context=n.context, url=n.url, attachments=n.attachments)
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
