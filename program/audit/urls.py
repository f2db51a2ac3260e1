"""HR's audit trail: under /hr/, namespace "hr" (see program/core/urls.py)."""

from django.urls import path

from program.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
]
