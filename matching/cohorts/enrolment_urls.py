from django.urls import path

from matching.cohorts import enrolment_views as views

# Employees (@person_required): the cohorts open to them. To be mounted at /cohorts/.
app_name = "cohort_enrolment"
urlpatterns = [
    path("", views.enrolment_list, name="list"),
    path("<slug:slug>/", views.enrol, name="enrol"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
]
