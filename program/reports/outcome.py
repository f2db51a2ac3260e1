"""The mentorship-versus-sponsorship outcome report (definitions: docs/metrics.md).

`outcome_report(as_of=, window_months=)` returns the JSON contract that
`manage.py outcome_report --json` prints and ReportSnapshot stores. The database does all the
counting in three aggregate queries whatever the size of the company (outcome and
time-to-promotion cells per group: GROUP_QUERY + CELLS; survey changes: SURVEY_QUERY +
SURVEY_SUMS; members counted in the rates per group and stratum, for the like-for-like
comparison: STRATA_QUERY + STRATA_CELLS); program/reports/stats.py turns the totals into
estimates; and program/reports/suppression.py blanks every cell small enough to point at a person.

Each step of the SQL is one module-level CTE constant, commented with the docs/metrics.md
definition it implements. It is written once for SQLite and PostgreSQL; the only differences
(adding calendar months, days between two dates) come from two small helpers. Only constants
(table names, choice values, a checked whole number of months) are spliced into it; dates are
always query parameters.
"""

from __future__ import annotations

import datetime
import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy

from accounts.models import CareerEvent, Person
from accounts.program_settings import setting
from matching.cohorts.models import CohortEnrolment
from matching.mentorship.models import Mentorship
from matching.relationships.models import RelationshipStatus, SurveyResponse
from matching.relationships.services import add_months
from matching.sponsorship.models import Sponsorship
from program.reports import stats
from program.reports.dashboard import LEVEL_BANDS
from program.reports.filters import ReportFilters, person_filter_sql
from program.reports.models import ReportSnapshot
from program.reports.suppression import small, suppress_partition

GROUPS = ["mentorship_only", "sponsorship_only", "both", "neither"]
GROUP_LABELS = {
    "mentorship_only": gettext_lazy("Mentorship only"),
    "sponsorship_only": gettext_lazy("Sponsorship only"),
    "both": gettext_lazy("Both"),
    "neither": gettext_lazy("Neither"),
}
OUTCOMES = {  # report key -> career event kind (retention is the absence of an exit)
    "promotion": CareerEvent.Kind.PROMOTION,
    "high_visibility": CareerEvent.Kind.HIGH_VISIBILITY,
    "leadership": CareerEvent.Kind.LEADERSHIP,
    "retention": None,
}
OUTCOME_LABELS = {
    "promotion": gettext_lazy("Promoted"),
    "high_visibility": gettext_lazy("High-visibility assignment"),
    "leadership": gettext_lazy("Leadership role"),
    "retention": gettext_lazy("Retained"),
}
# The like-for-like comparison's strata (docs/metrics.md) and the numbers of each comparison.
STRATA = ("level_band", "department", "tenure_band")
ADJUSTED_NUMBERS = ("a_rate", "b_standardised_rate", "difference", "ci95", "n_a_matched",
                    "n_a_unmatched", "n_b_used")
# Who of a group the rates count: members whose whole window has ended and who were employed on
# their index date; members whose window ends after as_of; members not employed on their index
# date (whether or not their window has ended).
WHO_IS_COUNTED = ("counted", "too_recent", "not_employed_on_index_date")
# Whether a time-to-promotion figure is shown, not reached (the median: fewer than half were
# promoted within the follow-up), hidden (too few people or promotions) or not computable (the
# restricted mean: nobody was followed up for the whole window).
SHOWN, NOT_REACHED, HIDDEN, FOLLOW_UP_TOO_SHORT = ("shown", "not_reached", "hidden",
                                                  "follow_up_too_short")
SURVEY_MEASURES = ["confidence", "goal_progress"]
SURVEY_LABELS = {"confidence": gettext_lazy("Confidence"),
                 "goal_progress": gettext_lazy("Goal progress")}
COMPARISONS = [("sponsorship_only", "mentorship_only"), ("sponsorship_only", "neither"),
               ("mentorship_only", "neither")]
# Relationships that really happened: proposals never accepted and declines do not count.
COUNTED_STATUSES = (RelationshipStatus.ACTIVE, RelationshipStatus.COMPLETED,
                    RelationshipStatus.ENDED_EARLY)
DAYS_PER_MONTH = 365.25 / 12
MAX_WINDOW_MONTHS = 120

