"""The sponsor scorecard: did sponsors do what they said, what advocacy, and what followed.

One scorecard per sponsor who has started at least one sponsorship. Every figure is defined here
once (docs/notes/issue-20.md repeats the definitions):

- protégés: distinct people in the sponsor's started sponsorships (any status but declined);
- commitments made / kept on time (kept_on <= due_on) / kept late / dropped / open / overdue
  (open and due before today);
- advocacy by kind: the sponsor's advocacy records, counted per kind;
- outcomes that followed: career events of the sponsor's protégés dated on or after the start of
  a sponsorship with this sponsor (each event once per sponsor), per kind;
- median days to first advocacy: over the sponsor's sponsorships with any advocacy, the days
  from the start to the earliest record.

`scorecards()` runs five queries whatever the number of sponsors, sponsorships or records.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q

from accounts.models import CareerEvent, Person
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import AdvocacyRecord, Commitment, Sponsorship

SORT_KEYS = ("name", "proteges", "made", "kept_on_time", "kept_late", "dropped", "overdue",
             "advocacy", "outcomes", "median_days")


@dataclass
class Scorecard:
    sponsor: Person
    proteges: int = 0
    made: int = 0
    kept_on_time: int = 0
    kept_late: int = 0
    dropped: int = 0
    open: int = 0
    overdue: int = 0
    advocacy_by_kind: dict[str, int] = field(default_factory=dict)
    outcomes_by_kind: dict[str, int] = field(default_factory=dict)
    median_days_to_first_advocacy: float | None = None

    @property
    def name(self) -> str:
        return self.sponsor.full_name

    @property
    def advocacy(self) -> int:
        return sum(self.advocacy_by_kind.values())

    @property
    def outcomes(self) -> int:
        return sum(self.outcomes_by_kind.values())

    @property
    def kept(self) -> int:
        return self.kept_on_time + self.kept_late

    @property
    def median_days(self) -> float | None:
        return self.median_days_to_first_advocacy

    def advocacy_rows(self) -> list[tuple[str, int]]:
        labels = dict(AdvocacyRecord.Kind.choices)
        return [(labels[k], self.advocacy_by_kind[k]) for k in AdvocacyRecord.Kind.values
                if self.advocacy_by_kind.get(k)]

    def outcome_rows(self) -> list[tuple[str, int]]:
        labels = dict(CareerEvent.Kind.choices)
        return [(labels[k], self.outcomes_by_kind[k]) for k in CareerEvent.Kind.values
                if self.outcomes_by_kind.get(k)]


def scorecards(*, today: datetime.date, sponsor: Person | None = None) -> list[Scorecard]:
    """Every sponsor's scorecard (or one sponsor's), by name."""
    started = (Sponsorship.objects.filter(started_on__isnull=False)
               .exclude(status=RelationshipStatus.DECLINED))
    if sponsor is not None:
        started = started.filter(sponsor=sponsor)
    runs = list(started.values("id", "sponsor_id", "protege_id", "started_on"))
    sponsor_ids = {run["sponsor_id"] for run in runs}
    if sponsor is not None:
        sponsor_ids.add(sponsor.pk)
    cards = {person.pk: Scorecard(sponsor=person) for person in
             Person.objects.filter(pk__in=sponsor_ids).select_related("department")}
    proteges = defaultdict(set)
    for run in runs:
        proteges[run["sponsor_id"]].add(run["protege_id"])
    for pk, people in proteges.items():
        cards[pk].proteges = len(people)

    kept = Q(state=Commitment.State.KEPT)
    for row in (Commitment.objects.filter(sponsorship__in=started)
                .values(sponsor_id=F("sponsorship__sponsor_id"))
                .annotate(made=Count("id"),
                          kept_on_time=Count("id", filter=kept & Q(kept_on__lte=F("due_on"))),
                          kept_late=Count("id", filter=kept & Q(kept_on__gt=F("due_on"))),
                          dropped=Count("id", filter=Q(state=Commitment.State.DROPPED)),
                          open=Count("id", filter=Q(state=Commitment.State.OPEN)),
                          overdue=Count("id", filter=Q(state=Commitment.State.OPEN,
                                                       due_on__lt=today)))
                .order_by()):
        card = cards[row.pop("sponsor_id")]
        for name, value in row.items():
            setattr(card, name, value)

    for row in (AdvocacyRecord.objects.filter(sponsorship__in=started)
                .values("kind", sponsor_id=F("sponsorship__sponsor_id"))
                .annotate(n=Count("id")).order_by()):
        cards[row["sponsor_id"]].advocacy_by_kind[row["kind"]] = row["n"]

    for row in (CareerEvent.objects
                .filter(person__sponsorships_as_protege__in=started,
                        occurred_on__gte=F("person__sponsorships_as_protege__started_on"))
                .values("kind", sponsor_id=F("person__sponsorships_as_protege__sponsor_id"))
                .annotate(n=Count("id", distinct=True)).order_by()):
        cards[row["sponsor_id"]].outcomes_by_kind[row["kind"]] = row["n"]

    first = dict(AdvocacyRecord.objects.filter(sponsorship__in=started)
                 .values("sponsorship_id").annotate(first=Min("occurred_on"))
                 .order_by().values_list("sponsorship_id", "first"))
    days = defaultdict(list)
    for run in runs:
        if run["id"] in first:
            days[run["sponsor_id"]].append((first[run["id"]] - run["started_on"]).days)
    for pk, values in days.items():
        cards[pk].median_days_to_first_advocacy = statistics.median(values)
    return sorted(cards.values(), key=lambda card: (card.name, card.sponsor.pk))


def scorecards_sorted(cards: list[Scorecard], sort: str) -> tuple[list[Scorecard], str]:
    """Sort by a SORT_KEYS column ("-name" descending); unknown keys fall back to the name."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        return cards, "name"
    if key == "name":
        return sorted(cards, key=lambda c: c.name, reverse=descending), sort

    def value(card):
        number = getattr(card, key)
        # Sponsors without a figure sort last either way.
        return (number is None, -(number or 0) if descending else (number or 0), card.name)

    return sorted(cards, key=value), sort
