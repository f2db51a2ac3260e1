"""Sponsorship broken down by whether the sponsor kept their commitments.

Everyone with a counted sponsorship (docs/metrics.md, Groups: started on or before as_of; active,
completed or ended early) falls in one of two groups:

- `kept_on_time`: at least one commitment on one of their counted sponsorships was kept on time
  (kept on or before its due date), on or before as_of;
- `none_kept`: no such commitment (none made, none kept, or kept only late).

Their index date is the start of their first counted sponsorship. From there on it is the
outcome report's own pipeline (program/reports/outcome.py: `windowed`, `dated_events`, `events`,
`member_outcomes`, `follow_up` and the cells), its statistics (Wilson, Kaplan–Meier, Newcombe,
Welch) and its suppression: only the first CTEs differ, so the figures mean exactly what the
report's figures mean. Survey change counts the sponsorship surveys only.

A caution the page repeats: sponsors who keep commitments may have chosen protégés already on
their way up; the difference is an association, not an effect.
"""

from __future__ import annotations

import datetime
import re

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.program_settings import setting
from matching.sponsorship.models import Commitment
from program.reports import outcome, stats
from program.reports.filters import ReportFilters
from program.reports.suppression import suppress_partition

BREAKDOWN_GROUPS = ["kept_on_time", "none_kept"]
BREAKDOWN_LABELS = {"kept_on_time": _("Kept a commitment on time"),
                    "none_kept": _("Kept no commitment on time")}
BREAKDOWN_COMPARISONS = [("kept_on_time", "none_kept")]

_COMMITMENT = Commitment._meta.db_table

# One row per counted sponsorship: the protégé, the sponsorship and its start.
SPONSORSHIP_STARTS = """
counted_starts AS (
    SELECT protege_id AS person_id, id AS sponsorship_id, started_on
    FROM {sponsorship}
    WHERE status IN ({counted_statuses}) AND started_on IS NOT NULL AND started_on <= %(as_of)s
)"""

# Protégés with a commitment kept on time (kept_on <= due_on), kept by as_of, on one of their
# counted sponsorships. Only constants are spliced in: the table name and a choice value.
KEPT_ON_TIME = f"""
kept_on_time AS (
    SELECT DISTINCT cs.person_id
    FROM counted_starts cs
    JOIN {_COMMITMENT} c ON c.sponsorship_id = cs.sponsorship_id
    WHERE c.state = '{Commitment.State.KEPT.value}' AND c.kept_on <= c.due_on
      AND c.kept_on <= %(as_of)s
)"""  # noqa: S608 (a table name and a choice value)

# The two groups and the index date (the first counted sponsorship start), in the shape the
# report's `started` has, so the rest of its pipeline reads it unchanged.
STARTED = """
started AS (
    SELECT cs.person_id,
        CASE WHEN MAX(k.person_id) IS NOT NULL THEN 'kept_on_time' ELSE 'none_kept' END AS grp,
        MIN(cs.started_on) AS index_on
    FROM counted_starts cs
    LEFT JOIN kept_on_time k ON k.person_id = cs.person_id
    GROUP BY cs.person_id
)"""

# Only protégés: the report's `members` without its `neither` group.
MEMBERS = """
members AS (
    SELECT p.id AS person_id, p.hire_date, p.termination_date, st.grp, st.index_on,
        {started_window_end} AS window_end
    FROM {person} p
    JOIN started st ON st.person_id = p.id
)"""

# The report's `person_changes`, counting only the sponsorship surveys.
PERSON_CHANGES = re.sub(r"WHERE .*?GROUP BY",
                        "WHERE c.relationship_kind = '{sponsorship_kind}'\n    GROUP BY",
                        outcome.PERSON_CHANGES, flags=re.DOTALL)

GROUP_QUERY = [SPONSORSHIP_STARTS, KEPT_ON_TIME, STARTED, MEMBERS, outcome.WINDOWED,
               outcome.DATED_EVENTS, outcome.EVENTS, outcome.MEMBER_OUTCOMES, outcome.FOLLOW_UP]
SURVEY_QUERY = [SPONSORSHIP_STARTS, KEPT_ON_TIME, STARTED, outcome.SURVEY_CHANGES,
                PERSON_CHANGES]


def commitment_breakdown(*, as_of: datetime.date, window_months: int = 12) -> dict:
    """The outcome report's statistics for the two groups, in the report's JSON shape."""
    outcome._check(as_of, window_months)
    minimum = setting("REPORT_MIN_GROUP_SIZE")
    filters = ReportFilters()  # the breakdown covers every protégé
    params = {"as_of": as_of, "window_start": outcome.add_months(as_of, -window_months),
              **filters.params()}
    with transaction.atomic():  # one consistent view across the two queries
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        counts, times = outcome._group_cells(params, window_months, filters,
                                             groups=BREAKDOWN_GROUPS, ctes=GROUP_QUERY)
        surveys = outcome._survey_sums(params, window_months, filters,
                                       groups=BREAKDOWN_GROUPS,
                                       ctes=SURVEY_QUERY)
    hidden = suppress_partition({group: counts[group]["n"] for group in BREAKDOWN_GROUPS},
                                minimum)
    tau = (as_of - params["window_start"]).days  # the restricted mean's horizon, as the report
    groups = {
        group: outcome._null_group() if group in hidden
        else outcome._group_entry(counts[group], stats.kaplan_meier(times[group]),
                                  surveys[group], minimum, tau)
        for group in BREAKDOWN_GROUPS
    }
    return {
        "as_of": as_of.isoformat(),
        "window_months": window_months,
        "min_group_size": minimum,
        "groups": groups,
        "comparisons": outcome._comparisons(groups, surveys, BREAKDOWN_COMPARISONS),
    }
