"""Views that look across the whole program."""

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


@never_cache
@require_GET
def healthz(request):
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(value == "ok" for value in state.values())
    user = request.user
    if not (user.is_authenticated and (user.is_hr_admin or user.is_staff)):
        # Exception text names hosts, ports and versions: only HR admins and staff read it.
        state = {name: "ok" if value == "ok" else "error" for name, value in state.items()}
    return JsonResponse({"status": "ok" if healthy else "error", **state},
                        status=200 if healthy else 503)
