"""The mentorship-versus-sponsorship outcome report (definitions: docs/metrics.md).

`outcome_report(as_of=, window_months=)` returns the JSON contract that
`manage.py outcome_report --json` prints and ReportSnapshot stores. The database does all the
counting in two aggregate queries whatever the size of the company (outcome and
time-to-promotion cells per group; survey changes); program/stats.py turns the totals into
estimates; and program/suppression.py blanks every cell small enough to point at a person.

The SQL is written once for SQLite and PostgreSQL; the only differences (adding calendar months,
days between two dates) come from two small helpers. Only constants (table names, choice values,
a checked whole number of months) are spliced into it; dates are always query parameters.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.models import CareerEvent, Person
from matching.mentorship.models import Mentorship
from matching.relationships.models import RelationshipStatus, SurveyResponse
from matching.relationships.services import add_months
from matching.sponsorship.models import Sponsorship
from program.reports import stats
from program.reports.models import ReportSnapshot
from program.reports.suppression import small, suppress_partition

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


# The group and the index date, from a person's first mentorship (m) and sponsorship (s).
GROUP_CASE = """CASE WHEN m.first_on IS NOT NULL AND s.first_on IS NOT NULL THEN 'both'
                 WHEN m.first_on IS NOT NULL THEN 'mentorship_only'
                 WHEN s.first_on IS NOT NULL THEN 'sponsorship_only'
                 ELSE 'neither' END"""
INDEX_CASE = """CASE WHEN m.first_on IS NULL AND s.first_on IS NULL THEN %(window_start)s
                 WHEN m.first_on IS NULL THEN s.first_on
                 WHEN s.first_on IS NULL THEN m.first_on
                 WHEN m.first_on <= s.first_on THEN m.first_on
                 ELSE s.first_on END"""


def _window_end_sql(months: int) -> str:
    """Needs columns grp and index_on."""
    return (f"CASE WHEN grp = 'neither' THEN %(as_of)s "
            f"ELSE {_add_months_sql('index_on', months)} END")


def _starts_sql() -> str:
    """CTEs `mentee` and `protege`: each person's first relationship start of that kind."""
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
    )"""  # noqa: S608


def _members_sql(months: int) -> str:
    """The CTEs the group query starts from (parameters: as_of, window_start):

    - `mentee`, `protege`: first relationship starts (see _starts_sql);
    - `members`: each person in a group, with the group and the index date;
    - `windowed`: + the window's end and whether they were employed on the index date;
    - `events`: per person with career events on or after their index date, which outcomes fell
      in the window, the first promotion up to as_of and the first exit. It is computed from the
      (small) career events table and the first starts, not from `windowed`, so PostgreSQL can
      inline `windowed` instead of materialising 100,000 rows twice.
    """
    person = Person._meta.db_table
    kinds = CareerEvent.Kind
    in_window = "occurred_on <= window_end"
    return f"""{_starts_sql()},
    members AS (
        SELECT p.id, p.hire_date, p.termination_date, {GROUP_CASE} AS grp,
            {INDEX_CASE} AS index_on
        FROM {person} p
        LEFT JOIN mentee m ON m.person_id = p.id
        LEFT JOIN protege s ON s.person_id = p.id
        WHERE m.first_on IS NOT NULL OR s.first_on IS NOT NULL
           OR ((p.hire_date IS NULL OR p.hire_date <= %(as_of)s)
               AND (p.termination_date IS NULL OR p.termination_date > %(window_start)s))
    ),
    windowed AS (
        SELECT id, grp, index_on, hire_date, termination_date,
            {_window_end_sql(months)} AS window_end,
            CASE WHEN (hire_date IS NULL OR hire_date <= index_on)
                  AND (termination_date IS NULL OR termination_date > index_on)
                 THEN 1 ELSE 0 END AS employed_at_index
        FROM members
    ),
    event_rows AS (
        SELECT person_id, kind, occurred_on, index_on, {_window_end_sql(months)} AS window_end
        FROM (SELECT e.person_id, e.kind, e.occurred_on, {GROUP_CASE} AS grp,
                     {INDEX_CASE} AS index_on
              FROM {CareerEvent._meta.db_table} e
              LEFT JOIN mentee m ON m.person_id = e.person_id
              LEFT JOIN protege s ON s.person_id = e.person_id
              WHERE e.kind IN ({", ".join(f"'{k}'" for k in (
                  kinds.PROMOTION, kinds.HIGH_VISIBILITY, kinds.LEADERSHIP, kinds.EXIT))})
             ) dated
    ),
    events AS (
        SELECT person_id AS id,
            {", ".join(
                f"MAX(CASE WHEN kind = '{kind}' AND {in_window} THEN 1 ELSE 0 END) AS {key}"
                for key, kind in OUTCOMES.items() if kind)},
            MAX(CASE WHEN kind = '{kinds.EXIT}' AND {in_window} THEN 1 ELSE 0 END) AS exited,
            MIN(CASE WHEN kind = '{kinds.PROMOTION}' AND occurred_on <= %(as_of)s
                     THEN occurred_on END) AS promoted_on,
            MIN(CASE WHEN kind = '{kinds.EXIT}' THEN occurred_on END) AS exit_event_on
        FROM event_rows
        WHERE occurred_on >= index_on
        GROUP BY person_id
    )"""  # noqa: S608 (only constants and a checked whole number are spliced in)


def _group_cells(params: dict, months: int) -> tuple[dict[str, dict], dict[str, list]]:
    """Outcome counts per group, and the time-to-promotion table per group, in one query.

    The database groups people into cells that share every flag and the same number of days
    to promotion (or censoring): a few thousand cells for a company of any size. Adding up the
    cells per group here is summing the database's counts, not reading people.
    """
    flags = ", ".join(f"COALESCE(f.{key}, 0) AS {key}" for key, kind in OUTCOMES.items() if kind)
    sql = f"""
    WITH {_members_sql(months)},
    base AS (
        SELECT w.grp, w.index_on, w.employed_at_index, {flags},
            CASE WHEN w.window_end <= %(as_of)s AND w.employed_at_index = 1
                 THEN 1 ELSE 0 END AS eligible,
            CASE WHEN COALESCE(f.exited, 0) = 0
                  AND (w.termination_date IS NULL OR w.termination_date > w.window_end)
                 THEN 1 ELSE 0 END AS retention,
            f.promoted_on,
            -- Time to promotion is censored at the first of: termination, exit event, as_of.
            CASE WHEN w.termination_date IS NOT NULL AND w.termination_date < %(as_of)s
                      AND (f.exit_event_on IS NULL OR w.termination_date <= f.exit_event_on)
                      THEN w.termination_date
                 WHEN f.exit_event_on IS NOT NULL AND f.exit_event_on < %(as_of)s
                      THEN f.exit_event_on
                 ELSE %(as_of)s END AS stop_on
        FROM windowed w LEFT JOIN events f ON f.id = w.id
    ),
    cells AS (
        SELECT grp, eligible, {", ".join(OUTCOMES)}, employed_at_index,
            CASE WHEN employed_at_index = 0 THEN NULL
                 WHEN promoted_on IS NOT NULL AND promoted_on <= stop_on
                 THEN {_days_sql("promoted_on", "index_on")}
                 ELSE {_days_sql("stop_on", "index_on")} END AS days,
            CASE WHEN employed_at_index = 1 AND promoted_on IS NOT NULL
                      AND promoted_on <= stop_on THEN 1 ELSE 0 END AS promoted
        FROM base
    )
    SELECT grp, eligible, {", ".join(OUTCOMES)}, employed_at_index, days, promoted, COUNT(*)
    FROM cells
    GROUP BY grp, eligible, {", ".join(OUTCOMES)}, employed_at_index, days, promoted
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = {group: {"n": 0, "eligible": 0, **dict.fromkeys(OUTCOMES, 0)} for group in GROUPS}
    times: dict[str, list[tuple[int, int, int]]] = {group: [] for group in GROUPS}
    width = len(OUTCOMES)
    for group, eligible, *rest in rows:
        outcomes, (employed, days, promoted, people) = rest[:width], rest[width:]
        cell = counts[group]
        cell["n"] += people
        if eligible:
            cell["eligible"] += people
            for key, flag in zip(OUTCOMES, outcomes, strict=True):
                cell[key] += people if flag else 0
        if employed:
            times[group].append((int(days), people if promoted else 0,
                                 0 if promoted else people))
    return counts, times


