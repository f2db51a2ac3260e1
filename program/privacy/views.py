"""Download my data (every employee) and anonymise people who left (HR)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.models import Person
from accounts.roles import hr_admin_required, person_required
from program.privacy.services import ANONYMOUS_NAME, person_anonymise, person_data

PER_PAGE = 50


@person_required
def my_data(request):
    """Everything the app holds about the signed-in person, as one JSON file."""
    audit_record(request, "person.data_export", target=request.person,
                 summary="Downloaded their own data")
    body = json.dumps(person_data(request.person), cls=DjangoJSONEncoder, indent=2,
                      ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"')
    return response


def _people_who_left():
    return (Person.objects.filter(termination_date__lte=timezone.localdate())
            .exclude(full_name__startswith=ANONYMOUS_NAME.split("{", 1)[0])
            .select_related("department").order_by("-termination_date", "id"))


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(label="I understand this cannot be undone.")


@hr_admin_required
def people_left(request):
    page = Paginator(_people_who_left(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "hr/people_left.html", {"page": page, "form": AnonymiseForm()})


@require_POST
@hr_admin_required
def anonymise(request, pk):
    person = get_object_or_404(_people_who_left(), pk=pk)
    form = AnonymiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{person.full_name} was not anonymised: tick the box to "
                                "confirm it cannot be undone.")
        return redirect("hr:people_left")
    name = person.full_name
    try:
        person_anonymise(person=person, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{name} is anonymised: name, addresses and what they wrote "
                                  "are gone; the program's figures are unchanged.")
    return redirect("hr:people_left")
