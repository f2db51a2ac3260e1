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

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import CareerEvent, Person
from accounts.search import name_matches
from matching.mentorship.models import MentorRequest, Mentorship
from matching.relationships.models import RelationshipStatus, SurveyResponse
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
    relationship: bool = False  # the bulk reminder applies
    # ?flag= choices: key -> (label, today -> Q)
    flags: dict[str, tuple[str, Callable]] = field(default_factory=dict)

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

    return ListColumn("department", _("Department"), f"{receiver}__department__name", value)


def _level(receiver: str) -> ListColumn:
    return ListColumn("level", _("Level"), f"{receiver}__level",
                      lambda row: getattr(row, receiver).level, kind="int")


def _date(key: str, label: str, attribute: str | None = None) -> ListColumn:
    attribute = attribute or key
    return ListColumn(key, label, attribute, lambda row: getattr(row, attribute), kind="date")


def _age() -> ListColumn:
    # Oldest first is "-age": sorting on age is sorting on the creation time the other way round.
    return ListColumn("age", _("Waiting (days)"), "-created_at", lambda row: row.age_days,
                      kind="int")


COHORT = ListColumn("cohort", _("Cohort"), "cohort__name",
                    lambda row: row.cohort.name if row.cohort else "")
STATUS = ListColumn("status", _("Status"), "status", lambda row: row.get_status_display())
OVERDUE = ListColumn("overdue", _("Overdue"), "is_overdue", lambda row: row.is_overdue, kind="flag")
INACTIVE = ListColumn("inactive", _("Inactive"), "is_inactive", lambda row: row.is_inactive,
                      kind="flag")


ACTIVE = Q(status=RelationshipStatus.ACTIVE)


def overdue_q(today: datetime.date) -> Q:
    """The dashboard's definition: an active relationship whose check-in is past due."""
    return ACTIVE & Q(next_due_on__lt=today)


def inactive_q(today: datetime.date) -> Q:  # noqa: ARG001 - every flag takes today
    """The dashboard's definition: an active relationship the sweep has flagged inactive."""
    return ACTIVE & Q(inactive_since__isnull=False)


def no_meeting_q(today: datetime.date) -> Q:
    """Active for longer than its cadence and no meeting ever logged."""
    return ACTIVE & Q(last_met_on__isnull=True,
                      started_on__lt=today - datetime.timedelta(days=NO_MEETING_GRACE_DAYS))


def no_survey_q(kind: str) -> Callable[[datetime.date], Q]:
    """The mentee or protégé has not answered the survey due: the baseline once a relationship
    has run SURVEY_GRACE_DAYS, the closing one once it has been closed that long."""
    def flag(today: datetime.date) -> Q:
        grace = today - datetime.timedelta(days=SURVEY_GRACE_DAYS)
        closed = Q(status__in=[RelationshipStatus.COMPLETED, RelationshipStatus.ENDED_EARLY])
        answered = {phase: Exists(SurveyResponse.objects.filter(**{kind: OuterRef("pk")},
                                                                phase=phase))
                    for phase in SurveyResponse.Phase.values}
        return ((ACTIVE & Q(started_on__lt=grace) & ~answered["baseline"])
                | (closed & Q(ended_on__lt=grace) & ~answered["closing"]))
    return flag


NO_MEETING_GRACE_DAYS = 30
SURVEY_GRACE_DAYS = 14


def relationship_flags(kind: str) -> dict[str, tuple[str, Callable]]:
    return {"overdue": (_("Overdue check-in"), overdue_q), "inactive": (_("Inactive"), inactive_q),
            "no_meeting": (_("No meeting logged"), no_meeting_q),
            "no_survey": (_("Survey not answered"), no_survey_q(kind))}


