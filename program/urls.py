from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from program import views as program_views

# The Django admin signs in through allauth, so it gets the same rate limits and MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Mentorship program admin"

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", program_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("unsubscribe/<str:token>/", accounts_views.unsubscribe, name="unsubscribe"),
    path("mentoring/", include("matching.urls.mentorship")),
    path("sponsorship/", include("matching.urls.sponsorship")),
    path("cohorts/", include("matching.urls.cohort_enrolment")),
    path("hr/cohorts/", include("matching.urls.cohorts")),
    path("hr/", include("program.hr_urls")),
    path("admin/", admin.site.urls),
]
