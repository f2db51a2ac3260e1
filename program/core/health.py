"""Views that look across the whole program."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from program.core.celery import app


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down"; the message says which
        return f"error: {error.__class__.__name__}: {error}"
    return "ok"


def _broker_state() -> str:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # any failure means "down"; the message says which
        return f"error: {error.__class__.__name__}: {error}"
    return "ok"


def _cache_state() -> str:
    state = getattr(cache, "state", None)  # the Redis cache can tell; a memory cache is up
    return state() if state else "ok"


@never_cache
@require_GET
def healthz(request):
    """200 "ok"; 200 "degraded" when the broker or cache is down (pages work, background work
    waits): taking the web out of service for that would turn degraded into down; 503 "error"
    when the database is down."""
    state = {"database": _database_state(), "broker": _broker_state(), "cache": _cache_state()}
    if state["database"] != "ok":
        status, code = "error", 503
    elif any(value != "ok" for value in state.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    user = request.user
    if not (user.is_authenticated and (user.is_hr_admin or user.is_staff)):
        # Exception text names hosts, ports and versions: only HR admins and staff read it.
        state = {name: "ok" if value == "ok" else "error" for name, value in state.items()}
    return JsonResponse({"status": status, **state}, status=code)
