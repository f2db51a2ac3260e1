"""The reminder sweep: find what is due, record it once, claim it, send it, mark it sent.

Exactly once, in three steps (healthchecks' sendalerts is the model):

1. plan: read what is due (a few queries over indexed columns) and insert one ReminderLog row per
   (relationship, due date, kind) with ON CONFLICT DO NOTHING, so two sweeps planning the same
   reminder make one row;
2. claim: one conditional UPDATE per batch stamps a fresh claim token on unsent rows that nobody
   holds, or whose claim is older than CLAIM_TIMEOUT (the sweep holding it died);
3. deliver: one transaction per batch locks the rows still held by our token, writes the inbox
   rows, does the side effect (flag inactive, expire a request) and sets sent_at. Email leaves
   after that commit. A crash before the commit rolls it all back and the claim goes stale, so a
   later sweep sends it; after the commit everything is recorded, so nothing is sent twice.

Escalations (two missed check-ins) go to the HR admins as one digest per admin per sweep day:
the rows stay one per relationship, but they are not claimed batch by batch. The first sweep of
the day takes every unsent escalation row in one transaction (under a lock, so two sweeps never
both send a digest) and sends each admin one message listing them all; escalations that turn up
later that day wait for the next day's digest.

The sweep is not one transaction on purpose: each batch commits on its own, so a crash loses at
most the batch in hand, and a long sweep never holds locks on everything it touched.
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Person
from accounts.notifications import notification_build, notify_many
from accounts.preferences import Delivery, delivery_for
from accounts.program_settings import setting
from matching.mentorship.models import MentorRequest, Mentorship
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import Commitment, Sponsorship
from program.reminders.messages import (
    COMMITMENT_ESCALATE_AFTER_DAYS,
    COMPOSERS,
    HR_KINDS,
    Clock,
    escalation_digest,
)
from program.reminders.models import ReminderLog

log = logging.getLogger(__name__)
Kind = ReminderLog.Kind

CHECK_IN_KINDS = frozenset({Kind.DUE_SOON, Kind.OVERDUE, Kind.ESCALATION})
REQUEST_KINDS = frozenset({Kind.REQUEST_NUDGE, Kind.REQUEST_EXPIRED})
DRIFT_KINDS = frozenset({Kind.INACTIVE, Kind.ADVOCACY_NUDGE})
# A sponsor's commitments: before they are due, once overdue, and (a month overdue) to HR.
COMMITMENT_KINDS = frozenset({Kind.COMMITMENT_DUE_SOON, Kind.COMMITMENT_OVERDUE,
                              Kind.ESCALATION})
SWEEP_KINDS = CHECK_IN_KINDS | REQUEST_KINDS | DRIFT_KINDS | COMMITMENT_KINDS

# A claim older than this belongs to a sweep that died (the task time limit is 15 minutes).
CLAIM_TIMEOUT = datetime.timedelta(minutes=20)
BATCH_SIZE = 500
# SQLite has one writer at a time: a batch's transaction holds the write lock while it composes
# every message, so batches there are small and people's own writes wait a moment, not seconds.
SQLITE_BATCH_SIZE = 25

# Serialises escalation digests on PostgreSQL (pg_advisory_xact_lock): "REMIND" in ASCII.
DIGEST_LOCK = 0x52454D494E44

UNKNOWN_KIND = "Unknown reminder kind {kind!r}; choose from {choices}."

# relationship_kind -> model. Both relationship kinds go through the same code below.
PAIR_MODELS = {"mentorship": Mentorship, "sponsorship": Sponsorship}
PAIR_PEOPLE = {"mentorship": ("mentor", "mentee"), "sponsorship": ("sponsor", "protege")}


# Kinds that this machinery delivers but another folder composes (the weekly outcome report,
# program/reports/mail.py) register here, so the reminders never import what they deliver.
TARGET_LOADERS: dict[str, Callable[[set[int]], Iterable]] = {}


def reminder_kind_register(
    *, kind: str, composer: Callable, relationship_kind: str,
    load: Callable[[set[int]], Iterable], to_hr_admins: bool = False,
) -> None:
    """Deliver rows of `kind` with `composer`; `load(ids)` fetches their targets in one query."""
    COMPOSERS[kind] = composer
    TARGET_LOADERS[relationship_kind] = load
    if to_hr_admins:
        HR_KINDS.add(kind)


@dataclass(frozen=True)
class Due:
    relationship_kind: str
    relationship_id: int
    due_on: datetime.date
    kind: str


@dataclass
class Delivered:
    kind: str
    relationship_kind: str
    relationship_id: int
    due_on: datetime.date
    summary: str
    recipients: list[dict]
    skipped_reason: str = ""

    def as_json(self) -> dict:
        return {"kind": self.kind, "relationship_kind": self.relationship_kind,
                "relationship_id": self.relationship_id, "due_on": self.due_on.isoformat(),
                "summary": self.summary, "recipients": self.recipients,
                "skipped_reason": self.skipped_reason}


@dataclass
class SweepResult:
    planned: int = 0
    delivered: list[Delivered] = field(default_factory=list)
    dry_run: bool = False

    @property
    def sent(self) -> list[Delivered]:
        return [d for d in self.delivered if not d.skipped_reason]

    def counts(self) -> dict[str, int]:
        counts = Counter(d.kind for d in self.sent)
        return {kind.value: counts.get(kind.value, 0) for kind in Kind if kind in SWEEP_KINDS}


def reminders_sweep(
    *,
    now: datetime.datetime | None = None,
    as_of: datetime.date | None = None,
    kinds: Iterable[str] = SWEEP_KINDS,
    dry_run: bool = False,
    batch_size: int | None = None,
) -> SweepResult:
    """Send every reminder of `kinds` that is due, each exactly once; return what went out.

    `as_of` makes "today" that date for everyone (operations, tests); otherwise today is each
    person's own date in their time zone. `dry_run` composes the same messages and writes nothing.
    """
    kinds = frozenset(kinds)
    batch_size = batch_size or (SQLITE_BATCH_SIZE if connection.vendor == "sqlite" else BATCH_SIZE)
    unknown = kinds - SWEEP_KINDS
    if unknown:
        raise ValueError(UNKNOWN_KIND.format(kind=sorted(unknown)[0],
                                             choices=", ".join(sorted(SWEEP_KINDS))))
    if now is None:
        now = (datetime.datetime.combine(as_of, datetime.time(12), tzinfo=datetime.UTC)
               if as_of else timezone.now())
    clock = Clock(now=now, as_of=as_of)
    planned = reminders_plan(clock=clock, kinds=kinds)
    result = SweepResult(planned=len(planned), dry_run=dry_run)
    hr_admins = _HrAdmins()
    if dry_run:
        unsent = _unsent(planned)
        if _digest_sent(clock):  # today's escalations already went out: these wait a day
            unsent = [row for row in unsent if row.kind != Kind.ESCALATION]
        for rows in _batches(unsent, batch_size):
            result.delivered += _deliver_rows(rows, clock, hr_admins, write=False)
        return result
    for rows in _batches(planned, batch_size):
        ReminderLog.objects.bulk_create(
            [ReminderLog(relationship_kind=d.relationship_kind, relationship_id=d.relationship_id,
                         due_on=d.due_on, kind=d.kind, created_at=now) for d in rows],
            ignore_conflicts=True,
        )
    result.delivered = reminders_deliver_pending(
        clock=clock, kinds=kinds - {Kind.ESCALATION}, batch_size=batch_size, hr_admins=hr_admins)
    if Kind.ESCALATION in kinds:
        result.delivered += reminders_escalate(clock=clock, hr_admins=hr_admins)
    return result


def reminders_deliver_pending(
    *, clock: Clock, kinds: Iterable[str], batch_size: int = BATCH_SIZE,
    hr_admins: _HrAdmins | None = None,
) -> list[Delivered]:
    """Claim and deliver, batch after batch, every unsent row of `kinds` (stale claims too).

    Claims are stamped with the real time, even in a run --as-of a future date, so a claim
    left by a run that died expires CLAIM_TIMEOUT after it was taken. A batch that fails
    releases its claim at once."""
    hr_admins = hr_admins or _HrAdmins()
    delivered = []
    while True:
        # min(): tests and past --as-of runs keep their own clock; a future one uses real time.
        claim_time = min(clock.now, timezone.now())
        token, rows = reminders_claim(now=claim_time, kinds=kinds, limit=batch_size)
        if not rows:
            return delivered
        try:
            delivered += reminders_deliver(rows=rows, token=token, clock=clock,
                                           hr_admins=hr_admins)
        except Exception:
            ReminderLog.objects.filter(claim_token=token, sent_at__isnull=True).update(
                claimed_at=None, claim_token=None)
            raise


def reminders_escalate(*, clock: Clock, hr_admins: _HrAdmins | None = None) -> list[Delivered]:
    """Send today's escalation digest: every unsent escalation row, one message per HR admin.

    One transaction, under a lock: a second sweep waits, then finds today's digest sent and
    leaves the rows it planned since for tomorrow's. A crash before the commit undoes it all, so
    the next sweep sends the digest; after the commit every row is marked sent.
    """
    hr_admins = hr_admins or _HrAdmins()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DIGEST_LOCK])
        if _digest_sent(clock):
            return []
        rows = list(ReminderLog.objects.select_for_update()
                    .filter(kind=Kind.ESCALATION, sent_at__isnull=True).order_by("id"))
        return _deliver_rows(rows, clock, hr_admins)


def _digest_day(clock: Clock) -> tuple[datetime.datetime, datetime.datetime]:
    """The sweep day (the --as-of date, else today in UTC) as a range of sent_at."""
    day = clock.as_of or clock.now.astimezone(datetime.UTC).date()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    return start, start + datetime.timedelta(days=1)


def _digest_sent(clock: Clock) -> bool:
    """Did an escalation digest go out on this sweep day (a row sent, not skipped)?"""
    start, end = _digest_day(clock)
    return ReminderLog.objects.filter(kind=Kind.ESCALATION, skipped_reason="",
                                      sent_at__gte=start, sent_at__lt=end).exists()


def reminders_plan(*, clock: Clock, kinds: frozenset[str]) -> list[Due]:
    """Everything of `kinds` due now. Reads only; one query per relationship model."""
    due: list[Due] = []
    if kinds & (CHECK_IN_KINDS | DRIFT_KINDS):
        for relationship_kind in PAIR_MODELS:
            due += _plan_pairs(relationship_kind, clock, kinds)
    if kinds & REQUEST_KINDS:
        due += _plan_requests(clock, kinds)
    if kinds & COMMITMENT_KINDS:
        due += _plan_commitments(clock, kinds)
    return due


def _plan_commitments(clock: Clock, kinds: frozenset[str]) -> list[Due]:
    """Open commitments of active sponsorships: due soon, overdue, and escalated to HR once
    COMMITMENT_ESCALATE_AFTER_DAYS overdue. One query; the sponsor's date decides."""
    soon = datetime.timedelta(days=setting("REMINDER_DAYS_BEFORE"))
    escalate_after = datetime.timedelta(days=COMMITMENT_ESCALATE_AFTER_DAYS)
    rows = (Commitment.objects
            .filter(state=Commitment.State.OPEN, sponsorship__status=RelationshipStatus.ACTIVE,
                    due_on__lte=clock.latest_today() + soon)
            .values("id", "due_on", "sponsorship__sponsor__timezone").order_by("id"))
    due = []
    for row in rows:
        today = clock.today(row["sponsorship__sponsor__timezone"])
        due_on = row["due_on"]
        wanted = []
        if due_on - soon <= today < due_on:
            wanted.append(Kind.COMMITMENT_DUE_SOON)
        if today > due_on:
            wanted.append(Kind.COMMITMENT_OVERDUE)
        if today >= due_on + escalate_after:
            wanted.append(Kind.ESCALATION)
        due += [Due("commitment", row["id"], due_on, kind) for kind in wanted if kind in kinds]
    return due


