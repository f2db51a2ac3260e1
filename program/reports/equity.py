"""Equity of access: who gets mentors, sponsors and advocacy, and what comes of it.

One aggregate query over the people employed on the as-of date computes each person's flags
once and counts them per combination of department, level band, gender and ethnicity; each
breakdown (department, level band, gender, ethnicity) is a sum of those rows. Gender and
ethnicity are self-described and optional: only people who gave them are counted in those
breakdowns, and nobody's answer is ever shown on its own.

Suppression (program/suppression.py): a row of fewer than REPORT_MIN_GROUP_SIZE people is
hidden, with the next smallest rows, since the rows add up to the headcount. Within a shown row,
a count is hidden when it, or the rest of the row (people - count), is 1 to minimum - 1; and if
that leaves a single hidden cell in a column, the next smallest is hidden too, so the column
cannot be summed back. Zero (and "everyone") names nobody and stays visible: a gap is the point.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.models import CareerEvent, Person
from accounts.program_settings import setting
from matching.mentorship.models import Mentorship
from matching.relationships.services import add_months
from matching.sponsorship.models import AdvocacyRecord, Sponsorship
from program.reports import figures_cache
from program.reports.dashboard import LEVEL_BANDS
from program.reports.outcome import COUNTED_STATUSES
from program.reports.suppression import fold_rare_labels, small, suppress_partition
from program.reports.tables import Column, Table

MEASURES = [  # key, column label
    ("mentored", _("Have had a mentor")),
    ("sponsored", _("Have had a sponsor")),
    ("advocated", _("Advocated for")),
    ("advocacy_succeeded", _("Advocacy succeeded")),
    ("promoted", _("Promoted in the last 12 months")),
]
BREAKDOWNS = [("department", _("Department")), ("level_band", _("Level band")),
              ("gender", _("Gender")), ("ethnicity", _("Ethnicity"))]


@dataclass(frozen=True)
class EquityRow:
    label: str
    people: int | None
    counts: dict  # measure -> count or None (hidden)


def _level_band() -> Case:
    whens = []
    for label, low, high in LEVEL_BANDS.values():
        q = Q(level__gte=low) & (Q(level__lte=high) if high else Q())
        whens.append(When(q, then=Value(str(label))))
    return Case(*whens, default=Value("Other"), output_field=CharField())


def _measures(as_of: datetime.date) -> dict:
    """Each measure as a count over the people of a group. Every flag is `pk IN (one
    uncorrelated subquery)`: the database builds each set once (PostgreSQL: a hashed subplan)
    and looks every person up in it, instead of probing per person and per group."""
    advocacy = AdvocacyRecord.objects.filter(occurred_on__lte=as_of)
    flags = {
        "mentored": Mentorship.objects.filter(status__in=COUNTED_STATUSES, started_on__lte=as_of)
        .values("mentee_id"),
        "sponsored": Sponsorship.objects.filter(status__in=COUNTED_STATUSES,
                                                started_on__lte=as_of).values("protege_id"),
        "advocated": advocacy.values("sponsorship__protege_id"),
        "advocacy_succeeded": advocacy.filter(outcome=AdvocacyRecord.Outcome.SUCCEEDED)
        .values("sponsorship__protege_id"),
        "promoted": CareerEvent.objects.filter(
            kind=CareerEvent.Kind.PROMOTION, occurred_on__gt=add_months(as_of, -12),
            occurred_on__lte=as_of).values("person_id"),
    }
    return {measure: Count("pk", filter=Q(pk__in=flags[measure])) for measure, _unused in MEASURES}


def _counts(as_of: datetime.date) -> list[dict]:
    """One pass over the people employed on `as_of`: each person's flags once, counted per
    combination of department, level band, gender and ethnicity (at most a few thousand rows);
    every breakdown is then a sum of these rows."""
    return list(Person.objects.employed_on(as_of)
                .annotate(department_key=F("department__name"), level_band_key=_level_band(),
                          gender_key=F("gender"), ethnicity_key=F("ethnicity"))
                .order_by()
                .values("department_key", "level_band_key", "gender_key", "ethnicity_key")
                .annotate(people=Count("pk"), **_measures(as_of)))


def _breakdown(dimension: str, as_of: datetime.date,
               counts: list[dict] | None = None) -> list[dict]:
    """The rows of one breakdown: {"key", "people", one count per measure}. Department counts
    people with a department; gender and ethnicity, being self-described, only people who chose
    to say. `counts` (from _counts) lets the four breakdowns share one query."""
    if counts is None:
        counts = _counts(as_of)
    rows: dict = {}
    for combination in counts:
        key = combination[f"{dimension}_key"]
        if key is None or key == "":
            continue  # no department, or did not describe themselves
        row = rows.setdefault(key, dict.fromkeys(["people", *dict(MEASURES)], 0))
        for name in row:
            row[name] += combination[name]
    return [{"key": key, **row} for key, row in sorted(rows.items(), key=lambda r: str(r[0]))]


def _suppress(rows: list[dict], minimum: int) -> list[EquityRow]:
    hidden_rows = suppress_partition({row["key"]: row["people"] for row in rows}, minimum)
    shown = [row for row in rows if row["key"] not in hidden_rows]
    hidden_cells: dict[str, set] = {}
    for measure, _unused in MEASURES:
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
            for measure, _unused in MEASURES}))
    return result


def equity_tables(*, as_of: datetime.date) -> list[Table]:
    minimum = setting("REPORT_MIN_GROUP_SIZE")
    tables = []
    # The counts change only when people, relationships, advocacy or career events do.
    counts = figures_cache.cached(f"equity-counts:{as_of.isoformat()}", lambda: _counts(as_of))
    for dimension, label in BREAKDOWNS:
        breakdown = _breakdown(dimension, as_of, counts)
        if dimension in ("gender", "ethnicity"):  # self-described: a rare answer names its holder
            breakdown = fold_rare_labels(breakdown, minimum)
        rows = _suppress(breakdown, minimum)
        if dimension == "level_band":
            order = [str(label) for label, _unused, _unused in LEVEL_BANDS.values()]
            rows.sort(key=lambda r: order.index(r.label) if r.label in order else len(order))
        columns = [Column(label), Column(_("People"), "int")] + [
            Column(measure_label, "count_share") for _unused, measure_label in MEASURES]
        body = []
        for row in rows:
            line = [row.label, row.people]
            for measure, _unused in MEASURES:
                count = row.counts[measure]
                line.append(None if count is None else
                            (count, count / row.people if row.people else None))
            body.append(line)
        chart_rows = [row for row in rows if row.people]
        tables.append(Table(
            f"by-{dimension.replace('_', '-')}",
            _("Access and outcomes by %(breakdown)s") % {"breakdown": str(label).lower()},
            columns, body,
            note="" if dimension in ("department", "level_band") else
            _("Only people who chose to describe themselves are counted here."),
            chart={"type": "bar", "percent": True, "labels": [r.label for r in chart_rows],
                   "datasets": [
                       {"label": measure_label,
                        "data": [None if r.counts[m] is None else r.counts[m] / r.people
                                 for r in chart_rows]}
                       for m, measure_label in MEASURES[:3]]},
        ))
    return tables
