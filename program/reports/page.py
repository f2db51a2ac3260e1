"""The outcome report as people read it: tables, charts and a summary in plain words.

Everything here reads the JSON contract (a fresh report or a stored ReportSnapshot), so the page,
its CSV exports and the command-line output always agree.
"""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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

SHORT = {"mentorship_only": gettext_lazy("only a mentor"),
         "sponsorship_only": gettext_lazy("only a sponsor"),
         "both": gettext_lazy("both a mentor and a sponsor"), "neither": gettext_lazy("neither")}


def _ci(cell: dict | None, key: str = "ci95"):
    value = (cell or {}).get(key)
    return None if value is None else tuple(value)


WHO_IS_COUNTED_NOTE = gettext_lazy(
    "Rates count only members whose whole window has ended by the as-of date and who were "
    "employed on their index date. Members who started recently are counted once their window "
    "ends.")
# "Change in confidence", "Change in goal progress": whole phrases for translators.
SURVEY_CHANGE_LABELS = {"confidence": gettext_lazy("Change in confidence"),
                        "goal_progress": gettext_lazy("Change in goal progress")}


def _pair(c: dict) -> str:
    """'Sponsorship only − Mentorship only'."""
    return f"{GROUP_LABELS[c['a']]} − {GROUP_LABELS[c['b']]}"


def report_tables(report: dict) -> list[Table]:
    groups = report["groups"]
    metric_labels = {**OUTCOME_LABELS,
                     **{f"survey_change.{m}": SURVEY_CHANGE_LABELS[m] for m in SURVEY_MEASURES}}
    group_rows = [[GROUP_LABELS[g], groups[g]["n"],
                   *[(groups[g].get("who_is_counted") or {}).get(key) for key in WHO_IS_COUNTED],
                   _("Hidden (small group)") if groups[g]["suppressed"] else _("Shown")]
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
        [_pair(c), metric_labels[c["metric"]], c["difference"], _ci(c)]
        for c in report["comparisons"] if not c["metric"].startswith("survey")
    ]
    survey_comparison_rows = [
        [_pair(c), metric_labels[c["metric"]], c["difference"], _ci(c)]
        for c in report["comparisons"] if c["metric"].startswith("survey")
    ]
    return [
        Table("groups", _("Who is in each group"),
              [Column(_("Group")), Column(_("People"), "int"),
               Column(_("Counted in the rates"), "int"),
               Column(_("Too recent (window not ended)"), "int"),
               Column(_("Not employed on the index date"), "int"), Column(_("Shown"))], group_rows,
              note=WHO_IS_COUNTED_NOTE),
        Table("outcomes", _("Outcomes within %(months)s months of the index date")
              % {"months": report["window_months"]},
              [Column(_("Group")), Column(_("Outcome")), Column(_("People with it"), "int"),
               Column(_("People counted"), "int"), Column(_("Rate"), "pct"),
               Column(_("95% interval"), "pct_ci")],
              outcome_rows,
              chart={"type": "bar", "percent": True,
                     "labels": [OUTCOME_LABELS[k] for k in OUTCOMES],
                     "datasets": [{"label": GROUP_LABELS[g],
                                   "data": [groups[g]["outcomes"][k]["rate"] for k in OUTCOMES]}
                                  for g in GROUPS]}),
        Table("promotion", _("Promotion rate with its 95% interval"),
              [Column(_("Group")), Column(_("Rate"), "pct"), Column(_("95% interval"), "pct_ci")],
              [[GROUP_LABELS[g], promotion[g]["rate"], _ci(promotion[g])] for g in GROUPS],
              chart={"type": "bar", "percent": True, "horizontal": True, "interval": True,
                     "labels": [GROUP_LABELS[g] for g in GROUPS],
                     "datasets": [{"label": _("95% interval"),
                                   "data": [promotion[g]["ci95"] for g in GROUPS]},
                                  {"label": _("Rate"), "type": "line",
                                   "data": [promotion[g]["rate"] for g in GROUPS]}]}),
        _time_to_promotion_table(report),
        Table("survey", _("Survey change, closing minus baseline (1–5 scale)"),
              [Column(_("Group")), Column(_("Measure")), Column(_("People"), "int"),
               Column(_("Mean change"), "num"), Column(_("95% interval"), "num_ci")], survey_rows,
              chart={"type": "bar", "labels": [SURVEY_LABELS[m] for m in SURVEY_MEASURES],
                     "datasets": [{"label": GROUP_LABELS[g],
                                   "data": [groups[g]["survey_change"][m]["mean"]
                                            for m in SURVEY_MEASURES]}
                                  for g in GROUPS if g != "neither"]}),
        Table("comparisons", _("Differences in rates between groups"),
              [Column(_("Comparison")), Column(_("Outcome")), Column(_("Difference"), "diff"),
               Column(_("95% interval (Newcombe)"), "diff_ci")], comparison_rows),
        Table("survey_comparisons", _("Differences in survey change between groups"),
              [Column(_("Comparison")), Column(_("Measure")), Column(_("Difference"), "num"),
               Column(_("95% interval (Welch)"), "num_ci")], survey_comparison_rows),
        *_time_to_promotion_comparison_tables(report),
        *_adjusted_tables(report),
    ]


