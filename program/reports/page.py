"""The outcome report as people read it: tables, charts and a summary in plain words.

Everything here reads the JSON contract (a fresh report or a stored ReportSnapshot), so the page,
its CSV exports and the command-line output always agree.
"""

from __future__ import annotations

from django.utils.text import get_text_list

from accounts import wording
from program.reports.outcome import (
    CAVEAT,
    FOLLOW_UP_TOO_SHORT,
    GROUP_LABELS,
    GROUPS,
    NOT_REACHED,
    OUTCOME_LABELS,
    OUTCOMES,
    SHOWN,
    SURVEY_LABELS,
    SURVEY_MEASURES,
    WHO_IS_COUNTED,
)
from program.reports.tables import Column, Table

__all__ = ["CAVEAT", "outcome_summary", "report_tables"]

SHORT = {"mentorship_only": "only a mentor", "sponsorship_only": "only a sponsor",
         "both": "both a mentor and a sponsor", "neither": "neither"}


def _ci(cell: dict | None, key: str = "ci95"):
    value = (cell or {}).get(key)
    return None if value is None else tuple(value)


WHO_IS_COUNTED_NOTE = (
    "Rates count only members whose whole window has ended by the as-of date and who were "
    "employed on their index date. Members who started recently are counted once their window "
    "ends.")


def report_tables(report: dict) -> list[Table]:
    groups = report["groups"]
    metric_labels = {**OUTCOME_LABELS,
                     **{f"survey_change.{m}": f"Change in {SURVEY_LABELS[m].lower()}"
                        for m in SURVEY_MEASURES}}
    group_rows = [[GROUP_LABELS[g], groups[g]["n"],
                   *[(groups[g].get("who_is_counted") or {}).get(key) for key in WHO_IS_COUNTED],
                   "Hidden (small group)" if groups[g]["suppressed"] else "Shown"]
                  for g in GROUPS]
    outcome_rows = []
    for g in GROUPS:
        for key in OUTCOMES:
            cell = groups[g]["outcomes"][key]
            outcome_rows.append([GROUP_LABELS[g], OUTCOME_LABELS[key], cell["count"], cell["n"],
                                 cell["rate"], _ci(cell)])
    promotion = {g: groups[g]["outcomes"]["promotion"] for g in GROUPS}
    survey_rows = [[GROUP_LABELS[g], SURVEY_LABELS[m], groups[g]["survey_change"][m]["n"],
                    groups[g]["survey_change"][m]["mean"], _ci(groups[g]["survey_change"][m])]
                   for g in GROUPS for m in SURVEY_MEASURES]
    comparison_rows = [
        [f"{GROUP_LABELS[c['a']]} − {GROUP_LABELS[c['b']]}", metric_labels[c["metric"]],
         c["difference"], _ci(c)]
        for c in report["comparisons"] if not c["metric"].startswith("survey")
    ]
    survey_comparison_rows = [
        [f"{GROUP_LABELS[c['a']]} − {GROUP_LABELS[c['b']]}", metric_labels[c["metric"]],
         c["difference"], _ci(c)]
        for c in report["comparisons"] if c["metric"].startswith("survey")
    ]
    return [
        Table("groups", "Who is in each group",
              [Column("Group"), Column("People", "int"), Column("Counted in the rates", "int"),
               Column("Too recent (window not ended)", "int"),
               Column("Not employed on the index date", "int"), Column("Shown")], group_rows,
              note=WHO_IS_COUNTED_NOTE),
        Table("outcomes", f"Outcomes within {report['window_months']} months of the index date",
              [Column("Group"), Column("Outcome"), Column("People with it", "int"),
               Column("People counted", "int"), Column("Rate", "pct"),
               Column("95% interval", "pct_ci")],
              outcome_rows,
              chart={"type": "bar", "percent": True,
                     "labels": [OUTCOME_LABELS[k] for k in OUTCOMES],
                     "datasets": [{"label": GROUP_LABELS[g],
                                   "data": [groups[g]["outcomes"][k]["rate"] for k in OUTCOMES]}
                                  for g in GROUPS]}),
        Table("promotion", "Promotion rate with its 95% interval",
              [Column("Group"), Column("Rate", "pct"), Column("95% interval", "pct_ci")],
              [[GROUP_LABELS[g], promotion[g]["rate"], _ci(promotion[g])] for g in GROUPS],
              chart={"type": "bar", "percent": True, "horizontal": True, "interval": True,
                     "labels": [GROUP_LABELS[g] for g in GROUPS],
                     "datasets": [{"label": "95% interval",
                                   "data": [promotion[g]["ci95"] for g in GROUPS]},
                                  {"label": "Rate", "type": "line",
                                   "data": [promotion[g]["rate"] for g in GROUPS]}]}),
        _time_to_promotion_table(report),
        Table("survey", "Survey change, closing minus baseline (1–5 scale)",
              [Column("Group"), Column("Measure"), Column("People", "int"),
               Column("Mean change", "num"), Column("95% interval", "num_ci")], survey_rows,
              chart={"type": "bar", "labels": [SURVEY_LABELS[m] for m in SURVEY_MEASURES],
                     "datasets": [{"label": GROUP_LABELS[g],
                                   "data": [groups[g]["survey_change"][m]["mean"]
                                            for m in SURVEY_MEASURES]}
                                  for g in GROUPS if g != "neither"]}),
        Table("comparisons", "Differences in rates between groups",
              [Column("Comparison"), Column("Outcome"), Column("Difference", "diff"),
               Column("95% interval (Newcombe)", "diff_ci")], comparison_rows),
        Table("survey_comparisons", "Differences in survey change between groups",
              [Column("Comparison"), Column("Measure"), Column("Difference", "num"),
               Column("95% interval (Welch)", "num_ci")], survey_comparison_rows),
        *_time_to_promotion_comparison_tables(report),
        *_adjusted_tables(report),
    ]


