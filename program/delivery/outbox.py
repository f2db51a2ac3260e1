"""Delivering the outbox: claim due rows, hand each to the mail backend (or to Slack, see
slack.py), record what happened.

Every email or Slack message is first an OutboxMessage row (accounts/notifications.py writes it in
the same transaction as its cause). Delivery, as healthchecks' sendalerts does it:

1. claim: one short transaction locks up to `batch_size` pending rows that are due and that no
   live run holds (SKIP LOCKED on PostgreSQL, so two workers take different rows; SQLite's
   IMMEDIATE transactions serialise the claim), and stamps them with this run's token and the
   time. A claim older than CLAIM_TIMEOUT belongs to a run that died and is taken over.
2. send: one mail connection per batch, one message at a time. The row is marked sent right after
   the backend accepted the message (a one-row UPDATE conditioned on our token), never before. A
   failure records the error and the time of the next attempt (BACKOFF doubling from two minutes
   to six hours; Slack's Retry-After when it sends one); after MAX_ATTEMPTS the row is given up
   as failed, for HR to see and retry. Slack rows go after the batch's emails, in the same way.
3. A run stops sending once its claim is SEND_WINDOW old and releases what it has not sent, so a
   live run never holds a row past CLAIM_TIMEOUT and no two runs ever send the same row.

The one window for a duplicate is a worker killed between the backend accepting a message and
the UPDATE that follows it: one message at most, the same guarantee SMTP itself gives.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage, MIMEPart

from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.utils import timezone

from accounts.models import OutboxMessage
from program.delivery.slack import SlackError, slack_client, slack_deliver

log = logging.getLogger(__name__)
Status = OutboxMessage.Status
Channel = OutboxMessage.Channel

BATCH_SIZE = 100
MAX_ATTEMPTS = 12  # 2+4+...+256 minutes, then every 6 hours: given up after about a day
BACKOFF_FIRST = datetime.timedelta(minutes=2)
BACKOFF_MAX = datetime.timedelta(hours=6)
# The delivery task's hard time limit is 5 minutes (program/delivery/tasks.py); a claim older
# than CLAIM_TIMEOUT is therefore a dead run's. A run sends from one claim for SEND_WINDOW at
# most, then releases the rest, so it never overlaps a takeover.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
SEND_WINDOW = datetime.timedelta(minutes=4)
ERROR_LENGTH = 1000

NOT_ACCEPTED = "The mail backend did not accept the message."


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0  # given up on by this run (MAX_ATTEMPTS reached)
    pending: int = 0  # still waiting after this run (retries scheduled, or not due yet)

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "pending": self.pending}


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt: 2, 4, 8 ... minutes, at most 6h."""
    return min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)


def outbox_deliver(
    *, now: datetime.datetime | None = None, retry_now: bool = False,
    batch_size: int = BATCH_SIZE, time_budget: datetime.timedelta = SEND_WINDOW,
) -> DeliveryResult:
    """Send every pending message that is due (`retry_now`: every pending one, ignoring the
    backoff), batch after batch, for at most `time_budget`; what is left waits for the next run."""
    result = DeliveryResult()
    started = now or timezone.now()
    stop_at = time.monotonic() + time_budget.total_seconds()
    while time.monotonic() < stop_at:
        claim_time = now or timezone.now()
        token, rows = outbox_claim(now=claim_time, untried_since=started if retry_now else None,
                                   limit=batch_size)
        if not rows:
            break
        sent, failed = _send_batch(rows, token, stop_at=min(
            stop_at, time.monotonic() + SEND_WINDOW.total_seconds()), now=now)
        result.sent += sent
        result.failed += failed
    result.pending = OutboxMessage.objects.filter(status=Status.PENDING).count()
    return result


def outbox_claim(
    *, now: datetime.datetime, untried_since: datetime.datetime | None = None,
    limit: int = BATCH_SIZE,
) -> tuple[uuid.UUID, list[OutboxMessage]]:
    """Claim up to `limit` due pending rows for this run; the rows, with their inbox entries.

    With `untried_since` (when a --retry-now run started) the backoff is ignored, but no row
    tried since then is taken again, so a failing backend does not make the run loop."""
    token = uuid.uuid4()
    claimable = Q(status=Status.PENDING) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
    if untried_since:
        claimable &= Q(updated_at__lt=untried_since)
    else:
        claimable &= Q(next_attempt_at__lte=now)
    with transaction.atomic():
        ids = list(OutboxMessage.objects.filter(claimable)
                   .select_for_update(skip_locked=True)
                   .order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
        if not ids:
            return token, []
        # The condition again: a row claimed by someone else in between is not taken.
        OutboxMessage.objects.filter(claimable, id__in=ids).update(claimed_at=now,
                                                                   claim_token=token)
    rows = list(OutboxMessage.objects.filter(claim_token=token, status=Status.PENDING)
                .select_related("notification", "recipient")
                .order_by("next_attempt_at", "id"))
    return token, rows


def _email(row: OutboxMessage) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=row.subject, body=row.text or row.notification.body,
                                     to=[row.address], headers=row.headers)
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for attachment in row.attachments:
        message.attach(attachment_part(**attachment))
    return message


def attachment_part(*, filename: str, content_type: str, content: str) -> MIMEPart:
    """One attachment as a MIME part that keeps its content type's parameters (a calendar
    invitation's `method=REQUEST`, which Django's attach() has no place for) and its exact bytes:
    base64, so an .ics keeps its CRLF line ends and 75-octet folding on the way."""
    header = EmailMessage()
    header["Content-Type"] = content_type
    params = dict(header["Content-Type"].params)
    params.setdefault("charset", "utf-8")
    part = MIMEPart()
    part.set_content(content.encode(params["charset"]), maintype=header.get_content_maintype(),
                     subtype=header.get_content_subtype(), cte="base64",
                     disposition="attachment", filename=filename, params=params)
    return part


