"""HR creates and revokes SCIM tokens; the token is shown once and only its hash is kept."""

import re

import pytest

from accounts.models import AuditEvent
from program.scim.models import ApiToken

pytestmark = pytest.mark.django_db


def test_hr_creates_a_token_that_works_once_shown_then_revokes_it(login, hana, client):
    page = login(hana).post("/scim/tokens/", {"name": "Okta production"}).content.decode()
    raw = re.search(r"<code class=\"scim-url\">(gt_[\w-]+)</code>", page).group(1)
    token = ApiToken.objects.get()
    assert token.hashed != raw and raw not in str(token.__dict__)
    assert raw not in client.get("/scim/tokens/").content.decode()  # shown only once
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/scim/v2/Users", **headers).status_code == 200
    client.post(f"/scim/tokens/{token.pk}/revoke/")
    assert client.get("/scim/v2/Users", **headers).status_code == 401
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "scim.token_create", "scim.token_revoke"]


def test_only_hr_admins_reach_the_tokens_page(login, alice, client):
    assert client.get("/scim/tokens/").status_code == 302  # to sign-in
    assert login(alice).get("/scim/tokens/").status_code == 403
    assert login(alice).post("/scim/tokens/", {"name": "mine"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_reloading_the_page_that_shows_a_new_token_does_not_make_a_second(login, hana):
    client = login(hana)
    form = client.get("/scim/tokens/").content.decode()
    once = re.search(r'name="submission_token" value="([\w-]+)"', form).group(1)
    data = {"name": "Okta production", "submission_token": once}

    first = client.post("/scim/tokens/", data)
    again = client.post("/scim/tokens/", data, follow=True)

    raw = re.search(r"<code class=\"scim-url\">(gt_[\w-]+)</code>", first.content.decode()).group(1)
    assert ApiToken.objects.count() == 1
    page = again.content.decode()
    assert "This was already submitted; here is what it made." in page
    assert raw not in page and "Okta production" in page
