from django.urls import path

from matching.cohorts import views

# HR only (every view is @hr_admin_required). Mounted at /hr/cohorts/.
app_name = "cohorts"
urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("new/", views.cohort_new, name="new"),
    path("<slug:slug>/", views.cohort_detail, name="detail"),
    path("<slug:slug>/edit/", views.cohort_edit, name="edit"),
    path("<slug:slug>/weights/", views.weights_save, name="weights"),
    path("<slug:slug>/invite/", views.cohort_invite, name="invite"),
    path("<slug:slug>/enrolments/<int:pk>/remove/", views.enrolment_remove,
         name="enrolment_remove"),
    path("<slug:slug>/preview/", views.cohort_preview, name="preview"),
    path("<slug:slug>/rules/", views.rule_add, name="rule_add"),
    path("<slug:slug>/rules/<int:pk>/remove/", views.rule_remove, name="rule_remove"),
    path("<slug:slug>/publish/", views.cohort_publish, name="publish"),
]
