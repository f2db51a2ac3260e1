"""HR's delivery actions: mounted under /hr/ in the "hr" namespace (program/core/urls.py)."""

from django.urls import path

from program.delivery import views

urlpatterns: list = [
    path("reminders/retry-failed-email/", views.outbox_retry, name="outbox_retry"),
]
