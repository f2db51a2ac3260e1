"""The mentorship-versus-sponsorship outcome report (definitions: docs/metrics.md).

`outcome_report(as_of=, window_months=)` returns the JSON contract that
`manage.py outcome_report --json` prints and ReportSnapshot stores. The database does all the
counting in three aggregate queries whatever the size of the company (group outcomes, the
time-to-promotion table, survey changes); program/stats.py turns the totals into estimates; and
program/suppression.py blanks every cell small enough to point at a person.

The SQL is written once for SQLite and PostgreSQL; the only differences (adding calendar months,
days between two dates) come from two small helpers. Only constants (table names, choice values,
a checked whole number of months) are spliced into it; dates are always query parameters.
"""

from __future__ import annotations

import calendar
import datetime
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.models import CareerEvent, Person
from matching.models import Mentorship, Sponsorship, SurveyResponse
from matching.models.base import RelationshipStatus

from . import stats
from .models import ReportSnapshot
from .suppression import suppress_partition

GROUPS = ["mentorship_only", "sponsorship_only", "both", "neither"]
GROUP_LABELS = {
    "mentorship_only": "Mentorship only",
    "sponsorship_only": "Sponsorship only",
    "both": "Both",
    "neither": "Neither",
}
OUTCOMES = {  # report key -> career event kind (retention is the absence of an exit)
    "promotion": CareerEvent.Kind.PROMOTION,
    "high_visibility": CareerEvent.Kind.HIGH_VISIBILITY,
    "leadership": CareerEvent.Kind.LEADERSHIP,
    "retention": None,
}
OUTCOME_LABELS = {
    "promotion": "Promoted",
    "high_visibility": "High-visibility assignment",
    "leadership": "Leadership role",
    "retention": "Retained",
}
SURVEY_MEASURES = ["confidence", "goal_progress"]
SURVEY_LABELS = {"confidence": "Confidence", "goal_progress": "Goal progress"}
COMPARISONS = [("sponsorship_only", "mentorship_only"), ("sponsorship_only", "neither"),
               ("mentorship_only", "neither")]
# Relationships that really happened: proposals never accepted and declines do not count.
COUNTED_STATUSES = (RelationshipStatus.ACTIVE, RelationshipStatus.COMPLETED,
                    RelationshipStatus.ENDED_EARLY)
DAYS_PER_MONTH = 365.25 / 12
MAX_WINDOW_MONTHS = 120

WINDOW_INVALID = "The window must be a whole number of months from 1 to 120."
AS_OF_MISSING = "Give the date the report is as of (YYYY-MM-DD)."

