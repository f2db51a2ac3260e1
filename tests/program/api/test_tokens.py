"""HR creates API tokens with scopes and revokes them; a token is shown once, kept hashed,
and separate from the SCIM tokens."""

import re

import pytest

from accounts.models import AuditEvent
from program.api.models import HrApiToken
from program.scim.models import ApiToken

pytestmark = pytest.mark.django_db


def _created(page: str) -> str:
    return re.search(r'<code class="scim-url">(gta_[\w-]+)</code>', page).group(1)


def test_hr_creates_a_token_shown_once_that_works_then_revokes_it(login, hana, client):
    home = login(hana).get("/").content.decode()
    assert 'href="/api/tokens/"' in home
    page = client.post("/api/tokens/", {"name": "Power BI", "scopes": ["read"]}).content.decode()
    raw = _created(page)
    token = HrApiToken.objects.get()
    assert token.scopes == ["read"] and token.created_by == hana.user
    assert token.hashed != raw and raw not in str(token.__dict__)
    assert raw not in client.get("/api/tokens/").content.decode()  # shown only once
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/mentorships", **headers).status_code == 200
    assert client.get("/scim/v2/Users", **headers).status_code == 401  # not a SCIM token
    client.post(f"/api/tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/mentorships", **headers).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None and token.last_used_at is not None
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor", "target_id"))
    assert events[-2:] == [("api.token_create", hana.user.pk, str(token.pk)),
                           ("api.token_revoke", hana.user.pk, str(token.pk))]


def test_reloading_the_page_that_shows_a_new_token_does_not_make_a_second(login, hana):
    client = login(hana)
    form = client.get("/api/tokens/").content.decode()
    once = re.search(r'name="submission_token" value="([\w-]+)"', form).group(1)
    data = {"name": "Power BI", "scopes": ["read"], "submission_token": once}

    first = client.post("/api/tokens/", data)
    again = client.post("/api/tokens/", data, follow=True)  # reload, back, or a double click

    raw = _created(first.content.decode())
    assert HrApiToken.objects.count() == 1
    page = again.content.decode()
    assert "This was already submitted; here is what it made." in page
    assert raw not in page and "Power BI" in page  # the list shows it; the secret stays unseen


def test_a_scim_token_does_not_open_the_api(api):
    _, raw = ApiToken.issue(name="Entra ID", scope=ApiToken.Scope.SCIM, created_by=None)
    status, body, _ = api("GET", "mentorships", raw)
    assert status == 401 and body["detail"] == "This token is unknown or was revoked."


def test_a_token_needs_a_name_and_at_least_one_scope(login, hana):
    page = login(hana).post("/api/tokens/", {"name": "", "scopes": []}).content.decode()
    assert "Choose at least one scope." in page and "This field is required." in page
    page = login(hana).post("/api/tokens/", {"name": "X", "scopes": ["admin"]}).content.decode()
    assert "Select a valid choice. admin is not one of the available choices." in page
    assert not HrApiToken.objects.exists()


def test_details_include_the_reads_and_the_page_lists_scopes(login, hana):
    page = login(hana).post("/api/tokens/", {"name": "Workday", "scopes": [
        "write:career-events", "read:details"]}).content.decode()
    token = HrApiToken.objects.get()
    assert token.scopes == ["read:details", "write:career-events"]  # in the scopes' order
    assert token.allows("read") and token.allows("read:details")
    assert "read:details, write:career-events" in page


def test_only_hr_admins_reach_the_tokens_page(login, alice, client):
    assert client.get("/api/tokens/").status_code == 302  # to sign-in
    assert login(alice).get("/api/tokens/").status_code == 403
    assert login(alice).post("/api/tokens/", {"name": "mine", "scopes": ["read"]}
                             ).status_code == 403
    token, _ = HrApiToken.issue(name="BI", scopes=["read"], created_by=None)
    assert login(alice).post(f"/api/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    assert list(HrApiToken.objects.values_list("name", flat=True)) == ["BI"]


def test_the_tokens_page_takes_the_same_queries_whatever_the_tokens(login, hana,
                                                                    django_assert_max_num_queries):
    client = login(hana)
    HrApiToken.issue(name="First", scopes=["read"], created_by=hana.user)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/api/tokens/").status_code == 200
    for i in range(15):
        HrApiToken.issue(name=f"Tool {i}", scopes=["read"], created_by=hana.user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/api/tokens/").content.decode()
    assert page.count("Revoke</button>") == 16
