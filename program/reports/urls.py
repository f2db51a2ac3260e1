"""HR's dashboards and outcome report: under /hr/, namespace "hr" (see program/core/urls.py)."""

from django.urls import path
from django.views.generic import RedirectView

from accounts.roles import hr_admin_required
from program.reports import commitment_views, views

urlpatterns: list = [
    path("", hr_admin_required(RedirectView.as_view(pattern_name="hr:dashboard")),
         name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report/recompute/", views.report_recompute, name="report_recompute"),
    path("equity/", views.equity, name="equity"),
    path("report/commitments/", commitment_views.report_commitments, name="report_commitments"),
    path("<str:page>/export/<slug:slug>.csv", views.export, name="export"),
]
