"""HR's outcome report broken down by whether sponsors kept their commitments
(program/reports/commitments.py): the same tables, statistics and suppression as the report,
and the same CSV export (the page registers itself with the export view)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import hr_admin_required
from program.reports.commitments import (
    BREAKDOWN_COMPARISONS,
    BREAKDOWN_GROUPS,
    BREAKDOWN_LABELS,
    commitment_breakdown,
)
from program.reports.forms import ReportForm
from program.reports.outcome import (
    OUTCOME_LABELS,
    OUTCOMES,
    SURVEY_LABELS,
    SURVEY_MEASURES,
)
from program.reports.page import INTERVAL, SURVEY_CHANGE_LABELS
from program.reports.tables import Column, Table
from program.reports.views import DEFAULT_WINDOW_MONTHS, PAGES

CAVEAT = (
    _("Sponsors who keep their commitments may also pick protégés already on their way up, and a "
    "commitment kept is often the nomination that led to the promotion. The difference is an "
    "association in this company's data, not proof that keeping commitments caused it.")
)


def _ci(cell: dict) -> tuple | None:
    return None if cell.get("ci95") is None else tuple(cell["ci95"])


def breakdown_tables(report: dict) -> list[Table]:
    groups = report["groups"]
    label = BREAKDOWN_LABELS.get
    a, b = BREAKDOWN_COMPARISONS[0]
    metric_labels = {**OUTCOME_LABELS,
                     **{f"survey_change.{m}": SURVEY_CHANGE_LABELS[m] for m in SURVEY_MEASURES}}
    return [
        Table("commitment_groups", _("Protégés in each group"),
              [Column(_("Group")), Column(_("People"), "int"), Column(_("Shown"))],
              [[label(g), groups[g]["n"],
                _("Hidden (small group)") if groups[g]["suppressed"] else _("Shown")]
               for g in BREAKDOWN_GROUPS]),
        Table("commitment_outcomes",
              _("Outcomes within %(months)s months of the first sponsorship")
              % {"months": report["window_months"]},
              [Column(_("Group")), Column(_("Outcome")), Column(_("People with it"), "int"),
               Column(_("People counted"), "int"), Column(_("Rate"), "pct"),
               Column(INTERVAL, "pct_ci")],
              [[label(g), OUTCOME_LABELS[k], cell["count"], cell["n"], cell["rate"], _ci(cell)]
               for g in BREAKDOWN_GROUPS for k in OUTCOMES
               for cell in [groups[g]["outcomes"][k]]]),
        Table("commitment_time_to_promotion", _("Months to first promotion (median)"),
              [Column(_("Group")), Column(_("Median months"), "months"),
               Column(INTERVAL, "months_ci")],
              [[label(g), groups[g]["median_months_to_promotion"]["value"],
                _ci(groups[g]["median_months_to_promotion"])] for g in BREAKDOWN_GROUPS]),
        Table("commitment_survey", _("Survey change in the sponsorship, closing minus baseline"),
              [Column(_("Group")), Column(_("Measure")), Column(_("People"), "int"),
               Column(_("Mean change"), "num"), Column(INTERVAL, "num_ci")],
              [[label(g), SURVEY_LABELS[m], cell["n"], cell["mean"], _ci(cell)]
               for g in BREAKDOWN_GROUPS for m in SURVEY_MEASURES
               for cell in [groups[g]["survey_change"][m]]]),
        Table("commitment_comparisons", f"{label(a)} minus {label(b).lower()}",
              [Column(_("Measure")), Column(_("Difference"), "num"),
               Column(INTERVAL, "num_ci")],
              [[metric_labels[c["metric"]], c["difference"], _ci(c)]
               for c in report["comparisons"]]),
    ]


def _breakdown(request) -> dict:
    form = ReportForm(request.GET or None, initial={"as_of": timezone.localdate(),
                                                    "window_months": DEFAULT_WINDOW_MONTHS})
    if form.is_bound and form.is_valid():
        as_of, months = form.cleaned_data["as_of"], form.cleaned_data["window_months"]
    else:
        as_of, months = timezone.localdate(), DEFAULT_WINDOW_MONTHS
    report = commitment_breakdown(as_of=as_of, window_months=months)
    return {"form": form, "report": report, "as_of": as_of,
            "tables": breakdown_tables(report),
            "caveat": CAVEAT}


PAGES["report_commitments"] = _breakdown


@hr_admin_required
def report_commitments(request):
    return render(request, "hr/report_commitments.html", _breakdown(request))
