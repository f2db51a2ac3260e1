"""scim2-tester, a published SCIM compliance checker, run against the endpoint in-process (its
WSGI engine calls the Django application with the test database). Every check must pass: the
discovery endpoints, then create, read, replace, patch and delete of Users and Groups with
random values for every attribute the schemas publish (a Group's members are Users the checker
creates)."""

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

pytestmark = pytest.mark.django_db


def test_scim2_tester_finds_no_failure(scim_token, settings):
    from scim2_tester import Status

    settings.SITE_URL = "http://testserver"
    # As Django's test client does: the test's transaction is not closed between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        results = _check(scim_token)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert results, "the checker ran nothing"
    failures = [(r.title, r.status.name, r.reason) for r in results
                if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    assert not failures, "\n".join(map(str, failures))
    ran = {r.title for r in results if r.status == Status.SUCCESS}
    assert len(ran) >= 10, ran
    for resource_type in ("User", "Group"):
        checked = {r.title for r in results if getattr(r, "resource_type", None) == resource_type
                   and r.status == Status.SUCCESS}
        assert {"object_creation", "object_replacement", "object_deletion",
                "check_add_attribute", "check_remove_attribute",
                "check_replace_attribute"} <= checked, (resource_type, checked)


def _check(scim_token):
    from scim2_client.engines.wsgi import WSGISCIMClient
    from scim2_tester import check_server

    client = WSGISCIMClient(get_wsgi_application(), base_url="http://testserver/scim/v2",
                            headers={"Authorization": f"Bearer {scim_token}"})
    return check_server(client, raise_exceptions=False)
