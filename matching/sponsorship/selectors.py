"""Reads for the sponsorship pages, each scoped to the person asking, in a fixed number of queries.

Who sees what (AdvocacyRecord.objects.visible_to): HR admins every record; the sponsor the
records they wrote; the protégé only the records shared with them; nobody else any.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from accounts.models import SponsorProfile
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import AdvocacyRecord, Commitment, Sponsorship, Touchpoint

NUDGE_AFTER_DAYS = 90
CLOSED_UNSTARTED = (RelationshipStatus.DECLINED, RelationshipStatus.WITHDRAWN)


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def needs_nudge(sponsorship: Sponsorship, today: datetime.date) -> bool:
    """An active sponsorship with no advocacy for NUDGE_AFTER_DAYS (counted from the start when
    there has been none)."""
    if sponsorship.status != RelationshipStatus.ACTIVE:
        return False
    anchor = sponsorship.last_advocacy_on or sponsorship.started_on
    return anchor is not None and (today - anchor).days >= NUDGE_AFTER_DAYS


@dataclass
class SponsorPage:
    profile: SponsorProfile | None
    active: list[Sponsorship] = field(default_factory=list)
    proposed: list[Sponsorship] = field(default_factory=list)
    past: list[Sponsorship] = field(default_factory=list)
    this_quarter: list[AdvocacyRecord] = field(default_factory=list)
    quarter_start: datetime.date | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    awaiting_outcome: int = 0
    nudges: list[Sponsorship] = field(default_factory=list)
    open_commitments: list[Commitment] = field(default_factory=list)
    overdue_commitments: list[Commitment] = field(default_factory=list)


def sponsor_page(person, today: datetime.date) -> SponsorPage:
    """The sponsor's page: protégés, advocacy this quarter, outcomes so far, nudges."""
    profile = SponsorProfile.objects.filter(person=person).first()
    page = SponsorPage(profile=profile, quarter_start=quarter_start(today))
    sponsorships = (Sponsorship.objects.filter(sponsor=person)
                    .exclude(status__in=CLOSED_UNSTARTED)
                    .select_related("protege__department")
                    .annotate(advocacy_count=Count("advocacy_records")))
    for sponsorship in sponsorships:
        sponsorship.needs_nudge = needs_nudge(sponsorship, today)
        if sponsorship.status == RelationshipStatus.ACTIVE:
            page.active.append(sponsorship)
            if sponsorship.needs_nudge:
                page.nudges.append(sponsorship)
        elif sponsorship.status == RelationshipStatus.PROPOSED:
            page.proposed.append(sponsorship)
        else:
            page.past.append(sponsorship)
    page.this_quarter = list(
        AdvocacyRecord.objects.filter(sponsorship__sponsor=person,
                                      occurred_on__gte=page.quarter_start)
        .select_related("sponsorship__protege")
    )
    counts = (AdvocacyRecord.objects.filter(sponsorship__sponsor=person)
              .aggregate(**{value: Count("id", filter=Q(outcome=value))
                            for value in AdvocacyRecord.Outcome.values}))
    page.outcomes = counts
    page.awaiting_outcome = counts[AdvocacyRecord.Outcome.PENDING]
    page.open_commitments = list(
        Commitment.objects.filter(sponsorship__sponsor=person, state=Commitment.State.OPEN,
                                  sponsorship__status=RelationshipStatus.ACTIVE)
        .select_related("sponsorship__protege").order_by("due_on", "id"))
    for commitment in page.open_commitments:
        commitment.overdue = commitment.is_overdue(today)
    page.overdue_commitments = [c for c in page.open_commitments if c.overdue]
    return page


@dataclass
class ProtegePage:
    active: list[Sponsorship] = field(default_factory=list)
    proposed: list[Sponsorship] = field(default_factory=list)
    past: list[Sponsorship] = field(default_factory=list)


def protege_page(person) -> ProtegePage:
    """The protégé's page: their sponsors, the records shared with them, touchpoints."""
    shared = (AdvocacyRecord.objects.filter(shared_with_protege=True)
              .order_by("-occurred_on", "-id"))
    sponsorships = (Sponsorship.objects.filter(protege=person)
                    .exclude(status__in=CLOSED_UNSTARTED)
                    .select_related("sponsor__department")
                    .prefetch_related(
                        Prefetch("advocacy_records", queryset=shared, to_attr="shared_records"),
                        Prefetch("commitments", queryset=Commitment.objects.filter(
                            shared_with_protege=True), to_attr="shared_commitments"),
                        Prefetch("touchpoints", queryset=Touchpoint.objects.order_by(
                            "-occurred_on", "-id"), to_attr="recent_touchpoints"),
                    ))
    page = ProtegePage()
    for sponsorship in sponsorships:
        if sponsorship.status == RelationshipStatus.ACTIVE:
            page.active.append(sponsorship)
        elif sponsorship.status == RelationshipStatus.PROPOSED:
            page.proposed.append(sponsorship)
        else:
            page.past.append(sponsorship)
    return page


def sponsorship_for(person, user, pk: int) -> Sponsorship | None:
    """One sponsorship, if the asker is in it or is an HR admin."""
    sponsorships = Sponsorship.objects.select_related("sponsor", "protege")
    if not getattr(user, "is_hr_admin", False):
        if person is None:
            return None
        sponsorships = sponsorships.for_person(person)
    return sponsorships.filter(pk=pk).first()
