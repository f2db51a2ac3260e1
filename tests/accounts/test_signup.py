"""Signing up: the domain rule, linking to the imported Person, mandatory email verification."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings

from accounts.adapter import DOMAIN_NOT_ALLOWED
from accounts.models import Person, User
from tests import factories
from tests.commits import committed

PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_up(client, email):
    return committed(client.post, "/accounts/signup/",
                     {"email": email, "password1": PASSWORD, "password2": PASSWORD})


@override_settings(SIGNUP_EMAIL_DOMAINS=["acme.com"])
def test_sign_up_with_an_email_outside_the_allowed_domains_is_refused(client, db):
    response = sign_up(client, "someone@gmail.com")
    assert response.status_code == 200
    assert DOMAIN_NOT_ALLOWED.format(domains="@acme.com") in response.content.decode()
    assert not User.objects.filter(email="someone@gmail.com").exists()


@override_settings(SIGNUP_EMAIL_DOMAINS=["acme.com"])
def test_a_lookalike_domain_is_refused_too(client, db):
    sign_up(client, "someone@acme.com.evil.io")
    sign_up(client, "someone@notacme.com")
    assert not User.objects.exists()


@override_settings(SIGNUP_EMAIL_DOMAINS=["acme.com", "acme.fr"])
def test_sign_up_with_an_allowed_domain_creates_the_account_whatever_the_case(client, db):
    response = sign_up(client, "New.Person@ACME.fr")
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@acme.fr").exists()


@override_settings(SIGNUP_EMAIL_DOMAINS=[])
def test_without_a_domain_list_anyone_may_sign_up(client, db):
    sign_up(client, "someone@anywhere.org")
    assert User.objects.filter(email="someone@anywhere.org").exists()


@pytest.mark.parametrize("mode", ["mandatory", "optional", "none"])
def test_signing_up_with_an_imported_persons_address_does_not_claim_their_record(
        client, db, settings, mode):
    """Anyone can type a colleague's address: only following the emailed link proves it."""
    settings.ACCOUNT_EMAIL_VERIFICATION = mode
    person = factories.PersonFactory(email="dana.doe@example.com", full_name="Dana Doe")
    factories.MentorshipFactory(mentee=person)
    sign_up(client, "Dana.Doe@example.com")
    person.refresh_from_db()
    assert person.user is None
    assert "Dana Doe" not in client.get("/mentoring/").content.decode()


@pytest.mark.parametrize("mode", ["mandatory", "optional"])
def test_the_imported_person_is_linked_once_the_address_is_verified(client, db, settings,
                                                                    mailoutbox, mode):
    settings.ACCOUNT_EMAIL_VERIFICATION = mode
    person = factories.PersonFactory(email="dana.doe@example.com", full_name="Dana Doe")
    sign_up(client, "Dana.Doe@example.com")
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[-1].body)
    client.post(link.group(1))
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.email == "dana.doe@example.com"


def test_an_address_verified_earlier_links_the_person_at_sign_in(client, db):
    user = factories.UserFactory(email="old@example.com")
    EmailAddress.objects.create(user=user, email="old@example.com", verified=True, primary=True)
    person = factories.PersonFactory(email="OLD@example.com")
    client.post("/accounts/login/", {"login": "old@example.com", "password": factories.PASSWORD})
    person.refresh_from_db()
    assert person.user == user


def test_a_new_user_without_a_matching_person_is_not_linked_to_anyone(client, db):
    other = factories.PersonFactory(email="dana.doe@example.com")
    sign_up(client, "stranger@example.com")
    user = User.objects.get(email="stranger@example.com")
    assert Person.objects.filter(user=user).count() == 0
    other.refresh_from_db()
    assert other.user is None


def test_email_verification_is_mandatory_when_debug_is_off(client, db, mailoutbox, settings):
    assert settings.DEBUG is False
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    response = sign_up(client, "verify.me@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    # Not signed in until the address is confirmed, and the email says how.
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["verify.me@example.com"]
    assert not EmailAddress.objects.get(email="verify.me@example.com").verified


def test_an_unverified_user_cannot_sign_in_and_is_sent_a_new_link(client, db, mailoutbox):
    factories.UserFactory(email="late@example.com")
    EmailAddress.objects.create(user=User.objects.get(email="late@example.com"),
                                email="late@example.com", verified=False, primary=True)
    response = committed(client.post, "/accounts/login/",
                         {"login": "late@example.com", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1


def test_following_the_emailed_link_verifies_and_the_user_can_sign_in(client, db, mailoutbox):
    sign_up(client, "link.me@example.com")
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    client.post(link.group(1))
    assert EmailAddress.objects.get(email="link.me@example.com").verified
    response = client.post("/accounts/login/",
                           {"login": "link.me@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