NOT_REACHED_WORDS = gettext_lazy("not reached")
TIME_NOTE = gettext_lazy(
    "The median is the time by which half the group had been promoted: “not reached” means "
    "fewer than half were promoted during follow-up. The restricted mean always says "
    "something: the average months to a first promotion within the first %(months)s months, "
    "counting anyone not promoted by then as %(months)s (the area under the Kaplan–Meier "
    "curve). Lower is faster.")


def _time_cells(cell: dict | None) -> list:
    """A median or restricted mean and its interval, with "not reached" said in words."""
    cell = cell or {}
    if cell.get("status") in (NOT_REACHED, FOLLOW_UP_TOO_SHORT):
        words = (str(NOT_REACHED_WORDS) if cell["status"] == NOT_REACHED
                 else _("follow-up too short"))
        interval = _ci(cell)
        return [words, interval if interval else words]
    return [cell.get("value"), _ci(cell)]


def _time_to_promotion_table(report: dict) -> Table:
    groups = report["groups"]
    months = (report.get("time_to_promotion") or {}).get("restricted_to_months") \
        or report["window_months"]
    return Table(
        "time_to_promotion", _("Months to first promotion after the index date"),
        [Column(_("Group")), Column(_("Median months"), "months"),
         Column(_("Median, 95% interval"), "months_ci"),
         Column(_("Restricted mean within %(months)s months")
                % {"months": report["window_months"]}, "months"),
         Column(_("Restricted mean, 95% interval"), "months_ci")],
        [[GROUP_LABELS[g], *_time_cells(groups[g]["median_months_to_promotion"]),
          *_time_cells(groups[g].get("restricted_mean_months_to_promotion"))] for g in GROUPS],
        note=TIME_NOTE % {"months": f"{months:.0f}"})


def _time_to_promotion_comparison_tables(report: dict) -> list[Table]:
    if "time_to_promotion" not in report:
        return []
    rows = [[_pair(c), c["difference"], _ci(c)]
            for c in report["time_to_promotion"]["comparisons"]]
    return [Table("time_to_promotion_comparisons",
                  _("Differences in restricted mean months to promotion (within %(months)s "
                    "months)") % {"months": report["window_months"]},
                  [Column(_("Comparison")), Column(_("Difference in months"), "months_diff"),
                   Column(_("95% interval"), "months_diff_ci")], rows,
                  note=_("Negative: the first group was promoted sooner on average."))]


