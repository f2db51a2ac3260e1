"""HR's lists of everything the program runs: mentorships, sponsorships, open mentor requests,
pending sponsorship proposals and employees' requests for a sponsor.

Each list is a Listing: its rows (one queryset, joined and annotated in SQL), its columns (each
knows how to sort, show and export itself), and how search and filters apply. Department, level
band and location are the mentee's or protégé's, as on the dashboard (program/reports/
dashboard.py), so a dashboard number and the list it links to count the same rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.urls import reverse

from matching.mentorship.models import MentorRequest, Mentorship
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import Sponsorship, SponsorshipInterest
from program.reports.dashboard import Filters, person_q


@dataclass(frozen=True)
class ListColumn:
    key: str  # the ?sort= value
    label: str
    order_by: str  # the field or annotation to sort on
    value: Callable  # row -> what is shown and exported
    link: Callable | None = None  # row -> URL, or None
    kind: str = "text"  # text, date, flag, days


@dataclass(frozen=True)
class Listing:
    slug: str
    title: str
    help: str
    rows: Callable[[datetime.date], QuerySet]  # today -> the unfiltered rows
    columns: list[ListColumn]
    people: tuple[str, ...]  # the relations searched by name and email
    receiver: str  # whose department and level the filters are about
    statuses: list[tuple[str, str]] = field(default_factory=list)  # for the status filter
    default_sort: str = ""
    relationship: bool = False  # overdue / inactive filters and the bulk reminder apply

    def column(self, key: str) -> ListColumn | None:
        return next((c for c in self.columns if c.key == key), None)


def person_url(person) -> str:
    return reverse("hr:person", args=[person.pk])


def _person(relation: str, label: str, *, key: str | None = None) -> ListColumn:
    def value(row):
        return getattr(row, relation).full_name

    return ListColumn(key or relation, label, f"{relation}__full_name", value,
                      link=lambda row: person_url(getattr(row, relation)))


def _department(receiver: str) -> ListColumn:
    def value(row):
        department = getattr(row, receiver).department
        return department.name if department else ""

    return ListColumn("department", "Department", f"{receiver}__department__name", value)


def _level(receiver: str) -> ListColumn:
    return ListColumn("level", "Level", f"{receiver}__level",
                      lambda row: getattr(row, receiver).level, kind="int")


def _date(key: str, label: str, attribute: str | None = None) -> ListColumn:
    attribute = attribute or key
    return ListColumn(key, label, attribute, lambda row: getattr(row, attribute), kind="date")


def _age() -> ListColumn:
    # Oldest first is "-age": sorting on age is sorting on the creation time the other way round.
    return ListColumn("age", "Waiting (days)", "-created_at", lambda row: row.age_days,
                      kind="int")


COHORT = ListColumn("cohort", "Cohort", "cohort__name",
                    lambda row: row.cohort.name if row.cohort else "")
STATUS = ListColumn("status", "Status", "status", lambda row: row.get_status_display())
OVERDUE = ListColumn("overdue", "Overdue", "is_overdue", lambda row: row.is_overdue, kind="flag")
INACTIVE = ListColumn("inactive", "Inactive", "is_inactive", lambda row: row.is_inactive,
                      kind="flag")


def _flags(rows: QuerySet, today: datetime.date) -> QuerySet:
    """The dashboard's definitions: an active relationship whose check-in is past due, or one the
    sweep has flagged inactive."""
    active = Q(status=RelationshipStatus.ACTIVE)
    return rows.annotate(
        is_overdue=Case(When(active & Q(next_due_on__lt=today), then=Value(True)),
                        default=Value(False), output_field=BooleanField()),
        is_inactive=Case(When(active & Q(inactive_since__isnull=False), then=Value(True)),
                         default=Value(False), output_field=BooleanField()),
    )


def _relationships(model, giver: str, receiver: str) -> Callable:
    def rows(today):
        return _flags(model.objects.select_related(
            giver, receiver, f"{receiver}__department", "cohort"), today)
    return rows


def _relationship_columns(giver: str, giver_label: str, receiver: str,
                          receiver_label: str) -> list[ListColumn]:
    return [STATUS, _person(giver, giver_label), _person(receiver, receiver_label),
            _department(receiver), _level(receiver), COHORT,
            _date("started_on", "Started"), _date("last_met_on", "Last meeting"),
            _date("next_due_on", "Next due"), OVERDUE, INACTIVE]


RELATIONSHIP_STATUSES = [(value, label) for value, label in RelationshipStatus.choices
                         if value != RelationshipStatus.PROPOSED]

MENTORSHIPS = Listing(
    "mentorships", "Mentorships",
    "Every mentorship. Department and level are the mentee's. Overdue: the next check-in is past "
    "due; inactive: flagged after a long time without a meeting.",
    _relationships(Mentorship, "mentor", "mentee"),
    _relationship_columns("mentor", "Mentor", "mentee", "Mentee"),
    people=("mentor", "mentee"), receiver="mentee", statuses=RelationshipStatus.choices,
    default_sort="-started_on", relationship=True)

SPONSORSHIPS = Listing(
    "sponsorships", "Sponsorships",
    "Every sponsorship that started (waiting proposals have their own list). Department and "
    "level are the protégé's.",
    lambda today: _relationships(Sponsorship, "sponsor", "protege")(today).exclude(
        status=RelationshipStatus.PROPOSED),
    _relationship_columns("sponsor", "Sponsor", "protege", "Protégé"),
    people=("sponsor", "protege"), receiver="protege", statuses=RELATIONSHIP_STATUSES,
    default_sort="-started_on", relationship=True)


REQUESTS = Listing(
    "requests", "Open mentor requests",
    "Requests waiting for the mentor's answer, oldest first. Department and level are the "
    "mentee's.",
    lambda today: MentorRequest.objects.open().select_related(
        "mentor", "mentee", "mentee__department"),
    [_person("mentee", "Mentee"), _person("mentor", "Mentor"), _department("mentee"),
     _level("mentee"), _date("created_at", "Sent"), _age()],
    people=("mentor", "mentee"), receiver="mentee", default_sort="-age")

PROPOSALS = Listing(
    "proposals", "Pending sponsorship proposals",
    "Sponsorships proposed and waiting for the protégé to accept, oldest first.",
    lambda today: Sponsorship.objects.filter(status=RelationshipStatus.PROPOSED).select_related(
        "sponsor", "protege", "protege__department", "cohort"),
    [_person("sponsor", "Sponsor"), _person("protege", "Protégé"), _department("protege"),
     _level("protege"), ListColumn("origin", "Proposed by", "origin",
                                   lambda row: row.get_origin_display()),
     COHORT, _date("created_at", "Proposed"), _age()],
    people=("sponsor", "protege"), receiver="protege", default_sort="-age")

INTERESTS = Listing(
    "interests", "Requests for a sponsor",
    "Employees who told HR they would like a sponsor, not yet answered, oldest first.",
    lambda today: SponsorshipInterest.objects.filter(resolved_at__isnull=True).select_related(
        "person", "person__department"),
    [_person("person", "Employee"), _department("person"), _level("person"),
     _date("created_at", "Asked"), _age()],
    people=("person",), receiver="person", default_sort="-age")

LISTINGS = {listing.slug: listing for listing in
            (MENTORSHIPS, SPONSORSHIPS, REQUESTS, PROPOSALS, INTERESTS)}


@dataclass(frozen=True)
class ListQuery:
    """What the filter form asked for, already validated."""

    q: str = ""
    status: str = ""
    flag: str = ""  # "", "overdue" or "inactive"
    filters: Filters = field(default_factory=Filters)
    sort: str = ""


def listing_rows(listing: Listing, query: ListQuery, today: datetime.date) -> QuerySet:
    """The rows of `listing` searched, filtered and sorted as asked: still a lazy queryset."""
    rows = listing.rows(today)
    if query.q:
        words = Q()
        for relation in listing.people:
            words |= (Q(**{f"{relation}__full_name__icontains": query.q})
                      | Q(**{f"{relation}__email__icontains": query.q}))
        rows = rows.filter(words)
    rows = rows.filter(person_q(f"{listing.receiver}__", query.filters))
    if query.filters.cohort_id and listing.column("cohort"):
        rows = rows.filter(cohort_id=query.filters.cohort_id)
    if query.status and listing.statuses:
        rows = rows.filter(status=query.status)
    if query.flag and listing.relationship:
        rows = rows.filter(**{f"is_{query.flag}": True})
    return rows.order_by(*sort_fields(listing, query.sort), "pk")


def sort_fields(listing: Listing, sort: str) -> list[str]:
    """The ORDER BY for ?sort=key or ?sort=-key (descending); unknown keys use the default."""
    key = sort.removeprefix("-")
    column = listing.column(key)
    if column is None:
        return sort_fields(listing, listing.default_sort) if listing.default_sort else []
    field_name = column.order_by
    descending = sort.startswith("-")
    if field_name.startswith("-"):
        field_name, descending = field_name[1:], not descending
    return [("-" if descending else "") + field_name]


def add_age(rows, now: datetime.datetime) -> None:
    """Days each row (of one page) has waited, from its created_at."""
    for row in rows:
        row.age_days = (now - row.created_at).days
