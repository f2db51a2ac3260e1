"""Dates in the person's own time zone: "today", start dates, check-in validation and displayed
times follow the signed-in person's Person.timezone (UTC for everyone else and for the worker).

A New York mentee accepting at 20:50 on 29 November starts on 29 November, not on UTC's 30th, and
a check-in she dates 29 November is not "before the start".
"""

from __future__ import annotations

import zoneinfo

from django.utils import timezone

from .roles import roles_for


def zone_for(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone a stored name means, or None when it means nothing (an old or mistyped value
    falls back to the site's zone rather than failing every page)."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


class PersonTimezoneMiddleware:
    """Activate the signed-in person's time zone for the request. The person is the one
    roles_for loads (and caches on the request) for the navigation anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            person = roles_for(request).person
            zone = zone_for(person.timezone) if person is not None else None
        if zone is not None:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