WINDOW_INVALID = gettext_lazy("The window must be a whole number of months from 1 to 120.")
AS_OF_MISSING = gettext_lazy("Give the date the report is as of (YYYY-MM-DD).")

CAVEAT = gettext_lazy(
    "People are not randomly assigned to mentors or sponsors: those who seek or are offered a "
    "sponsor may already be on a faster track. The differences below are associations in this "
    "company's own data, not proof that the relationship caused them."
)


def _add_months_sql(expression: str, months: int) -> str:
    """`expression` plus `months` calendar months, clamped to the month's last day."""
    if connection.vendor == "postgresql":
        return f"CAST({expression} + make_interval(months => {months}) AS date)"
    # SQLite rolls Jan 31 + 1 month over to Mar 2 or 3; clamp to the month's last day instead,
    # the way PostgreSQL and add_months() do.
    return (f"MIN(date({expression}, '+{months} months'), "
            f"date({expression}, 'start of month', '+{months + 1} months', '-1 day'))")


def _days_sql(later: str, earlier: str) -> str:
    """Whole days from the date `earlier` to the date `later`."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _level_band_sql(level: str) -> str:
    """CASE giving the LEVEL_BANDS key of the whole number `level` (below 1 counts as 1)."""
    cases = [f"WHEN {level} <= {high} THEN '{key}'"
             for key, (_, _, high) in LEVEL_BANDS.items() if high is not None]
    last = next(key for key, (_, _, high) in LEVEL_BANDS.items() if high is None)
    return f"CASE {' '.join(cases)} ELSE '{last}' END"


# ---------------------------------------------------------------------------------------------
# The SQL: one constant per step, each a CTE named after what it holds, in the order
# docs/metrics.md defines them, and each preceded by the definition it implements. _sql() joins
# a list of them into `WITH a AS (...), b AS (...) SELECT ...` and fills in the {braces} with
# constants only: table names (_meta.db_table), choice values, and the two vendor helpers' SQL
# for a checked whole number of months. Dates are always the query parameters %(as_of)s and
# %(window_start)s (as_of − W months, computed by add_months()).
#
# No CTE is MATERIALIZED: PostgreSQL inlines a CTE that is read once into the query reading it
# (so `members`, `windowed` and the rest are planned as one query over `person`), and computes
# a CTE that is read twice once and stores it: only `started`, one row per person with a
# counted relationship.
# ---------------------------------------------------------------------------------------------

# docs/metrics.md, Groups: "A relationship *counts* when it started on or before as_of and its
# status is active, completed or ended early (a proposal never accepted, or a decline, does
# not)." One row per counted relationship: the mentee or protégé, its kind and its start.
COUNTED_STARTS = """
counted_starts AS (
    SELECT mentee_id AS person_id, 'mentorship' AS kind, started_on
    FROM {mentorship}
    WHERE status IN ({counted_statuses}) AND started_on IS NOT NULL AND started_on <= %(as_of)s
    UNION ALL
    SELECT protege_id AS person_id, 'sponsorship' AS kind, started_on
    FROM {sponsorship}
    WHERE status IN ({counted_statuses}) AND started_on IS NOT NULL AND started_on <= %(as_of)s
)"""

# docs/metrics.md, Groups and Index date, for everyone with a counted relationship (`members`
# adds the `neither` group): `both` "has been both" a mentee and a protégé (counted starts of
# both kinds), `mentorship_only` "has been a mentee, never a protégé", `sponsorship_only` "has
# been a protégé, never a mentee". The index date is "the start of the person's first counted
# relationship of that kind; for `both`, the earlier of the two first starts": in every case
# the person's earliest counted start.
STARTED = """
started AS (
    SELECT person_id,
        CASE WHEN MIN(kind) <> MAX(kind) THEN 'both'
             WHEN MIN(kind) = 'mentorship' THEN 'mentorship_only'
             ELSE 'sponsorship_only' END AS grp,
        MIN(started_on) AS index_on
    FROM counted_starts
    GROUP BY person_id
)"""

# docs/metrics.md, Groups: everyone in a group, with the group, the index date and the end of
# their window [index date, index date + W months] (Dates: calendar months, clamped to the
# month's end). `neither` is "neither, and employed at some point in the window before as_of
# (hired on or before as_of and not terminated on or before as_of − W)"; a missing hire date
# counts as hired. Their index date is as_of − W months; their window ends on as_of itself,
# not on index date + W months, which can fall a few days short of it at a month's end (as_of
# 31 May, W = 3: index date 28 February, + 3 months = 28 May). {person_filter} keeps the people
# the report's filters choose (docs/metrics.md, Filters; program/reports/filters.py), so every group
# and every figure after this step is narrowed.
MEMBERS = """
members AS (
    SELECT p.id AS person_id, p.hire_date, p.termination_date,
        COALESCE(st.grp, 'neither') AS grp,
        COALESCE(st.index_on, %(window_start)s) AS index_on,
        COALESCE({started_window_end}, %(as_of)s) AS window_end
    FROM {person} p
    LEFT JOIN started st ON st.person_id = p.id
    WHERE (st.person_id IS NOT NULL
           OR ((p.hire_date IS NULL OR p.hire_date <= %(as_of)s)
               AND (p.termination_date IS NULL OR p.termination_date > %(window_start)s)))
      AND {person_filter}
)"""

# docs/metrics.md, Rates: a rate is "counted over the members whose whole window [...] ends on
# or before as_of and who were employed on their index date (hired on or before it, and not
# terminated on or before it)"; a missing hire date counts as hired. Time to first promotion
# follows the members employed on their index date too.
WINDOWED = """
windowed AS (
    SELECT person_id, grp, index_on, window_end, termination_date,
        CASE WHEN (hire_date IS NULL OR hire_date <= index_on)
              AND (termination_date IS NULL OR termination_date > index_on)
             THEN 1 ELSE 0 END AS employed_at_index
    FROM members
)"""

# The career events the report counts (promotion, high-visibility assignment, leadership role,
# exit) that happened on or after the person's index date, each with the end of the person's
# window: index date and window end are worked out as in `members` (from `started`, or as_of − W
# and as_of for a person in no relationship). Events of people in no group drop out in
# `member_outcomes`.
DATED_EVENTS = """
dated_events AS (
    SELECT e.person_id, e.kind, e.occurred_on,
        COALESCE(st.index_on, %(window_start)s) AS index_on,
        COALESCE({started_window_end}, %(as_of)s) AS window_end
    FROM {career_event} e
    LEFT JOIN started st ON st.person_id = e.person_id
    WHERE e.kind IN ('{promotion}', '{high_visibility}', '{leadership}', '{exit}')
      AND e.occurred_on >= COALESCE(st.index_on, %(window_start)s)
)"""

# Per person with such events (docs/metrics.md, Rates and Time to first promotion):
# - promotion, high_visibility, leadership, exited: an event of that kind "inside the window
#   (both ends included)": on or after the index date (`dated_events`), on or before its end;
# - promoted_on: the first promotion on or after the index date, up to as_of;
# - exit_on: the first exit event on or after the index date. (The docs say "the first exit
#   event after the index date"; an exit on the index date itself counts too.)
# - later_promotions: promotions after the index date and on or before as_of, to work out the
#   level the person had on the index date (docs/metrics.md, Like-for-like comparison).
# `events` (with `dated_events`) is computed from the (small) career events table and the
# first starts (`started`), not from `windowed`, so PostgreSQL can inline `windowed` instead of
# materialising 100,000 rows twice (it materialises a CTE that is read more than once).
EVENTS = """
events AS (
    SELECT person_id,
        MAX(CASE WHEN kind = '{promotion}' AND occurred_on <= window_end
                 THEN 1 ELSE 0 END) AS promotion,
        MAX(CASE WHEN kind = '{high_visibility}' AND occurred_on <= window_end
                 THEN 1 ELSE 0 END) AS high_visibility,
        MAX(CASE WHEN kind = '{leadership}' AND occurred_on <= window_end
                 THEN 1 ELSE 0 END) AS leadership,
        MAX(CASE WHEN kind = '{exit}' AND occurred_on <= window_end
                 THEN 1 ELSE 0 END) AS exited,
        MIN(CASE WHEN kind = '{promotion}' AND occurred_on <= %(as_of)s
                 THEN occurred_on END) AS promoted_on,
        MIN(CASE WHEN kind = '{exit}' THEN occurred_on END) AS exit_on,
        SUM(CASE WHEN kind = '{promotion}' AND occurred_on > index_on
                  AND occurred_on <= %(as_of)s THEN 1 ELSE 0 END) AS later_promotions
    FROM dated_events
    GROUP BY person_id
)"""

# Per member (docs/metrics.md, Rates and Time to first promotion):
# - eligible: counted in the rates' n (the whole window ended on or before as_of, and employed
#   on the index date);
# - promotion, high_visibility, leadership: from `events` (0 without any);
# - retention: "no exit career event inside the window and no termination date inside the
#   window" (a termination on or before the index date makes the member ineligible, so only
#   the window's end is tested);
# - promoted_on: the first promotion on or after the index date, up to as_of;
# - stop_on: where follow-up stops, "censored at the earliest of the termination date, the
#   first exit event [on or] after the index date, and as_of".
MEMBER_OUTCOMES = """
member_outcomes AS (
    SELECT w.person_id, w.grp, w.index_on, w.employed_at_index,
        COALESCE(f.later_promotions, 0) AS later_promotions,
        CASE WHEN w.window_end <= %(as_of)s AND w.employed_at_index = 1
             THEN 1 ELSE 0 END AS eligible,
        COALESCE(f.promotion, 0) AS promotion,
        COALESCE(f.high_visibility, 0) AS high_visibility,
        COALESCE(f.leadership, 0) AS leadership,
        CASE WHEN COALESCE(f.exited, 0) = 0
              AND (w.termination_date IS NULL OR w.termination_date > w.window_end)
             THEN 1 ELSE 0 END AS retention,
        f.promoted_on,
        CASE WHEN w.termination_date IS NOT NULL AND w.termination_date < %(as_of)s
                  AND (f.exit_on IS NULL OR w.termination_date <= f.exit_on)
                  THEN w.termination_date
             WHEN f.exit_on IS NOT NULL AND f.exit_on < %(as_of)s THEN f.exit_on
             ELSE %(as_of)s END AS stop_on
    FROM windowed w
    LEFT JOIN events f ON f.person_id = w.person_id
)"""

# docs/metrics.md, Time to first promotion: for members employed on their index date, the days
# from the index date to the first promotion (promoted = 1) or, without one by the time
# follow-up stops, to stop_on (promoted = 0: censored). A promotion on the day follow-up stops
# counts as a promotion. days is NULL for members not employed on their index date.
FOLLOW_UP = """
follow_up AS (
    SELECT grp, eligible, promotion, high_visibility, leadership, retention, employed_at_index,
        CASE WHEN employed_at_index = 0 THEN NULL
             WHEN promoted_on IS NOT NULL AND promoted_on <= stop_on THEN {days_to_promotion}
             ELSE {days_to_stop} END AS days,
        CASE WHEN employed_at_index = 1 AND promoted_on IS NOT NULL AND promoted_on <= stop_on
             THEN 1 ELSE 0 END AS promoted
    FROM member_outcomes
)"""

# The group query's result: members counted in cells that share the group, every flag and the
# same follow-up, a few thousand rows for a company of any size. _group_cells() adds the cells
# up per group (n, the rates' n and counts) and hands the follow-up to Kaplan–Meier.
CELLS = """
SELECT grp, eligible, promotion, high_visibility, leadership, retention, employed_at_index,
    days, promoted, COUNT(*) AS people
