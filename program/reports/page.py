"""The outcome report as people read it: tables, charts and a summary in plain words.

Everything here reads the JSON contract (a fresh report or a stored ReportSnapshot), so the page,
its CSV exports and the command-line output always agree.
"""

from __future__ import annotations

from django.utils.text import get_text_list

from accounts import wording
from program.reports.outcome import (
    CAVEAT,
    GROUP_LABELS,
    GROUPS,
    OUTCOME_LABELS,
    OUTCOMES,
    SURVEY_LABELS,
    SURVEY_MEASURES,
)
from program.reports.tables import Column, Table

__all__ = ["CAVEAT", "outcome_summary", "report_tables"]

SHORT = {"mentorship_only": "only a mentor", "sponsorship_only": "only a sponsor",
         "both": "both a mentor and a sponsor", "neither": "neither"}


def _ci(cell: dict | None, key: str = "ci95"):
    value = (cell or {}).get(key)
    return None if value is None else tuple(value)


def report_tables(report: dict) -> list[Table]:
    groups = report["groups"]
    metric_labels = {**OUTCOME_LABELS,
                     **{f"survey_change.{m}": f"Change in {SURVEY_LABELS[m].lower()}"
                        for m in SURVEY_MEASURES}}
    group_rows = [[GROUP_LABELS[g], groups[g]["n"],
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
              [Column("Group"), Column("People", "int"), Column("Shown")], group_rows),
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
        Table("time_to_promotion", "Months to first promotion after the index date (median)",
              [Column("Group"), Column("Median months", "months"),
               Column("95% interval", "months_ci")],
              [[GROUP_LABELS[g], groups[g]["median_months_to_promotion"]["value"],
                _ci(groups[g]["median_months_to_promotion"])] for g in GROUPS]),
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
    ]


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
    hidden = [GROUP_LABELS[g] for g in GROUPS if groups[g]["suppressed"]]
    if hidden:
        sentences.append(f"{_join(hidden)} {'is' if len(hidden) == 1 else 'are'} not shown: "
                         f"too few people (under {report['min_group_size']}), or a total "
                         "would reveal a group that is.")
    if not sentences:
        sentences.append("There is not enough data yet to compare the groups.")
    return sentences


def _join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return get_text_list(parts, "and")
