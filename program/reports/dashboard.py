"""The program health dashboard: a fixed set of aggregate queries, whatever the size of the company.

Filters narrow the people the numbers are about: department, level band and location apply to
the mentee or protégé (and, for capacity, to the mentor or sponsor); cohort to the relationship;
the date range to new relationships and advocacy (default: the last 12 months and this quarter).
HR admins may see every relationship, so these operational counts are not suppressed; the
outcome report and the equity view, which are about people's careers and identities, are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import wording
from accounts.models import MentorProfile, SponsorProfile
from matching.mentorship.models import MentorRequest, Mentorship
from matching.relationships.capacity import has_room_q, places_taken_expression
from matching.relationships.models import NEVER_STARTED
from matching.relationships.services import add_months
from matching.sponsorship.models import AdvocacyRecord, Sponsorship
from program.reports.tables import Column, Table

ACTIVE = "active"
LEVEL_BANDS = {  # key -> (label, lowest level, highest level or None)
    "1-2": (_("Levels 1–2 (entry)"), 1, 2),
    "3-4": (_("Levels 3–4"), 3, 4),
    "5-6": (_("Levels 5–6"), 5, 6),
    "7+": (_("Levels 7 and above"), 7, None),
}
REQUEST_AGES = [  # key, label, fewest days waited, most days waited
    ("days_0_7", _("0–7 days"), 0, 7), ("days_8_14", _("8–14 days"), 8, 14),
    ("days_15_30", _("15–30 days"), 15, 30), ("days_over_30", _("Over 30 days"), 31, None)]


@dataclass(frozen=True)
class Filters:
    department_id: int | None = None
    level_band: str | None = None
    location: str | None = None
    cohort_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def level_band_q(prefix: str, band: str | None) -> Q:
    if not band:
        return Q()
    _, low, high = LEVEL_BANDS[band]
    q = Q(**{f"{prefix}level__gte": low})
    return q & Q(**{f"{prefix}level__lte": high}) if high else q


def person_q(prefix: str, filters: Filters) -> Q:
    """Department, level band and location of the person at `prefix` (e.g. "mentee__")."""
    q = level_band_q(prefix, filters.level_band)
    if filters.department_id:
        q &= Q(**{f"{prefix}department_id": filters.department_id})
    if filters.location:
        q &= Q(**{f"{prefix}location": filters.location})
    return q


def _relationship_q(person: str, filters: Filters, relationship: str = "") -> Q:
    """`relationship` prefixes the relationship's own fields when the query is on a record of
    it (an advocacy record: "sponsorship__")."""
    q = person_q(f"{person}__", filters)
    if filters.cohort_id:
        q &= Q(**{f"{relationship}cohort_id": filters.cohort_id})
    return q


def _relationship_counts(model, person: str, filters: Filters, today: datetime.date) -> dict:
    active = Q(status=ACTIVE)
    return model.objects.filter(_relationship_q(person, filters)).aggregate(
        active=Count("id", filter=active),
        overdue=Count("id", filter=active & Q(next_due_on__lt=today)),
        inactive=Count("id", filter=active & Q(inactive_since__isnull=False)),
    )


def _request_ages(filters: Filters, now: datetime.datetime) -> dict:
    buckets = {}
    for key, _unused, low, high in REQUEST_AGES:
        q = Q(created_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            q &= Q(created_at__gt=now - datetime.timedelta(days=high + 1))
        buckets[key] = Count("id", filter=q)
    return MentorRequest.objects.filter(
        person_q("mentee__", filters), status=MentorRequest.Status.OPEN,
    ).aggregate(open=Count("id"), oldest=Min("created_at"), **buckets)


def _capacity(profile_model, filters: Filters, **only) -> dict:
    """Places offered (sum of capacities) and taken (active relationships) for one kind."""
    # The places taken are a correlated count per profile, annotated once: aggregating over a
    # subquery annotation, Django sums over the annotated rows (SELECT ... FROM (SELECT ...)),
    # so each profile's places are counted once for both `taken` and `full`.
    return (profile_model.objects.filter(person_q("person__", filters), **only)
            .annotate(taken_here=places_taken_expression(profile_model))
            .aggregate(
                people=Count("id"), places=Coalesce(Sum("capacity"), 0),
                taken=Coalesce(Sum("taken_here"), 0),
                full=Count("id", filter=~has_room_q(profile_model, taken=F("taken_here"))),
                paused=Count("id", filter=Q(is_paused=True)),
            ))


def _new_per_month(model, person: str, filters: Filters, start, end) -> dict:
    rows = (model.objects.filter(_relationship_q(person, filters), started_on__gte=start,
                                 started_on__lte=end)
            .exclude(status__in=NEVER_STARTED)
            .annotate(month=TruncMonth("started_on")).order_by()
            .values("month").annotate(n=Count("id")))
    return {row["month"].strftime("%Y-%m"): row["n"] for row in rows}


def _advocacy(filters: Filters, start, end) -> list[dict]:
    return list(
        AdvocacyRecord.objects.filter(_relationship_q("sponsorship__protege", filters,
                                                      relationship="sponsorship__"),
                                      occurred_on__gte=start, occurred_on__lte=end)
        .order_by().values("kind")
        .annotate(total=Count("id"),
                  succeeded=Count("id", filter=Q(outcome=AdvocacyRecord.Outcome.SUCCEEDED)),
                  pending=Count("id", filter=Q(outcome=AdvocacyRecord.Outcome.PENDING)))
    )


def _months_between(start: datetime.date, end: datetime.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day.strftime("%Y-%m"))
        day = add_months(day, 1)
    return months


def dashboard_data(*, filters: Filters, now: datetime.datetime) -> dict:
    """Every number and table on the dashboard: nine aggregate queries."""
    today = now.date()
    mentorships = _relationship_counts(Mentorship, "mentee", filters, today)
    sponsorships = _relationship_counts(Sponsorship, "protege", filters, today)
    requests = _request_ages(filters, now)
    mentor_capacity = _capacity(MentorProfile, filters)
    sponsor_capacity = _capacity(SponsorProfile, filters, status=SponsorProfile.Status.APPROVED)

    month_end = filters.date_to or today
    month_start = filters.date_from or add_months(month_end, -11).replace(day=1)
    new_mentorships = _new_per_month(Mentorship, "mentee", filters, month_start, month_end)
    new_sponsorships = _new_per_month(Sponsorship, "protege", filters, month_start, month_end)
    advocacy_start = filters.date_from or quarter_start(today)
    advocacy_end = filters.date_to or today
    advocacy = sorted(_advocacy(filters, advocacy_start, advocacy_end), key=lambda r: -r["total"])

    oldest = requests["oldest"]
    summary = {
        "active_mentorships": mentorships["active"],
        "active_sponsorships": sponsorships["active"],
        "overdue": mentorships["overdue"] + sponsorships["overdue"],
        "inactive": mentorships["inactive"] + sponsorships["inactive"],
        "open_requests": requests["open"],
        "oldest_request_days": (now - oldest).days if oldest else None,
        "mentor_places_used": _share(mentor_capacity["taken"], mentor_capacity["places"]),
        "sponsor_places_used": _share(sponsor_capacity["taken"], sponsor_capacity["places"]),
    }
    months = _months_between(month_start, month_end)
    kinds = dict(AdvocacyRecord.Kind.choices)
    tables = [
        Table("relationships", _("Active, overdue and inactive relationships"),
              [Column(_("Kind")), Column(_("Active"), "int"),
               Column(_("Overdue (check-in past due)"), "int"),
               Column(_("Inactive (flagged)"), "int")],
              [[_("Mentorship"), mentorships["active"], mentorships["overdue"],
                mentorships["inactive"]],
               [_("Sponsorship"), sponsorships["active"], sponsorships["overdue"],
                sponsorships["inactive"]]],
              chart=_chart("bar", [_("Active"), _("Overdue"), _("Inactive")], [
                  (_("Mentorship"), [mentorships[k] for k in ("active", "overdue", "inactive")]),
                  (_("Sponsorship"), [sponsorships[k] for k in ("active", "overdue", "inactive")]),
              ])),
        Table("requests", _("Open mentor requests by age"),
              [Column(_("Waiting")), Column(_("Requests"), "int")],
              [[label, requests[key]] for key, label, _unused, _unused in REQUEST_AGES],
              note=_("%(open)s open; the oldest has waited %(age)s.")
              % {"open": requests["open"],
                 "age": wording.count(summary["oldest_request_days"], "day")} if oldest
                   else _("No open requests."),
              chart=_chart("bar", [label for _unused, label, _unused, _unused in REQUEST_AGES],
                           [(_("Open requests"),
                             [requests[key] for key, *_rest in REQUEST_AGES])])),
        Table("capacity", _("Mentor and sponsor capacity"),
              [Column(_("Kind")), Column(_("People offering"), "int"), Column(_("Places"), "int"),
               Column(_("Places taken"), "int"), Column(_("Share used"), "pct"),
               Column(_("At capacity"), "int"), Column(_("Paused"), "int")],
              [[label, c["people"], c["places"], c["taken"], _share(c["taken"], c["places"]),
                c["full"], c["paused"]]
               for label, c in ((_("Mentors"), mentor_capacity),
                                (_("Sponsors"), sponsor_capacity))],
              chart=_chart("bar", [_("Mentors"), _("Sponsors")], [
                  (_("Places taken"), [mentor_capacity["taken"], sponsor_capacity["taken"]]),
                  (_("Places free"), [max(0, c["places"] - c["taken"])
                                   for c in (mentor_capacity, sponsor_capacity)]),
              ], stacked=True)),
        Table("advocacy",
              _("Advocacy records, %(start)s to %(end)s")
              % {"start": date_format(advocacy_start), "end": date_format(advocacy_end)},
              [Column(_("Kind")), Column(_("Records"), "int"), Column(_("Succeeded"), "int"),
               Column(pgettext_lazy("a column of counts", "Pending"), "int"),
               Column(_("Success rate of decided"), "pct")],
              [[kinds.get(row["kind"], row["kind"]), row["total"], row["succeeded"],
                row["pending"], _share(row["succeeded"], row["total"] - row["pending"])]
               for row in advocacy],
              chart=_chart("bar", [kinds.get(r["kind"], r["kind"]) for r in advocacy], [
                  (_("Records"), [r["total"] for r in advocacy]),
                  (_("Succeeded"), [r["succeeded"] for r in advocacy]),
              ], horizontal=True)),
        Table("new", _("New relationships per month"),
              [Column(_("Month")), Column(_("Mentorships"), "int"),
               Column(_("Sponsorships"), "int")],
              [[month, new_mentorships.get(month, 0), new_sponsorships.get(month, 0)]
               for month in months],
              chart=_chart("bar", months, [
                  (_("Mentorships"), [new_mentorships.get(m, 0) for m in months]),
                  (_("Sponsorships"), [new_sponsorships.get(m, 0) for m in months]),
              ])),
    ]
    return {"summary": summary, "tables": tables, "advocacy_start": advocacy_start,
            "advocacy_end": advocacy_end, "month_start": month_start, "month_end": month_end}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _chart(kind: str, labels: list, datasets: list[tuple[str, list]], **options) -> dict:
    return {"type": kind, "labels": labels,
            "datasets": [{"label": label, "data": data} for label, data in datasets],
            **options}