FROM follow_up
GROUP BY grp, eligible, promotion, high_visibility, leadership, retention, employed_at_index,
    days, promoted"""

GROUP_QUERY = [COUNTED_STARTS, STARTED, MEMBERS, WINDOWED, DATED_EVENTS, EVENTS, MEMBER_OUTCOMES,
               FOLLOW_UP]

# docs/metrics.md, Like-for-like comparison: each member counted in the rates (eligible) with
# their stratum on the index date.
# - level_band: the level on the index date is the Person's level minus their promotions after
#   the index date and on or before as_of (`later_promotions`), never below 1, banded as the
#   dashboard bands levels (LEVEL_BANDS: 1-2, 3-4, 5-6, 7+; anything under 1 falls in 1-2);
# - department_id: the Person's department (no department is a stratum of its own);
# - tenure_band: whole years from the hire date to the index date, as calendar months (hire
#   date + 12, 36, 60 months on or before the index date): under 1, 1-2, 3-4, 5 or more; a
#   missing hire date is a stratum of its own ("unknown").
STRATIFIED = """
stratified AS (
    SELECT m.grp, m.promotion, m.high_visibility, m.leadership, m.retention, p.department_id,
        {level_band_case} AS level_band,
        CASE WHEN p.hire_date IS NULL THEN 'unknown'
             WHEN {hired_plus_60} <= m.index_on THEN '5+'
             WHEN {hired_plus_36} <= m.index_on THEN '3-4'
             WHEN {hired_plus_12} <= m.index_on THEN '1-2'
             ELSE '<1' END AS tenure_band
    FROM member_outcomes m
    JOIN {person} p ON p.id = m.person_id
    WHERE m.eligible = 1
)"""

# The strata query's result: per group and stratum, the members counted and how many had each
# outcome; a few hundred rows (groups x level bands x departments x tenure bands) at any size.
STRATA_CELLS = """
SELECT grp, level_band, department_id, tenure_band, COUNT(*) AS people,
    SUM(promotion) AS promotion, SUM(high_visibility) AS high_visibility,
    SUM(leadership) AS leadership, SUM(retention) AS retention
