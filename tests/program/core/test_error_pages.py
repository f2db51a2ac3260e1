"""Friendly 500 and 503 pages, shown even when the database is the thing that is down."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_database(monkeypatch):
    """database_fails(error): every query from now on raises `error` (the page must not query)."""

    def fail_with(error):
        def cursor(*args, **kwargs):
            raise error

        monkeypatch.setattr(connection, "cursor", cursor)

    return fail_with


def _signed_in_client(person) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(person.user)
    return client


def test_a_database_that_is_down_gives_the_back_in_a_moment_page(alice, broken_database):
    client = _signed_in_client(alice)
    broken_database(OperationalError("could not connect to server: Connection refused"))
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Back in a moment" in page and "database is not answering" in page
    assert "Connection refused" not in page  # no internals shown


def test_any_other_error_gives_the_friendly_500_page(alice, broken_database):
    client = _signed_in_client(alice)
    broken_database(RuntimeError("a bug"))
    response = client.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page and "a bug" not in page
    assert "Server Error (500)" not in page


def test_an_employee_on_an_hr_page_gets_a_page_that_explains_and_leads_home(login, alice):
    response = login(alice).get("/hr/dashboard/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "This page is not open to you" in page and "ask your HR team" in page
    assert '<a href="/">Back to the home page</a>' in page
    assert 'href="/me/inbox/"' in page  # the site's own frame, not a bare "403 Forbidden"


def test_an_unknown_record_gets_a_page_not_found_in_the_sites_frame(login, hana):
    response = login(hana).get("/hr/sso/999999/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page and "not yours to see" in page
    assert 'href="/me/inbox/"' in page
