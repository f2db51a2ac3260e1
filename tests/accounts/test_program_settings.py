"""Program settings HR tunes in the app: the environment's value by default, HR's value once
stored, every change in the audit trail with who and when, and the services follow them.

Personas (tests/conftest.py): Hana (HR admin) changes them; Alice gets 403."""

import pytest
from django.core.cache import cache

from accounts.models import AuditEvent, SponsorProfile
from accounts.program_settings import CACHE_KEY, NUDGE_AFTER_EXPIRY, setting
from matching.sponsorship.services import sponsor_register
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The stored values are cached; a rolled-back test must not leave its values behind."""
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


def test_without_a_stored_value_the_environments_applies(db, settings):
    settings.SPONSOR_MIN_LEVEL = 7
    assert setting("SPONSOR_MIN_LEVEL") == 7
    settings.SPONSOR_MIN_LEVEL = 4
    assert setting("SPONSOR_MIN_LEVEL") == 4


def test_hr_changes_a_rule_and_the_change_is_recorded_with_who(hana, login, settings):
    settings.REPORT_MIN_GROUP_SIZE = 5
    client = login(hana)
    page = client.get("/hr/settings/")
    assert page.status_code == 200 and 'placeholder="5"' in page.content.decode()
    response = client.post("/hr/settings/", {"REPORT_MIN_GROUP_SIZE": "8"})
    assert response.status_code == 302
    assert setting("REPORT_MIN_GROUP_SIZE") == 8
    event = AuditEvent.objects.get(action="hr.program_settings_change")
    assert event.actor == hana.user and event.data["changes"] == {
        "REPORT_MIN_GROUP_SIZE": [None, 8]}
    assert "REPORT_MIN_GROUP_SIZE default → 8" in client.get("/hr/settings/").content.decode()
    client.post("/hr/settings/", {"REPORT_MIN_GROUP_SIZE": ""})  # back to the environment's
    assert setting("REPORT_MIN_GROUP_SIZE") == 5
    assert AuditEvent.objects.filter(action="hr.program_settings_change").count() == 2


def test_the_sponsor_minimum_level_hr_sets_decides_registrations(hana, login, settings):
    settings.SPONSOR_MIN_LEVEL = 6
    login(hana).post("/hr/settings/", {"SPONSOR_MIN_LEVEL": "9"})
    leader = factories.PersonFactory(level=8)
    profile = sponsor_register(person=leader, capacity=2, departments=[], opportunity_kinds=[],
                               commitment_accepted=True)
    assert profile.status == SponsorProfile.Status.PENDING
    assert "below the sponsor level (9)" in profile.status_reason


def test_a_nudge_after_the_expiry_is_refused_and_nothing_is_saved(hana, login, settings):
    settings.MENTOR_REQUEST_EXPIRY_DAYS = 14
    response = login(hana).post("/hr/settings/", {"MENTOR_REQUEST_NUDGE_DAYS": "20"})
    assert response.status_code == 200
    assert NUDGE_AFTER_EXPIRY.format(nudge=20, expiry=14) in response.content.decode()
    assert setting("MENTOR_REQUEST_NUDGE_DAYS") == settings.MENTOR_REQUEST_NUDGE_DAYS
    assert not AuditEvent.objects.exists()


def test_out_of_range_values_say_what_is_allowed(hana, login):
    response = login(hana).post("/hr/settings/", {"INACTIVE_AFTER_DAYS": "2"})
    assert response.context["form"].errors["INACTIVE_AFTER_DAYS"]
    assert not AuditEvent.objects.exists()


def test_only_hr_sees_or_changes_them(alice, login):
    client = login(alice)
    assert client.get("/hr/settings/").status_code == 403
    assert client.post("/hr/settings/", {"SPONSOR_MIN_LEVEL": "1"}).status_code == 403
