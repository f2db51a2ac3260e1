from django.urls import path
from django.views.generic import RedirectView

from accounts.roles import hr_admin_required
from program import hr_views, reminder_views

app_name = "hr"
urlpatterns: list = [
    # Dashboards and the outcome report (issue 6).
    path("", hr_admin_required(RedirectView.as_view(pattern_name="hr:dashboard")),
         name="index"),
    path("dashboard/", hr_views.dashboard, name="dashboard"),
    path("report/", hr_views.report, name="report"),
    path("report/recompute/", hr_views.report_recompute, name="report_recompute"),
    path("equity/", hr_views.equity, name="equity"),
    path("<str:page>/export/<slug:slug>.csv", hr_views.export, name="export"),
    # What the worker sent (issue 5).
    path("reminders/", reminder_views.reminder_log, name="reminder_log"),
    path("reminders/sweep/", reminder_views.reminder_sweep_now, name="reminder_sweep_now"),
]
