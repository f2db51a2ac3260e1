"""SCIM 2.0 Groups (RFC 7643 4.2 / RFC 7644) mapped onto the program's roles.

Personas: Hana is an HR admin (signed in before); Alice is an employee with an account; Nina
was imported by HR and never signed in (no account). The group "HR admins" (id hr-admins) IS
the HR admin role: its members are the role's holders, and changing them goes through the HR
console's service. Any other group the identity provider pushes grants nothing.

The request bodies in the Entra ID and Okta tests are the shapes their documentation shows
(Microsoft: "Tutorial: Develop and plan provisioning for a SCIM endpoint", the Group requests;
Okta: "SCIM 2.0 protocol reference", Push Groups).
"""

import pytest

from accounts.models import AuditEvent, Notification, Person, User
from accounts.services import LAST_HR_ADMIN, NO_SIGN_IN, hr_admin_role_set
from program.scim.models import ApiToken, ScimGroup, ScimGroupMember
from tests import factories

pytestmark = pytest.mark.django_db
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def nina(db):
    return factories.PersonFactory(full_name="Nina Imported", email="nina@example.com")


def member_ids(group: dict) -> set[str]:
    return {m["value"] for m in group.get("members", [])}


def is_hr_admin(person) -> bool:
    return User.objects.get(pk=person.user_id).is_hr_admin


def test_without_a_valid_token_groups_answer_401(scim, login, hana, client):
    for token in (None, "gt_wrong"):
        status, body = scim("GET", "Groups", token=token)
        assert status == 401 and body["status"] == "401"
    login(hana)  # an HR admin's session is no bearer token
    assert client.get("/scim/v2/Groups/hr-admins").status_code == 401
    assert client.patch("/scim/v2/Groups/hr-admins", "{}",
                        content_type="application/scim+json").status_code == 401
    token = ApiToken.objects.get()
    token.revoked_at = token.created_at
    token.save()
    assert scim("GET", "Groups")[0] == 401
    assert scim("PATCH", "Groups/hr-admins", {"Operations": []})[0] == 401


def test_the_hr_admins_group_is_the_role_and_shows_console_changes(scim, hana, alice):
    status, body = scim("GET", "Groups")
    assert status == 200 and body["totalResults"] == 1
    group = body["Resources"][0]
    assert (group["id"], group["displayName"]) == ("hr-admins", "HR admins")
    assert member_ids(group) == {str(hana.pk)}
    assert group["members"][0]["$ref"].endswith(f"/scim/v2/Users/{hana.pk}")
    # A User's groups are read-only and reflect the role.
    user = scim("GET", f"Users/{hana.pk}")[1]
    assert [(g["value"], g["display"]) for g in user["groups"]] == [("hr-admins", "HR admins")]
    assert "groups" not in scim("GET", f"Users/{alice.pk}")[1]
    # HR makes Alice an HR admin in the console: SCIM shows it.
    hr_admin_role_set(person=alice, is_hr_admin=True, by=hana.user, reason="Covers Hana.")
    assert member_ids(scim("GET", "Groups/hr-admins")[1]) == {str(hana.pk), str(alice.pk)}


