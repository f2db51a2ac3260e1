"""Sponsorship workflows: registering, forming a sponsorship, recording advocacy and outcomes.

Cadence, meetings, closing and surveys are shared with mentorship and live in
matching/services/relationships.py; this module only does what is particular to sponsorship.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.audit import audit_record
from accounts.models import (
    SPONSOR_CAPACITY_RANGE,
    CareerEvent,
    Department,
    Person,
    SponsorProfile,
    User,
    capacity_validate,
)
from accounts.notifications import notify
from accounts.program_settings import setting
from accounts.services import career_event_record, career_event_validate
from matching.cohorts.models import Cohort
from matching.relationships.capacity import (
    capacity_not_below_taken,
    places_promised,
    places_taken,
    room,
)
from matching.relationships.models import RelationshipStatus
from matching.relationships.services import relationship_start, survey_url
from matching.scoring import (
    BLOCKED_LINE,
    BLOCKED_REPORT,
    BLOCKED_SELF,
    blocked_reason,
    load_candidates,
)
from matching.sponsorship.models import AdvocacyRecord, Sponsorship, SponsorshipInterest

SPONSORSHIP_CADENCE_DAYS = 30

COMMITMENT_STATEMENT = _(
    "I will advocate for my protégés by name, in the rooms where promotions and assignments "
    "are decided, and stake my own credibility on them. I will record what I put forward and "
    "what came of it."
)
COMMITMENT_REQUIRED = _("Accept the commitment statement to register as a sponsor.")
CAPACITY_OUT_OF_RANGE = SPONSOR_CAPACITY_RANGE
BELOW_LEVEL_REASON = _(
    "Level {level} is below the sponsor level ({minimum}); an HR admin reviews the "
    "registration."
)
REGISTRATION_NOT_PENDING = _("This registration has already been decided.")
REJECTION_NEEDS_REASON = _("Say why the registration is not approved; the leader will see it.")

SPONSOR_NOT_APPROVED = _(
    "{name} is not an approved sponsor: registrations below level {minimum} wait for HR "
    "approval."
)
SPONSOR_PAUSED = _("{name} has paused sponsoring and takes no new protégés.")
# Counts in brackets, so one sentence reads right for any number in every language.
SPONSOR_NO_FREE_PLACE = _(
    "{name} has no free place: their capacity of {capacity} is taken by active protégés "
    "({active}) and proposals waiting for an answer ({proposed}). Wait for an answer, or choose "
    "another sponsor."
)
NOT_YOUR_PROPOSAL = _("Only whoever made this proposal can withdraw it.")
INTEREST_NOT_OPEN = _("This request for a sponsor has already been answered.")
INTEREST_DECLINE_NEEDS_REASON = _("Say why; the employee reads the reason.")
SPONSOR_SELF = _("A sponsor cannot sponsor themself.")
SPONSOR_IN_LINE = _(
    "{sponsor} is in {protege}'s reporting line (their manager or above); a sponsor comes "
    "from outside it."
)
SPONSOR_OWN_MANAGER = _("{protege} is {sponsor}'s own manager; nobody sponsors their own manager.")
PROTEGE_NOT_EMPLOYED = _("{name} is no longer employed and cannot be sponsored.")
ALREADY_OPEN = _("{sponsor} and {protege} already have a sponsorship waiting or running.")
NOT_PROPOSED = _("This sponsorship is no longer waiting for an answer.")
ONLY_PROTEGE_ANSWERS = _("Only the protégé can accept or decline a proposed sponsorship.")
INTEREST_ALREADY_OPEN = _("You have already told HR you would like a sponsor; HR will be in touch.")
INTEREST_NEEDS_ASPIRATIONS = _("Tell HR a little about where you want your career to go.")

ADVOCACY_NOT_YOURS = _("Only the sponsor of this sponsorship can record advocacy on it.")
ADVOCACY_NOT_ACTIVE = _(
    "This sponsorship is not active; advocacy is recorded on active sponsorships."
)
ADVOCACY_IN_FUTURE = _("Record advocacy once it has happened; the date is in the future.")
ADVOCACY_BEFORE_START = _("The date is before the sponsorship started ({started_on}).")
OUTCOME_BEFORE_RECORD = _("The outcome date is before the advocacy itself ({occurred_on}).")
OUTCOME_IN_FUTURE = _("The outcome date is in the future.")
OUTCOME_NEEDS_DATE = _("Give the date the outcome was decided.")
NO_MATCHING_CAREER_EVENT = _("A {kind} has no matching career event to record.")
CAREER_EVENT_NEEDS_SUCCESS = _("Only a succeeded outcome can create a career event.")

# What a succeeded advocacy record turns into on the protégé's career record.
CAREER_EVENT_FOR_KIND = {
    AdvocacyRecord.Kind.PROMOTION_NOMINATION: CareerEvent.Kind.PROMOTION,
    AdvocacyRecord.Kind.STRETCH_ASSIGNMENT: CareerEvent.Kind.HIGH_VISIBILITY,
    AdvocacyRecord.Kind.HIGH_VISIBILITY_PROJECT: CareerEvent.Kind.HIGH_VISIBILITY,
    AdvocacyRecord.Kind.LEADERSHIP_NOMINATION: CareerEvent.Kind.LEADERSHIP,
}


# Registering as a sponsor.


@transaction.atomic
def sponsor_register(
    *,
    person: Person,
    capacity: int,
    departments: list[Department],
    opportunity_kinds: list[str],
    commitment_accepted: bool,
    is_paused: bool = False,
) -> SponsorProfile:
    """Register (or update a registration). At or above SPONSOR_MIN_LEVEL it is approved at
    once; below, it waits for HR with the reason shown. A rejected leader may apply again."""
    if not commitment_accepted:
        raise ValidationError({"commitment_accepted": COMMITMENT_REQUIRED})
    capacity_validate(SponsorProfile, capacity)
    minimum = setting("SPONSOR_MIN_LEVEL")
    profile = SponsorProfile.objects.select_for_update().filter(person=person).first()
    capacity_not_below_taken(SponsorProfile, person.pk, capacity)
    if profile is None:
        profile = SponsorProfile(person=person)
    profile.capacity = capacity
    profile.is_paused = is_paused
    profile.opportunity_kinds = [k for k in SponsorProfile.Opportunity.values
                                 if k in opportunity_kinds]
    profile.commitment_accepted_at = timezone.now()
    if profile.status != SponsorProfile.Status.APPROVED:
        if person.level >= minimum:
            profile.status = SponsorProfile.Status.APPROVED
            profile.status_reason = ""
            profile.decided_at = timezone.now()
        else:
            profile.status = SponsorProfile.Status.PENDING
            profile.status_reason = BELOW_LEVEL_REASON.format(level=person.level, minimum=minimum)
            profile.decided_at = None
        profile.decided_by = None
    profile.save()
    profile.departments.set(departments)
    return profile


@transaction.atomic
def sponsor_registration_decide(
    *, profile: SponsorProfile, by: User, approve: bool, reason: str = ""
) -> SponsorProfile:
    """An HR admin approves or turns down a registration waiting in the queue."""
    profile = SponsorProfile.objects.select_for_update().select_related("person").get(
        pk=profile.pk)
    if profile.status != SponsorProfile.Status.PENDING:
        raise ValidationError(REGISTRATION_NOT_PENDING)
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": REJECTION_NEEDS_REASON})
    profile.status = SponsorProfile.Status.APPROVED if approve else SponsorProfile.Status.REJECTED
    profile.status_reason = reason
    profile.decided_by = by
    profile.decided_at = timezone.now()
    profile.save(update_fields=["status", "status_reason", "decided_by", "decided_at"])
    audit_record(by, "sponsor_registration.approve" if approve else "sponsor_registration.refuse",
                 target=profile, summary=f"{profile.person.full_name}'s sponsor registration")
    notify(recipient=profile.person, kind="sponsor_registration_decided",
           template="sponsor-registration-decided", context={"profile": profile},
           url=reverse("sponsorship:register"))
    return profile


# Forming a sponsorship: HR pairs, a sponsor proposes, or HR answers an employee's interest.


def _approved_profile(sponsor: Person, *, lock: bool = False) -> SponsorProfile:
    profiles = SponsorProfile.objects.filter(person=sponsor)
    if lock:
        profiles = profiles.select_for_update()
    profile = profiles.first()
    if profile is None or profile.status != SponsorProfile.Status.APPROVED:
        raise ValidationError(SPONSOR_NOT_APPROVED.format(name=sponsor.full_name,
                                                          minimum=setting("SPONSOR_MIN_LEVEL")))
    return profile


def sponsor_at_capacity(name: str, count: int) -> str:
    return ngettext("{name} already sponsors {count} protégé, their full capacity.",
                    "{name} already sponsors {count} protégés, their full capacity.",
                    count).format(name=name, count=count)


def _check_capacity(profile: SponsorProfile, sponsor: Person) -> None:
    count = places_taken(profile)
    if room(capacity=profile.capacity, taken=count) <= 0:
        raise ValidationError(sponsor_at_capacity(sponsor.full_name, count))


def _check_free_place(profile: SponsorProfile, sponsor: Person) -> None:
    """A new proposal needs a place nobody holds or has been offered (call with the profile
    row locked, so two proposals at once are counted one after the other)."""
    active, proposed = places_promised(profile)
    if room(capacity=profile.capacity, taken=active + proposed) <= 0:
        raise ValidationError(SPONSOR_NO_FREE_PLACE.format(
            name=sponsor.full_name, active=active, proposed=proposed, capacity=profile.capacity))


def _check_reporting_line(sponsor: Person, protege: Person) -> None:
    """The same rules as mentorship (matching.scoring.blocked_reason), in sponsorship words."""
    candidates = load_candidates([sponsor.pk, protege.pk])
    reason = blocked_reason(candidates[protege.pk], candidates[sponsor.pk])
    names = {"sponsor": sponsor.full_name, "protege": protege.full_name}
    messages = {BLOCKED_SELF: SPONSOR_SELF, BLOCKED_LINE: SPONSOR_IN_LINE,
                BLOCKED_REPORT: SPONSOR_OWN_MANAGER}
    if reason:
        raise ValidationError(messages.get(reason, reason).format(**names))


@transaction.atomic
def sponsorship_propose(
    *,
    sponsor: Person,
    protege: Person,
    origin: str,
    proposed_by: Person | None = None,
    interest: SponsorshipInterest | None = None,
    cohort: Cohort | None = None,
    cadence_days: int = SPONSORSHIP_CADENCE_DAYS,
    planned_end_on: datetime.date | None = None,
) -> Sponsorship:
    """Propose a pair; it starts only when the protégé accepts. A cohort's proposals carry the
    cohort, its rhythm and its planned end from the start."""
    if sponsor.pk == protege.pk:
        raise ValidationError(SPONSOR_SELF)
    profile = _approved_profile(sponsor, lock=True)
    if profile.is_paused:
        raise ValidationError(SPONSOR_PAUSED.format(name=sponsor.full_name))
    if not protege.is_employed:
        raise ValidationError(PROTEGE_NOT_EMPLOYED.format(name=protege.full_name))
    _check_reporting_line(sponsor, protege)
    if Sponsorship.objects.open().filter(sponsor=sponsor, protege=protege).exists():
        raise ValidationError(ALREADY_OPEN.format(sponsor=sponsor.full_name,
                                                  protege=protege.full_name))
    _check_free_place(profile, sponsor)
    sponsorship = Sponsorship.objects.create(
        sponsor=sponsor, protege=protege, origin=origin, proposed_by=proposed_by,
        status=RelationshipStatus.PROPOSED, cadence_days=cadence_days, cohort=cohort,
        planned_end_on=planned_end_on,
    )
    if interest is not None:
        # The request stays in HR's queue, showing this proposal, until one is accepted.
        SponsorshipInterest.objects.filter(pk=interest.pk, resolved_at__isnull=True).update(
            sponsorship=sponsorship)
    if origin in (Sponsorship.Origin.HR, Sponsorship.Origin.INTEREST):  # HR's pairing
        audit_record(proposed_by.user if proposed_by else None, "sponsorship.hr_pair",
                     target=sponsorship, origin=origin,
                     summary=f"{sponsor.full_name} proposed to sponsor {protege.full_name}")
    notify(recipient=protege, kind="sponsorship_proposed", template="sponsorship-proposed",
           context={"sponsorship": sponsorship},
           url=reverse("sponsorship:detail", args=[sponsorship.pk]))
    return sponsorship


@transaction.atomic
def sponsorship_accept(*, sponsorship: Sponsorship, by: Person,
                       started_on: datetime.date | None = None) -> Sponsorship:
    """The protégé accepts. The sponsor's profile row is locked so two acceptances at the same
    moment cannot both take the last place."""
    if sponsorship.protege_id != by.pk:
        raise ValidationError(ONLY_PROTEGE_ANSWERS)
    profile = _approved_profile(sponsorship.sponsor, lock=True)
    sponsorship = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
    if sponsorship.status != RelationshipStatus.PROPOSED:
        raise ValidationError(NOT_PROPOSED)
    _check_capacity(profile, sponsorship.sponsor)
    relationship_start(relationship=sponsorship, started_on=started_on or timezone.localdate())
    # The protégé's request to HR for a sponsor is answered now, by this sponsorship.
    SponsorshipInterest.objects.filter(person=sponsorship.protege,
                                       resolved_at__isnull=True).update(
        resolved_at=timezone.now(), sponsorship=sponsorship)
    notify(recipient=sponsorship.sponsor, kind="sponsorship_accepted",
           template="sponsorship-accepted", context={"sponsorship": sponsorship},
           url=reverse("sponsorship:detail", args=[sponsorship.pk]))
    notify(recipient=sponsorship.protege, kind="survey_baseline", template="survey-request",
           context={"relationship": sponsorship, "kind": "sponsorship", "phase": "baseline",
                    "giver": sponsorship.sponsor, "receiver": sponsorship.protege},
           url=survey_url(sponsorship, "baseline"))
    return sponsorship


@transaction.atomic
def sponsorship_decline(*, sponsorship: Sponsorship, by: Person) -> Sponsorship:
    if sponsorship.protege_id != by.pk:
        raise ValidationError(ONLY_PROTEGE_ANSWERS)
    sponsorship = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
    if sponsorship.status != RelationshipStatus.PROPOSED:
        raise ValidationError(NOT_PROPOSED)
    sponsorship.status = RelationshipStatus.DECLINED
    sponsorship.save(update_fields=["status"])
    return sponsorship


@transaction.atomic
def sponsorship_withdraw(*, sponsorship: Sponsorship, by: Person) -> Sponsorship:
    """Whoever proposed a sponsorship (the sponsor, or the HR admin who paired them) withdraws
    it while it waits for an answer; the place it held is free again."""
    sponsorship = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
    if sponsorship.proposed_by_id is None or sponsorship.proposed_by_id != by.pk:
        raise ValidationError(NOT_YOUR_PROPOSAL)
    if sponsorship.status != RelationshipStatus.PROPOSED:
        raise ValidationError(NOT_PROPOSED)
    sponsorship.status = RelationshipStatus.WITHDRAWN
    sponsorship.save(update_fields=["status"])
    audit_record(by.user, "sponsorship.withdraw", target=sponsorship,
                 summary=f"Proposal withdrawn: {sponsorship}")
    return sponsorship


@transaction.atomic
def sponsorship_interest_decline(*, interest: SponsorshipInterest, by: User,
                                 reason: str) -> SponsorshipInterest:
    """HR answers an employee's request for a sponsor with a no, and says why; the employee
    reads the reason and may ask again later."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": INTEREST_DECLINE_NEEDS_REASON})
    interest = (SponsorshipInterest.objects.select_for_update().select_related("person")
                .get(pk=interest.pk))
    if interest.resolved_at is not None:
        raise ValidationError(INTEREST_NOT_OPEN)
    interest.resolved_at, interest.declined_by, interest.declined_reason = (
        timezone.now(), by, reason)
    interest.save(update_fields=["resolved_at", "declined_by", "declined_reason"])
    audit_record(by, "sponsorship_interest.decline", target=interest,
                 summary=f"Request for a sponsor declined: {interest.person}", reason=reason)
    notify(recipient=interest.person, kind="sponsorship_interest_declined",
           template="sponsorship-interest-declined", context={"interest": interest},
           url=reverse("sponsorship:index"))
    return interest


