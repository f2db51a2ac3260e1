"""The API's OpenAPI schema is valid OpenAPI 3, and the API keeps to it: schemathesis fuzzes
every operation from the schema (valid and invalid inputs, with a token of every scope and with
none) through the real WSGI application and database, and finds no 500 and no answer the schema
does not describe (status, content type, headers, body)."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from program.api.models import HrApiToken
from tests import factories

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 12  # per operation and mode: the whole fuzz stays well under a minute


def _schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_schema_is_valid_openapi_3_and_describes_every_endpoint(client):
    schema = _schema(client)
    validate(schema)  # raises on anything that is not valid OpenAPI
    assert schema["openapi"].startswith("3.")
    assert {path: sorted(ops) for path, ops in schema["paths"].items()} == {
        "/api/v1/mentorships": ["get"], "/api/v1/sponsorships": ["get"],
        "/api/v1/advocacy-records": ["get"], "/api/v1/career-events": ["get", "post"],
        "/api/v1/outcome-report": ["get"], "/api/v1/dashboard": ["get"]}
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert {"400", "401", "403", "429"} <= set(operation["responses"]), path
            assert "Retry-After" in operation["responses"]["429"]["headers"]


@pytest.fixture
def wsgi(db):
    """Django's WSGI handler inside the test's transaction: like the test client, it must not
    close the connection between requests (so the test client, which connects the signals
    again after each request, is not used while it runs)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def some_data(alice, bob, sam, engineering):
    mentorship = factories.MentorshipFactory(mentee=alice, mentor=bob)
    factories.CheckInFactory(mentorship=mentorship)
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    factories.AdvocacyRecordFactory(sponsorship=sponsorship)
    factories.CareerEventFactory(person=alice)


@pytest.mark.parametrize("with_token", [True, False], ids=["token", "no-token"])
def test_fuzzing_the_api_from_its_schema_finds_no_error(wsgi, some_data, settings, with_token):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    cache.clear()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)
    headers = {}
    if with_token:
        _, raw = HrApiToken.issue(name="Fuzz", scopes=["read:details", "write:career-events"],
                                  created_by=None)
        headers = {"Authorization": f"Bearer {raw}"}
    calls = {"n": 0, "statuses": set()}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                                 derandomize=True, suppress_health_check=list(HealthCheck))
            def fuzz(case):
                response = case.call_and_validate(app=wsgi, headers=headers, checks=CHECKS)
                calls["n"] += 1
                calls["statuses"].add(response.status_code)

            fuzz()
    assert calls["n"] >= 7 * 2  # every operation, both modes, was called
    if with_token:
        assert {200, 400} <= calls["statuses"]
    else:
        assert calls["statuses"] == {401}
