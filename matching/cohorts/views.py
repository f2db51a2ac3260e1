"""HR's cohort pages: create, enrol and invite, set weights, preview, pin or forbid, publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.models import Person
from accounts.program_settings import setting
from accounts.roles import hr_admin_required
from matching.cohorts import services
from matching.cohorts.forms import (
    CohortCreateForm,
    CohortSettingsForm,
    InviteForm,
    PairRuleForm,
    WeightsForm,
)
from matching.cohorts.match import GIVER_WORD, RECEIVER_WORD, ROLES, cohort_match
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.cohorts.scores import MUST_HAVES, cohort_weights
from matching.cohorts.solver import OBJECTIVES
from matching.mentorship.models import Mentorship
from matching.sponsorship.models import Sponsorship

RECEIVER_ROLES = [CohortEnrolment.Role.MENTEE, CohortEnrolment.Role.PROTEGE]
GIVER_ROLES = [CohortEnrolment.Role.MENTOR, CohortEnrolment.Role.SPONSOR]


def _flash(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@hr_admin_required
def cohort_list(request):
    cohorts = Cohort.objects.annotate(
        receivers=Count("enrolments", filter=Q(enrolments__role__in=RECEIVER_ROLES)),
        givers=Count("enrolments", filter=Q(enrolments__role__in=GIVER_ROLES)),
    ).order_by("-created_at", "-id")
    page = Paginator(cohorts, 25).get_page(request.GET.get("page"))
    return render(request, "cohorts/list.html", {"page": page})


@hr_admin_required
def cohort_new(request):
    form = CohortCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(cohort)s is open for enrolment.")
                             % {"cohort": cohort.name})
            return redirect("cohorts:detail", cohort.slug)
    return render(request, "cohorts/form.html", {"form": form})


@hr_admin_required
def cohort_detail(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    enrolments = (CohortEnrolment.objects.filter(cohort=cohort)
                  .select_related("person", "person__department")
                  .order_by("role", "person__full_name", "id"))
    page = Paginator(enrolments, 50).get_page(request.GET.get("page"))
    givers = {e.person_id: e.person.full_name for e in page if e.role in GIVER_ROLES}
    preferred_ids = {pk for e in page for pk in e.preferred}
    names = dict(Person.objects.filter(pk__in=preferred_ids - set(givers))
                 .values_list("pk", "full_name")) | givers
    rows = [(e, [names.get(pk, "?") for pk in e.preferred],
             [MUST_HAVES.get(k, k) for k in e.must_haves]) for e in page]
    counts = dict(CohortEnrolment.objects.filter(cohort=cohort).values_list("role")
                  .annotate(n=Count("id")).values_list("role", "n"))
    receiver_role, giver_role = ROLES[cohort.kind]
    relationships = None
    if cohort.status == Cohort.Status.PUBLISHED:
        model = Mentorship if cohort.kind == Cohort.Kind.MENTORSHIP else Sponsorship
        giver, receiver = ("mentor", "mentee") if model is Mentorship else ("sponsor", "protege")
        relationships = (model.objects.filter(cohort=cohort).select_related(giver, receiver)
                         .order_by(f"{receiver}__full_name"))
    return render(request, "cohorts/detail.html", {
        "cohort": cohort, "page": page, "rows": rows,
        "receivers": counts.get(receiver_role, 0), "givers": counts.get(giver_role, 0),
        "receiver_word": RECEIVER_WORD[cohort.kind], "giver_word": GIVER_WORD[cohort.kind],
        "invite_form": InviteForm(cohort=cohort), "weights_form": _weights_form(cohort),
        "relationships": relationships,
    })


def _weights_form(cohort: Cohort, data=None) -> WeightsForm:
    return WeightsForm(data, initial={**cohort_weights(cohort.weights),
                                      "objective": cohort.objective})


@hr_admin_required
def cohort_edit(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    initial = {name: getattr(cohort, name) for name in CohortSettingsForm.base_fields}
    form = CohortSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, changes=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cohort's settings are saved."))
            return redirect("cohorts:detail", cohort.slug)
    return render(request, "cohorts/form.html", {"form": form, "cohort": cohort})


@require_POST
@hr_admin_required
def weights_save(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = _weights_form(cohort, request.POST)
    if form.is_valid():
        try:
            services.cohort_weights_set(cohort=cohort, weights=form.weights(),
                                        objective=form.cleaned_data["objective"])
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, _("Weights saved. The preview uses them now."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(errors)
            messages.error(request, _("%(field)s: %(errors)s") % {"field": label, "errors": text}
                           if label else text)
    if request.POST.get("next") == "preview":
        return redirect("cohorts:preview", cohort.slug)
    return redirect("cohorts:detail", cohort.slug)


@require_POST
@hr_admin_required
def cohort_invite(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = InviteForm(request.POST, cohort=cohort)
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            _enrolment, told = services.cohort_invite(
                cohort=cohort, person=person, role=form.cleaned_data["role"],
                capacity=form.cleaned_data["capacity"])
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, (_("%(name)s is invited and enrolled.") if told else
                                       _("%(name)s was already enrolled in this role, so they "
                                         "were not invited again."))
                             % {"name": person.full_name})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("cohorts:detail", cohort.slug)


@require_POST
@hr_admin_required
def enrolment_remove(request, slug, pk):
    enrolment = get_object_or_404(CohortEnrolment.objects.select_related("cohort", "person"),
                                  pk=pk, cohort__slug=slug)
    try:
        services.cohort_enrolment_withdraw(enrolment=enrolment)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("%(name)s is no longer enrolled.")
                         % {"name": enrolment.person.full_name})
    return redirect("cohorts:detail", slug)


@hr_admin_required
def cohort_preview(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    objective = request.GET.get("objective")
    if objective not in OBJECTIVES:
        objective = cohort.objective
    result = cohort_match(cohort=cohort, objective=objective)
    rules = (CohortPairRule.objects.filter(cohort=cohort).select_related("giver", "receiver")
             .order_by("rule", "receiver__full_name"))
    pinned = {(r.receiver_id, r.giver_id) for r in rules if r.rule == CohortPairRule.Rule.PIN}
    gain = result.total_score - result.greedy_total_score
    return render(request, "cohorts/preview.html", {
        "cohort": cohort, "result": result, "rules": rules, "pinned": pinned,
        "gain": gain, "objective": objective, "weights_form": _weights_form(cohort),
        "rule_form": PairRuleForm(), "min_group": setting("REPORT_MIN_GROUP_SIZE"),
        "receiver_word": RECEIVER_WORD[cohort.kind], "giver_word": GIVER_WORD[cohort.kind],
        "other_objective": [o for o in OBJECTIVES if o != objective][0],
    })


@require_POST
@hr_admin_required
def rule_add(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = PairRuleForm(request.POST)
    objective = request.POST.get("objective", "")
    if form.is_valid():
        giver, receiver = form.cleaned_data["giver"], form.cleaned_data["receiver"]
        try:
            services.cohort_pair_rule_set(cohort=cohort, giver=giver, receiver=receiver,
                                          rule=form.cleaned_data["rule"], by=request.user)
        except ValidationError as error:
            _flash(request, error)
        else:
            done = (_("%(receiver)s and %(giver)s: pinned. The preview is re-run with it.")
                    if form.cleaned_data["rule"] == "pin" else
                    _("%(receiver)s and %(giver)s: forbidden. The preview is re-run with it."))
            messages.success(request, done % {"receiver": receiver.full_name,
                                              "giver": giver.full_name})
    else:
        for field, errors in form.errors.items():
            messages.error(request, _("%(field)s: %(errors)s") % {
                "field": form.fields[field].label, "errors": " ".join(errors)})
    return _back_to_preview(cohort, objective)


@require_POST
@hr_admin_required
def rule_remove(request, slug, pk):
    rule = get_object_or_404(CohortPairRule.objects.select_related("cohort"), pk=pk,
                             cohort__slug=slug)
    try:
        services.cohort_pair_rule_clear(rule=rule)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The rule is removed."))
    return _back_to_preview(rule.cohort, request.POST.get("objective", ""))


def _back_to_preview(cohort: Cohort, objective: str):
    response = redirect("cohorts:preview", cohort.slug)
    if objective in OBJECTIVES:
        response["Location"] += f"?objective={objective}"
    return response


@require_POST
@hr_admin_required
def cohort_publish(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    objective = request.POST.get("objective", "")
    try:
        result = services.cohort_publish(
            cohort=cohort, by=request.user,
            objective=objective if objective in OBJECTIVES else None,
            expected_fingerprint=request.POST.get("fingerprint", ""))
    except ValidationError as error:
        _flash(request, error)
        return _back_to_preview(cohort, objective)
    made = ngettext("Published: %(count)s pair made and told.",
                    "Published: %(count)s pairs made and told.", len(result.pairs))
    unmatched = ngettext("%(count)s person without a match was told too.",
                         "%(count)s people without a match were told too.", len(result.unmatched))
    messages.success(request, " ".join([made % {"count": len(result.pairs)},
                                        unmatched % {"count": len(result.unmatched)}]))
    return redirect("cohorts:detail", cohort.slug)
