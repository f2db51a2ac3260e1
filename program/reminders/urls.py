"""What the worker sent, for HR: mounted under /hr/ in the "hr" namespace (program/core/urls.py)."""

from django.urls import path

from program.reminders import views

urlpatterns: list = [
    path("reminders/", views.reminder_log, name="reminder_log"),
    path("reminders/sweep/", views.reminder_sweep_now, name="reminder_sweep_now"),
]