@transaction.atomic
def sponsorship_interest_record(*, person: Person, aspirations: str) -> SponsorshipInterest:
    """An employee tells HR they would like a sponsor. HR finds the sponsor; the employee never
    cold-requests an executive."""
    aspirations = aspirations.strip()
    if not aspirations:
        raise ValidationError({"aspirations": INTEREST_NEEDS_ASPIRATIONS})
    if SponsorshipInterest.objects.filter(person=person, resolved_at__isnull=True).exists():
        raise ValidationError(INTEREST_ALREADY_OPEN)
    return SponsorshipInterest.objects.create(person=person, aspirations=aspirations)


# Advocacy: the heart of sponsorship.


@transaction.atomic
def advocacy_record(
    *,
    sponsorship: Sponsorship,
    sponsor: Person,
    kind: str,
    occurred_on: datetime.date,
    description: str,
    forum: str = "",
    visibility: str = AdvocacyRecord.Visibility.OPEN,
    shared_with_protege: bool = False,
) -> AdvocacyRecord:
    sponsorship = Sponsorship.objects.select_for_update().select_related("protege").get(
        pk=sponsorship.pk)
    if sponsorship.sponsor_id != sponsor.pk:
        raise ValidationError(ADVOCACY_NOT_YOURS)
    if sponsorship.status != RelationshipStatus.ACTIVE:
        raise ValidationError(ADVOCACY_NOT_ACTIVE)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": ADVOCACY_IN_FUTURE})
    if sponsorship.started_on and occurred_on < sponsorship.started_on:
        raise ValidationError(
            {"occurred_on": ADVOCACY_BEFORE_START.format(
                started_on=date_format(sponsorship.started_on))})
    record = AdvocacyRecord.objects.create(
        sponsorship=sponsorship, kind=kind, occurred_on=occurred_on, forum=forum.strip(),
        visibility=visibility, description=description.strip(),
        shared_with_protege=shared_with_protege,
    )
    if sponsorship.last_advocacy_on is None or occurred_on > sponsorship.last_advocacy_on:
        sponsorship.last_advocacy_on = occurred_on
        sponsorship.save(update_fields=["last_advocacy_on"])
    if shared_with_protege:
        _tell_protege(record)
    return record


