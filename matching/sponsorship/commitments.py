"""Commitments: what a sponsor means to do for a protégé, written down with a date and a forum.

A commitment is made on an active (or proposed) sponsorship by its sponsor, kept by linking an
advocacy record of a matching kind, or dropped with a reason. The database holds the state's
facts (Commitment.Meta.constraints); these services hold the rules that need other rows (who may,
which record keeps which commitment) and give each refusal in plain words. Forms, the import
(`import_csv commitments`) and the demo all go through them.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import Person
from accounts.notifications import notify
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import (
    COMMITMENT_DUE_BEFORE_MADE,
    COMMITMENT_NEEDS_DECISION_MAKER,
    AdvocacyRecord,
    Commitment,
    Sponsorship,
)
from matching.sponsorship.services import advocacy_record

COMMITMENT_NOT_YOURS = _("Only the sponsor of this sponsorship can make or change its commitments.")
COMMITMENT_SPONSORSHIP_CLOSED = _(
    "This sponsorship is {status}; commitments are made while it is proposed or active."
)
COMMITMENT_MADE_BEFORE_START = _(
    "The commitment is dated before the sponsorship started ({started_on})."
)
COMMITMENT_MADE_IN_FUTURE = _("A commitment cannot be dated in the future.")
COMMITMENT_NOT_OPEN = _("This commitment is already {state}.")
COMMITMENT_DROP_NEEDS_REASON = _("Say why the commitment is dropped; HR sees the reason.")
COMMITMENT_RECORD_OTHER_PAIR = _("That advocacy record belongs to another sponsorship.")
COMMITMENT_RECORD_WRONG_KIND = _("A {record_kind} does not keep a commitment to {commitment_kind}.")
COMMITMENT_RECORD_BEFORE_MADE = _(
    "That advocacy record is dated {occurred_on}, before the commitment was made ({made_on})."
)
COMMITMENT_RECORD_TAKEN = _("That advocacy record already keeps another commitment.")
COMMITMENT_DROP_BEFORE_MADE = _("The commitment cannot be dropped before it was made ({made_on}).")

# Which advocacy records keep which commitment.
KEEPING_KINDS = {
    Commitment.Kind.PROMOTION_NOMINATION: {AdvocacyRecord.Kind.PROMOTION_NOMINATION,
                                           AdvocacyRecord.Kind.LEADERSHIP_NOMINATION},
    Commitment.Kind.STRETCH_ASSIGNMENT: {AdvocacyRecord.Kind.STRETCH_ASSIGNMENT,
                                         AdvocacyRecord.Kind.HIGH_VISIBILITY_PROJECT},
    Commitment.Kind.INTRODUCTION: {AdvocacyRecord.Kind.INTRODUCTION},
    Commitment.Kind.TALENT_REVIEW: {AdvocacyRecord.Kind.TALENT_REVIEW_ENDORSEMENT},
    Commitment.Kind.SPEAKING_OPPORTUNITY: {AdvocacyRecord.Kind.SPEAKING_OPPORTUNITY},
}
# The advocacy kind a "record the advocacy that keeps it" form starts with.
ADVOCACY_KIND_FOR = {
    Commitment.Kind.PROMOTION_NOMINATION: AdvocacyRecord.Kind.PROMOTION_NOMINATION,
    Commitment.Kind.STRETCH_ASSIGNMENT: AdvocacyRecord.Kind.STRETCH_ASSIGNMENT,
    Commitment.Kind.INTRODUCTION: AdvocacyRecord.Kind.INTRODUCTION,
    Commitment.Kind.TALENT_REVIEW: AdvocacyRecord.Kind.TALENT_REVIEW_ENDORSEMENT,
    Commitment.Kind.SPEAKING_OPPORTUNITY: AdvocacyRecord.Kind.SPEAKING_OPPORTUNITY,
}


def _sponsors_own(sponsorship: Sponsorship, by: Person) -> None:
    if sponsorship.sponsor_id != by.pk:
        raise ValidationError(COMMITMENT_NOT_YOURS)


@transaction.atomic
def commitment_make(
    *,
    sponsorship: Sponsorship,
    by: Person,
    kind: str,
    due_on: datetime.date,
    forum: str = "",
    decision_maker: str = "",
    description: str = "",
    shared_with_protege: bool = False,
    made_on: datetime.date | None = None,
    tell_protege: bool = True,
) -> Commitment:
    """The sponsor commits to something for the protégé. `made_on` is today unless an import
    brings an older one (and an import of history tells nobody)."""
    sponsorship = Sponsorship.objects.select_related("protege").get(pk=sponsorship.pk)
    _sponsors_own(sponsorship, by)
    today = timezone.localdate()
    made_on = made_on or today
    # Made while the sponsorship was waiting or running (an import may bring one made before
    # it closed).
    running = sponsorship.status in (RelationshipStatus.PROPOSED, RelationshipStatus.ACTIVE) or (
        sponsorship.ended_on is not None and made_on <= sponsorship.ended_on
        and sponsorship.status != RelationshipStatus.DECLINED)
    if not running:
        raise ValidationError(COMMITMENT_SPONSORSHIP_CLOSED.format(
            status=sponsorship.get_status_display().lower()))
    if made_on > today:
        raise ValidationError({"made_on": COMMITMENT_MADE_IN_FUTURE})
    if sponsorship.started_on and made_on < sponsorship.started_on:
        raise ValidationError({"made_on": COMMITMENT_MADE_BEFORE_START.format(
            started_on=date_format(sponsorship.started_on))})
    if due_on < made_on:
        raise ValidationError({"due_on": COMMITMENT_DUE_BEFORE_MADE.format(
            made_on=date_format(made_on))})
    decision_maker = decision_maker.strip()
    if kind == Commitment.Kind.INTRODUCTION and not decision_maker:
        raise ValidationError({"decision_maker": COMMITMENT_NEEDS_DECISION_MAKER})
    commitment = Commitment.objects.create(
        sponsorship=sponsorship, kind=kind, due_on=due_on, made_on=made_on, forum=forum.strip(),
        decision_maker=decision_maker, description=description.strip(),
        shared_with_protege=shared_with_protege,
    )
    if shared_with_protege and tell_protege:
        notify(recipient=sponsorship.protege, kind="commitment_shared",
               template="commitment-shared", context={"commitment": commitment},
               url=reverse("sponsorship:detail", args=[sponsorship.pk]))
    return commitment


def _open_commitment(commitment: Commitment, by: Person) -> Commitment:
    """The commitment, locked, if `by` is its sponsor and it is still open."""
    locked = (Commitment.objects.select_for_update(of=("self",))
              .select_related("sponsorship").get(pk=commitment.pk))
    _sponsors_own(locked.sponsorship, by)
    if locked.state != Commitment.State.OPEN:
        raise ValidationError(COMMITMENT_NOT_OPEN.format(state=locked.get_state_display().lower()))
    return locked


@transaction.atomic
def commitment_keep(*, commitment: Commitment, by: Person, record: AdvocacyRecord) -> Commitment:
    """Close a commitment with the advocacy record that kept it; on time when the record is
    dated on or before the due date, late otherwise."""
    commitment = _open_commitment(commitment, by)
    if record.sponsorship_id != commitment.sponsorship_id:
        raise ValidationError(COMMITMENT_RECORD_OTHER_PAIR)
    if record.kind not in KEEPING_KINDS[commitment.kind]:
        raise ValidationError(COMMITMENT_RECORD_WRONG_KIND.format(
            record_kind=record.get_kind_display().lower(),
            commitment_kind=commitment.get_kind_display().lower()))
    if record.occurred_on < commitment.made_on:
        raise ValidationError(COMMITMENT_RECORD_BEFORE_MADE.format(
            occurred_on=date_format(record.occurred_on), made_on=date_format(commitment.made_on)))
    if Commitment.objects.filter(advocacy_record=record).exists():
        raise ValidationError(COMMITMENT_RECORD_TAKEN)
    commitment.state = Commitment.State.KEPT
    commitment.advocacy_record = record
    commitment.kept_on = record.occurred_on
    try:
        with transaction.atomic():  # two commitments racing for one record: the constraint wins
            commitment.save(update_fields=["state", "advocacy_record", "kept_on"])
    except IntegrityError:
        raise ValidationError(COMMITMENT_RECORD_TAKEN) from None
    return commitment


@transaction.atomic
def commitment_keep_with_new_record(
    *, commitment: Commitment, by: Person, **record_fields
) -> tuple[Commitment, AdvocacyRecord]:
    """Record the advocacy and keep the commitment with it, both or neither."""
    record = advocacy_record(sponsorship=commitment.sponsorship, sponsor=by, **record_fields)
    return commitment_keep(commitment=commitment, by=by, record=record), record


@transaction.atomic
def commitment_drop(
    *, commitment: Commitment, by: Person, reason: str,
    dropped_on: datetime.date | None = None,
) -> Commitment:
    """The sponsor will not do it after all, and says why (HR sees the reason; the protégé too
    when the commitment was shared)."""
    commitment = _open_commitment(commitment, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": COMMITMENT_DROP_NEEDS_REASON})
    dropped_on = dropped_on or timezone.localdate()
    if dropped_on < commitment.made_on:
        raise ValidationError(COMMITMENT_DROP_BEFORE_MADE.format(
            made_on=date_format(commitment.made_on)))
    commitment.state = Commitment.State.DROPPED
    commitment.dropped_on = dropped_on
    commitment.drop_reason = reason[:300]
    commitment.save(update_fields=["state", "dropped_on", "drop_reason"])
    audit_record(by.user, "commitment.drop", target=commitment,
                 summary=f"{commitment.get_kind_display()} due {commitment.due_on} dropped")
    return commitment