FROM stratified
GROUP BY grp, level_band, department_id, tenure_band"""

STRATA_QUERY = [COUNTED_STARTS, STARTED, MEMBERS, WINDOWED, DATED_EVENTS, EVENTS, MEMBER_OUTCOMES,
                STRATIFIED]

# docs/metrics.md, Survey change: "For each person and relationship kind with at least one
# `baseline` and one `closing` survey answered by as_of: the mean closing answer minus the mean
# baseline answer (1–5 scale), for `confidence` and for `goal_progress`."
SURVEY_CHANGES = """
survey_changes AS (
    SELECT respondent_id AS person_id, relationship_kind,
        AVG(CASE WHEN phase = '{closing}' THEN CAST(confidence AS DOUBLE PRECISION) END)
          - AVG(CASE WHEN phase = '{baseline}' THEN CAST(confidence AS DOUBLE PRECISION) END)
          AS confidence,
        AVG(CASE WHEN phase = '{closing}' THEN CAST(goal_progress AS DOUBLE PRECISION) END)
          - AVG(CASE WHEN phase = '{baseline}' THEN CAST(goal_progress AS DOUBLE PRECISION) END)
          AS goal_progress
    FROM {survey_response}
    WHERE answered_on <= %(as_of)s
    GROUP BY respondent_id, relationship_kind
    HAVING COUNT(CASE WHEN phase = '{closing}' THEN 1 END) > 0
       AND COUNT(CASE WHEN phase = '{baseline}' THEN 1 END) > 0
)"""

# docs/metrics.md, Survey change, one change per person in a group: "`mentorship_only` members
# count their mentorship surveys, `sponsorship_only` their sponsorship surveys, `both` the
# average of their two kinds" (of the kinds they have a change for: one or two); "`neither` has
# none": people with no counted relationship drop out of the join with `started`. The report's
# filters narrow the people here as in `members`.
PERSON_CHANGES = """
person_changes AS (
    SELECT st.grp, c.person_id,
        AVG(c.confidence) AS confidence, AVG(c.goal_progress) AS goal_progress
    FROM survey_changes c
    JOIN started st ON st.person_id = c.person_id
    JOIN {person} p ON p.id = c.person_id
    WHERE (st.grp = 'both'
           OR (st.grp = 'mentorship_only' AND c.relationship_kind = '{mentorship_kind}')
           OR (st.grp = 'sponsorship_only' AND c.relationship_kind = '{sponsorship_kind}'))
      AND {person_filter}
    GROUP BY st.grp, c.person_id
)"""

# The survey query's result, per group: the people with a change and, per measure, the sum of
# their changes and of the changes squared (program/reports/stats.py makes a mean and a t-based
# interval of them).
SURVEY_SUMS = """
SELECT grp, COUNT(*) AS people,
    SUM(confidence) AS confidence_sum,
    SUM(confidence * confidence) AS confidence_squares,
    SUM(goal_progress) AS goal_progress_sum,
    SUM(goal_progress * goal_progress) AS goal_progress_squares