def _tell_protege(record: AdvocacyRecord) -> None:
    notify(recipient=record.sponsorship.protege, kind="advocacy_shared",
           template="advocacy-shared", context={"record": record},
           url=reverse("sponsorship:advocacy_detail", args=[record.pk]))


def _own_record(record: AdvocacyRecord, by: Person) -> AdvocacyRecord:
    locked = (AdvocacyRecord.objects.select_for_update(of=("self",))
              .select_related("sponsorship__protege").get(pk=record.pk))
    if locked.sponsorship.sponsor_id != by.pk:
        raise ValidationError(ADVOCACY_NOT_YOURS)
    return locked


@transaction.atomic
def advocacy_outcome_record(
    *,
    record: AdvocacyRecord,
    by: Person,
    outcome: str,
    outcome_on: datetime.date | None,
    note: str = "",
    create_career_event: bool = False,
) -> AdvocacyRecord:
    """Record what came of an act of advocacy. Outcomes often arrive after a sponsorship has
    closed, so a closed sponsorship still takes them. A succeeded promotion nomination (and
    the other kinds in CAREER_EVENT_FOR_KIND) can create the protégé's career event at once."""
    record = _own_record(record, by)
    if outcome == AdvocacyRecord.Outcome.PENDING:
        outcome_on = None
    else:
        if outcome_on is None:
            raise ValidationError({"outcome_on": OUTCOME_NEEDS_DATE})
        if outcome_on < record.occurred_on:
            raise ValidationError(
                {"outcome_on": OUTCOME_BEFORE_RECORD.format(
                    occurred_on=date_format(record.occurred_on))})
        if outcome_on > timezone.localdate():
            raise ValidationError({"outcome_on": OUTCOME_IN_FUTURE})
    if create_career_event:
        if outcome != AdvocacyRecord.Outcome.SUCCEEDED:
            raise ValidationError({"create_career_event": CAREER_EVENT_NEEDS_SUCCESS})
        if record.kind not in CAREER_EVENT_FOR_KIND:
            raise ValidationError({"create_career_event": NO_MATCHING_CAREER_EVENT.format(
                kind=record.get_kind_display().lower())})
    record.outcome = outcome
    record.outcome_on = outcome_on
    record.outcome_note = note.strip()
    _career_event_follow(record, by, create=create_career_event)
    record.save(update_fields=["outcome", "outcome_on", "outcome_note", "career_event",
                               "created_career_event"])
    return record


