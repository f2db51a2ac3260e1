from django.urls import path

from matching.pairs import views

app_name = "pairs"
urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>/feed.ics", views.feed, name="feed"),
    path("<str:kind>/<int:pk>/", views.thread, name="thread"),
    path("<str:kind>/<int:pk>/reflection/", views.reflection, name="reflection"),
    path("<str:kind>/<int:pk>/meetings/propose/", views.propose, name="propose"),
    path("meetings/<int:proposal_id>/accept/", views.accept, name="accept"),
    path("meetings/<int:proposal_id>/decline/", views.decline, name="decline"),
    path("meetings/<int:proposal_id>/cancel/", views.cancel, name="cancel"),
    path("meetings/<int:proposal_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
]
