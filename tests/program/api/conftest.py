"""Tokens and a caller for the API at /api/v1/.

Who may see what through the API: a `read` token sees relationships, career events, advocacy
records without their details and the reports; a `read:details` token also what advocacy
records say; no token ever sees a check-in or touchpoint note (the pair's only).
"""

import json

import pytest

from program.api.models import HrApiToken
from tests.program.core.test_degraded import own_redis  # noqa: F401 (a throwaway Redis)


def _issue(*scopes):
    _, raw = HrApiToken.issue(name=f"BI {' '.join(scopes)}", scopes=list(scopes),
                              created_by=None)
    return raw


@pytest.fixture
def read_token(db):
    return _issue("read")


@pytest.fixture
def details_token(db):
    return _issue("read:details")


@pytest.fixture
def write_token(db):
    return _issue("write:career-events")


@pytest.fixture
def api(client):
    """api(method, path, token, body=None, **query) -> (status, json, response)."""

    def _call(method, path, token=None, body=None, **query):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        url = "/api/v1/" + path.lstrip("/")
        if method == "GET":
            response = client.get(url, query, **headers)
        else:
            response = getattr(client, method.lower())(
                url, data=json.dumps(body) if not isinstance(body, str | bytes) else body,
                content_type="application/json", **headers)
        content = json.loads(response.content) if response.content else None
        return response.status_code, content, response

    return _call