NOT_REACHED_WORDS = "not reached"
TIME_NOTE = (
    "The median is the time by which half the group had been promoted: “not reached” means "
    "fewer than half were promoted during follow-up. The restricted mean always says "
    "something: the average months to a first promotion within the first {months:.0f} months, "
    "counting anyone not promoted by then as {months:.0f} (the area under the Kaplan–Meier "
    "curve). Lower is faster.")


def _time_cells(cell: dict | None) -> list:
    """A median or restricted mean and its interval, with "not reached" said in words."""
    cell = cell or {}
    if cell.get("status") in (NOT_REACHED, FOLLOW_UP_TOO_SHORT):
        words = NOT_REACHED_WORDS if cell["status"] == NOT_REACHED else "follow-up too short"
        interval = _ci(cell)
        return [words, interval if interval else words]
    return [cell.get("value"), _ci(cell)]


def _time_to_promotion_table(report: dict) -> Table:
    groups = report["groups"]
    months = (report.get("time_to_promotion") or {}).get("restricted_to_months") \
        or report["window_months"]
    return Table(
        "time_to_promotion", "Months to first promotion after the index date",
        [Column("Group"), Column("Median months", "months"),
         Column("Median, 95% interval", "months_ci"),
         Column(f"Restricted mean within {report['window_months']} months", "months"),
         Column("Restricted mean, 95% interval", "months_ci")],
        [[GROUP_LABELS[g], *_time_cells(groups[g]["median_months_to_promotion"]),
          *_time_cells(groups[g].get("restricted_mean_months_to_promotion"))] for g in GROUPS],
        note=TIME_NOTE.format(months=months))


def _time_to_promotion_comparison_tables(report: dict) -> list[Table]:
    if "time_to_promotion" not in report:
        return []
    rows = [[f"{GROUP_LABELS[c['a']]} − {GROUP_LABELS[c['b']]}", c["difference"], _ci(c)]
            for c in report["time_to_promotion"]["comparisons"]]
    return [Table("time_to_promotion_comparisons",
                  f"Differences in restricted mean months to promotion (within "
                  f"{report['window_months']} months)",
                  [Column("Comparison"), Column("Difference in months", "months_diff"),
                   Column("95% interval", "months_diff_ci")], rows,
                  note="Negative: the first group was promoted sooner on average.")]


ADJUSTED_NOTE = (
    "Each difference compares a group with employees like them: the same level band, department "
    "and years of service on the index date. The second group's rate is recomputed as if it had "
    "the first group's make-up (direct standardisation); people in the first group with nobody "
    "like them in the second are left out and counted under “without a match”. When most "
    "strata hold one or two people the interval is too narrow: a stratum of one adds no "
    "uncertainty.")