FROM person_changes
GROUP BY grp"""

SURVEY_QUERY = [COUNTED_STARTS, STARTED, SURVEY_CHANGES, PERSON_CHANGES]


def _sql(ctes: list[str], select: str, months: int,
         filters: ReportFilters | None = None) -> str:
    """`WITH <ctes> <select>`, with the {braces} filled in by constants only (see above)."""
    kinds, survey = CareerEvent.Kind, SurveyResponse
    constants = {
        "person": Person._meta.db_table,
        "mentorship": Mentorship._meta.db_table,
        "sponsorship": Sponsorship._meta.db_table,
        "career_event": CareerEvent._meta.db_table,
        "survey_response": SurveyResponse._meta.db_table,
        "counted_statuses": ", ".join(f"'{status.value}'" for status in COUNTED_STATUSES),
        "promotion": kinds.PROMOTION.value,
        "high_visibility": kinds.HIGH_VISIBILITY.value,
        "leadership": kinds.LEADERSHIP.value,
        "exit": kinds.EXIT.value,
        "baseline": survey.Phase.BASELINE.value,
        "closing": survey.Phase.CLOSING.value,
        "mentorship_kind": survey.Kind.MENTORSHIP.value,
        "sponsorship_kind": survey.Kind.SPONSORSHIP.value,
        "started_window_end": _add_months_sql("st.index_on", months),
        "days_to_promotion": _days_sql("promoted_on", "index_on"),
        "days_to_stop": _days_sql("stop_on", "index_on"),
        "level_band_case": _level_band_sql("p.level - m.later_promotions"),
        **{f"hired_plus_{n}": _add_months_sql("p.hire_date", n) for n in (12, 36, 60)},
        "cohort_enrolment": CohortEnrolment._meta.db_table,
        "mentee_role": CohortEnrolment.Role.MENTEE.value,
        "protege_role": CohortEnrolment.Role.PROTEGE.value,
    }
    constants["person_filter"] = person_filter_sql(filters or ReportFilters()).format(
        **constants)
    return ("WITH" + ",".join(ctes) + "\n" + select).format(**constants)


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _group_cells(params: dict, months: int, filters: ReportFilters, *,
                 groups: list[str] = GROUPS,
                 ctes: list[str] = GROUP_QUERY) -> tuple[dict[str, dict], dict[str, list]]:
    """Outcome counts per group, and the time-to-promotion table per group, in one query.

    The database groups people into cells that share every flag and the same number of days
    to promotion (or censoring): a few thousand cells for a company of any size. Adding up the
    cells per group here is summing the database's counts, not reading people.
    """
    counts = {group: {"n": 0, "eligible": 0, "not_employed": 0, **dict.fromkeys(OUTCOMES, 0)}
              for group in groups}
    times: dict[str, list[tuple[int, int, int]]] = {group: [] for group in groups}
    for row in _rows(_sql(ctes, CELLS, months, filters), params):
        group, people = row["grp"], row["people"]
        cell = counts[group]
        cell["n"] += people
        if not row["employed_at_index"]:
            cell["not_employed"] += people
        if row["eligible"]:
            cell["eligible"] += people
            for key in OUTCOMES:
                cell[key] += people if row[key] else 0
        if row["employed_at_index"]:
            times[group].append((int(row["days"]), people if row["promoted"] else 0,
                                 0 if row["promoted"] else people))
    return counts, times


def _survey_sums(params: dict, months: int, filters: ReportFilters, *,
                 groups: list[str] = GROUPS,
                 ctes: list[str] = SURVEY_QUERY) -> dict[str, dict[str, tuple[int, float, float]]]:
    """Per group and measure: (people, sum of changes, sum of squared changes)."""
    result = {group: dict.fromkeys(SURVEY_MEASURES, (0, 0.0, 0.0)) for group in groups}
    for row in _rows(_sql(ctes, SURVEY_SUMS, months, filters), params):
        result[row["grp"]] = {
            measure: (int(row["people"]), float(row[f"{measure}_sum"] or 0),
                      float(row[f"{measure}_squares"] or 0))
            for measure in SURVEY_MEASURES
        }
    return result


Stratum = tuple  # (level_band, department_id, tenure_band)


def _strata(params: dict, months: int,
            filters: ReportFilters) -> dict[str, dict[Stratum, dict[str, int]]]:
    """Per group and stratum: the members counted in the rates ("people") and each outcome."""
    result: dict[str, dict] = {group: {} for group in GROUPS}
    for row in _rows(_sql(STRATA_QUERY, STRATA_CELLS, months, filters), params):
        stratum = (row["level_band"], row["department_id"], row["tenure_band"])
        result[row["grp"]][stratum] = {"people": int(row["people"]),
                                       **{key: int(row[key] or 0) for key in OUTCOMES}}
    return result


def _adjusted(groups: dict, strata: dict, minimum: int) -> dict:
    """The like-for-like comparisons: group b standardised to group a's strata (docs/metrics.md)."""
    comparisons = []
    for a, b in COMPARISONS:
        for key in OUTCOMES:
            entry = {"metric": key, "a": a, "b": b, **dict.fromkeys(ADJUSTED_NUMBERS)}
            comparisons.append(entry)
            if groups[a]["suppressed"] or groups[b]["suppressed"]:
                continue
            rows = [(cell["people"], cell[key], strata[b].get(s, {}).get("people", 0),
                     strata[b].get(s, {}).get(key, 0)) for s, cell in strata[a].items()]
            result = stats.standardised_difference(rows)
            if result.n_a_matched < minimum:
                continue
            # The rates' privacy rule, over the people compared: a_rate x n_a_matched is a count
            # (and b's rate over one stratum is too), so 1 to 4 with (or without) the outcome
            # among the matched members of a, or among the members of b used, hides it all.
            matched = [(n_a, c_a, n_b, c_b) for n_a, c_a, n_b, c_b in rows if n_a and n_b]
            if (small(sum(r[1] for r in matched), result.n_a_matched, minimum)
                    or small(sum(r[3] for r in matched), result.n_b_used, minimum)):
                continue
            entry.update(a_rate=result.a_rate, b_standardised_rate=result.b_rate,
                         difference=result.difference.value, ci95=result.difference.ci95,
                         n_a_matched=result.n_a_matched, n_a_unmatched=result.n_a_unmatched,
                         n_b_used=result.n_b_used)
    return {"strata": list(STRATA), "comparisons": comparisons}