def test_entra_id_group_requests_as_documented(scim, hana, alice):
    # Entra ID looks the group up by name (without its members), then updates it.
    status, found = scim("GET", "Groups", excludedAttributes="members",
                         filter='displayName eq "HR admins"')
    assert status == 200 and found["totalResults"] == 1
    assert "members" not in found["Resources"][0]
    status, group = scim("PATCH", "Groups/hr-admins", {"schemas": [PATCH_OP], "Operations": [
        {"op": "Replace", "path": "externalId", "value": "9f2b1b6a-entra-object-id"}]})
    assert status == 200 and group["externalId"] == "9f2b1b6a-entra-object-id"
    # Add a member.
    status, group = scim("PATCH", "Groups/hr-admins", {"schemas": [PATCH_OP], "Operations": [
        {"name": "addMember", "op": "Add", "path": "members",
         "value": [{"$ref": None, "value": str(alice.pk)}]}]})
    assert status == 200 and member_ids(group) == {str(hana.pk), str(alice.pk)}
    assert is_hr_admin(alice)
    # Entra asks whether someone is a member with this filter.
    member_test = f'id eq "hr-admins" and members[value eq "{alice.pk}"]'
    status, found = scim("GET", "Groups", filter=member_test, excludedAttributes="members")
    assert status == 200 and found["totalResults"] == 1 and "members" not in found[
        "Resources"][0]
    # The same as HR's console: the audit row and the person told.
    grant = AuditEvent.objects.get(action="hr.role_grant", target_id=str(alice.user_id))
    assert grant.actor is None and "Entra ID" in grant.data["source"]
    assert Notification.objects.filter(recipient=alice, kind="hr_admin_granted").exists()
    assert AuditEvent.objects.filter(action="scim.group_patch", target_id="hr-admins").count() == 2
    # Remove a member: the value list on the path "members".
    status, group = scim("PATCH", "Groups/hr-admins", {"schemas": [PATCH_OP], "Operations": [
        {"name": "removeMember", "op": "Remove", "path": "members",
         "value": [{"$ref": None, "value": str(alice.pk)}]}]})
    assert status == 200 and member_ids(group) == {str(hana.pk)} and not is_hr_admin(alice)
    assert scim("GET", "Groups", filter=member_test)[1]["totalResults"] == 0
    assert Notification.objects.filter(recipient=alice, kind="hr_admin_removed").exists()
    # Another group assigned to the application: looked up, created, deleted.
    assert scim("GET", "Groups", excludedAttributes="members",
                filter='displayName eq "Sales EMEA"')[1]["totalResults"] == 0
    status, other = scim("POST", "Groups", {
        "schemas": [GROUP], "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "displayName": "Sales EMEA", "meta": {"resourceType": "Group"}})
    assert status == 201 and other["displayName"] == "Sales EMEA"
    assert scim("GET", "Groups", filter='externalId eq "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"'
                )[1]["Resources"][0]["id"] == other["id"]
    status, other = scim("PATCH", f"Groups/{other['id']}", {"schemas": [PATCH_OP], "Operations": [
        {"op": "Replace", "path": "displayName", "value": "Sales EMEA and APAC"}]})
    assert status == 200 and other["displayName"] == "Sales EMEA and APAC"
    assert scim("DELETE", f"Groups/{other['id']}")[0] == 204
    assert scim("GET", f"Groups/{other['id']}")[0] == 404


def test_okta_group_push_as_documented(scim, hana, alice):
    # Okta reads the application's groups, then pushes its own group by the same name: the
    # role group is adopted (the push's empty member list takes the role from nobody).
    assert scim("GET", "Groups", startIndex=1, count=100)[1]["totalResults"] == 1
    status, group = scim("POST", "Groups", {"schemas": [GROUP], "displayName": "HR admins",
                                            "members": []})
    assert status == 201 and group["id"] == "hr-admins" and is_hr_admin(hana)
    # Okta renames the group it links to.
    status, group = scim("PATCH", "Groups/hr-admins", {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "value": {"id": "hr-admins", "displayName": "Program HR"}}]})
    assert status == 200 and group["displayName"] == "Program HR"
    assert scim("GET", f"Users/{hana.pk}")[1]["groups"][0]["display"] == "Program HR"
    # Members in, then out by a filtered path.
    status, group = scim("PATCH", "Groups/hr-admins", {"schemas": [PATCH_OP], "Operations": [
        {"op": "add", "path": "members",
         "value": [{"value": str(alice.pk), "display": "alice@example.com"}]}]})
    assert status == 200 and is_hr_admin(alice)
    status, group = scim("PATCH", "Groups/hr-admins", {"schemas": [PATCH_OP], "Operations": [
        {"op": "remove", "path": f'members[value eq "{alice.pk}"]'}]})
    assert status == 200 and member_ids(group) == {str(hana.pk)} and not is_hr_admin(alice)
    # PUT replaces the whole list: Alice in, Hana out (granted first, so there is always one).
    status, group = scim("PUT", "Groups/hr-admins", {
        "schemas": [GROUP], "id": "hr-admins", "displayName": "Program HR",
        "members": [{"value": str(alice.pk), "display": "alice@example.com"}]})
    assert status == 200 and member_ids(group) == {str(alice.pk)}
    assert is_hr_admin(alice) and not is_hr_admin(hana)
    # The role cannot be deleted; pushing it again adopts it again and takes nothing away.
    status, body = scim("DELETE", "Groups/hr-admins")
    assert status == 400 and body["scimType"] == "mutability" and is_hr_admin(alice)
    status, body = scim("POST", "Groups", {"schemas": [GROUP], "displayName": "program hr"})
    assert status == 201 and member_ids(body) == {str(alice.pk)}
    # Another group's name is taken.
    assert scim("POST", "Groups", {"displayName": "Sales"})[0] == 201
    status, body = scim("POST", "Groups", {"displayName": "SALES"})
    assert status == 409 and body["scimType"] == "uniqueness"


