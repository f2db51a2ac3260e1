"""Data health: what would make the outcome report wrong, each item linking to the people or
pairs concerned. A fixed number of aggregate queries (seven) whatever the size of the company."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import CareerEvent, Person
from matching.relationships.services import add_months
from program.console.lists import (
    MENTORSHIPS,
    NO_CAREER_EVENT_DAYS,
    SPONSORSHIPS,
    no_career_event_q,
)
from program.reports import figures_cache

STOPPED_BEFORE_MONTHS = (18, 6)  # promotions recorded 18 to 6 months ago ...
STOPPED_RECENT_MONTHS = 6  # ... and none in the last 6 months
STOPPED_MIN_BEFORE = 2
DROP_SHARE = 0.5  # a month with under half the average of the three before it
DROP_MIN_AVERAGE = 4  # ... when that average is worth comparing
DROP_MONTHS = 6


@dataclass
class HealthItem:
    title: str
    explanation: str
    count: int
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


def _list_url(slug: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("hr:console_list", args=[slug]) + (f"?{query}" if query else "")


def _stale_people(today: datetime.date) -> HealthItem:
    # A count over everyone employed (0.1-0.2 s at 100,000 people), of people and career
    # events only: cached until either changes (program/reports/figures_cache.py).
    count = figures_cache.cached(
        f"health-stale-people:{today.isoformat()}",
        lambda: Person.objects.employed_on(today).filter(no_career_event_q(today)).count())
    return HealthItem(
        _("No career event for %(years)s years") % {"years": NO_CAREER_EVENT_DAYS // 365},
        _("Employees hired over two years ago with nothing recorded since: the report counts "
        "them as not promoted. Check that their promotions were imported."),
        count, [(_("See these people"), _list_url("people", flag="no_career_event"))])


def _stopped_departments(today: datetime.date) -> HealthItem:
    start, end = (add_months(today, -m) for m in STOPPED_BEFORE_MONTHS)
    # From the promotions since `start` (an index range), grouped by their person's department:
    # not every department joined to every person and every event. Cached like the above.
    departments = figures_cache.cached(f"health-stopped:{today.isoformat()}", lambda: list(
        CareerEvent.objects.filter(kind=CareerEvent.Kind.PROMOTION, occurred_on__gte=start,
                                   person__department__isnull=False)
        .values(department=F("person__department_id"), name=F("person__department__name"))
        .annotate(before=Count("id", filter=Q(occurred_on__lt=end)),
                  recent=Count("id", filter=Q(occurred_on__gte=end)))
        .filter(before__gte=STOPPED_MIN_BEFORE, recent=0).order_by("name")))
    return HealthItem(
        _("Departments whose promotions stopped being recorded"),
        _("Promotions were recorded between %(start)s and %(end)s, and none since: a missed "
          "import looks like nobody was promoted.")
        % {"start": date_format(start), "end": date_format(end)},
        len(departments),
        [(_("%(department)s (%(before)s before, none since)")
          % {"department": d["name"], "before": d["before"]},
          _list_url("people", department=d["department"], sort="-last_event"))
         for d in departments])


def _drops(today: datetime.date) -> HealthItem:
    first = add_months(today.replace(day=1), -(DROP_MONTHS + 3))
    per_month = {row["month"].strftime("%Y-%m"): row["n"]
                 for row in CareerEvent.objects.filter(occurred_on__gte=first)
                 .annotate(month=TruncMonth("occurred_on")).order_by()
                 .values("month").annotate(n=Count("id"))}
    months = [add_months(first, i).strftime("%Y-%m") for i in range(DROP_MONTHS + 3)]
    drops = []
    for i in range(3, len(months)):
        average = sum(per_month.get(m, 0) for m in months[i - 3:i]) / 3
        if average >= DROP_MIN_AVERAGE and per_month.get(months[i], 0) < DROP_SHARE * average:
            drops.append((months[i], per_month.get(months[i], 0), average))
    return HealthItem(
        _("Months with a drop in recorded career events"),
        _("Under half the events of the three months before: often an import that missed rows "
        "(the current month is still filling in)."),
        len(drops),
        [(f"{month}: {n} against about {average:.0f}", reverse("sponsorship:hr_career_events"))
         for month, n, average in drops])


def _relationship_flag(flag: str, title: str, explanation: str,
                       today: datetime.date) -> HealthItem:
    links, total = [], 0
    for listing in (MENTORSHIPS, SPONSORSHIPS):
        count = listing.rows(today).filter(listing.flags[flag][1](today)).count()
        total += count
        links.append((f"{count} {listing.title.lower()}", _list_url(listing.slug, flag=flag)))
    return HealthItem(title, explanation, total, links)


def data_health(today: datetime.date) -> list[HealthItem]:
    return [
        _stale_people(today),
        _stopped_departments(today),
        _drops(today),
        _relationship_flag(
            "no_meeting", _("Relationships with no meeting logged"),
            _("Active for over a month and no check-in or touchpoint recorded: either they do not "
            "meet or they do not log it; the report cannot tell."), today),
        _relationship_flag(
            "no_survey", _("Surveys not answered"),
            _("The mentee or protégé has not answered the baseline (two weeks after the start) or "
            "the closing survey (two weeks after the end)."), today),
    ]
