import pytest

from program.scim.models import ApiToken


@pytest.fixture
def scim_token(db):
    _, raw = ApiToken.issue(name="Entra ID", scope=ApiToken.Scope.SCIM, created_by=None)
    return raw


@pytest.fixture
def scim(client, scim_token):
    """scim(method, path, body=None, **query) -> (status, json) against /scim/v2/."""
    import json

    def _call(method, path, body=None, token=scim_token, **query):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        url = "/scim/v2/" + path.lstrip("/")
        kwargs = {"content_type": "application/scim+json"}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        call = getattr(client, method.lower())
        response = call(url, query, **headers) if method == "GET" else call(url, **kwargs,
                                                                             **headers)
        content = json.loads(response.content) if response.content else None
        return response.status_code, content

    return _call
