"""Sign-in rate limits: per client address (through the trusted proxy) and per account, and
the owner of a locked account gets back in by proving the mailbox (password reset)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import User
from tests import factories
from tests.commits import committed

NEW_PASSWORD = "a-fresh-and-unusual-passphrase-77"


def _verified(person):
    EmailAddress.objects.update_or_create(user=person.user, email=person.email,
                                          defaults={"verified": True, "primary": True})
    return person


def _sign_in(client, email, password, **headers):
    return client.post("/accounts/login/", {"login": email, "password": password}, **headers)


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(("proxies", "others_locked_out"), [(1, False), (0, True)])
def test_one_clients_bad_passwords_lock_only_that_client_behind_the_trusted_proxy(
        db, settings, alice, proxies, others_locked_out):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    _verified(alice)
    attacker, colleague = Client(), Client()
    for n in range(11):
        _sign_in(attacker, f"guess{n}@example.com", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    response = _sign_in(colleague, alice.email, factories.PASSWORD,
                        HTTP_X_FORWARDED_FOR="198.51.100.7")
    # Without the setting every client is the proxy's address: the hole this setting closes.
    assert _signed_in(response) is not others_locked_out


def test_a_locked_account_owner_gets_back_in_through_a_password_reset(db, alice, mailoutbox):
    _verified(alice)
    attacker, owner = Client(), Client()
    for _ in range(10):
        _sign_in(attacker, alice.email, "wrong", REMOTE_ADDR=f"203.0.113.{_}")
    locked = _sign_in(owner, alice.email, factories.PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert not _signed_in(locked)
    assert "Too many failed login attempts" in locked.content.decode()

    committed(owner.post, "/accounts/password/reset/", {"email": alice.email},
              REMOTE_ADDR="198.51.100.7")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body)
    form_url = owner.get(link.group(1))["Location"]
    done = owner.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    owner.logout()
    assert _signed_in(_sign_in(owner, alice.email, NEW_PASSWORD, REMOTE_ADDR="198.51.100.7"))


def test_an_owner_who_mistypes_a_few_times_is_not_locked_out(db, alice):
    _verified(alice)
    owner = Client()
    for _ in range(5):
        _sign_in(owner, alice.email, "typo")
    assert _signed_in(_sign_in(owner, alice.email, factories.PASSWORD))


def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account(db, alice,
                                                                         mailoutbox):
    _verified(alice)
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    taken = committed(Client().post, "/accounts/signup/", {"email": alice.email, **data})
    fresh = committed(Client().post, "/accounts/signup/", {"email": "new.hire@example.com", **data})
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email=alice.email).count() == 1
    # The owner learns of the attempt by email; the visitor learns nothing.
    assert [m.to for m in mailoutbox] == [[alice.email], ["new.hire@example.com"]]
