"""Equity of access: who gets mentors, sponsors and advocacy, and what comes of it.

One aggregate query per breakdown (department, level band, gender, ethnicity) over the people
employed on the as-of date. Gender and ethnicity are self-described and optional: only people who
gave them are counted in those breakdowns, and nobody's answer is ever shown on its own.

Suppression (program/suppression.py): a row of fewer than REPORT_MIN_GROUP_SIZE people is
hidden, with the next smallest rows, since the rows add up to the headcount. Within a shown row,
a count is hidden when it, or the rest of the row (people - count), is 1 to minimum - 1; and if
that leaves a single hidden cell in a column, the next smallest is hidden too, so the column
cannot be summed back. Zero (and "everyone") names nobody and stays visible: a gap is the point.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When

from accounts.models import CareerEvent, Person
from matching.mentorship.models import Mentorship
from matching.relationships.services import add_months
from matching.sponsorship.models import AdvocacyRecord, Sponsorship
from program.reports.dashboard import LEVEL_BANDS
from program.reports.outcome import COUNTED_STATUSES
from program.reports.suppression import fold_rare_labels, small, suppress_partition
from program.reports.tables import Column, Table

MEASURES = [  # key, column label
    ("mentored", "Have had a mentor"),
    ("sponsored", "Have had a sponsor"),
    ("advocated", "Advocated for"),
    ("advocacy_succeeded", "Advocacy succeeded"),
    ("promoted", "Promoted in the last 12 months"),
]
BREAKDOWNS = [("department", "Department"), ("level_band", "Level band"),
              ("gender", "Gender"), ("ethnicity", "Ethnicity")]


@dataclass(frozen=True)
class EquityRow:
    label: str
    people: int | None
    counts: dict  # measure -> count or None (hidden)


def _level_band() -> Case:
    whens = []
    for label, low, high in LEVEL_BANDS.values():
        q = Q(level__gte=low) & (Q(level__lte=high) if high else Q())
        whens.append(When(q, then=Value(label)))
    return Case(*whens, default=Value("Other"), output_field=CharField())


def _measures(as_of: datetime.date) -> dict:
    person = OuterRef("pk")
    advocacy = AdvocacyRecord.objects.filter(sponsorship__protege=person,
                                             occurred_on__lte=as_of)
    return {
        "mentored": Count("pk", filter=Q(Exists(Mentorship.objects.filter(
            mentee=person, status__in=COUNTED_STATUSES, started_on__lte=as_of)))),
        "sponsored": Count("pk", filter=Q(Exists(Sponsorship.objects.filter(
            protege=person, status__in=COUNTED_STATUSES, started_on__lte=as_of)))),
        "advocated": Count("pk", filter=Q(Exists(advocacy))),
        "advocacy_succeeded": Count("pk", filter=Q(Exists(
            advocacy.filter(outcome=AdvocacyRecord.Outcome.SUCCEEDED)))),
        "promoted": Count("pk", filter=Q(Exists(CareerEvent.objects.filter(
            person=person, kind=CareerEvent.Kind.PROMOTION,
            occurred_on__gt=add_months(as_of, -12), occurred_on__lte=as_of)))),
    }


def _breakdown(dimension: str, as_of: datetime.date) -> list[dict]:
    people = Person.objects.employed_on(as_of)
    if dimension == "department":
        key = F("department__name")
        people = people.filter(department__isnull=False)
    elif dimension == "level_band":
        key = _level_band()
    else:  # self-described: only people who chose to say
        key = F(dimension)
        people = people.exclude(**{dimension: ""})
    return list(people.annotate(key=key).order_by().values("key")
                .annotate(people=Count("pk"), **_measures(as_of)))


def _suppress(rows: list[dict], minimum: int) -> list[EquityRow]:
    hidden_rows = suppress_partition({row["key"]: row["people"] for row in rows}, minimum)
    shown = [row for row in rows if row["key"] not in hidden_rows]
    hidden_cells: dict[str, set] = {}
    for measure, _ in MEASURES:
        first = {row["key"] for row in shown if small(row[measure], row["people"], minimum)}
        rest = sorted((row[measure], row["key"]) for row in shown
                      if row["key"] not in first and row[measure] > 0)
        while first and (len(first) == 1 or
                         sum(r[measure] for r in shown if r["key"] in first) < minimum) and rest:
            first.add(rest.pop(0)[1])
        hidden_cells[measure] = first
    result = []
    for row in sorted(rows, key=lambda r: str(r["key"])):
        if row["key"] in hidden_rows:
            result.append(EquityRow(str(row["key"]), None, dict.fromkeys(dict(MEASURES))))
            continue
        result.append(EquityRow(str(row["key"]), row["people"], {
            measure: None if row["key"] in hidden_cells[measure] else row[measure]
            for measure, _ in MEASURES}))
    return result


def equity_tables(*, as_of: datetime.date) -> list[Table]:
    minimum = settings.REPORT_MIN_GROUP_SIZE
    tables = []
    for dimension, label in BREAKDOWNS:
        breakdown = _breakdown(dimension, as_of)
        if dimension in ("gender", "ethnicity"):  # self-described: a rare answer names its holder
            breakdown = fold_rare_labels(breakdown, minimum)
        rows = _suppress(breakdown, minimum)
        if dimension == "level_band":
            order = [label for label, _, _ in LEVEL_BANDS.values()]
            rows.sort(key=lambda r: order.index(r.label) if r.label in order else len(order))
        columns = [Column(label), Column("People", "int")] + [
            Column(measure_label, "count_share") for _, measure_label in MEASURES]
        body = []
        for row in rows:
            line = [row.label, row.people]
            for measure, _ in MEASURES:
                count = row.counts[measure]
                line.append(None if count is None else
                            (count, count / row.people if row.people else None))
            body.append(line)
        chart_rows = [row for row in rows if row.people]
        tables.append(Table(
            f"by-{dimension.replace('_', '-')}", f"Access and outcomes by {label.lower()}",
            columns, body,
            note="" if dimension in ("department", "level_band") else
            "Only people who chose to describe themselves are counted here.",
            chart={"type": "bar", "percent": True, "labels": [r.label for r in chart_rows],
                   "datasets": [
                       {"label": measure_label,
                        "data": [None if r.counts[m] is None else r.counts[m] / r.people
                                 for r in chart_rows]}
                       for m, measure_label in MEASURES[:3]]},
        ))
    return tables