def _null_group() -> dict:
    return {
        "n": None,
        "outcomes": {key: {"count": None, "n": None, "rate": None, "ci95": None}
                     for key in OUTCOMES},
        "median_months_to_promotion": {"value": None, "ci95": None, "status": HIDDEN},
        "restricted_mean_months_to_promotion": {"value": None, "ci95": None, "status": HIDDEN},
        "survey_change": {m: {"mean": None, "n": None, "ci95": None} for m in SURVEY_MEASURES},
        "who_is_counted": dict.fromkeys(WHO_IS_COUNTED),
        "suppressed": True,
    }


def _who_is_counted(counts: dict, minimum: int) -> dict:
    """Members counted in the rates, too recent to count, and not employed on the index date.

    The three add up to the group's n, and `counted` is the rates' n, shown anyway: so a small
    `counted` hides all three, and otherwise the other two are a partition of a known total.
    """
    parts = {"counted": counts["eligible"], "not_employed_on_index_date": counts["not_employed"]}
    parts["too_recent"] = counts["n"] - parts["counted"] - parts["not_employed_on_index_date"]
    if 0 < parts["counted"] < minimum:
        return dict.fromkeys(WHO_IS_COUNTED)
    hidden = suppress_partition({key: parts[key] for key in WHO_IS_COUNTED[1:]}, minimum)
    return {key: None if key in hidden else parts[key] for key in WHO_IS_COUNTED}


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


