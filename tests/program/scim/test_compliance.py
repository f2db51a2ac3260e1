"""scim2-tester, a published SCIM compliance checker, run against the endpoint in-process (its
WSGI engine calls the Django application with the test database). Every check must pass: the
discovery endpoints, then create, read, replace, patch and delete of Users with random values
for every attribute the schemas publish."""

import pytest
from django.core.wsgi import get_wsgi_application

pytestmark = pytest.mark.django_db


def test_scim2_tester_finds_no_failure(scim_token, settings):
    from scim2_client.engines.wsgi import WSGISCIMClient
    from scim2_tester import Status, check_server

    settings.SITE_URL = "http://testserver"
    client = WSGISCIMClient(get_wsgi_application(), base_url="http://testserver/scim/v2",
                            headers={"Authorization": f"Bearer {scim_token}"})
    results = check_server(client, raise_exceptions=False)
    assert results, "the checker ran nothing"
    failures = [(r.title, r.status.name, r.reason) for r in results
                if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    assert not failures, "\n".join(map(str, failures))
    ran = {r.title for r in results if r.status == Status.SUCCESS}
    assert len(ran) >= 10, ran
