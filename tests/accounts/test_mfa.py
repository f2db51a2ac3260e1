"""Two-factor sign-in: available to everyone, required for HR admins, also for the Django admin."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from accounts.middleware import MFA_REQUIRED_MESSAGE
from tests import factories
from tests.e2e.conftest import give_totp

APP_PAGES = ["/", "/me/profile/", "/me/inbox/", "/me/import/"]


def code_for(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def password_login(client, person):
    """Sign in through allauth's real login view (a verified address, the factory password)."""
    EmailAddress.objects.update_or_create(user=person.user, email=person.email,
                                          defaults={"verified": True, "primary": True})
    return client.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD})


@pytest.mark.parametrize("path", APP_PAGES)
def test_an_hr_admin_without_two_factor_is_sent_to_set_it_up_from_every_app_page(client, hana,
                                                                                 path):
    client.force_login(hana.user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert "next=" in response["Location"]


def test_the_set_up_page_explains_why_and_shows_a_qr_code(client, hana):
    assert password_login(client, hana)["Location"] == "/"
    response = client.get("/", follow=True)
    # allauth asks for the password again before any change to two-factor settings.
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert MFA_REQUIRED_MESSAGE in response.content.decode()
    response = client.post(response.redirect_chain[-1][0], {"password": factories.PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/totp/activate/")
    assert "data:image/svg+xml;base64," in response.content.decode()


def test_an_hr_admin_with_two_factor_reaches_the_app(client, hana):
    give_totp(hana.user)
    client.force_login(hana.user)
    for path in APP_PAGES:
        assert client.get(path).status_code == 200, path


def test_an_employee_without_two_factor_is_not_asked_for_it(client, alice):
    client.force_login(alice.user)
    assert client.get("/").status_code == 200


def test_signing_in_as_an_hr_admin_asks_for_the_code_before_letting_them_in(client, hana):
    secret = give_totp(hana.user)
    response = password_login(client, hana)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_turning_two_factor_off_puts_the_hr_admin_back_behind_the_gate(client, hana):
    secret = give_totp(hana.user)
    password_login(client, hana)
    client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert client.get("/").status_code == 200
    client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=hana.user, type="totp").exists()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_the_django_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    response = client.get("/admin/")
    assert response.status_code == 302


def test_an_hr_admin_without_two_factor_cannot_use_the_django_admin(client, hana):
    hana.user.is_staff = True
    hana.user.save()
    client.force_login(hana.user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_and_superusers_without_the_hr_flag_need_two_factor_for_the_admin(client, eve, flag):
    setattr(eve.user, flag, True)
    eve.user.save()
    client.force_login(eve.user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    eve.user.is_staff = True  # the admin itself lets only staff in
    eve.user.save()
    give_totp(eve.user)
    assert client.get("/admin/").status_code == 200