def _flags(rows: QuerySet, today: datetime.date) -> QuerySet:
    return rows.annotate(
        is_overdue=Case(When(overdue_q(today), then=Value(True)),
                        default=Value(False), output_field=BooleanField()),
        is_inactive=Case(When(inactive_q(today), then=Value(True)),
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
            _date("started_on", _("Started")), _date("last_met_on", _("Last meeting")),
            _date("next_due_on", _("Next due")), OVERDUE, INACTIVE]


RELATIONSHIP_STATUSES = [(value, label) for value, label in RelationshipStatus.choices
                         if value != RelationshipStatus.PROPOSED]

MENTORSHIPS = Listing(
    "mentorships", _("Mentorships"),
    _("Every mentorship. Department and level are the mentee's. Overdue: the next check-in is past "
    "due; inactive: flagged after a long time without a meeting."),
    _relationships(Mentorship, "mentor", "mentee"),
    _relationship_columns("mentor", _("Mentor"), "mentee", _("Mentee")),
    people=("mentor", "mentee"), receiver="mentee", statuses=RelationshipStatus.choices,
    default_sort="-started_on", relationship=True, flags=relationship_flags("mentorship"))

SPONSORSHIPS = Listing(
    "sponsorships", _("Sponsorships"),
    _("Every sponsorship that started (waiting proposals have their own list). Department and "
    "level are the protégé's."),
    lambda today: _relationships(Sponsorship, "sponsor", "protege")(today).exclude(
        status=RelationshipStatus.PROPOSED),
    _relationship_columns("sponsor", _("Sponsor"), "protege", _("Protégé")),
    people=("sponsor", "protege"), receiver="protege", statuses=RELATIONSHIP_STATUSES,
    default_sort="-started_on", relationship=True, flags=relationship_flags("sponsorship"))


REQUESTS = Listing(
    "requests", _("Open mentor requests"),
    _("Requests waiting for the mentor's answer, oldest first. Department and level are the "
    "mentee's."),
    lambda today: MentorRequest.objects.open().select_related(
        "mentor", "mentee", "mentee__department"),
    [_person("mentee", _("Mentee")), _person("mentor", _("Mentor")), _department("mentee"),
     _level("mentee"), _date("created_at", _("Sent")), _age()],
    people=("mentor", "mentee"), receiver="mentee", default_sort="-age")

PROPOSALS = Listing(
    "proposals", _("Pending sponsorship proposals"),
    _("Sponsorships proposed and waiting for the protégé to accept, oldest first."),
    lambda today: Sponsorship.objects.filter(status=RelationshipStatus.PROPOSED).select_related(
        "sponsor", "protege", "protege__department", "cohort"),
    [_person("sponsor", _("Sponsor")), _person("protege", _("Protégé")), _department("protege"),
     _level("protege"), ListColumn("origin", _("Proposed by"), "origin",
                                   lambda row: row.get_origin_display()),
     COHORT, _date("created_at", _("Proposed")), _age()],
    people=("sponsor", "protege"), receiver="protege", default_sort="-age")

INTERESTS = Listing(
    "interests", _("Requests for a sponsor"),
    _("Employees who told HR they would like a sponsor, not yet answered, oldest first."),
    lambda today: SponsorshipInterest.objects.filter(resolved_at__isnull=True).select_related(
        "person", "person__department"),
    [_person("person", _("Employee")), _department("person"), _level("person"),
     _date("created_at", _("Asked")), _age()],
    people=("person",), receiver="person", default_sort="-age")

NO_CAREER_EVENT_DAYS = 730


def no_career_event_q(today: datetime.date) -> Q:
    """Employed for NO_CAREER_EVENT_DAYS and nothing recorded in that time: the outcome report
    counts them as never promoted, which may be true or a gap in the data."""
    since = today - datetime.timedelta(days=NO_CAREER_EVENT_DAYS)
    return (Q(hire_date__isnull=True) | Q(hire_date__lt=since)) & ~Exists(
        CareerEvent.objects.filter(person=OuterRef("pk"), occurred_on__gte=since))


PEOPLE = Listing(
    "people", _("People"),
    _("Everyone employed today, with their latest career event."),
    # The latest event is a subquery per person shown (after the sort and the page's LIMIT), not
    # a join and GROUP BY over everyone employed: 50 lookups instead of 100,000 groups.
    lambda today: Person.objects.employed_on(today).select_related("department").annotate(
        last_event_on=Subquery(CareerEvent.objects.filter(person=OuterRef("pk"))
                               .order_by("-occurred_on").values("occurred_on")[:1])),
    [ListColumn("name", _("Name"), "full_name", lambda row: row.full_name,
                link=person_url),
     ListColumn("email", _("Email"), "email", lambda row: row.email),
     ListColumn("department", _("Department"), "department__name",
                lambda row: row.department.name if row.department else ""),
     ListColumn("level", _("Level"), "level", lambda row: row.level, kind="int"),
     _date("hire_date", _("Hired")),
     _date("last_event", _("Latest career event"), "last_event_on")],
    people=("",), receiver="", default_sort="name",
    flags={"no_career_event": (format_lazy(_("No career event for {years} years"),
                                           years=NO_CAREER_EVENT_DAYS // 365),
                               no_career_event_q)})

LISTINGS = {listing.slug: listing for listing in
            (MENTORSHIPS, SPONSORSHIPS, REQUESTS, PROPOSALS, INTERESTS, PEOPLE)}


def _at(relation: str, name: str) -> str:
    """A lookup on the person at `relation` ("mentee"), or on the row itself ("")."""
    return f"{relation}__{name}" if relation else name


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
            words |= (name_matches(query.q, prefix=_at(relation, ""))
                      | Q(**{_at(relation, "email__icontains"): query.q}))
        rows = rows.filter(words)
    rows = rows.filter(person_q(_at(listing.receiver, ""), query.filters))
    if query.filters.cohort_id and listing.column("cohort"):
        rows = rows.filter(cohort_id=query.filters.cohort_id)
    if query.status and listing.statuses:
        rows = rows.filter(status=query.status)
    if query.flag in listing.flags:
        rows = rows.filter(listing.flags[query.flag][1](today))
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
