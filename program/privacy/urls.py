"""HR's side of personal data rights: under /hr/, namespace "hr" (see program/core/urls.py).
An employee's own download is /me/data.json (named "my_data", in program/core/urls.py)."""

from django.urls import path

from program.privacy import views

urlpatterns = [
    path("people/left/", views.people_left, name="people_left"),
    path("people/<int:pk>/anonymise/", views.anonymise, name="person_anonymise"),
]