def _group_entry(counts: dict, km: stats.KaplanMeier, surveys: dict, minimum: int,
                 tau: int) -> dict:
    entry = _null_group()
    entry["n"], entry["suppressed"] = counts["n"], False
    entry["who_is_counted"] = _who_is_counted(counts, minimum)
    eligible = counts["eligible"]
    for key in OUTCOMES:
        count = counts[key]
        # A count of 1-4 names a few people; so does such a complement (n - count).
        if eligible < minimum or small(count, eligible, minimum):
            continue
        estimate = stats.proportion(count, eligible)
        entry["outcomes"][key] = {"count": count, "n": eligible, "rate": estimate.value,
                                  "ci95": estimate.ci95}
    # A median or restricted mean from fewer than `minimum` people, or from 1 to minimum - 1
    # promotions, could point at them; none at all names nobody ("not reached").
    if km.n >= minimum and not 0 < km.events < minimum:
        median = km.median
        entry["median_months_to_promotion"] = {
            "value": _months(median.value),
            "ci95": None if median.ci95 is None else [_months(median.low), _months(median.high)],
            "status": NOT_REACHED if median.value is None else SHOWN,
        }
        mean = stats.restricted_mean(km, tau)
        entry["restricted_mean_months_to_promotion"] = {
            "value": _months(mean.value),
            "ci95": None if mean.ci95 is None else [_months(mean.low), _months(mean.high)],
            "status": FOLLOW_UP_TOO_SHORT if mean.value is None else SHOWN,
        }
    for measure, (n, total, squares) in surveys.items():
        if n >= minimum:
            estimate = stats.mean_interval(n, total, squares)
            entry["survey_change"][measure] = {"mean": estimate.value, "n": n,
                                               "ci95": estimate.ci95}
    return entry


