"""HR's console: under /hr/, namespace "hr" (program/core/urls.py). Every URL is for HR admins."""

from django.urls import path

from program.console import views

urlpatterns: list = [
    path("console/<slug:listing>/", views.listing, name="console_list"),
    path("console/<slug:listing>/export.csv", views.listing_export, name="console_export"),
    path("console/<slug:listing>/remind-overdue/", views.remind_overdue,
         name="console_remind_overdue"),
    path("data-health/", views.health, name="data_health"),
    path("settings/", views.program_settings, name="program_settings"),
    path("sso/", views.sso_providers, name="sso_providers"),
    path("sso/<int:pk>/", views.sso_providers, name="sso_provider_edit"),
    path("sso/<int:pk>/delete/", views.sso_provider_delete, name="sso_provider_delete"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/pause/", views.person_pause, name="person_pause"),
    path("people/<int:pk>/find-sponsor/", views.find_sponsor, name="find_sponsor"),
    path("people/<int:pk>/find-mentor/", views.find_mentor, name="find_mentor"),
    path("people/<int:pk>/hr-admin/", views.person_hr_admin, name="person_hr_admin"),
    path("relationships/<str:kind>/<int:pk>/end/", views.relationship_end,
         name="relationship_end"),
]
