"""Passwords are stored with Argon2id at the documented parameters; an older PBKDF2 hash still
signs in and is upgraded at that sign-in. (The test settings use MD5 for speed elsewhere; these
tests put the production list back.)"""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.hashers import ProgramArgon2PasswordHasher
from program.core import settings as production

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 2026"


@pytest.fixture(autouse=True)
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_a_new_password_is_stored_with_argon2id_at_the_documented_cost(alice):
    alice.user.set_password(PASSWORD)
    alice.user.save()
    stored = alice.user.password
    assert stored.startswith("argon2$argon2id$")
    assert "m=65536,t=3,p=4" in stored
    assert alice.user.check_password(PASSWORD)
    assert not alice.user.check_password(PASSWORD + "!")


def test_a_pbkdf2_hash_from_before_still_signs_in_and_is_upgraded(client, alice):
    alice.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    alice.user.save()
    response = client.post("/accounts/login/", {"login": alice.user.email,
                                                "password": PASSWORD})
    assert response.status_code == 302
    alice.user.refresh_from_db()
    assert alice.user.password.startswith("argon2$argon2id$")
    assert ProgramArgon2PasswordHasher().must_update(alice.user.password) is False


def test_the_hasher_list_keeps_pbkdf2_only_as_a_fallback():
    assert production.PASSWORD_HASHERS[0] == "accounts.hashers.ProgramArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS[1:]
    assert settings.PASSWORD_HASHERS == production.PASSWORD_HASHERS