def _adjusted_tables(report: dict) -> list[Table]:
    """The like-for-like comparison; reports stored before it existed have none."""
    if "adjusted" not in report:
        return []
    rows = [[f"{GROUP_LABELS[c['a']]} − {GROUP_LABELS[c['b']]}", OUTCOME_LABELS[c["metric"]],
             c["a_rate"], c["b_standardised_rate"], c["difference"], _ci(c), c["n_a_matched"],
             c["n_a_unmatched"], c["n_b_used"]]
            for c in report["adjusted"]["comparisons"]]
    return [Table("adjusted", "Compared with employees like them",
                  [Column("Comparison"), Column("Outcome"), Column("First group", "pct"),
                   Column("Second group, standardised", "pct"), Column("Difference", "diff"),
                   Column("95% interval", "diff_ci"), Column("First group, matched", "int"),
                   Column("Without a match", "int"), Column("Second group, used", "int")],
                  rows, note=ADJUSTED_NOTE, chart=_raw_and_adjusted_chart(report))]


def _raw_and_adjusted_chart(report: dict) -> dict:
    """Promotion differences, raw and like-for-like, side by side with their 95% intervals."""
    raw = {(c["a"], c["b"]): c for c in report["comparisons"] if c["metric"] == "promotion"}
    labels, intervals, points = [], [], []
    for c in report["adjusted"]["comparisons"]:
        if c["metric"] != "promotion":
            continue
        name = f"{GROUP_LABELS[c['a']]} − {GROUP_LABELS[c['b']]}"
        for kind, cell in (("raw", raw.get((c["a"], c["b"])) or {}), ("like for like", c)):
            labels.append(f"{name}, {kind}")
            intervals.append(cell.get("ci95"))
            points.append(cell.get("difference"))
    return {"type": "bar", "percent": True, "horizontal": True, "interval": True,
            "labels": labels,
            "datasets": [{"label": "95% interval", "data": intervals},
                         {"label": "Difference", "type": "line", "data": points}]}


FILTER_LABELS = {"department": "Department", "level_band": "Level band", "location": "Location",
                 "cohort": "Cohort", "hired_from": "Hired from", "hired_to": "Hired to"}


def filters_words(report: dict) -> str:
    """'Department: Sales; Hired from: 2018', or 'everyone' without filters."""
    chosen = [f"{FILTER_LABELS[key]}: {value}"
              for key, value in (report.get("filters") or {}).items()
              if value is not None and key in FILTER_LABELS]
    return "; ".join(chosen) or "none (everyone)"


def report_heading_rows(report: dict) -> list[tuple[str, str]]:
    """What every export starts with, so a printed page or CSV stands alone."""
    return [("Outcome report as of", report["as_of"]),
            ("Window", f"{report['window_months']} months"),
            ("Filters", filters_words(report)),
            ("Minimum group size", f"{report['min_group_size']} (smaller groups and cells "
                                   "are hidden)")]


def report_heading(report: dict) -> list[str]:
    return [f"{label}: {value}" for label, value in report_heading_rows(report)]


def _pct(value: float) -> str:
    return wording.percent(value)


def _rate_words(cell: dict) -> str:
    low, high = cell["ci95"]
    return f"{_pct(cell['rate'])} ({_pct(low)}–{_pct(high)})"