def _time_to_promotion(groups: dict, kms: dict, tau: int) -> dict:
    """Differences in restricted mean months to promotion, for the report's comparisons."""
    comparisons = []
    for a, b in COMPARISONS:
        estimate = stats.Estimate(None, None, None)
        if all(groups[g]["restricted_mean_months_to_promotion"]["status"] == SHOWN
               for g in (a, b)):
            estimate = stats.restricted_mean_difference(kms[a], kms[b], tau)
        comparisons.append({"metric": "restricted_mean_months_to_promotion", "a": a, "b": b,
                            "difference": _months(estimate.value),
                            "ci95": None if estimate.ci95 is None
                            else [_months(estimate.low), _months(estimate.high)]})
    return {"restricted_to_months": _months(tau), "comparisons": comparisons}


def _comparisons(groups: dict, surveys: dict, pairs=COMPARISONS) -> list[dict]:
    comparisons = []
    for a, b in pairs:
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


def outcome_report(*, as_of: datetime.date, window_months: int = 12,
                   filters: ReportFilters | None = None) -> dict:
    """The outcome report's JSON contract (see docs/metrics.md); three queries at any size
    (and one more for the names of a filtered department or cohort)."""
    _check(as_of, window_months)
    filters = filters or ReportFilters()
    filters.check()
    minimum = setting("REPORT_MIN_GROUP_SIZE")
    params = {"as_of": as_of, "window_start": add_months(as_of, -window_months),
              **filters.params()}
    with transaction.atomic():  # one consistent view of the data across the queries
        if connection.vendor == "postgresql":
            # Grouping ~100,000 rows into cells sorts or hashes more than the default 4 MB
            # of work memory: without this PostgreSQL spills the sort to disk (measured 3x
            # slower on 100,000 people). LOCAL: for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        counts, times = _group_cells(params, window_months, filters)
        surveys = _survey_sums(params, window_months, filters)
        strata = _strata(params, window_months, filters)
    hidden = suppress_partition({group: counts[group]["n"] for group in GROUPS}, minimum)
    kms = {group: stats.kaplan_meier(times[group]) for group in GROUPS}
    # The restricted mean looks W months ahead, in days: as long as the neither group's window.
    tau = (as_of - params["window_start"]).days
    groups = {
        group: _null_group() if group in hidden
        else _group_entry(counts[group], kms[group], surveys[group], minimum, tau)
        for group in GROUPS
    }
    return {
        "as_of": as_of.isoformat(),
        "window_months": window_months,
        "min_group_size": minimum,
        "filters": filters.described(),
        "groups": groups,
        "comparisons": _comparisons(groups, surveys),
        "adjusted": _adjusted(groups, strata, minimum),
        "time_to_promotion": _time_to_promotion(groups, kms, tau),
    }


def outcome_report_snapshot_create(*, as_of: datetime.date, window_months: int = 12,
                                   filters: ReportFilters | None = None) -> ReportSnapshot:
    """Compute the report and store it, with how long it took, for dashboards to show at once.

    A filtered report stores its filters in its data ("filters")."""
    started = time.perf_counter()
    data = outcome_report(as_of=as_of, window_months=window_months, filters=filters)
    duration_ms = round((time.perf_counter() - started) * 1000)
    return ReportSnapshot.objects.create(as_of=as_of, window_months=window_months, data=data,
                                         duration_ms=duration_ms)