def _send_batch(rows, token, *, stop_at: float, now) -> tuple[int, int]:
    """Send a claimed batch: its emails first, then its Slack messages, so a slow or broken
    Slack never holds up an email."""
    emails = [row for row in rows if row.channel == Channel.EMAIL]
    slack = [row for row in rows if row.channel == Channel.SLACK]
    sent, failed = _send_emails(emails, token, stop_at=stop_at, now=now) if emails else (0, 0)
    if slack:
        sent_slack, failed_slack = _send_slack(slack, token, stop_at=stop_at, now=now)
        sent, failed = sent + sent_slack, failed + failed_slack
    return sent, failed


def _send_slack(rows, token, *, stop_at: float, now) -> tuple[int, int]:
    """Send Slack messages one at a time. When Slack itself is unwell (rate limited, a server
    error, unreachable), the rest of the batch waits as long as the failed one, untried."""
    sent = failed = 0
    try:
        client = slack_client()
    except SlackError as error:
        for row in rows:
            failed += _record_failure(row, token, error, now=now)
        return sent, failed
    for index, row in enumerate(rows):
        if time.monotonic() >= stop_at:
            _release(rows[index:], token)
            break
        try:
            slack_deliver(client, row)
        except SlackError as error:
            failed += _record_failure(row, token, error, now=now)
            if error.pause:
                moment = now or timezone.now()
                _postpone(rows[index + 1:], token, until=moment + _wait(row, error),
                          now=moment)
                break
            continue
        sent += _record_sent(row, token, now=now)
    return sent, failed


def _send_emails(rows, token, *, stop_at: float, now) -> tuple[int, int]:
    """Send emails through one connection; record each outcome as it happens."""
    sent = failed = 0
    try:
        connection = mailers.default  # a new connection to the MAILERS["default"] backend
        connection.open()
    except Exception as error:  # noqa: BLE001 - the server is down: every row waits, with why
        for row in rows:
            failed += _record_failure(row, token, error, now=now)
        return sent, failed
    try:
        for index, row in enumerate(rows):
            if time.monotonic() >= stop_at:
                _release(rows[index:], token)
                break
            try:
                accepted = connection.send_messages([_email(row)]) == 1
                error = None if accepted else RuntimeError(NOT_ACCEPTED)
            except Exception as exception:  # noqa: BLE001 - recorded on the row, retried later
                error = exception
            if error is None:
                sent += _record_sent(row, token, now=now)
            else:
                failed += _record_failure(row, token, error, now=now)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - everything accepted is recorded already
            log.warning("Closing the mail connection failed.", exc_info=True)
    return sent, failed


def _mine(row, token):
    return OutboxMessage.objects.filter(pk=row.pk, claim_token=token, status=Status.PENDING)


def _record_sent(row, token, *, now) -> int:
    moment = now or timezone.now()
    # An account email (no inbox entry) may hold a sign-in or reset link: not kept once sent.
    return _mine(row, token).update(status=Status.SENT, sent_at=moment, updated_at=moment,
                                    attempts=F("attempts") + 1, claimed_at=None,
                                    claim_token=None,
                                    text=_blank_if_account("text"), html=_blank_if_account("html"))


def _blank_if_account(field: str) -> Case:
    return Case(When(notification_id__isnull=True, then=Value("")), default=F(field),
                output_field=TextField())


def _wait(row, error: BaseException) -> datetime.timedelta:
    """How long after this failure to try again: what the service asked for (Slack's
    Retry-After), else the backoff."""
    return getattr(error, "retry_after", None) or backoff(row.attempts + 1)


def _record_failure(row, token, error: BaseException, *, now) -> int:
    """Record a failed attempt; return 1 if this one was the last (the row is now failed): after
    MAX_ATTEMPTS, or at once for an error that retrying cannot fix (a Slack address with no
    Slack user)."""
    moment = now or timezone.now()
    attempts = row.attempts + 1
    given_up = attempts >= MAX_ATTEMPTS or getattr(error, "give_up", False)
    text = f"{error.__class__.__name__}: {error}"[:ERROR_LENGTH]
    log.warning("%s %s to %s failed (attempt %d): %s", row.get_channel_display(), row.pk,
                row.address, attempts, text)
    _mine(row, token).update(
        status=Status.FAILED if given_up else Status.PENDING, attempts=attempts,
        last_error=text, next_attempt_at=moment + _wait(row, error), updated_at=moment,
        claimed_at=None, claim_token=None)
    return int(given_up)


def _postpone(rows, token, *, until: datetime.datetime, now: datetime.datetime) -> None:
    """Give back claimed rows untried, due again at `until` (no attempt counted)."""
    OutboxMessage.objects.filter(id__in=[r.pk for r in rows], claim_token=token,
                                 status=Status.PENDING).update(
        next_attempt_at=until, updated_at=now, claimed_at=None, claim_token=None)


def _release(rows, token) -> None:
    OutboxMessage.objects.filter(id__in=[r.pk for r in rows], claim_token=token,
                                 status=Status.PENDING).update(claimed_at=None,
                                                               claim_token=None)


def outbox_retry_failed(*, ids: list[int] | None = None) -> int:
    """Give failed messages (all, or those `ids`) a fresh set of attempts, due now."""
    rows = OutboxMessage.objects.filter(status=Status.FAILED)
    if ids is not None:
        rows = rows.filter(id__in=ids)
    now = timezone.now()
    return rows.update(status=Status.PENDING, attempts=0, next_attempt_at=now, updated_at=now,
                       claimed_at=None, claim_token=None)
