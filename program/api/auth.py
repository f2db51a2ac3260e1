"""Who is calling the API: a bearer token HR created (HrApiToken), its scopes and its rate limit.

The rate limit is a fixed window per token: at most API_RATE_LIMIT_PER_MINUTE requests in each
calendar minute, counted in the cache (Redis in production, shared by every web process). Past
it the API answers 429 with Retry-After: the seconds left in the minute.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from ninja.errors import HttpError
from ninja.security import HttpBearer

from program.api.models import HrApiToken
from program.scim.models import token_hash

WINDOW_SECONDS = 60
NO_TOKEN = _lazy("A bearer token is required (Authorization: Bearer <token>).")
UNKNOWN_TOKEN = _lazy("This token is unknown or was revoked.")
MISSING_SCOPE = _lazy("This token does not have the {scope} scope; HR can create one that "
                      "has.")
TOO_MANY = _lazy("Too many requests for this token: at most {limit} a minute. Retry after "
                 "{wait} s.")


def _clock() -> float:
    """The rate limit's clock (its windows are calendar minutes); tests set it."""
    return time.time()


class RateLimited(HttpError):
    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(429, str(TOO_MANY).format(limit=limit, wait=retry_after))
        self.retry_after = retry_after


def rate_limit_take(token: HrApiToken, *, now: float | None = None) -> None:
    """Count one request of `token` in the current minute; RateLimited past the limit."""
    now = _clock() if now is None else now
    window = int(now // WINDOW_SECONDS)
    # Keyed by the token's hash, not its id: ids are reused when a database is restored or
    # rolled back (tests), a hash never.
    key = f"api-rate:{token.hashed[:24]}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is its first request
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if count > limit:
        raise RateLimited(limit, max(1, (window + 1) * WINDOW_SECONDS - int(now)))


class TokenAuth(HttpBearer):
    """The token of the Authorization header, or 401; then the rate limit (429)."""

    def __call__(self, request):
        scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise HttpError(401, str(NO_TOKEN))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request, token: str) -> HrApiToken:
        found = HrApiToken.objects.usable().filter(hashed=token_hash(token)).first()
        if found is None:
            raise HttpError(401, str(UNKNOWN_TOKEN))
        rate_limit_take(found)
        found.touch(timezone.now())
        return found


def scope_require(request, scope: str) -> None:
    """403 unless the calling token holds `scope` (or a scope that implies it)."""
    if not request.auth.allows(scope):
        raise HttpError(403, str(MISSING_SCOPE).format(scope=scope))
