from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import sso
from accounts import views as accounts_views
from program.audit import urls as audit_urls
from program.console import urls as console_urls
from program.core import health
from program.delivery import urls as delivery_urls
from program.privacy import urls as privacy_urls
from program.privacy import views as privacy_views
from program.reminders import urls as reminder_urls
from program.reports import urls as report_urls

# The Django admin signs in through allauth, so it gets the same rate limits and MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Mentorship program admin"

# HR's program pages share one namespace, "hr", whichever folder they come from.
hr_urlpatterns = [*report_urls.urlpatterns, *reminder_urls.urlpatterns,
                  *console_urls.urlpatterns, *delivery_urls.urlpatterns, *audit_urls.urlpatterns,
                  *privacy_urls.urlpatterns]

# A friendly page, and 503 when the database is down; both render without the database.
handler500 = "program.core.errors.server_error"

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Before allauth's own: its SSO "Continue" page, with the provider allowed as form-action.
    path("accounts/oidc/<str:provider_id>/login/", sso.oidc_login,
         name="openid_connect_login"),
    path("accounts/saml/<str:organization_slug>/login/", sso.saml_login, name="saml_login"),
    path("accounts/saml/<str:organization_slug>/acs/finish/", sso.saml_finish_acs,
         name="saml_finish_acs"),
    path("accounts/", include("allauth.urls")),
    path("me/data.json", privacy_views.my_data, name="my_data"),
    path("me/", include("accounts.urls")),
    path("unsubscribe/<str:token>/", accounts_views.unsubscribe, name="unsubscribe"),
    path("mentoring/", include("matching.mentorship.urls")),
    path("sponsorship/", include("matching.sponsorship.urls")),
    path("pairs/", include("matching.pairs.urls")),
    path("cohorts/", include("matching.cohorts.enrolment_urls")),
    path("hr/cohorts/", include("matching.cohorts.urls")),
    path("hr/", include((hr_urlpatterns, "hr"))),
    path("scim/", include("program.scim.urls")),
    path("admin/", admin.site.urls),
]