def _plan_pairs(relationship_kind: str, clock: Clock, kinds: frozenset[str]) -> list[Due]:
    model = PAIR_MODELS[relationship_kind]
    giver, receiver = PAIR_PEOPLE[relationship_kind]
    advocacy = Kind.ADVOCACY_NUDGE in kinds and model is Sponsorship
    horizon = clock.latest_today()
    inactive_days = datetime.timedelta(days=setting("INACTIVE_AFTER_DAYS"))
    soon = datetime.timedelta(days=setting("REMINDER_DAYS_BEFORE"))
    wanted = Q(pk__in=[])
    if kinds & CHECK_IN_KINDS:
        wanted |= Q(next_due_on__lte=horizon + soon)
    if Kind.INACTIVE in kinds:
        wanted |= Q(inactive_since__isnull=True, anchor__lte=horizon - inactive_days)
    fields = ["id", "next_due_on", "cadence_days", "last_met_on", "started_on", "inactive_since",
              f"{giver}__timezone", f"{receiver}__timezone"]
    queryset = model.objects.filter(status=RelationshipStatus.ACTIVE).annotate(
        anchor=Coalesce("last_met_on", "started_on"))
    if advocacy:
        queryset = queryset.annotate(advocacy_anchor=Coalesce("last_advocacy_on", "started_on"))
        wanted |= Q(advocacy_anchor__lte=horizon - inactive_days)
        fields.append("last_advocacy_on")
    due = []
    for row in queryset.filter(wanted).values(*fields).order_by("id"):
        # A reminder goes out once it is due for either of the two, in their own time zone.
        today = max(clock.today(row[f"{giver}__timezone"]),
                    clock.today(row[f"{receiver}__timezone"]))

        def add(kind, due_on, row=row):
            if kind in kinds:
                due.append(Due(relationship_kind, row["id"], due_on, kind))

        next_due = row["next_due_on"]
        if next_due is not None:
            if next_due - soon <= today < next_due:
                add(Kind.DUE_SOON, next_due)
            if today > next_due:
                add(Kind.OVERDUE, next_due)
            # The check-in due on next_due and the one a cadence later both missed.
            if today >= next_due + datetime.timedelta(days=row["cadence_days"]):
                add(Kind.ESCALATION, next_due)
        anchor = row["last_met_on"] or row["started_on"]
        if anchor and row["inactive_since"] is None and today >= anchor + inactive_days:
            add(Kind.INACTIVE, anchor + inactive_days)
        if advocacy:
            advocacy_anchor = row["last_advocacy_on"] or row["started_on"]
            if advocacy_anchor and today >= advocacy_anchor + inactive_days:
                add(Kind.ADVOCACY_NUDGE, advocacy_anchor + inactive_days)
    return due