def outcome_summary(report: dict) -> list[str]:
    """A few sentences in plain words; every number carries its interval."""
    groups, months = report["groups"], report["window_months"]
    sentences = []
    shown = [g for g in GROUPS if groups[g]["outcomes"]["promotion"]["rate"] is not None]
    if shown:
        parts = [f"{_rate_words(groups[g]['outcomes']['promotion'])} of employees with "
                 f"{SHORT[g]}" for g in shown]
        sentences.append(f"Within {months} months of their index date, {_join(parts)} were "
                         "promoted (95% intervals in brackets).")
    comparisons = {(c["metric"], c["a"], c["b"]): c for c in report["comparisons"]}
    main = comparisons.get(("promotion", "sponsorship_only", "mentorship_only"))
    if main and main["difference"] is not None:
        low, high = main["ci95"]
        verdict = ("the interval does not include zero, so chance alone is an unlikely "
                   "explanation" if low > 0 or high < 0 else
                   "the interval includes zero, so these data cannot tell the two apart")
        sentences.append(
            f"Sponsored employees' promotion rate differs from mentees' by "
            f"{main['difference'] * 100:+.0f} points (95% interval {low * 100:+.0f} to "
            f"{high * 100:+.0f}); {verdict}.")
    sentences += _adjusted_sentences(report)
    counting = _counting_words(groups)
    if counting:
        sentences.append(f"The rates count {_join(counting)}.")
    for measure in SURVEY_MEASURES:
        parts = []
        for g in ("mentorship_only", "sponsorship_only"):
            cell = groups[g]["survey_change"][measure]
            if cell["mean"] is not None and cell["ci95"] is not None:
                parts.append(f"{cell['mean']:+.2f} for employees with {SHORT[g]} "
                             f"(n={cell['n']}, {cell['ci95'][0]:+.2f} to {cell['ci95'][1]:+.2f})")
        if parts:
            sentences.append(f"Self-rated {SURVEY_LABELS[measure].lower()} changed by "
                             f"{_join(parts)} on a 1–5 scale between the first and last survey.")
    median = groups["sponsorship_only"]["median_months_to_promotion"]
    if median["value"] is not None:
        high = median["ci95"][1] if median["ci95"] else None
        sentences.append(
            f"Half of the employees with only a sponsor were promoted within "
            f"{median['value']:.1f} months of their index date"
            + (f" (95% interval {median['ci95'][0]:.1f} to "
               f"{'not reached' if high is None else f'{high:.1f}'})" if median["ci95"] else "")
            + ".")
    sentences += _restricted_mean_sentences(report)
    hidden = [GROUP_LABELS[g] for g in GROUPS if groups[g]["suppressed"]]
    if hidden:
        sentences.append(f"{_join(hidden)} {'is' if len(hidden) == 1 else 'are'} not shown: "
                         f"too few people (under {report['min_group_size']}), or a total "
                         "would reveal a group that is.")
    if not sentences:
        sentences.append("There is not enough data yet to compare the groups.")
    return sentences


def _restricted_mean_sentences(report: dict) -> list[str]:
    months = report["window_months"]
    parts = []
    for g in GROUPS:
        cell = report["groups"][g].get("restricted_mean_months_to_promotion") or {}
        if cell.get("status") == SHOWN:
            low, high = cell["ci95"]
            parts.append(f"{cell['value']:.1f} months ({low:.1f}–{high:.1f}) for employees with "
                         f"{SHORT[g]}")
    if not parts:
        return []
    return [f"Counting anyone not promoted within {months} months as {months}, the average "
            f"wait for a first promotion was {_join(parts)}."]


def _counting_words(groups: dict) -> list[str]:
    """'29 of 81 employees with only a sponsor (50 too recent, 2 not employed ...)' per group."""
    parts = []
    for g in GROUPS:
        who = groups[g].get("who_is_counted") or {}
        if who.get("counted") is None or who["counted"] == groups[g]["n"]:
            continue
        reasons = []
        if who["too_recent"]:
            reasons.append(f"{who['too_recent']} too recent for their window to have ended")
        if who["not_employed_on_index_date"]:
            reasons.append(f"{who['not_employed_on_index_date']} not employed on their index "
                           "date")
        why = f" ({_join(reasons)})" if reasons else " (the others are hidden: too few)"
        parts.append(f"{who['counted']} of {groups[g]['n']} employees with {SHORT[g]}{why}")
    return parts


def _adjusted_sentences(report: dict) -> list[str]:
    """The like-for-like promotion differences, each with its interval and whom it counts."""
    sentences = []
    for c in (report.get("adjusted") or {}).get("comparisons", []):
        if c["metric"] != "promotion" or c["difference"] is None:
            continue
        low, high = c["ci95"]
        unmatched = (f"; {c['n_a_unmatched']} had nobody like them and "
                     f"{'is' if c['n_a_unmatched'] == 1 else 'are'} left out"
                     if c["n_a_unmatched"] else "")
        sentences.append(
            f"Compared with employees like them (same level band, department and years of "
            f"service) who had {SHORT[c['b']]}, employees with {SHORT[c['a']]} were promoted "
            f"{_pct(c['a_rate'])} of the time against {_pct(c['b_standardised_rate'])}: "
            f"{c['difference'] * 100:+.0f} points (95% interval {low * 100:+.0f} to "
            f"{high * 100:+.0f}), over {c['n_a_matched']} of them{unmatched}.")
    return sentences


def _join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return get_text_list(parts, "and")
