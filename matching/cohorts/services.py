"""Cohort workflows: create and set up a round, enrol, pin or forbid pairs, publish.

Every workflow that changes a cohort locks its row first, so an enrolment or a rule cannot slip in
while the cohort is being published, and a cohort is published once. Publishing creates the
relationships inside one transaction, so a failure half-way leaves nothing: mentorships are
started exactly as relationship_start starts one (the same relationship_start_fields) but
inserted in bulk with their goals, and everyone is told with one bulk insert of inbox entries and
one mail connection after commit; sponsorships go through sponsorship_propose, pair by pair.

Sponsorships from a cohort start as proposals the protégé accepts, like every other sponsorship
(a sponsor stakes their reputation in the open; the protégé agrees to that). Mentorships from a
cohort start at once: both people enrolled to be matched.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.audit import audit_record
from accounts.models import Person, SponsorProfile, User, cadence_validate, capacity_validate
from accounts.notifications import Notice, notify, notify_many
from matching.cohorts import solver
from matching.cohorts.match import ROLES, MatchResult, cohort_match, pin_problem
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.cohorts.scores import MUST_HAVES
from matching.mentorship.models import Goal, Mentorship
from matching.relationships.services import add_months, relationship_start_fields, relationship_url
from matching.scoring import CRITERIA, MAX_PREFERENCE_RANK
from matching.sponsorship.models import Sponsorship
from matching.sponsorship.services import sponsorship_propose

SLUG_TAKEN = _("A cohort with the short name '{slug}' already exists; choose another.")
NAME_REQUIRED = _("Give the cohort a name.")
KIND_INVALID = _("A cohort is for mentorship or sponsorship.")
WINDOW_ORDER = _("Enrolment must open before it closes.")
START_BEFORE_CLOSE = _("The cohort should start after enrolment closes.")
LENGTH_RANGE = _("Relationships last 1 to 24 months.")
ALREADY_PUBLISHED = _("This cohort has been published; it can no longer change.")
WEIGHT_RANGE = _("Points for '{criterion}' must be a whole number from 0 to 100.")
WEIGHTS_ALL_ZERO = _("Give at least one criterion some points, or every pair scores 0.")
OBJECTIVE_INVALID = _("Choose 'best total score' or 'most people matched'.")
ROLE_WRONG_KIND = {
    Cohort.Kind.MENTORSHIP: _("In a mentorship cohort people enrol as mentee or mentor."),
    Cohort.Kind.SPONSORSHIP: _("In a sponsorship cohort people enrol as protégé or sponsor."),
}
NOT_INVITED = _("This cohort is by invitation only; ask HR if you would like to join.")
ENROLMENT_NOT_OPEN = _("Enrolment opens on {day}.")
ENROLMENT_CLOSED = _("Enrolment closed on {day}.")
NOT_EMPLOYED = _("{name} is no longer employed and cannot be enrolled.")
TOO_MANY_PREFERRED = format_lazy(_("Rank at most {count} preferred people."),
                                 count=MAX_PREFERENCE_RANK)
PREFERRED_TWICE = _("Each preferred person may be ranked once.")
PREFERRED_NOT_ENROLLED = {
    Cohort.Kind.MENTORSHIP: _("{name} is not enrolled as a mentor in this cohort."),
    Cohort.Kind.SPONSORSHIP: _("{name} is not enrolled as a sponsor in this cohort."),
}
PREFERRED_SELF = _("You cannot rank yourself.")
MUST_HAVE_UNKNOWN = _("'{key}' is not a must-have; choose from: {choices}.")
SPONSOR_NOT_APPROVED = _("{name} needs an approved, unpaused sponsor registration to sponsor.")
RULE_INVALID = _("A pair rule pins or forbids a pair.")
PIN_REFUSED = _("This pair cannot be pinned: {why}.")
PIN_TAKEN = _("{receiver} is already pinned to {giver}; remove that pin first.")
NOTHING_TO_PUBLISH = _("No pair can be made yet, so there is nothing to publish.")
CHANGED_SINCE_PREVIEW = _(
    "The enrolments or rules changed since your preview, so the pairs would differ from what "
    "you saw. Look at the new preview and publish again."
)

BULK_BATCH_SIZE = 1000


def pin_full(giver: str, capacity: int) -> str:
    """Every place of this giver is pinned already (worded for the number of places)."""
    return ngettext("{giver} has {capacity} place and it is pinned already.",
                    "{giver} has {capacity} places and all are pinned already.",
                    capacity).format(giver=giver, capacity=capacity)
LENGTH_MONTHS = (1, 24)
_SETTINGS = ("name", "description", "open_to_all", "enrolment_opens_on", "enrolment_closes_on",
             "starts_on", "length_months", "cadence_days")


def _locked(cohort: Cohort) -> Cohort:
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status == Cohort.Status.PUBLISHED:
        raise ValidationError(ALREADY_PUBLISHED)
    return cohort


def _check_settings(cohort: Cohort) -> None:
    errors = {}
    if not cohort.name.strip():
        errors["name"] = NAME_REQUIRED
    if cohort.kind not in Cohort.Kind.values:
        errors["kind"] = KIND_INVALID
    opens, closes = cohort.enrolment_opens_on, cohort.enrolment_closes_on
    if opens and closes and opens > closes:
        errors["enrolment_closes_on"] = WINDOW_ORDER
    if closes and cohort.starts_on and cohort.starts_on < closes:
        errors["starts_on"] = START_BEFORE_CLOSE
    if not LENGTH_MONTHS[0] <= cohort.length_months <= LENGTH_MONTHS[1]:
        errors["length_months"] = LENGTH_RANGE
    try:
        cadence_validate(cohort.cadence_days)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cohort_create(
    *,
    name: str,
    slug: str,
    kind: str,
    description: str = "",
    open_to_all: bool = True,
    enrolment_opens_on: datetime.date | None = None,
    enrolment_closes_on: datetime.date | None = None,
    starts_on: datetime.date | None = None,
    length_months: int | None = None,
    cadence_days: int | None = None,
) -> Cohort:
    """A new round, enrolling. Sponsorships default to a year and monthly touchpoints."""
    sponsorship = kind == Cohort.Kind.SPONSORSHIP
    cohort = Cohort(
        name=name.strip(), slug=slug.strip(), kind=kind, description=description.strip(),
        open_to_all=open_to_all, enrolment_opens_on=enrolment_opens_on,
        enrolment_closes_on=enrolment_closes_on, starts_on=starts_on,
        length_months=length_months or (12 if sponsorship else 6),
        cadence_days=cadence_days or (30 if sponsorship else 14),
    )
    _check_settings(cohort)
    if Cohort.objects.filter(slug=cohort.slug).exists():
        raise ValidationError({"slug": SLUG_TAKEN.format(slug=cohort.slug)})
    cohort.save()
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, changes: Mapping[str, object]) -> Cohort:
    """Change the name, description, window, start, length or cadence (not the kind)."""
    locked = _locked(cohort)
    for name, value in changes.items():
        if name not in _SETTINGS:
            raise ValueError(f"{name!r} cannot be changed here")
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_settings(locked)
    locked.save()
    return locked


@transaction.atomic
def cohort_weights_set(*, cohort: Cohort, weights: Mapping[str, int], objective: str) -> Cohort:
    """Points per criterion (the score is points earned over points available, 0-100)."""
    locked = _locked(cohort)
    clean = {}
    for criterion in CRITERIA:
        points = weights.get(criterion, 0)
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 100:
            raise ValidationError({criterion: WEIGHT_RANGE.format(criterion=criterion)})
        clean[criterion] = points
    if not any(clean.values()):
        raise ValidationError(WEIGHTS_ALL_ZERO)
    if objective not in solver.OBJECTIVES:
        raise ValidationError({"objective": OBJECTIVE_INVALID})
    locked.weights, locked.objective = clean, objective
    locked.save(update_fields=["weights", "objective"])
    return locked


def _check_window(cohort: Cohort) -> None:
    today = timezone.localdate()
    if cohort.enrolment_opens_on and today < cohort.enrolment_opens_on:
        raise ValidationError(ENROLMENT_NOT_OPEN.format(day=date_format(cohort.enrolment_opens_on)))
    if cohort.enrolment_closes_on and today > cohort.enrolment_closes_on:
        raise ValidationError(ENROLMENT_CLOSED.format(day=date_format(cohort.enrolment_closes_on)))


def _check_preferred(cohort: Cohort, person: Person, preferred: list[int]) -> None:
    if len(preferred) > MAX_PREFERENCE_RANK:
        raise ValidationError({"preferred": TOO_MANY_PREFERRED})
    if len(set(preferred)) != len(preferred):
        raise ValidationError({"preferred": PREFERRED_TWICE})
    if person.pk in preferred:
        raise ValidationError({"preferred": PREFERRED_SELF})
    giver_role = ROLES[cohort.kind][1]
    enrolled = set(CohortEnrolment.objects.filter(
        cohort=cohort, role=giver_role, person_id__in=preferred).values_list("person_id",
                                                                             flat=True))
    missing = [pk for pk in preferred if pk not in enrolled]
    if missing:
        name = Person.objects.filter(pk=missing[0]).values_list("full_name", flat=True).first()
        raise ValidationError({"preferred": PREFERRED_NOT_ENROLLED[cohort.kind].format(
            name=name or f"#{missing[0]}")})


@transaction.atomic
def cohort_enrol(
    *,
    cohort: Cohort,
    person: Person,
    role: str,
    capacity: int = 1,
    preferred: Iterable[int] = (),
    must_haves: Iterable[str] = (),
    by_hr: bool = False,
    invited: bool = False,
) -> CohortEnrolment:
    """Enrol (or update the enrolment of) a person in one role.

    Employees enrol themselves in open cohorts, or in closed ones HR invited them to, within the
    enrolment window, on one side (choosing the other side moves them); HR enrols anyone, on
    either side or both, until the cohort is published.
    """
    cohort = _locked(cohort)
    receiver_role, giver_role = ROLES[cohort.kind]
    if role not in (receiver_role, giver_role):
        raise ValidationError({"role": ROLE_WRONG_KIND[cohort.kind]})
    if not person.is_employed:
        raise ValidationError(NOT_EMPLOYED.format(name=person.full_name))
    mine = {e.role: e for e in CohortEnrolment.objects.filter(cohort=cohort, person=person)}
    existing = mine.get(role)
    if not by_hr:
        invited = invited or any(e.invited for e in mine.values())
        if not cohort.open_to_all and not invited:
            raise ValidationError(NOT_INVITED)
        _check_window(cohort)
    preferred, must_haves = [int(pk) for pk in preferred], list(dict.fromkeys(must_haves))
    if role == giver_role:
        capacity_validate(CohortEnrolment, capacity)
        preferred, must_haves = [], []
        if role == CohortEnrolment.Role.SPONSOR and not SponsorProfile.objects.filter(
                person=person, status=SponsorProfile.Status.APPROVED, is_paused=False).exists():
            raise ValidationError(SPONSOR_NOT_APPROVED.format(name=person.full_name))
    else:
        capacity = 1
        _check_preferred(cohort, person, preferred)
        for key in must_haves:
            if key not in MUST_HAVES:
                raise ValidationError({"must_haves": MUST_HAVE_UNKNOWN.format(
                    key=key, choices=", ".join(MUST_HAVES))})
    enrolment = existing or CohortEnrolment(cohort=cohort, person=person, role=role)
    enrolment.capacity, enrolment.preferred, enrolment.must_haves = capacity, preferred, must_haves
    enrolment.invited = enrolment.invited or invited
    enrolment.save()
    if not by_hr:  # an employee enrols on one side; HR may put someone on both
        CohortEnrolment.objects.filter(cohort=cohort, person=person).exclude(role=role).delete()
    return enrolment


@transaction.atomic
def cohort_invite(*, cohort: Cohort, person: Person, role: str,
                  capacity: int = 1) -> tuple[CohortEnrolment, bool]:
    """HR enrols someone (the invitation) and tells them, so they can rank and set must-haves.
    Returns the enrolment and whether they were told: someone already enrolled in this role
    (the form sent twice, or a second invitation) is not told again; their capacity is saved."""
    already = CohortEnrolment.objects.filter(cohort=cohort, person=person, role=role).exists()
    enrolment = cohort_enrol(cohort=cohort, person=person, role=role, capacity=capacity,
                             by_hr=True, invited=True)
    if already:
        return enrolment, False
    notify(recipient=person, kind="cohort_invited", template="cohort-invited",
           context={"cohort": cohort, "enrolment": enrolment},
           url=enrolment_url(cohort))
    return enrolment, True


def enrolment_url(cohort: Cohort | None = None) -> str:
    """The employee-facing enrolment page (or the list of cohorts)."""
    if cohort is None:
        return reverse("cohort_enrolment:list")
    return reverse("cohort_enrolment:enrol", args=[cohort.slug])


@transaction.atomic
def cohort_enrolment_withdraw(*, enrolment: CohortEnrolment) -> None:
    """Leave the cohort before it is published (HR, or the person themselves)."""
    _locked(enrolment.cohort)
    CohortEnrolment.objects.filter(pk=enrolment.pk).delete()


@transaction.atomic
def cohort_pair_rule_set(*, cohort: Cohort, giver: Person, receiver: Person, rule: str,
                         by: User | None) -> CohortPairRule:
    """Pin a pair (it will be made) or forbid it (it will not); replaces an earlier rule."""
    cohort = _locked(cohort)
    if rule not in CohortPairRule.Rule.values:
        raise ValidationError(RULE_INVALID)
    if rule == CohortPairRule.Rule.PIN:
        why = pin_problem(cohort=cohort, giver_id=giver.pk, receiver_id=receiver.pk)
        if why:
            raise ValidationError(PIN_REFUSED.format(why=why))
        other = (CohortPairRule.objects.filter(cohort=cohort, receiver=receiver, rule=rule)
                 .exclude(giver=giver).select_related("giver").first())
        if other:
            raise ValidationError(PIN_TAKEN.format(receiver=receiver.full_name,
                                                   giver=other.giver.full_name))
        giver_role = ROLES[cohort.kind][1]
        capacity = CohortEnrolment.objects.get(cohort=cohort, person=giver,
                                               role=giver_role).capacity
        pinned = CohortPairRule.objects.filter(cohort=cohort, giver=giver, rule=rule).exclude(
            receiver=receiver).count()
        if pinned >= capacity:
            raise ValidationError(pin_full(giver.full_name, capacity))
    made, _created = CohortPairRule.objects.update_or_create(
        cohort=cohort, giver=giver, receiver=receiver,
        defaults={"rule": rule, "created_by": by, "created_at": timezone.now()})
    return made


@transaction.atomic
def cohort_pair_rule_clear(*, rule: CohortPairRule) -> None:
    _locked(rule.cohort)
    CohortPairRule.objects.filter(pk=rule.pk).delete()


@transaction.atomic
def cohort_publish(*, cohort: Cohort, by: User | None, objective: str | None = None,
                   expected_fingerprint: str = "", with_candidates: bool = False) -> MatchResult:
    """Create every proposed pair's relationship, tell everyone, and close the cohort.

    `expected_fingerprint` is the preview's: when given, publishing refuses if the proposal has
    changed since HR looked at it.
    """
    cohort = _locked(cohort)
    objective = objective or cohort.objective
    result = cohort_match(cohort=cohort, objective=objective, with_candidates=with_candidates)
    if expected_fingerprint and expected_fingerprint != result.fingerprint:
        raise ValidationError(CHANGED_SINCE_PREVIEW)
    if not result.pairs:
        raise ValidationError(NOTHING_TO_PUBLISH)
    people = Person.objects.in_bulk(
        [p.receiver.person_id for p in result.pairs] + [p.giver.person_id for p in result.pairs]
        + [u.receiver.person_id for u in result.unmatched])
    start = cohort.starts_on or timezone.localdate()
    if cohort.kind == Cohort.Kind.MENTORSHIP:
        made = _start_mentorships(cohort, result, people, start)
    else:
        made = [_propose_sponsorship(cohort, people[pair.giver.person_id],
                                     people[pair.receiver.person_id], start, by)
                for pair in result.pairs]
    _tell_everyone(cohort, result, people, made)
    cohort.status, cohort.objective = Cohort.Status.PUBLISHED, result.objective
    cohort.published_at, cohort.published_by = timezone.now(), by
    cohort.save(update_fields=["status", "objective", "published_at", "published_by"])
    audit_record(by, "cohort.publish", target=cohort, pairs=len(result.pairs),
                 unmatched=len(result.unmatched),
                 summary=f"{cohort.name}: {len(result.pairs)} pair(s) published")
    return result


def _start_mentorships(cohort: Cohort, result: MatchResult, people: dict[int, Person],
                       start: datetime.date) -> list[Mentorship]:
    """Every pair's mentorship, started as relationship_start starts one, in one insert; then
    their goals in another. Like an accepted request, a mentorship gets the mentee's goals this
    mentor can help with. The one-active-mentorship-per-pair constraint still holds the race."""
    planned_end_on = add_months(start, cohort.length_months)
    mentorships = [
        relationship_start_fields(relationship=Mentorship(
            mentor=people[pair.giver.person_id], mentee=people[pair.receiver.person_id],
            cohort=cohort, cadence_days=cohort.cadence_days, planned_end_on=planned_end_on),
            started_on=start)
        for pair in result.pairs]
    Mentorship.objects.bulk_create(mentorships, batch_size=BULK_BATCH_SIZE)
    Goal.objects.bulk_create(
        [Goal(mentorship=mentorship, skill_id=pk, title=pair.receiver.skill_names.get(pk, ""))
         for pair, mentorship in zip(result.pairs, mentorships, strict=True)
         for pk in sorted(pair.receiver.goals & pair.giver.skills)],
        batch_size=BULK_BATCH_SIZE)
    return mentorships


def _propose_sponsorship(cohort: Cohort, sponsor: Person, protege: Person,
                         start: datetime.date, by: User | None) -> Sponsorship:
    """The sponsorship service checks and proposes (and tells the protégé); the cohort sets the
    rhythm and the planned length."""
    return sponsorship_propose(sponsor=sponsor, protege=protege,
                               origin=Sponsorship.Origin.COHORT,
                               proposed_by=by.person_or_none if by else None, cohort=cohort,
                               cadence_days=cohort.cadence_days,
                               planned_end_on=add_months(start, cohort.length_months))


def _tell_everyone(cohort: Cohort, result: MatchResult, people: dict[int, Person],
                   made: list) -> None:
    """One message per person and side: a giver with three new people hears once, listing all
    three; someone HR enrolled on both sides also hears, separately, who their own mentor is.
    Protégés hear from the sponsorship proposal itself, which they accept or decline."""
    partners: dict[tuple[int, bool], list[tuple[Person, str]]] = defaultdict(list)
    for pair, relationship in zip(result.pairs, made, strict=True):
        url = relationship_url(relationship)
        partners[pair.giver.person_id, True].append((people[pair.receiver.person_id], url))
        if cohort.kind == Cohort.Kind.MENTORSHIP:
            partners[pair.receiver.person_id, False].append((people[pair.giver.person_id], url))
    sponsorship = cohort.kind == Cohort.Kind.SPONSORSHIP
    notices = [Notice(recipient=people[person_id], kind="cohort_matched",
                      template="cohort-matched",
                      context={"cohort": cohort, "partners": [p for p, _ in matched],
                               "partner_names": ", ".join(p.full_name for p, _ in matched),
                               "gives": gives, "sponsorship": sponsorship},
                      url=matched[0][1])
               for (person_id, gives), matched in partners.items()]
    not_matched_url = enrolment_url()
    notices += [Notice(recipient=people[unmatched.receiver.person_id], kind="cohort_unmatched",
                       template="cohort-unmatched", context={"cohort": cohort},
                       url=not_matched_url)
                for unmatched in result.unmatched]
    notify_many(notices)
