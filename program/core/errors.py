"""The 500 handler: a friendly page, and a 503 "back in a moment" when the database is down.

Both render without the request context and without touching the database (the failure may be
the database itself); Django calls the handler inside its `except` block, so the exception is
sys.exc_info().
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 30


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
