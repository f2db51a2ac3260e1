"""The API for HR systems and BI at /api/v1/: JSON, bearer tokens with scopes (auth.py), a
rate limit per token, and an OpenAPI 3 schema that django-ninja writes from the endpoints
(/api/v1/openapi.json).

It reads what HR's pages read, through the same code: the relationships and career events HR's
console lists, advocacy records as HR may see them (their details only with read:details), the
outcome report (program/reports/outcome.py, same filters and minimum group size) and the
dashboard's figures (program/reports/dashboard.py). Check-in and touchpoint notes are the pair's
and never leave. Career events are posted through the career_events import's own rules.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from program.api.auth import RateLimited, TokenAuth
from program.api.endpoints import NOT_VALID, router
from program.api.schemas import ErrorOut

DESCRIPTION = """\
Read the program's relationships, career events, advocacy records, outcome report and
dashboard figures, and post career events (the HRIS feed).

**Tokens.** An HR admin creates a token at /api/tokens/ and chooses its scopes: `read`,
`read:details` (also what advocacy records say; check-in notes never leave) and
`write:career-events`. Send it as `Authorization: Bearer <token>`.

**Pages.** Lists come in a stable order (by id), at most `limit` items (default 50, at most
200); `next` is the following page's address, null on the last.

**Rate limit.** Each token may make `API_RATE_LIMIT_PER_MINUTE` requests (default 120) per
calendar minute; past it the answer is 429 with a `Retry-After` header (seconds).

**Errors.** 400 says what was wrong and where (`errors`: index, field, message); 401 no or a
revoked token; 403 a scope the token lacks; 429 the rate limit.
"""

# Every answer is JSON, which accounts.middleware.NoStoreMiddleware marks no-store.
api = NinjaAPI(title="Grow Together API", version="1", description=DESCRIPTION,
               urls_namespace="api", auth=TokenAuth(), docs_url=None,
               openapi_url="/openapi.json", docs_decorator=require_GET)


def _error(request: HttpRequest, status: int, detail: str, errors=(), **headers):
    response = api.create_response(
        request, ErrorOut(detail=detail, errors=list(errors)).model_dump(), status=status)
    for key, value in headers.items():
        response[key] = value
    return response


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    """Ninja's 422 for a value the schema refuses becomes the API's 400 with where it was."""
    errors = []
    for error in exc.errors:
        where = [part for part in error.get("loc", ()) if part not in ("body", "query", "payload")]
        index = next((part for part in where if isinstance(part, int)), None)
        names = [part for part in where if isinstance(part, str)]
        errors.append({"index": index, "field": names[-1] if names else None,
                       "message": error.get("msg", "is not valid")})
    return _error(request, 400, str(NOT_VALID), errors)


NOT_JSON = _lazy("The body is not JSON: send {\"events\": [...]} with Content-Type: "
            "application/json.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.message.startswith("Cannot parse request body"):  # ninja's words for bad JSON
        return _error(request, 400, str(NOT_JSON))
    if isinstance(exc, RateLimited):
        return _error(request, 429, exc.message, **{"Retry-After": str(exc.retry_after)})
    return _error(request, exc.status_code, exc.message, getattr(exc, "errors", ()))


api.add_router("", router)