def _career_event_follow(record: AdvocacyRecord, by: Person, *, create: bool) -> None:
    """The career event follows the outcome it came from: an outcome moved away from
    "succeeded" removes the event it created (or unlinks one HR had recorded), a new outcome
    date moves it, and a succeeded outcome asked to create one creates or links it."""
    event = record.career_event
    if event is not None and record.outcome != AdvocacyRecord.Outcome.SUCCEEDED:
        if record.created_career_event:
            audit_record(by.user, "career_event.delete", target=event,
                         summary=f"Removed {event}: the advocacy outcome is no longer succeeded",
                         reason="advocacy outcome changed", advocacy_record=record.pk)
            event.delete()
        record.career_event, record.created_career_event = None, False
        return
    if event is not None and record.created_career_event and event.occurred_on != record.outcome_on:
        career_event_validate(person=record.sponsorship.protege, kind=event.kind,
                              occurred_on=record.outcome_on, exclude_pk=event.pk)
        event.occurred_on = record.outcome_on
        event.save(update_fields=["occurred_on"])
    if event is None and create:
        record.career_event, record.created_career_event = _career_event_for(record, by)


def _career_event_for(record: AdvocacyRecord, by: Person) -> tuple[CareerEvent, bool]:
    """The protégé's career event for a succeeded record, and whether it was created here."""
    protege, kind = record.sponsorship.protege, CAREER_EVENT_FOR_KIND[record.kind]
    # HR may already have imported the same event; link it rather than count it twice.
    existing = CareerEvent.objects.filter(
        person=protege, kind=kind, occurred_on=record.outcome_on,
        advocacy_record__isnull=True).first()
    if existing is not None:
        return existing, False
    forum = f" ({record.forum})" if record.forum else ""
    return career_event_record(
        person=protege, kind=kind, occurred_on=record.outcome_on,
        description=f"{record.get_kind_display()}{forum}, sponsored by {by.full_name}"[:300],
        recorded_by=by.user,
    ), True


@transaction.atomic
def advocacy_share_set(*, record: AdvocacyRecord, by: Person, shared: bool) -> AdvocacyRecord:
    """The sponsor decides whether the protégé sees a record."""
    record = _own_record(record, by)
    if record.shared_with_protege != shared:
        record.shared_with_protege = shared
        record.save(update_fields=["shared_with_protege"])
        if shared:
            _tell_protege(record)
    return record