def _plan_requests(clock: Clock, kinds: frozenset[str]) -> list[Due]:
    nudge_after = datetime.timedelta(days=setting("MENTOR_REQUEST_NUDGE_DAYS"))
    expire_after = datetime.timedelta(days=setting("MENTOR_REQUEST_EXPIRY_DAYS"))
    due = []
    rows = (MentorRequest.objects
            .filter(status=MentorRequest.Status.OPEN, created_at__lte=clock.now - nudge_after)
            .values("id", "created_at", "nudged_at").order_by("id"))
    for row in rows:
        if row["created_at"] <= clock.now - expire_after:
            # An expiring request is not worth a nudge as well.
            if Kind.REQUEST_EXPIRED in kinds:
                due.append(Due("request", row["id"], (row["created_at"] + expire_after).date(),
                               Kind.REQUEST_EXPIRED))
        elif row["nudged_at"] is None and Kind.REQUEST_NUDGE in kinds:
            due.append(Due("request", row["id"], (row["created_at"] + nudge_after).date(),
                           Kind.REQUEST_NUDGE))
    return due


def reminders_claim(
    *, now: datetime.datetime, kinds: Iterable[str], limit: int = BATCH_SIZE
) -> tuple[uuid.UUID, list[ReminderLog]]:
    """Claim up to `limit` unsent rows for this sweep: one conditional UPDATE, checked by token.

    Rows another sweep holds are skipped (SKIP LOCKED on PostgreSQL); the UPDATE repeats the
    condition, so a row claimed by someone else in between is not taken.
    """
    token = uuid.uuid4()
    claimable = Q(sent_at__isnull=True, kind__in=list(kinds)) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
    with transaction.atomic():
        ids = list(ReminderLog.objects.filter(claimable)
                   .select_for_update(skip_locked=True)
                   .order_by("id").values_list("id", flat=True)[:limit])
        if not ids:
            return token, []
        ReminderLog.objects.filter(claimable, id__in=ids).update(claimed_at=now,
                                                                 claim_token=token)
    return token, list(ReminderLog.objects.filter(claim_token=token, sent_at__isnull=True)
                       .order_by("id"))


