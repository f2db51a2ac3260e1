"""The SCIM 2.0 endpoint at /scim/v2/ (RFC 7644), for the company's identity provider.

Bearer-token authentication with tokens HR creates and revokes (tokens page, HR only); JSON in
and out (application/scim+json); every error is a SCIM error document with its status.
"""

from __future__ import annotations

import datetime
import json
from functools import wraps

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from program.scim import discovery, group_changes, groups, users
from program.scim.models import ApiToken, token_hash
from program.scim.users import LIST_RESPONSE, ScimError, bounds

CONTENT_TYPE = "application/scim+json"


def _json(body, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    for key, value in headers.items():
        response[key] = value
    return response


def scim_view(methods: tuple[str, ...]):
    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                token = _token(request)
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here.")
                return view(request, token, *args, **kwargs)
            except ScimError as error:
                return _json(error.document(), status=error.status)

        return wrapper

    return decorate


def _token(request) -> ApiToken:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ScimError(401, "A bearer token is required (Authorization: Bearer <token>).")
    token = ApiToken.objects.usable().filter(hashed=token_hash(raw.strip()),
                                             scope=ApiToken.Scope.SCIM).first()
    if token is None:
        raise ScimError(401, "This token is unknown or was revoked.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "The body is not valid JSON.", "invalidSyntax") from None
    if not isinstance(body, dict):
        raise ScimError(400, "The body is a JSON object.", "invalidSyntax")
    return body


def _listed(items: list[dict]) -> dict:
    return {"schemas": [LIST_RESPONSE], "totalResults": len(items), "startIndex": 1,
            "itemsPerPage": len(items), "Resources": items}


@scim_view(("GET",))
def service_provider_config(request, token):
    return _json(discovery.service_provider_config())


@scim_view(("GET",))
def resource_types(request, token):
    return _json(_listed(discovery.resource_types()))


def _one(items: list[dict], wanted: str, what: str) -> HttpResponse:
    found = [item for item in items if item["id"] == wanted]
    if not found:
        raise ScimError(404, f"No {what} {wanted}.")
    return _json(found[0])


@scim_view(("GET",))
def resource_type(request, token, name):
    return _one(discovery.resource_types(), name, "resource type")


@scim_view(("GET",))
def schemas(request, token):
    return _json(_listed(discovery.schemas()))


@scim_view(("GET",))
def schema(request, token, schema_id):
    return _one(discovery.schemas(), schema_id, "schema")


def _user(pk) -> dict:
    person = users.person_or_404(pk)
    return users.user_document(person, groups.groups_of([person])[person.pk])


@scim_view(("GET", "POST"))
def user_list(request, token):
    if request.method == "POST":
        person = users.user_save(_body(request), token=token)
        document = _user(person.pk)
        return _json(document, status=201, Location=document["meta"]["location"])
    return _json(_users(request.GET))


def _users(query) -> dict:
    queryset = users.people()
    if query.get("filter"):
        queryset = users.filtered(queryset, query["filter"])
    return users.page(queryset, query.get("startIndex"), query.get("count"),
                      _names(query.get("attributes")), _names(query.get("excludedAttributes")),
                      groups_of=groups.groups_of)


def _groups(query) -> dict:
    queryset = groups.groups()
    if query.get("filter"):
        queryset = groups.filtered(queryset, query["filter"])
    return groups.page(queryset, query.get("startIndex"), query.get("count"),
                       _names(query.get("attributes")), _names(query.get("excludedAttributes")))


def _names(value) -> str | None:
    """Query strings carry a comma-separated text; a .search body may carry a list."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return value


@scim_view(("POST",))
def users_search(request, token):
    """POST /Users/.search (RFC 7644 3.4.3): the query in the body."""
    return _json(_users(_body(request)))


@scim_view(("POST",))
def groups_search(request, token):
    return _json(_groups(_body(request)))


@scim_view(("POST",))
def search(request, token):
    """POST /.search: users, then groups, as one list. A filter one of them cannot take
    matches none of it (an attribute it does not have); one neither can take is an error."""
    query = _body(request)
    start, size = bounds(query.get("startIndex"), query.get("count"))
    found, refused = [], []
    for queryset, filtered in ((users.people(), users.filtered),
                               (groups.groups(), groups.filtered)):
        try:
            found.append(filtered(queryset, query["filter"]) if query.get("filter")
                         else queryset)
        except ScimError as error:
            refused.append(error)
            found.append(queryset.none())
    if len(refused) == 2:
        raise refused[0]
    people_qs, groups_qs = found[0], found[1].distinct()
    people_total, groups_total = people_qs.count(), groups_qs.count()
    attributes, excluded = _names(query.get("attributes")), _names(
        query.get("excludedAttributes"))
    skip = start - 1
    persons = list(people_qs[skip:skip + size]) if size and skip < people_total else []
    rest, group_skip = size - len(persons), max(skip - people_total, 0)
    group_page = list(groups_qs[group_skip:group_skip + rest]) if rest > 0 else []
    of = groups.groups_of(persons) if persons else {}
    resources = [users.projected(users.user_document(p, of.get(p.pk)), attributes, excluded)
                 for p in persons] + groups.documents(group_page, attributes, excluded)
    return _json({"schemas": [LIST_RESPONSE], "totalResults": people_total + groups_total,
                  "startIndex": start, "itemsPerPage": len(resources),
                  "Resources": resources})


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def user_detail(request, token, pk):
    person = users.person_or_404(pk)
    if request.method == "DELETE":
        users.user_delete(person, token=token)
        return HttpResponse(status=204)
    if request.method == "PUT":
        users.user_save(_body(request), person=person, token=token)
    elif request.method == "PATCH":
        document = users.patch_apply(_user(pk), _body(request))
        users.user_save(document, person=person, token=token, action="scim.user_patch")
    return _json(users.projected(_user(pk), _names(request.GET.get("attributes")),
                                 _names(request.GET.get("excludedAttributes"))))


@scim_view(("GET", "POST"))
def group_list(request, token):
    if request.method == "POST":
        group = group_changes.group_create(_body(request), token=token)
        document = groups.documents([group])[0]
        return _json(document, status=201,
                     Location=document["meta"]["location"])
    return _json(_groups(request.GET))


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def group_detail(request, token, pk):
    group = groups.group_or_404(pk)
    if request.method == "DELETE":
        group_changes.group_delete(group, token=token)
        return HttpResponse(status=204)
    if request.method == "PUT":
        group = group_changes.group_replace(group, _body(request), token=token)
    elif request.method == "PATCH":
        group = group_changes.group_patch(group, _body(request), token=token)
    return _json(groups.documents([group], _names(request.GET.get("attributes")),
                                  _names(request.GET.get("excludedAttributes")))[0])


@scim_view(("GET", "POST", "PUT", "PATCH", "DELETE"))
def not_found(request, token, rest):
    raise ScimError(404, f"There is no {rest!r} here: this endpoint serves Users and Groups.")
