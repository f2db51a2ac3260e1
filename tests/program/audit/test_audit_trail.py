"""The audit trail: sensitive actions leave a row (who, what, which record, from where), and HR
searches and exports it; nothing edits or deletes it.

Hana (HR) reads Sam's advocacy about Alice; Sam (the sponsor) reading his own record is not an
HR view and leaves nothing; Eve may not open the trail at all (the permission matrix)."""

import csv
import io

import pytest
from django.core.cache import cache

from accounts.audit import audit_record
from accounts.models import AuditEvent
from tests import factories
from tests.accounts.test_mfa import code_for, password_login
from tests.e2e.conftest import give_totp


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


@pytest.fixture
def advocacy(sam, alice):
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    return factories.AdvocacyRecordFactory(sponsorship=sponsorship)


def actions():
    return list(AuditEvent.objects.values_list("action", flat=True))


def test_hr_reading_advocacy_is_recorded_and_the_sponsor_reading_it_is_not(login, hana, sam,
                                                                          advocacy):
    assert login(sam).get(f"/sponsorship/advocacy/{advocacy.pk}/").status_code == 200
    assert actions() == []
    response = login(hana).get(f"/sponsorship/advocacy/{advocacy.pk}/",
                               REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.action) == (hana.user, "advocacy.hr_view")
    assert (event.target_type, event.target_id) == ("matching.advocacyrecord", str(advocacy.pk))
    assert event.ip_address == "198.51.100.4"
    assert advocacy.description not in str(event.data) + event.summary  # never the free text
    login(hana).get(f"/sponsorship/{advocacy.sponsorship.pk}/")
    assert actions()[0] == "sponsorship.hr_view"


def test_the_client_address_comes_through_the_trusted_proxy(login, hana, advocacy, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    login(hana).get(f"/sponsorship/advocacy/{advocacy.pk}/",
                    HTTP_X_FORWARDED_FOR="203.0.113.8, 10.0.0.2")
    assert AuditEvent.objects.get().ip_address == "10.0.0.2"


def test_hr_pairing_and_registration_decisions_are_recorded(login, hana, sam, eve):
    pending = factories.SponsorProfileFactory(person=factories.PersonFactory(level=8),
                                              status="pending")
    client = login(hana)
    client.post(f"/sponsorship/hr/registrations/{pending.pk}/decide/", {"decision": "approve"})
    response = client.post("/sponsorship/hr/pair/", {"sponsor": sam.sponsor_profile.pk,
                                                     "protege": eve.email})
    assert response.status_code == 302
    assert "sponsor_registration.approve" in actions()
    pairing = AuditEvent.objects.filter(action="sponsorship.hr_pair").first()
    assert pairing is not None, actions()
    assert pairing.actor == hana.user


def test_a_csv_export_is_recorded(login, hana):
    login(hana).get("/hr/equity/export/by-department.csv")
    event = AuditEvent.objects.get()
    assert event.action == "report.export"
    assert event.data["table"] == "by-department"


def test_a_role_change_in_the_admin_is_recorded_and_the_trail_is_read_only_there(client, eve):
    admin = factories.UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    give_totp(admin)
    client.force_login(admin)
    response = client.post(f"/admin/accounts/user/{eve.user.pk}/change/",
                           {"is_active": "on", "is_hr_admin": "on"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.roles_change")
    assert (event.actor, event.target_id, event.data) == (admin, str(eve.user.pk),
                                                          {"is_hr_admin": True})
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/change/").status_code == 200
    client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"summary": "x"})
    client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})
    event.refresh_from_db()
    assert event.summary.startswith(eve.email)


def test_hr_sign_ins_and_two_factor_changes_are_recorded_and_employees_are_not(client, hana,
                                                                              alice):
    password_login(client, alice)
    assert actions() == []
    client.logout()
    secret = give_totp(hana.user)
    password_login(client, hana)
    client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})
    client.post("/accounts/2fa/totp/deactivate/")
    assert actions() == ["two_factor.removed", "account.sign_in"]
    sign_in = AuditEvent.objects.get(action="account.sign_in")
    assert sign_in.data == {"method": "password"} and sign_in.summary.endswith("with a password")


def _events(n, actor):
    for i in range(n):
        audit_record(actor, "advocacy.hr_view" if i % 2 else "report.export",
                     target=actor, summary=f"=HYPERLINK(\"x\") event {i}")


@pytest.mark.parametrize("n", [3, 120])
def test_the_audit_page_runs_a_fixed_number_of_queries(login, hana, n,
                                                       django_assert_max_num_queries):
    _events(n, hana.user)
    client = login(hana)
    with django_assert_max_num_queries(8):
        response = client.get("/hr/audit/")
    assert response.status_code == 200
    assert "event 0" in response.content.decode() or n > 50


def test_the_audit_page_searches_by_actor_action_target_and_date(login, hana, eve):
    _events(4, hana.user)
    audit_record(eve.user, "account.sign_in", target=eve.user, summary="eve signed in")
    client = login(hana)
    page = client.get("/hr/audit/", {"actor": "eve@"}).content.decode()
    assert "eve signed in" in page and "event 1" not in page
    page = client.get("/hr/audit/", {"action": "advocacy."}).content.decode()
    assert "event 1" in page and "event 0" not in page
    page = client.get("/hr/audit/", {"target": f"accounts.user:{eve.user.pk}"}).content.decode()
    assert "eve signed in" in page and "event 1" not in page
    page = client.get("/hr/audit/", {"date_from": "2001-01-01", "date_to": "2001-01-02"})
    assert "Nothing matches this search" in page.content.decode()
    bad = client.get("/hr/audit/", {"date_from": "2001-01-02", "date_to": "2001-01-01"})
    assert "The end date is before the start date." in bad.content.decode()


def test_the_audit_csv_is_formula_safe_and_its_export_is_recorded(login, hana):
    _events(3, hana.user)
    response = login(hana).get("/hr/audit/", {"action": "report.", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "When (UTC)"
    summaries = [row[5] for row in rows[1:]]
    assert summaries == ["'=HYPERLINK(\"x\") event 2", "'=HYPERLINK(\"x\") event 0"]
    assert AuditEvent.objects.order_by("-id").first().action == "audit.export"