def reminders_deliver(
    *, rows: list[ReminderLog], token: uuid.UUID, clock: Clock, hr_admins: _HrAdmins | None = None
) -> list[Delivered]:
    """Send one claimed batch: inbox rows, side effects and sent_at in one transaction."""
    hr_admins = hr_admins or _HrAdmins()
    with transaction.atomic():
        held = set(ReminderLog.objects.select_for_update()
                   .filter(id__in=[r.id for r in rows], claim_token=token, sent_at__isnull=True)
                   .values_list("id", flat=True))
        rows = [r for r in rows if r.id in held]
        return _deliver_rows(rows, clock, hr_admins)


def _mark_sent(rows: list[ReminderLog]) -> None:
    """One UPDATE for the batch. On PostgreSQL an UPDATE ... FROM (VALUES ...): bulk_update's
    CASE WHEN per row and field costs more Python time than the whole delivery otherwise."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ReminderLog.objects.bulk_update(rows, ["sent_at", "summary", "recipients",
                                               "skipped_reason"])
        return
    values = ", ".join(["(%s::bigint, %s::text, %s::jsonb, %s::text)"] * len(rows))
    params = [rows[0].sent_at]
    for row in rows:
        params += [row.id, row.summary, json.dumps(row.recipients), row.skipped_reason]
    table = connection.ops.quote_name(ReminderLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET sent_at = %s, summary = v.summary, "  # noqa: S608
            f"recipients = v.recipients, skipped_reason = v.skipped "
            f"FROM (VALUES {values}) AS v(id, summary, recipients, skipped) WHERE r.id = v.id",
            params)


def _deliver_rows(rows, clock, hr_admins, *, write=True) -> list[Delivered]:
    """Compose a batch; with `write` (inside the caller's transaction) run the side effects, write
    the inbox rows, queue the emails for after commit and mark the rows sent. Escalations in the
    batch become one digest message per HR admin."""
    targets = _load_targets(rows)
    delivered, notices, owners, digest = [], [], [], []
    for row in rows:
        target = targets.get((row.relationship_kind, row.relationship_id))
        composed = COMPOSERS[row.kind](row, target, clock,
                                       hr_admins.get() if row.kind in HR_KINDS else [])
        result = Delivered(row.kind, row.relationship_kind, row.relationship_id, row.due_on,
                           composed.summary, [], composed.skipped_reason)
        for message in composed.messages:
            notices.append(message.notice(kind=f"reminder_{row.kind}"))
            owners.append([result])
        if composed.digest_item is not None:
            digest.append((result, composed.digest_item))
        if write and composed.side_effect and not composed.skipped_reason:
            with transaction.atomic():  # a savepoint: a failing side effect undoes only itself
                told = composed.side_effect()
            if told is None and not composed.messages:
                result.skipped_reason = "Nothing was due any more."
            for person in told or []:
                delivery = _service_delivery(row, person)
                result.recipients.append(_recipient(person, delivery == Delivery.EMAIL,
                                                    digest=delivery == Delivery.DIGEST))
        elif not write and composed.side_effect and not composed.messages:
            # Dry run of a service that tells people itself: say who it would tell.
            result.recipients = [_recipient(p, False) for p in _would_tell(row, target)]
        delivered.append(result)
    if digest:
        for message in escalation_digest([item for _, item in digest], hr_admins.get()):
            notices.append(message.notice(kind=f"reminder_{Kind.ESCALATION}"))
            owners.append([result for result, _ in digest])
    if write:
        notifications = notify_many(notices)
    else:
        notifications = [notification_build(**vars(notice))[0] for notice in notices]
    for results, notification in zip(owners, notifications, strict=True):
        for result in results:
            result.recipients.append(_recipient(notification.recipient, notification.emailed,
                                                 digest=notification.digest_due))
    if write:
        for row, result in zip(rows, delivered, strict=True):
            row.sent_at = clock.now
            row.summary = result.summary[:300]
            row.recipients = result.recipients
            row.skipped_reason = result.skipped_reason[:200]
        _mark_sent(rows)
    return delivered


def _would_tell(row, target) -> list[Person]:
    return [target.mentee] if row.kind == Kind.REQUEST_EXPIRED and target else []


# The notification kind a reminder's side effect sends through its service (the request expiry
# tells the mentee through mentorship's mentor_request_expire).
SERVICE_NOTIFICATION_KINDS = {Kind.REQUEST_EXPIRED: "mentor_request_expired"}


def _service_delivery(row, person: Person) -> Delivery:
    """How the service that told `person` (the request's expiry) reached them."""
    kind = SERVICE_NOTIFICATION_KINDS.get(row.kind)
    return delivery_for(person, kind) if kind else Delivery.INBOX


def _recipient(person: Person, emailed: bool, *, digest: bool = False) -> dict:
    row = {"person": person.pk, "name": person.full_name, "emailed": emailed}
    if digest:  # told in the daily digest email instead
        row["digest"] = True
    return row


def _load_targets(rows) -> dict:
    """The relationships and requests a batch is about: one query per kind present."""
    ids = defaultdict(set)
    for row in rows:
        ids[row.relationship_kind].add(row.relationship_id)
    targets = {}
    for relationship_kind, model in PAIR_MODELS.items():
        if ids[relationship_kind]:
            for obj in model.objects.filter(id__in=ids[relationship_kind]).select_related(
                    *PAIR_PEOPLE[relationship_kind]):
                targets[(relationship_kind, obj.pk)] = obj
    if ids["commitment"]:
        for obj in Commitment.objects.filter(id__in=ids["commitment"]).select_related(
                "sponsorship__sponsor", "sponsorship__protege"):
            targets[("commitment", obj.pk)] = obj
    if ids["request"]:
        for obj in MentorRequest.objects.filter(id__in=ids["request"]).select_related(
                "mentee", "mentor"):
            targets[("request", obj.pk)] = obj
    for relationship_kind, load in TARGET_LOADERS.items():
        if ids[relationship_kind]:
            for obj in load(ids[relationship_kind]):
                targets[(relationship_kind, obj.pk)] = obj
    return targets


def _unsent(planned: list[Due]) -> list[ReminderLog]:
    """Dry run: the planned reminders not already sent, as unsaved rows."""
    sent = set()
    by_kind = defaultdict(set)
    for due in planned:
        by_kind[due.relationship_kind].add(due.relationship_id)
    for relationship_kind, ids in by_kind.items():
        for chunk in _batches(sorted(ids), 5000):
            sent |= set(ReminderLog.objects.filter(
                relationship_kind=relationship_kind, relationship_id__in=chunk,
                sent_at__isnull=False,
            ).values_list("relationship_kind", "relationship_id", "due_on", "kind"))
    return [ReminderLog(relationship_kind=d.relationship_kind, relationship_id=d.relationship_id,
                        due_on=d.due_on, kind=d.kind)
            for d in planned
            if (d.relationship_kind, d.relationship_id, d.due_on, d.kind) not in sent]


class _HrAdmins:
    """The HR admins with an HR record, loaded once per sweep and only if an escalation needs it."""

    def __init__(self):
        self._people = None

    def get(self) -> list[Person]:
        if self._people is None:
            self._people = list(Person.objects.filter(user__is_hr_admin=True,
                                                      user__is_active=True))
        return self._people


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
