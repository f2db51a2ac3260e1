"""SCIM 2.0 provisioning of people (RFC 7643/7644), as identity providers use it.

The request bodies in the Entra ID and Okta tests are the shapes their documentation shows
(Microsoft: "Tutorial: Develop and plan provisioning for a SCIM endpoint"; Okta: "SCIM 2.0
protocol reference").
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Person
from program.scim.models import ApiToken, ScimIdentity
from program.scim.users import ENTERPRISE
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def ada(**extra):
    return {"schemas": [CORE, ENTERPRISE], "userName": "ada@example.com", "externalId": "e-1",
            "name": {"givenName": "Ada", "familyName": "Lovelace"}, "title": "Engineer",
            "active": True, "emails": [{"value": "Ada@Example.com", "type": "work",
                                        "primary": True}],
            ENTERPRISE: {"employeeNumber": "E100", "department": "Research"}, **extra}


def test_without_a_valid_token_nothing_is_answered(scim, scim_token):
    for token in (None, "gt_wrong"):
        status, body = scim("GET", "Users", token=token)
        assert status == 401 and body["status"] == "401"
    token = ApiToken.objects.get()
    token.revoked_at = timezone.now()
    token.save()
    assert scim("GET", "Users")[0] == 401


def test_create_read_and_find_a_person(scim):
    status, created = scim("POST", "Users", ada())
    assert status == 201, created
    person = Person.objects.get(pk=created["id"])
    assert (person.employee_id, person.email, person.full_name, person.title,
            person.department.name) == ("E100", "ada@example.com", "Ada Lovelace", "Engineer",
                                        "Research")
    assert created["userName"] == "ada@example.com" and created["active"] is True
    assert created["name"]["givenName"] == "Ada"  # kept as sent
    assert created["meta"]["location"].endswith(f"/scim/v2/Users/{person.pk}")
    for expression in ('userName eq "ADA@example.com"', 'externalId eq "e-1"',
                       'emails[type eq "work"].value eq "ada@example.com"'):
        status, found = scim("GET", "Users", filter=expression)
        assert status == 200 and found["totalResults"] == 1, expression
        assert found["Resources"][0]["id"] == created["id"]
    assert scim("GET", "Users", filter='userName eq "nobody@example.com"')[1][
        "totalResults"] == 0
    assert scim("GET", "Users", filter='title co "Eng"')[0] == 400
    assert AuditEvent.objects.filter(action="scim.user_create",
                                     target_id=str(person.pk)).exists()


def test_conflicts_and_bad_values_are_refused_with_the_reason_and_nothing_written(scim):
    assert scim("POST", "Users", ada())[0] == 201
    status, body = scim("POST", "Users", ada())
    assert status == 409 and body["scimType"] == "uniqueness"
    for broken, words in ((ada(userName=""), "userName"),
                          (ada(userName="x", emails=[{"value": "not-an-email"}]), "not an email"),
                          (ada(userName="y", active="maybe"), "active"),
                          (ada(userName="z", title="t" * 300), "title"),
                          (ada(userName="w", emails=[{"value": "w@example.com"}],
                               **{ENTERPRISE: {"manager": {"value": "999999"}}}), "manager")):
        status, body = scim("POST", "Users", broken)
        assert status == 400 and words in body["detail"], (broken, body)
    assert Person.objects.count() == 1


def test_pages_of_people(scim):
    factories.PersonFactory.create_batch(7)
    status, first = scim("GET", "Users", startIndex=1, count=3)
    assert (first["totalResults"], first["itemsPerPage"], first["startIndex"]) == (7, 3, 1)
    status, last = scim("GET", "Users", startIndex=7, count=3)
    assert last["itemsPerPage"] == 1
    ids = {r["id"] for r in first["Resources"]} | {r["id"] for r in last["Resources"]}
    assert len(ids) == 4
    assert scim("GET", "Users", count="lots")[0] == 400


def test_listing_runs_a_fixed_number_of_queries(scim, django_assert_max_num_queries):
    people = factories.PersonFactory.create_batch(30, manager=factories.PersonFactory(),
                                                  with_user=True)
    for person in people[:10]:  # HR admins: their groups list the role group
        person.user.is_hr_admin = True
        person.user.save()
    scim("POST", "Groups", {"displayName": "Everyone",
                            "members": [{"value": str(p.pk)} for p in people]})
    with django_assert_max_num_queries(6):
        status, body = scim("GET", "Users", count=50)
    assert status == 200 and body["itemsPerPage"] == 31
    assert sum(len(user.get("groups", [])) for user in body["Resources"]) == 40


def test_an_imported_person_is_adopted_by_email_not_duplicated(scim):
    imported = factories.PersonFactory(email="ada@example.com", employee_id="E100")
    status, created = scim("POST", "Users", ada())
    assert status == 201 and created["id"] == str(imported.pk)
    assert Person.objects.count() == 1


def test_deactivation_is_a_leaver_and_reactivation_undoes_only_that(scim):
    person = factories.PersonFactory(email="ada@example.com", with_user=True)
    _, created = scim("POST", "Users", ada())
    status, body = scim("PATCH", f"Users/{created['id']}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}]})  # Okta's shape
    assert status == 200 and body["active"] is False
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.termination_date == TODAY and not person.user.is_active
    status, body = scim("PATCH", f"Users/{created['id']}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "True"}]})  # Entra's shape
    assert status == 200 and body["active"] is True
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.termination_date is None and person.user.is_active
    # A leaver the people import recorded stays one: SCIM only undoes its own date.
    person.termination_date = TODAY - datetime.timedelta(days=3)
    person.save()
    scim("PATCH", f"Users/{created['id']}", {"Operations": [
        {"op": "replace", "path": "active", "value": False}]})
    scim("PATCH", f"Users/{created['id']}", {"Operations": [
        {"op": "replace", "path": "active", "value": True}]})
    person.refresh_from_db()
    assert person.termination_date == TODAY - datetime.timedelta(days=3)


def test_delete_deprovisions_keeps_the_record_and_the_same_user_can_return(scim):
    _, created = scim("POST", "Users", ada())
    assert scim("DELETE", f"Users/{created['id']}")[0] == 204
    assert scim("GET", f"Users/{created['id']}")[0] == 404
    person = Person.objects.get(pk=created["id"])
    assert person.termination_date == TODAY  # still there for the reports
    assert scim("GET", "Users", filter='userName eq "ada@example.com"')[1]["totalResults"] == 0
    status, again = scim("POST", "Users", ada())
    assert status == 201 and again["id"] == created["id"] and again["active"] is True


def test_entra_id_requests_as_documented(scim):
    manager = scim("POST", "Users", ada(userName="boss@example.com", externalId="e-0",
                                        emails=[{"value": "boss@example.com", "primary": True}],
                                        **{ENTERPRISE: {"employeeNumber": "E1"}}))[1]
    # Entra first looks the user up, then creates them.
    assert scim("GET", "Users", filter='userName eq "Test_User_ab6490ee@example.com"')[1][
        "totalResults"] == 0
    status, user = scim("POST", "Users", {
        "schemas": [CORE, ENTERPRISE], "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_ab6490ee@example.com", "active": True,
        "emails": [{"primary": True, "type": "work", "value": "Test_User_fd0ea19b@example.com"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName",
                 "givenName": "givenName"},
        "roles": []})
    assert status == 201, user
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Replace", "path": "displayName", "value": "Ryan Leenay"},
        {"op": "Add", "path": 'emails[type eq "work"].value', "value": "ryan@example.com"},
        {"op": "Replace", "path": "name.formatted", "value": "Ryan Leenay"},
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]},
        {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Sales"},
        {"op": "Replace", "path": "title", "value": "Account executive"}]}
    status, user = scim("PATCH", f"Users/{user['id']}", patch)
    assert status == 200, user
    person = Person.objects.get(pk=user["id"])
    assert (person.email, person.full_name, person.manager_id, person.department.name,
            person.title) == ("ryan@example.com", "Ryan Leenay", int(manager["id"]), "Sales",
                              "Account executive")
    assert user[ENTERPRISE]["manager"]["value"] == manager["id"]
    status, _ = scim("PATCH", f"Users/{user['id']}", {"Operations": [
        {"op": "Replace", "path": "active", "value": "False"}]})
    assert status == 200 and Person.objects.get(pk=user["id"]).termination_date == TODAY


def test_okta_requests_as_documented(scim):
    status, user = scim("POST", "Users", {
        "schemas": [CORE], "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [], "password": "1mz050nq", "active": True})
    assert status == 201, user
    assert "password" not in user and "password" not in ScimIdentity.objects.get().document
    status, user = scim("PUT", f"Users/{user['id']}", {
        "schemas": [CORE], "id": user["id"], "userName": "test.user@okta.local",
        "name": {"givenName": "Another", "familyName": "User"},
        "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Another User", "locale": "en-US", "active": True})
    assert status == 200 and Person.objects.get().full_name == "Another User"
    assert user["locale"] == "en-US"  # attributes the program does not use read back
    status, _ = scim("PATCH", f"Users/{user['id']}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}]})
    assert status == 200 and Person.objects.get().termination_date == TODAY


def test_malformed_requests_get_scim_errors_not_500s(scim):
    _, created = scim("POST", "Users", ada())
    for method, path, body in (
            ("PATCH", f"Users/{created['id']}", {"Operations": "nope"}),
            ("PATCH", f"Users/{created['id']}", {"Operations": [{"op": "move"}]}),
            ("PATCH", f"Users/{created['id']}", {"Operations": [{"op": "remove"}]}),
            ("PUT", f"Users/{created['id']}", {"userName": 5}),
            ("POST", "Users", {"userName": "a@b.c", "name": "flat"})):
        status, body = scim(method, path, body)
        assert status == 400 and body["schemas"] == [
            "urn:ietf:params:scim:api:messages:2.0:Error"], (method, path, body)
    assert scim("GET", "Users/not-a-number")[0] == 404
    assert scim("GET", "Widgets")[0] == 404