CAVEAT = (
    "People are not randomly assigned to mentors or sponsors: those who seek or are offered a "
    "sponsor may already be on a faster track. The differences below are associations in this "
    "company's own data, not proof that the relationship caused them."
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def _add_months_sql(expression: str, months: int) -> str:
    if connection.vendor == "postgresql":
        return f"CAST({expression} + make_interval(months => {months}) AS date)"
    # SQLite rolls Jan 31 + 1 month over to Mar 2 or 3; clamp to the month's last day instead,
    # the way PostgreSQL and add_months() do.
    return (f"MIN(date({expression}, '+{months} months'), "
            f"date({expression}, 'start of month', '+{months + 1} months', '-1 day'))")


def _days_sql(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _members_sql(months: int) -> str:
    """CTEs `members` (id, grp, index_on, hire/termination dates) and `windowed` (+ window_end).

    Parameters: as_of, window_start, statuses (as a tuple spliced below).
    """
    person = Person._meta.db_table
    statuses = ", ".join(f"'{status}'" for status in COUNTED_STATUSES)
    return f"""
    mentee AS (
        SELECT mentee_id AS person_id, MIN(started_on) AS first_on
        FROM {Mentorship._meta.db_table}
        WHERE status IN ({statuses}) AND started_on IS NOT NULL AND started_on <= %(as_of)s
        GROUP BY mentee_id
    ),
    protege AS (
        SELECT protege_id AS person_id, MIN(started_on) AS first_on
        FROM {Sponsorship._meta.db_table}
        WHERE status IN ({statuses}) AND started_on IS NOT NULL AND started_on <= %(as_of)s
        GROUP BY protege_id
    ),
    members AS (
        SELECT p.id, p.hire_date, p.termination_date,
            CASE WHEN m.first_on IS NOT NULL AND s.first_on IS NOT NULL THEN 'both'
                 WHEN m.first_on IS NOT NULL THEN 'mentorship_only'
                 WHEN s.first_on IS NOT NULL THEN 'sponsorship_only'
                 ELSE 'neither' END AS grp,
            CASE WHEN m.first_on IS NULL AND s.first_on IS NULL THEN %(window_start)s
                 WHEN m.first_on IS NULL THEN s.first_on
                 WHEN s.first_on IS NULL THEN m.first_on
                 WHEN m.first_on <= s.first_on THEN m.first_on
                 ELSE s.first_on END AS index_on
        FROM {person} p
        LEFT JOIN mentee m ON m.person_id = p.id
        LEFT JOIN protege s ON s.person_id = p.id
        WHERE m.first_on IS NOT NULL OR s.first_on IS NOT NULL
           OR ((p.hire_date IS NULL OR p.hire_date <= %(as_of)s)
               AND (p.termination_date IS NULL OR p.termination_date > %(window_start)s))
    ),
    windowed AS (
        SELECT id, grp, index_on, hire_date, termination_date,
            CASE WHEN grp = 'neither' THEN %(as_of)s
                 ELSE {_add_months_sql("index_on", months)} END AS window_end,
            CASE WHEN (hire_date IS NULL OR hire_date <= index_on)
                  AND (termination_date IS NULL OR termination_date > index_on)
                 THEN 1 ELSE 0 END AS employed_at_index
        FROM members
    )"""  # noqa: S608 (only constants and a checked whole number are spliced in)


def _event_in_window(kind: str) -> str:
    return f"""EXISTS (SELECT 1 FROM {CareerEvent._meta.db_table} e
        WHERE e.person_id = w.id AND e.kind = '{kind}'
          AND e.occurred_on >= w.index_on AND e.occurred_on <= w.window_end)"""  # noqa: S608


def _outcome_counts(params: dict, months: int) -> dict[str, dict]:
    flags = ",\n".join(
        f"CASE WHEN {_event_in_window(kind)} THEN 1 ELSE 0 END AS {key}"
        for key, kind in OUTCOMES.items() if kind
    )
    sql = f"""
    WITH {_members_sql(months)},
    flags AS (
        SELECT w.grp,
            CASE WHEN w.window_end <= %(as_of)s AND w.employed_at_index = 1
                 THEN 1 ELSE 0 END AS eligible,
            {flags},
            CASE WHEN NOT {_event_in_window(CareerEvent.Kind.EXIT)}
                  AND (w.termination_date IS NULL OR w.termination_date > w.window_end)
                 THEN 1 ELSE 0 END AS retention
        FROM windowed w
    )
    SELECT grp, COUNT(*), SUM(eligible),
        {", ".join(f"SUM(eligible * {key})" for key in OUTCOMES)}
    FROM flags GROUP BY grp"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = {group: {"n": 0, "eligible": 0, **dict.fromkeys(OUTCOMES, 0)} for group in GROUPS}
    for group, n, eligible, *outcome_counts in rows:
        counts[group] = {"n": n, "eligible": int(eligible or 0),
                         **{key: int(value or 0)
                            for key, value in zip(OUTCOMES, outcome_counts, strict=True)}}
    return counts


def _promotion_times(params: dict, months: int) -> dict[str, list[tuple[int, int, int]]]:
    """Per group: (days from index to promotion or censoring, events, censored) rows."""
    events = CareerEvent._meta.db_table
    sql = f"""
    WITH {_members_sql(months)},
    base AS (
        SELECT w.grp, w.index_on, w.termination_date,
            (SELECT MIN(e.occurred_on) FROM {events} e
              WHERE e.person_id = w.id AND e.kind = '{CareerEvent.Kind.PROMOTION}'
                AND e.occurred_on >= w.index_on AND e.occurred_on <= %(as_of)s) AS promoted_on,
            (SELECT MIN(e.occurred_on) FROM {events} e
              WHERE e.person_id = w.id AND e.kind = '{CareerEvent.Kind.EXIT}'
                AND e.occurred_on >= w.index_on) AS exit_event_on
        FROM windowed w WHERE w.employed_at_index = 1
    ),
    stops AS (
        SELECT grp, index_on, promoted_on,
            CASE WHEN termination_date IS NOT NULL AND termination_date < %(as_of)s
                      AND (exit_event_on IS NULL OR termination_date <= exit_event_on)
                      THEN termination_date
                 WHEN exit_event_on IS NOT NULL AND exit_event_on < %(as_of)s
                      THEN exit_event_on
                 ELSE %(as_of)s END AS stop_on
        FROM base
    ),
    outcomes AS (
        SELECT grp,
            CASE WHEN promoted_on IS NOT NULL AND promoted_on <= stop_on
                 THEN {_days_sql("promoted_on", "index_on")}
                 ELSE {_days_sql("stop_on", "index_on")} END AS days,
            CASE WHEN promoted_on IS NOT NULL AND promoted_on <= stop_on
                 THEN 1 ELSE 0 END AS promoted
        FROM stops
    )
    SELECT grp, days, SUM(promoted), COUNT(*) - SUM(promoted)
    FROM outcomes GROUP BY grp, days"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_group: dict[str, list[tuple[int, int, int]]] = {group: [] for group in GROUPS}
    for group, days, promoted, censored in rows:
        by_group[group].append((int(days), int(promoted), int(censored)))
    return by_group


def _survey_sums(params: dict, months: int) -> dict[str, dict[str, tuple[int, float, float]]]:
    """Per group and measure: (people, sum of changes, sum of squared changes)."""
    pieces = []
    for measure in SURVEY_MEASURES:
        value = f"CAST({measure} AS DOUBLE PRECISION)"
        pieces.append(
            f"AVG(CASE WHEN phase = 'closing' THEN {value} END)"
            f" - AVG(CASE WHEN phase = 'baseline' THEN {value} END) AS {measure}"
        )
    sums = ", ".join(f"SUM({m}), SUM({m} * {m})" for m in SURVEY_MEASURES)
    sql = f"""
    WITH {_members_sql(months)},
    pairs AS (
        SELECT respondent_id, relationship_kind, {", ".join(pieces)}
        FROM {SurveyResponse._meta.db_table}
        WHERE answered_on <= %(as_of)s
        GROUP BY respondent_id, relationship_kind
        HAVING COUNT(CASE WHEN phase = 'closing' THEN 1 END) > 0
           AND COUNT(CASE WHEN phase = 'baseline' THEN 1 END) > 0
    ),
    people AS (
        SELECT w.grp, {", ".join(f"AVG(pairs.{m}) AS {m}" for m in SURVEY_MEASURES)}
        FROM pairs JOIN windowed w ON w.id = pairs.respondent_id
        WHERE w.grp = 'both'
           OR (w.grp = 'mentorship_only' AND pairs.relationship_kind = 'mentorship')
           OR (w.grp = 'sponsorship_only' AND pairs.relationship_kind = 'sponsorship')
        GROUP BY w.grp, pairs.respondent_id
    )
    SELECT grp, COUNT(*), {sums} FROM people GROUP BY grp"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = {group: dict.fromkeys(SURVEY_MEASURES, (0, 0.0, 0.0)) for group in GROUPS}
    for group, n, *values in rows:
        result[group] = {
            measure: (int(n), float(values[2 * i] or 0), float(values[2 * i + 1] or 0))
            for i, measure in enumerate(SURVEY_MEASURES)
        }
    return result


def _null_group() -> dict:
    return {
        "n": None,
        "outcomes": {key: {"count": None, "n": None, "rate": None, "ci95": None}
                     for key in OUTCOMES},
        "median_months_to_promotion": {"value": None, "ci95": None},
        "survey_change": {m: {"mean": None, "n": None, "ci95": None} for m in SURVEY_MEASURES},
        "suppressed": True,
    }


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


def _group_entry(counts: dict, times: list, surveys: dict, minimum: int) -> dict:
    entry = _null_group()
    entry["n"], entry["suppressed"] = counts["n"], False
    eligible = counts["eligible"]
    for key in OUTCOMES:
        count = counts[key]
        # A count under the minimum names few people; so does its complement (n - count).
        if eligible < minimum or count < minimum or eligible - count < minimum:
            continue
        estimate = stats.proportion(count, eligible)
        entry["outcomes"][key] = {"count": count, "n": eligible, "rate": estimate.value,
                                  "ci95": estimate.ci95}
    km = stats.kaplan_meier(times)
    if km.n >= minimum and km.events >= minimum:
        median = km.median
        entry["median_months_to_promotion"] = {
            "value": _months(median.value),
            "ci95": None if median.ci95 is None else [_months(median.low), _months(median.high)],
        }
    for measure, (n, total, squares) in surveys.items():
        if n >= minimum:
            estimate = stats.mean_interval(n, total, squares)
            entry["survey_change"][measure] = {"mean": estimate.value, "n": n,
                                               "ci95": estimate.ci95}
    return entry


def _comparisons(groups: dict, surveys: dict) -> list[dict]:
    comparisons = []
    for a, b in COMPARISONS:
        for key in OUTCOMES:
            cell_a, cell_b = groups[a]["outcomes"][key], groups[b]["outcomes"][key]
            estimate = stats.Estimate(None, None, None)
            if cell_a["n"] is not None and cell_b["n"] is not None:
                estimate = stats.newcombe_difference(cell_a["count"], cell_a["n"],
                                                     cell_b["count"], cell_b["n"])
            comparisons.append({"metric": key, "a": a, "b": b, "difference": estimate.value,
                                "ci95": estimate.ci95})
        for measure in SURVEY_MEASURES:
            estimate = stats.Estimate(None, None, None)
            if (groups[a]["survey_change"][measure]["n"] is not None
                    and groups[b]["survey_change"][measure]["n"] is not None):
                estimate = stats.mean_difference(surveys[a][measure], surveys[b][measure])
            comparisons.append({"metric": f"survey_change.{measure}", "a": a, "b": b,
                                "difference": estimate.value, "ci95": estimate.ci95})
    return comparisons


def _check(as_of: datetime.date | None, window_months: int) -> None:
    if as_of is None:
        raise ValidationError(AS_OF_MISSING)
    if (not isinstance(window_months, int) or isinstance(window_months, bool)
            or not 1 <= window_months <= MAX_WINDOW_MONTHS):
        raise ValidationError(WINDOW_INVALID)


def outcome_report(*, as_of: datetime.date, window_months: int = 12) -> dict:
    """The outcome report's JSON contract (see docs/metrics.md); three queries at any size."""
    _check(as_of, window_months)
    minimum = settings.REPORT_MIN_GROUP_SIZE
    params = {"as_of": as_of, "window_start": add_months(as_of, -window_months)}
    with transaction.atomic():  # one consistent view of the data across the three queries
        counts = _outcome_counts(params, window_months)
        times = _promotion_times(params, window_months)
        surveys = _survey_sums(params, window_months)
    hidden = suppress_partition({group: counts[group]["n"] for group in GROUPS}, minimum)
    groups = {
        group: _null_group() if group in hidden
        else _group_entry(counts[group], times[group], surveys[group], minimum)
        for group in GROUPS
    }
    return {
        "as_of": as_of.isoformat(),
        "window_months": window_months,
        "min_group_size": minimum,
        "groups": groups,
        "comparisons": _comparisons(groups, surveys),
    }


def outcome_report_snapshot_create(*, as_of: datetime.date,
                                   window_months: int = 12) -> ReportSnapshot:
    """Compute the report and store it, with how long it took, for dashboards to show at once."""
    started = time.perf_counter()
    data = outcome_report(as_of=as_of, window_months=window_months)
    duration_ms = round((time.perf_counter() - started) * 1000)
    return ReportSnapshot.objects.create(as_of=as_of, window_months=window_months, data=data,
                                         duration_ms=duration_ms)
