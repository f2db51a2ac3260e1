from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/", views.notification_open, name="notification_open"),
    path("import/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("access/", views.access_request, name="access_request"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/link/", views.access_request_link_view,
         name="access_request_link"),
]