def test_the_consoles_rules_hold_and_a_refused_request_changes_nothing(scim, hana, alice,
                                                                       nina):
    status, body = scim("PATCH", "Groups/hr-admins", {"Operations": [
        {"op": "remove", "path": "members"}]})
    assert status == 400 and body["detail"] == LAST_HR_ADMIN.format(name="Hana HR")
    assert is_hr_admin(hana)
    # Alice then Nina: Nina never signed in, so the whole request is refused, Alice included.
    status, body = scim("PATCH", "Groups/hr-admins", {"Operations": [
        {"op": "add", "path": "members",
         "value": [{"value": str(alice.pk)}, {"value": str(nina.pk)}]}]})
    assert status == 400 and body["detail"] == NO_SIGN_IN.format(name="Nina Imported")
    assert not is_hr_admin(alice)
    assert not AuditEvent.objects.filter(action__startswith="hr.role_").exists()
    assert not AuditEvent.objects.filter(action="scim.group_patch").exists()
    for members, words in (([{"value": "999999"}], "no user with id 999999"),
                           ([{"value": "hr-admins", "type": "Group"}], "cannot be a member"),
                           ("everyone", "list of")):
        status, body = scim("PUT", "Groups/hr-admins", {"displayName": "HR admins",
                                                        "members": members})
        assert status == 400 and words in body["detail"], body
    for operation in ({"op": "remove", "path": "displayName"}, {"op": "move"},
                      {"op": "add", "path": "roles", "value": "x"}):
        assert scim("PATCH", "Groups/hr-admins", {"Operations": [operation]})[0] == 400
    assert scim("POST", "Groups", {"displayName": ""})[0] == 400
    assert scim("GET", "Groups", filter='displayName co "HR"')[0] == 400
    assert scim("GET", "Groups/nope")[0] == 404
    assert member_ids(scim("GET", "Groups/hr-admins")[1]) == {str(hana.pk)}


def test_another_group_grants_nothing_and_reads_back_as_sent(scim, hana, alice):
    status, group = scim("POST", "Groups", {
        "schemas": [GROUP], "displayName": "All employees",
        "members": [{"value": str(alice.pk), "display": "Alice E."}]})
    assert status == 201 and group["members"][0]["display"] == "Alice E."
    assert not is_hr_admin(alice)
    assert [g["display"] for g in scim("GET", f"Users/{alice.pk}")[1]["groups"]] == [
        "All employees"]
    status, group = scim("PATCH", f"Groups/{group['id']}", {"Operations": [
        {"op": "add", "path": "members", "value": [{"value": str(hana.pk)}]}]})
    assert member_ids(group) == {str(alice.pk), str(hana.pk)}
    # A user the provider deleted drops out of its groups.
    scim("DELETE", f"Users/{alice.pk}")
    assert member_ids(scim("GET", f"Groups/{group['id']}")[1]) == {str(hana.pk)}
    assert scim("DELETE", f"Groups/{group['id']}")[0] == 204
    assert not ScimGroupMember.objects.exists() and is_hr_admin(hana)
    assert AuditEvent.objects.filter(action="scim.group_delete").exists()


