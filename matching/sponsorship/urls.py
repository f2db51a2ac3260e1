from django.urls import path

from matching.relationships.views import meeting_edit
from matching.sponsorship import commitment_views, scorecard_views, views
from matching.sponsorship.forms import TouchpointForm

app_name = "sponsorship"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("interest/", views.interest, name="interest"),
    path("sponsoring/", views.sponsor_home, name="sponsor_home"),
    path("sponsoring/propose/", views.propose, name="propose"),
    path("my-sponsor/", views.protege_home, name="protege_home"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/touchpoints/new/", views.touchpoint_new, name="touchpoint_new"),
    path("touchpoints/<int:pk>/edit/", meeting_edit,
         {"kind": "sponsorship", "form_class": TouchpointForm}, name="touchpoint_edit"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/advocacy/new/", views.advocacy_new, name="advocacy_new"),
    path("advocacy/<int:pk>/", views.advocacy_detail, name="advocacy_detail"),
    path("advocacy/<int:pk>/share/", views.advocacy_share, name="advocacy_share"),
    path("<int:pk>/commitments/new/", commitment_views.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/", commitment_views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/keep/", commitment_views.commitment_keep, name="commitment_keep"),
    path("commitments/<int:pk>/drop/", commitment_views.commitment_drop, name="commitment_drop"),
    path("sponsoring/scorecard/", scorecard_views.scorecard, name="scorecard"),
    path("hr/scorecards/", scorecard_views.hr_scorecards, name="hr_scorecards"),
    path("hr/scorecards/<int:person_pk>/", scorecard_views.hr_scorecard, name="hr_scorecard"),
    path("hr/talent-review/", scorecard_views.talent_review, name="talent_review"),
    path("hr/registrations/", views.hr_registrations, name="hr_registrations"),
    path("hr/registrations/<int:pk>/decide/", views.hr_registration_decide,
         name="hr_registration_decide"),
    path("hr/pair/", views.hr_pair, name="hr_pair"),
    path("hr/interests/", views.hr_interests, name="hr_interests"),
    path("hr/interests/<int:pk>/decline/", views.hr_interest_decline,
         name="hr_interest_decline"),
    path("hr/career-events/", views.hr_career_events, name="hr_career_events"),
    path("hr/career-events/<int:pk>/", views.hr_career_event_edit, name="hr_career_event_edit"),
]
