"""HR pages: the program health dashboard, the outcome report, equity of access, CSV exports.

Every view is for HR admins only (403 for everyone else). Numbers come from program/dashboard.py,
program/reports.py and program/equity.py; each page's tables are built once and serve both the
HTML and the CSV export of the same URL parameters.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.program_settings import setting
from accounts.roles import hr_admin_required
from program.reports.dashboard import dashboard_data
from program.reports.equity import equity_tables
from program.reports.figures_cache import outcome_report_cached
from program.reports.forms import DashboardFilterForm, EquityForm, ReportForm
from program.reports.models import ReportSnapshot
from program.reports.outcome import outcome_report, outcome_report_snapshot_create
from program.reports.page import (
    CAVEAT,
    filters_words,
    outcome_summary,
    report_heading,
    report_heading_rows,
    report_tables,
)
from program.reports.tables import csv_response

DEFAULT_WINDOW_MONTHS = 12


def _latest_snapshot() -> ReportSnapshot | None:
    return ReportSnapshot.objects.order_by("-created_at", "-id").first()


def _dashboard(request) -> dict:
    form = DashboardFilterForm(request.GET or None)
    return {"form": form, **dashboard_data(filters=form.filters(), now=timezone.now())}


def _report(request) -> dict:
    """A report computed now for the dates asked, else the latest snapshot, else today's."""
    form = ReportForm(request.GET or None,
                      initial={"as_of": timezone.localdate(),
                               "window_months": DEFAULT_WINDOW_MONTHS})
    snapshot = None
    if form.is_bound and form.is_valid():
        report = outcome_report_cached(as_of=form.cleaned_data["as_of"],
                                       window_months=form.cleaned_data["window_months"],
                                       filters=form.filters())
    else:
        snapshot = _latest_snapshot()
        report = snapshot.data if snapshot else outcome_report(
            as_of=timezone.localdate(), window_months=DEFAULT_WINDOW_MONTHS)
    return {"form": form, "report": report, "snapshot": snapshot,
            "as_of": datetime.date.fromisoformat(str(report["as_of"])),
            "tables": report_tables(report), "summary": outcome_summary(report),
            "caveat": CAVEAT, "filters_words": filters_words(report),
            "heading": report_heading(report)}


def _equity(request) -> dict:
    form = EquityForm(request.GET or None)
    as_of = (form.cleaned_data.get("as_of") if form.is_bound and form.is_valid() else None) \
        or timezone.localdate()
    return {"form": form, "as_of": as_of, "tables": equity_tables(as_of=as_of),
            "min_group_size": setting("REPORT_MIN_GROUP_SIZE")}


PAGES = {"dashboard": _dashboard, "report": _report, "equity": _equity}


@hr_admin_required
def dashboard(request):
    context = _dashboard(request)
    snapshot = _latest_snapshot()
    context["snapshot"] = snapshot
    if snapshot:
        context["snapshot_summary"] = outcome_summary(snapshot.data)
        context["snapshot_table"] = next(t for t in report_tables(snapshot.data)
                                         if t.slug == "promotion")
    return render(request, "hr/dashboard.html", context)


@hr_admin_required
@require_POST
def report_recompute(request):
    """Compute the outcome report now and store it as the latest snapshot."""
    snapshot = outcome_report_snapshot_create(as_of=timezone.localdate(),
                                              window_months=DEFAULT_WINDOW_MONTHS)
    messages.success(request, _("The outcome report was recomputed as of %(as_of)s in %(ms)s ms.")
                     % {"as_of": date_format(snapshot.as_of), "ms": snapshot.duration_ms})
    return redirect("hr:report" if request.POST.get("next") == "report" else "hr:dashboard")


@hr_admin_required
def report(request):
    return render(request, "hr/report.html", _report(request))


@hr_admin_required
def equity(request):
    return render(request, "hr/equity.html", _equity(request))


@hr_admin_required
def export(request, page: str, slug: str):
    """One table of one page as CSV, for the same filters or dates the page was shown with."""
    if page not in PAGES:
        raise Http404("No such page.")
    context = PAGES[page](request)
    form = context.get("form")
    if form is not None and form.is_bound and not form.is_valid():
        # Never a CSV of something other than what was asked for.
        problems = "; ".join(f"{form[name].label if name in form.fields else 'filters'}: "
                             f"{' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(f"Nothing exported: {problems}",
                                      content_type="text/plain; charset=utf-8")
    table = next((t for t in context["tables"] if t.slug == slug), None)
    if table is None:
        raise Http404("No such table.")
    # The outcome report's CSVs say what they are: as-of date, window, filters, minimum size.
    heading = report_heading_rows(context["report"]) if "report" in context else None
    audit_record(request, "report.export", summary=f"Exported {page} / {slug} as CSV",
                 page=page, table=slug, filters=request.GET.dict())
    return csv_response(table, f"{page}-{slug}-{timezone.localdate():%Y-%m-%d}.csv", heading)
