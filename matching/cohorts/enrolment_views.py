"""The employee side of cohorts: see the rounds open to me, enrol, rank, set must-haves."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.roles import person_required
from matching.cohorts import services
from matching.cohorts.forms import EnrolForm
from matching.cohorts.match import GIVER_WORD, RECEIVER_WORD, ROLES
from matching.cohorts.models import Cohort, CohortEnrolment


@person_required
def enrolment_list(request):
    cohorts = list(Cohort.objects.visible_to(request.person).order_by("-created_at", "-id"))
    mine = {}
    for enrolment in CohortEnrolment.objects.filter(person=request.person,
                                                    cohort__in=[c.pk for c in cohorts]):
        mine.setdefault(enrolment.cohort_id, []).append(enrolment)
    rows = [(cohort, mine.get(cohort.pk, []), _roles(mine.get(cohort.pk, [])))
            for cohort in cohorts]
    return render(request, "cohorts/enrolment_list.html", {"rows": rows})


@person_required
def enrol(request, slug):
    cohort = get_object_or_404(Cohort.objects.visible_to(request.person), slug=slug)
    receiver_role, giver_role = ROLES[cohort.kind]
    mine = {e.role: e for e in CohortEnrolment.objects.filter(cohort=cohort,
                                                               person=request.person)}
    current = mine.get(receiver_role) or mine.get(giver_role)
    givers = list(CohortEnrolment.objects.filter(cohort=cohort, role=giver_role)
                  .exclude(person=request.person).order_by("person__full_name")
                  .values_list("person_id", "person__full_name"))
    initial = {"role": current.role if current else receiver_role,
               "capacity": current.capacity if current else 1,
               "must_haves": current.must_haves if current else []}
    for rank, pk in enumerate(current.preferred if current else [], start=1):
        initial[f"preferred_{rank}"] = str(pk)
    form = EnrolForm(request.POST or None, cohort=cohort, givers=givers, initial=initial)
    if (request.method == "POST" and cohort.status == Cohort.Status.ENROLLING
            and form.is_valid()):
        try:
            services.cohort_enrol(cohort=cohort, person=request.person,
                                  role=form.cleaned_data["role"],
                                  capacity=form.cleaned_data["capacity"] or 1,
                                  preferred=form.preferred(),
                                  must_haves=form.cleaned_data["must_haves"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("You are enrolled in %(cohort)s. You can change this "
                                        "until HR matches the cohort.") % {"cohort": cohort.name})
            return redirect("cohort_enrolment:enrol", cohort.slug)
    return render(request, "cohorts/enrol.html", {
        "cohort": cohort, "form": form, "enrolments": list(mine.values()),
        "receiver_word": RECEIVER_WORD[cohort.kind], "giver_word": GIVER_WORD[cohort.kind],
        "giver_role": giver_role, "enrolled_as": _roles(mine.values()),
    })


def _roles(enrolments) -> str:
    """"mentee", or "mentee and mentor": the roles someone enrolled in, for a sentence."""
    return get_text_list([e.get_role_display().lower() for e in enrolments], _("and"))


@require_POST
@person_required
def withdraw(request, slug):
    cohort = get_object_or_404(Cohort.objects.visible_to(request.person), slug=slug)
    enrolments = list(CohortEnrolment.objects.filter(cohort=cohort, person=request.person))
    try:
        for enrolment in enrolments:
            services.cohort_enrolment_withdraw(enrolment=enrolment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You have left %(cohort)s.") % {"cohort": cohort.name})
    return redirect("cohort_enrolment:list")
