"""Who the signed-in user is in the program. The navigation and permission checks read this."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied

from .access import access_request_open
from .forms import AccessRequestForm
from .models import Person, SponsorProfile


@dataclass(frozen=True)
class Roles:
    person: Person | None
    is_employee: bool
    is_mentor: bool
    is_sponsor: bool
    is_hr_admin: bool


NOBODY = Roles(person=None, is_employee=False, is_mentor=False, is_sponsor=False,
               is_hr_admin=False)


def roles_for(request) -> Roles:
    """One query, cached on the request."""
    cached = getattr(request, "_roles", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated:
        roles = NOBODY
    else:
        person = (
            Person.objects.filter(user=user)
            .select_related("mentor_profile", "sponsor_profile", "department")
            .first()
        )
        mentor = getattr(person, "mentor_profile", None) if person else None
        sponsor = getattr(person, "sponsor_profile", None) if person else None
        roles = Roles(
            person=person,
            is_employee=person is not None,
            is_mentor=mentor is not None,
            is_sponsor=sponsor is not None and sponsor.status == SponsorProfile.Status.APPROVED,
            is_hr_admin=user.is_hr_admin,
        )
    request._roles = roles
    return roles


def hr_admin_required(view):
    """403 for anyone who is not an HR admin (signed-in or not: anonymous go to login)."""
    from django.contrib.auth.decorators import login_required

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_hr_admin:
            raise PermissionDenied("This page is for HR admins.")
        return view(request, *args, **kwargs)

    return wrapper


def person_required(view):
    """The view needs the signed-in user's HR record; without one, explain instead of crashing."""
    from django.contrib.auth.decorators import login_required
    from django.shortcuts import render

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        roles = roles_for(request)
        if roles.person is None:
            return render(request, "accounts/no_person.html",
                          {"access_request": access_request_open(request.user),
                           "access_form": AccessRequestForm()}, status=403)
        request.person = roles.person
        return view(request, *args, **kwargs)

    return wrapper
