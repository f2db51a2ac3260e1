"""A way in for newcomers: a signed-in user without an HR record is told why and asks HR for
access; Hana (HR) links the account to the right Person, and the link is audited.

Nina signed up with a personal alias HR never imported; her HR record is "E77, nina@example.com".
Eve (an employee, not HR) may not see the requests.
"""

import pytest

from accounts.access import ACCESS_PERSON_NOT_FOUND, ACCESS_PERSON_TAKEN
from accounts.models import AccessRequest, AuditEvent, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def nina(db):
    return User.objects.create_user(email="nina.k@example.com", password="x-long-password-1")


@pytest.fixture
def nina_record(db):
    return factories.PersonFactory(employee_id="E77", email="nina@example.com",
                                   full_name="Nina Newcomer")


def test_a_newcomer_is_told_why_and_can_ask_hr_for_access(client, nina):
    client.force_login(nina)
    page = client.get("/mentoring/")
    assert page.status_code == 403
    assert "not linked to an HR record" in page.content.decode()
    assert "Ask HR for access" in page.content.decode()
    response = client.post("/me/access/", {"message": "I'm E77 in Data."})
    assert response.status_code == 302
    assert AccessRequest.objects.get(user=nina).message == "I'm E77 in Data."
    home = client.get("/").content.decode()
    assert "You asked HR for access just now" in home and "Ask HR for access</button>" not in home


def test_a_message_too_long_is_refused_with_the_reason_and_kept(client, nina):
    client.force_login(nina)
    response = client.post("/me/access/", {"message": "E77 " + "x" * 2000})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters (it has 2004)." in page
    assert "E77 xxx" in page  # what was typed is still there
    assert not AccessRequest.objects.filter(user=nina).exists()


def test_asking_twice_keeps_one_waiting_request(client, nina):
    client.force_login(nina)
    client.post("/me/access/", {"message": "first"})
    client.post("/me/access/", {"message": "second"})
    assert AccessRequest.objects.filter(user=nina).count() == 1


def test_hr_links_the_account_and_the_newcomer_gets_in(client, login, hana, nina, nina_record):
    AccessRequest.objects.create(user=nina, message="E77")
    hr = login(hana)
    page = hr.get("/me/access-requests/").content.decode()
    assert "nina.k@example.com" in page
    request = AccessRequest.objects.get(user=nina)
    response = hr.post(f"/me/access-requests/{request.pk}/link/", {"who": "E77"})
    assert response.status_code == 302
    nina_record.refresh_from_db()
    assert nina_record.user == nina
    request.refresh_from_db()
    assert request.status == "linked" and request.decided_by == hana.user
    event = AuditEvent.objects.get(action="access.link")
    assert event.actor == hana.user and event.target_id == str(nina_record.pk)
    assert "nina.k@example.com" in event.summary
    linked = hr.get("/me/access-requests/").content.decode()
    assert "Hana HR" in linked and "Nina Newcomer" in linked
    client.force_login(nina)
    assert client.get("/mentoring/").status_code == 200


def test_hr_is_told_when_the_record_is_unknown_or_taken(login, hana, nina, alice):
    request = AccessRequest.objects.create(user=nina)
    hr = login(hana)
    page = hr.post(f"/me/access-requests/{request.pk}/link/", {"who": "E404"}).content.decode()
    assert ACCESS_PERSON_NOT_FOUND.format(who="E404").split("“")[0] in page and "E404" in page
    page = hr.post(f"/me/access-requests/{request.pk}/link/",
                   {"who": alice.email}).content.decode()
    assert ACCESS_PERSON_TAKEN.format(name="Alice Employee", email=alice.user.email).replace(
        "'", "&#x27;") in page
    request.refresh_from_db()
    assert request.status == "open" and not AuditEvent.objects.filter(action="access.link")


def test_only_hr_sees_the_access_requests(login, eve):
    assert login(eve).get("/me/access-requests/").status_code == 403


def test_the_access_requests_page_costs_the_same_with_more_requests(
        login, hana, django_assert_max_num_queries):
    hr = login(hana)
    for n in range(3):
        AccessRequest.objects.create(user=User.objects.create_user(email=f"n{n}@example.com"))
    with django_assert_max_num_queries(12) as few:
        hr.get("/me/access-requests/")
    for n in range(3, 30):
        AccessRequest.objects.create(user=User.objects.create_user(email=f"n{n}@example.com"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        hr.get("/me/access-requests/")
