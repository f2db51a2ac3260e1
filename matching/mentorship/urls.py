from django.urls import path

from matching.mentorship import views
from matching.mentorship.forms import CheckInForm
from matching.relationships import views as survey_views
from matching.relationships.views import meeting_edit

app_name = "mentorship"
urlpatterns = [
    path("", views.index, name="index"),
    path("become-a-mentor/", views.profile_edit, name="profile_edit"),
    path("mentors/", views.directory, name="directory"),
    path("mentors/<int:person_id>/", views.mentor_detail, name="mentor"),
    path("mentors/<int:person_id>/request/", views.request_create, name="request_create"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("how-suggestions-work/", views.how_it_works, name="how_it_works"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/check-ins/", views.check_in, name="check_in"),
    path("check-ins/<int:pk>/edit/", meeting_edit,
         {"kind": "mentorship", "form_class": CheckInForm}, name="check_in_edit"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("<int:pk>/goals/<int:goal_id>/", views.goal_status, name="goal_status"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/next-check-in.ics", views.next_check_in_ics, name="ics"),
    # Shared by both kinds: /mentoring/survey/sponsorship/7/closing/ works the same way.
    path("survey/<str:kind>/<int:pk>/<str:phase>/", survey_views.survey, name="survey"),
]