def _survey_sums(params: dict) -> dict[str, dict[str, tuple[int, float, float]]]:
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
    WITH {_starts_sql()},
    pairs AS (
        SELECT respondent_id, relationship_kind, {", ".join(pieces)}
        FROM {SurveyResponse._meta.db_table}
        WHERE answered_on <= %(as_of)s
        GROUP BY respondent_id, relationship_kind
        HAVING COUNT(CASE WHEN phase = 'closing' THEN 1 END) > 0
           AND COUNT(CASE WHEN phase = 'baseline' THEN 1 END) > 0
    ),
    grouped AS (
        SELECT pairs.*, {GROUP_CASE} AS grp
        FROM pairs
        LEFT JOIN mentee m ON m.person_id = pairs.respondent_id
        LEFT JOIN protege s ON s.person_id = pairs.respondent_id
    ),
    people AS (
        SELECT grp, {", ".join(f"AVG({m}) AS {m}" for m in SURVEY_MEASURES)}
        FROM grouped
        WHERE grp = 'both'
           OR (grp = 'mentorship_only' AND relationship_kind = 'mentorship')
           OR (grp = 'sponsorship_only' AND relationship_kind = 'sponsorship')
        GROUP BY grp, respondent_id
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
        # A count of 1-4 names a few people; so does such a complement (n - count).
        if eligible < minimum or small(count, eligible, minimum):
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
    """The outcome report's JSON contract (see docs/metrics.md); two queries at any size."""
    _check(as_of, window_months)
    minimum = settings.REPORT_MIN_GROUP_SIZE
    params = {"as_of": as_of, "window_start": add_months(as_of, -window_months)}
    with transaction.atomic():  # one consistent view of the data across the queries
        if connection.vendor == "postgresql":
            # Grouping ~100,000 rows into cells sorts or hashes more than the default 4 MB
            # of work memory: without this PostgreSQL spills the sort to disk (measured 3x
            # slower on 100,000 people). LOCAL: for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        counts, times = _group_cells(params, window_months)
        surveys = _survey_sums(params)
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