ADJUSTED_NOTE = gettext_lazy(
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
    rows = [[_pair(c), OUTCOME_LABELS[c["metric"]],
             c["a_rate"], c["b_standardised_rate"], c["difference"], _ci(c), c["n_a_matched"],
             c["n_a_unmatched"], c["n_b_used"]]
            for c in report["adjusted"]["comparisons"]]
    return [Table("adjusted", _("Compared with employees like them"),
                  [Column(_("Comparison")), Column(_("Outcome")), Column(_("First group"), "pct"),
                   Column(_("Second group, standardised"), "pct"),
                   Column(_("Difference"), "diff"), Column(_("95% interval"), "diff_ci"),
                   Column(_("First group, matched"), "int"),
                   Column(_("Without a match"), "int"), Column(_("Second group, used"), "int")],
                  rows, note=ADJUSTED_NOTE, chart=_raw_and_adjusted_chart(report))]


def _raw_and_adjusted_chart(report: dict) -> dict:
    """Promotion differences, raw and like-for-like, side by side with their 95% intervals."""
    raw = {(c["a"], c["b"]): c for c in report["comparisons"] if c["metric"] == "promotion"}
    labels, intervals, points = [], [], []
    for c in report["adjusted"]["comparisons"]:
        if c["metric"] != "promotion":
            continue
        name = _pair(c)
        for kind, cell in ((_("raw"), raw.get((c["a"], c["b"])) or {}), (_("like for like"), c)):
            labels.append(f"{name}, {kind}")
            intervals.append(cell.get("ci95"))
            points.append(cell.get("difference"))
    return {"type": "bar", "percent": True, "horizontal": True, "interval": True,
            "labels": labels,
            "datasets": [{"label": _("95% interval"), "data": intervals},
                         {"label": _("Difference"), "type": "line", "data": points}]}


FILTER_LABELS = {"department": gettext_lazy("Department"),
                 "level_band": gettext_lazy("Level band"), "location": gettext_lazy("Location"),
                 "cohort": gettext_lazy("Cohort"), "hired_from": gettext_lazy("Hired from"),
                 "hired_to": gettext_lazy("Hired to")}


def filters_words(report: dict) -> str:
    """'Department: Sales; Hired from: 2018', or 'everyone' without filters."""
    chosen = [f"{FILTER_LABELS[key]}: {value}"
              for key, value in (report.get("filters") or {}).items()
              if value is not None and key in FILTER_LABELS]
    return "; ".join(chosen) or _("none (everyone)")


def report_heading_rows(report: dict) -> list[tuple[str, str]]:
    """What every export starts with, so a printed page or CSV stands alone."""
    return [(_("Outcome report as of"), report["as_of"]),
            (_("Window"), _("%(months)s months") % {"months": report["window_months"]}),
            (_("Filters"), filters_words(report)),
            (_("Minimum group size"), _("%(size)s (smaller groups and cells are hidden)")
             % {"size": report["min_group_size"]})]


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
        parts = [_("%(rate)s of employees with %(who)s")
                 % {"rate": _rate_words(groups[g]["outcomes"]["promotion"]), "who": SHORT[g]}
                 for g in shown]
        sentences.append(_("Within %(months)s months of their index date, %(parts)s were "
                           "promoted (95%% intervals in brackets).")
                         % {"months": months, "parts": _join(parts)})
    comparisons = {(c["metric"], c["a"], c["b"]): c for c in report["comparisons"]}
    main = comparisons.get(("promotion", "sponsorship_only", "mentorship_only"))
    if main and main["difference"] is not None:
        low, high = main["ci95"]
        verdict = (_("the interval does not include zero, so chance alone is an unlikely "
                     "explanation") if low > 0 or high < 0 else
                   _("the interval includes zero, so these data cannot tell the two apart"))
        sentences.append(
            _("Sponsored employees' promotion rate differs from mentees' by %(difference)s "
              "points (95%% interval %(low)s to %(high)s); %(verdict)s.")
            % {"difference": f"{main['difference'] * 100:+.0f}", "low": f"{low * 100:+.0f}",
               "high": f"{high * 100:+.0f}", "verdict": verdict})
    sentences += _adjusted_sentences(report)
    counting = _counting_words(groups)
    if counting:
        sentences.append(_("The rates count %(parts)s.") % {"parts": _join(counting)})
    for measure in SURVEY_MEASURES:
        parts = []
        for g in ("mentorship_only", "sponsorship_only"):
            cell = groups[g]["survey_change"][measure]
            if cell["mean"] is not None and cell["ci95"] is not None:
                parts.append(_("%(mean)s for employees with %(who)s (n=%(n)s, %(low)s to "
                               "%(high)s)")
                             % {"mean": f"{cell['mean']:+.2f}", "who": SHORT[g], "n": cell["n"],
                                "low": f"{cell['ci95'][0]:+.2f}",
                                "high": f"{cell['ci95'][1]:+.2f}"})
        if parts:
            sentence = (_("Self-rated confidence changed by %(parts)s on a 1–5 scale between "
                          "the first and last survey.") if measure == "confidence" else
                        _("Self-rated goal progress changed by %(parts)s on a 1–5 scale "
                          "between the first and last survey."))
            sentences.append(sentence % {"parts": _join(parts)})
    median = groups["sponsorship_only"]["median_months_to_promotion"]
    if median["value"] is not None:
        value = f"{median['value']:.1f}"
        if median["ci95"]:
            high = median["ci95"][1]
            sentences.append(
                _("Half of the employees with only a sponsor were promoted within %(value)s "
                  "months of their index date (95%% interval %(low)s to %(high)s).")
                % {"value": value, "low": f"{median['ci95'][0]:.1f}",
                   "high": NOT_REACHED_WORDS if high is None else f"{high:.1f}"})
        else:
            sentences.append(_("Half of the employees with only a sponsor were promoted within "
                               "%(value)s months of their index date.") % {"value": value})
    sentences += _restricted_mean_sentences(report)
    hidden = [GROUP_LABELS[g] for g in GROUPS if groups[g]["suppressed"]]
    if hidden:
        sentences.append(ngettext(
            "%(groups)s is not shown: too few people (under %(size)s), or a total would reveal "
            "a group that is.",
            "%(groups)s are not shown: too few people (under %(size)s), or a total would "
            "reveal a group that is.", len(hidden))
            % {"groups": _join(hidden), "size": report["min_group_size"]})
    if not sentences:
        sentences.append(_("There is not enough data yet to compare the groups."))
    return sentences


def _restricted_mean_sentences(report: dict) -> list[str]:
    months = report["window_months"]
    parts = []
    for g in GROUPS:
        cell = report["groups"][g].get("restricted_mean_months_to_promotion") or {}
        if cell.get("status") == SHOWN:
            low, high = cell["ci95"]
            parts.append(_("%(value)s months (%(low)s–%(high)s) for employees with %(who)s")
                         % {"value": f"{cell['value']:.1f}", "low": f"{low:.1f}",
                            "high": f"{high:.1f}", "who": SHORT[g]})
    if not parts:
        return []
    return [_("Counting anyone not promoted within %(months)s months as %(months)s, the average "
              "wait for a first promotion was %(parts)s.")
            % {"months": months, "parts": _join(parts)}]


def _counting_words(groups: dict) -> list[str]:
    """'29 of 81 employees with only a sponsor (50 too recent, 2 not employed ...)' per group."""
    parts = []
    for g in GROUPS:
        who = groups[g].get("who_is_counted") or {}
        if who.get("counted") is None or who["counted"] == groups[g]["n"]:
            continue
        reasons = []
        if who["too_recent"]:
            reasons.append(_("%(n)s too recent for their window to have ended")
                           % {"n": who["too_recent"]})
        if who["not_employed_on_index_date"]:
            reasons.append(_("%(n)s not employed on their index date")
                           % {"n": who["not_employed_on_index_date"]})
        why = f" ({_join(reasons)})" if reasons else " " + _("(the others are hidden: too few)")
        parts.append(_("%(counted)s of %(n)s employees with %(who)s")
                     % {"counted": who["counted"], "n": groups[g]["n"], "who": SHORT[g]} + why)
    return parts


def _adjusted_sentences(report: dict) -> list[str]:
    """The like-for-like promotion differences, each with its interval and whom it counts."""
    sentences = []
    for c in (report.get("adjusted") or {}).get("comparisons", []):
        if c["metric"] != "promotion" or c["difference"] is None:
            continue
        low, high = c["ci95"]
        unmatched = ("; " + ngettext(
            "%(n)s had nobody like them and is left out",
            "%(n)s had nobody like them and are left out", c["n_a_unmatched"])
            % {"n": c["n_a_unmatched"]}) if c["n_a_unmatched"] else ""
        sentences.append(
            _("Compared with employees like them (same level band, department and years of "
              "service) who had %(b)s, employees with %(a)s were promoted %(a_rate)s of the time "
              "against %(b_rate)s: %(difference)s points (95%% interval %(low)s to %(high)s), "
              "over %(n)s of them%(unmatched)s.")
            % {"b": SHORT[c["b"]], "a": SHORT[c["a"]], "a_rate": _pct(c["a_rate"]),
               "b_rate": _pct(c["b_standardised_rate"]),
               "difference": f"{c['difference'] * 100:+.0f}", "low": f"{low * 100:+.0f}",
               "high": f"{high * 100:+.0f}", "n": c["n_a_matched"], "unmatched": unmatched})
    return sentences


def _join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return get_text_list([str(p) for p in parts], _("and"))
