"""The daily digest: one email a day listing the notifications a person chose to get that way.

notify() marks an inbox entry `digest_due` when its category is set to "daily digest"
(accounts/preferences.py). Every hour the digest run (program/delivery/tasks.py, on beat) looks
at the people with waiting entries whose own clock has reached DIGEST_HOUR, and for each writes one
email, rendered through render_email and written to the outbox like every other.

Exactly once per person and day, however many runs overlap:
1. the waiting entries are locked (SELECT ... FOR UPDATE): a second run waits, then finds them
   no longer waiting;
2. the Digest row is unique per person and day: a run that gets this far for a person already
   sent today learns it from the constraint and leaves the entries for tomorrow.
A day missed (worker or beat down) needs no catch-up of its own: the entries keep waiting, and
the next run sends them all in one digest.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .email_content import render_email
from .models import Digest, Notification, OutboxMessage, Person
from .notifications import UNSUBSCRIBE_DIGEST, _start_delivery_after_commit, unsubscribe_url
from .timezones import zone_for

log = logging.getLogger(__name__)

# The hour of the person's own day after which their digest goes out (a morning read).
DIGEST_HOUR = 7
# At most this many entries are written out in one digest; the rest are counted and linked.
DIGEST_MAX_LISTED = 50


@dataclass
class DigestRun:
    sent: int = 0  # digests written to the outbox by this run
    waiting: int = 0  # people with entries whose digest hour has not come yet

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "waiting": self.waiting}


def digest_day(person: Person, now: datetime.datetime) -> datetime.date | None:
    """The day whose digest `person` is due at `now`: today in their time zone once their clock
    has reached DIGEST_HOUR, None before."""
    local = timezone.localtime(now, zone_for(person.timezone) or datetime.UTC)
    return local.date() if local.hour >= DIGEST_HOUR else None


def digests_send(*, now: datetime.datetime | None = None) -> DigestRun:
    """Send every digest that is due: one per person with waiting entries whose day has come."""
    now = now or timezone.now()
    run = DigestRun()
    waiting = Person.objects.filter(
        pk__in=Notification.objects.filter(digest_due=True).values("recipient_id")
    ).only("pk", "timezone", "email", "full_name", "preferred_language").order_by("pk")
    for person in list(waiting):
        day = digest_day(person, now)
        if day is None:
            run.waiting += 1
        elif digest_send(person=person, day=day, now=now) is not None:
            run.sent += 1
    return run


@transaction.atomic
def digest_send(*, person: Person, day: datetime.date,
                now: datetime.datetime | None = None) -> Digest | None:
    """Write `person`'s digest for `day` (their waiting, unread entries) to the outbox; None when
    there is nothing to send or another run already sent that day's."""
    now = now or timezone.now()
    entries = list(Notification.objects.select_for_update()
                   .filter(recipient=person, digest_due=True).order_by("created_at", "id"))
    unread = [n for n in entries if n.read_at is None]
    if not unread:
        # Read in the inbox already (or taken by a run we waited for): nothing to email.
        Notification.objects.filter(pk__in=[n.pk for n in entries]).update(digest_due=False)
        return None
    try:
        with transaction.atomic():  # the unique row is the claim on the day
            digest = Digest.objects.create(recipient=person, day=day, items=len(unread),
                                           created_at=now)
    except IntegrityError:
        return None  # today's digest went out already: these wait for tomorrow's
    if not person.email:
        Notification.objects.filter(pk__in=[n.pk for n in entries]).update(
            digest_due=False, digest=digest)
        return digest
    digest.outbox = _digest_email(person, unread, day)
    digest.save(update_fields=["outbox"])
    Notification.objects.filter(pk__in=[n.pk for n in entries]).update(
        digest_due=False, digest=digest)
    _start_delivery_after_commit()
    return digest


def _digest_email(person: Person, entries: list[Notification], day: datetime.date
                  ) -> OutboxMessage:
    link = unsubscribe_url(person, UNSUBSCRIBE_DIGEST)
    listed = [{"subject": n.subject, "body": n.body, "created_at": n.created_at,
               "url": _absolute(n.url or reverse("inbox"))} for n in entries[:DIGEST_MAX_LISTED]]
    context = {
        "recipient": person, "entries": listed, "count": len(entries),
        "more": max(0, len(entries) - DIGEST_MAX_LISTED), "day": day,
        "url": _absolute(reverse("inbox")), "settings_url": _absolute(reverse("profile_edit")),
        "site_url": settings.SITE_URL, "unsubscribe_url": link,
        "zone": zone_for(person.timezone) or datetime.UTC,
    }
    subject, text, html, _inbox = render_email("daily-digest", context, person.preferred_language)
    return OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL, recipient=person, address=person.email,
        subject=(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject)[:300], text=text, html=html,
        headers={"List-Unsubscribe": f"<{link}>"})


def _absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url