def test_search_across_users_and_groups_and_pages_of_groups(scim, hana, alice):
    for n in range(4):
        scim("POST", "Groups", {"displayName": f"Team {n}"})
    status, first = scim("GET", "Groups", startIndex=1, count=2)
    assert (first["totalResults"], first["itemsPerPage"]) == (5, 2)
    last = scim("GET", "Groups", startIndex=5, count=2)[1]
    assert last["itemsPerPage"] == 1
    status, both = scim("POST", ".search", {"count": 200})
    kinds = [r["meta"]["resourceType"] for r in both["Resources"]]
    assert status == 200 and kinds.count("Group") == 5
    assert kinds.count("User") == Person.objects.count() == both["totalResults"] - 5
    status, named = scim("POST", ".search", {"filter": 'displayName eq "Team 2"'})
    assert status == 200 and [r["displayName"] for r in named["Resources"]] == ["Team 2"]
    status, by_post = scim("POST", "Groups/.search", {"filter": 'displayName eq "HR admins"',
                                                      "excludedAttributes": ["members"]})
    assert status == 200 and by_post["Resources"][0]["id"] == "hr-admins"


def test_listing_groups_runs_a_fixed_number_of_queries(scim, hana,
                                                       django_assert_max_num_queries):
    people = factories.PersonFactory.create_batch(5)
    for n in range(15):
        group = ScimGroup.objects.create(pk=f"g{n}", display_name=f"Team {n}")
        ScimGroupMember.objects.bulk_create(ScimGroupMember(group=group, person=p)
                                            for p in people)
    scim("GET", "Groups", count=1)  # the role group exists from the first request
    with django_assert_max_num_queries(7):
        status, body = scim("GET", "Groups", count=50)
    assert status == 200 and body["itemsPerPage"] == 16
    assert all(len(g["members"]) == 5 for g in body["Resources"] if g["id"] != "hr-admins")


def test_discovery_publishes_the_group_resource(scim):
    assert [t["id"] for t in scim("GET", "ResourceTypes")[1]["Resources"]] == ["User", "Group"]
    schema = scim("GET", f"Schemas/{GROUP}")[1]
    assert [a["name"] for a in schema["attributes"]] == ["displayName", "members"]
    user = scim("GET", "Schemas/urn:ietf:params:scim:schemas:core:2.0:User")[1]
    groups = next(a for a in user["attributes"] if a["name"] == "groups")
    assert groups["mutability"] == "readOnly"


def test_nul_characters_and_odd_values_get_scim_errors_not_500s(scim, hana, alice):
    """PostgreSQL's text cannot hold NUL: a hostile value is refused or matches nothing."""
    for expression in ('displayName eq "a\x00b"', 'externalId eq "\x00"',
                       'members[value eq "1\x00"]', 'id eq "\x00"'):
        status, body = scim("GET", "Groups", filter=expression)
        assert status == 200 and body["totalResults"] == 0, (expression, body)
    assert scim("GET", "Users", filter='userName eq "a\x00"')[1]["totalResults"] == 0
    for body in ({"displayName": "Team\x00"}, {"displayName": "Team", "externalId": "\x00"},
                 {"displayName": "Team", "members": [{"value": str(alice.pk),
                                                      "display": "A\x00"}]},
                 {"displayName": ["list"]}, {"displayName": "Team", "members": [5]}):
        status, answer = scim("POST", "Groups", body)
        assert status in (201, 400), (body, answer)
    huge = "9" * 30  # past PostgreSQL's bigint
    assert scim("GET", "Groups", filter=f'members[value eq "{huge}"]')[1]["totalResults"] == 0
    assert scim("GET", f"Users/{huge}")[0] == 404
    assert scim("GET", "Users", filter=f'id eq "{huge}"')[1]["totalResults"] == 0
    status, answer = scim("PUT", "Groups/hr-admins", {"displayName": "HR admins",
                                                      "members": [{"value": huge}]})
    assert status == 400 and "no user" in answer["detail"]
    status, answer = scim("PATCH", "Groups/hr-admins", {"Operations": [
        {"op": "remove", "path": 'members[value eq "\x00"]'}]})
    assert status == 200 and member_ids(answer) == {str(hana.pk)}
