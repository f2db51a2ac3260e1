"""Commitment pages: the sponsor writes, keeps and drops them; the protégé reads the shared ones;
HR reads them all. Every commitment is fetched through Commitment.objects.visible_to, so one the
asker may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.roles import person_required, roles_for
from matching.sponsorship import commitments
from matching.sponsorship.forms import CommitmentDropForm, CommitmentForm, CommitmentKeepForm
from matching.sponsorship.models import AdvocacyRecord, Commitment
from matching.sponsorship.selectors import sponsorship_for


def commitment_or_404(request, pk) -> Commitment:
    return get_object_or_404(
        Commitment.objects.visible_to(roles_for(request).person, request.user)
        .select_related("sponsorship__sponsor", "sponsorship__protege", "advocacy_record"),
        pk=pk)


def _sponsors_commitment(request, pk) -> Commitment:
    commitment = commitment_or_404(request, pk)
    if commitment.sponsorship.sponsor_id != request.person.pk:
        raise Http404("Only the sponsor changes a commitment.")
    return commitment


def _keeping_records(commitment: Commitment):
    """The sponsor's records on this sponsorship that could keep it: a matching kind, dated on
    or after the commitment, not keeping another one."""
    return (AdvocacyRecord.objects.filter(
        sponsorship_id=commitment.sponsorship_id, commitment__isnull=True,
        kind__in=commitments.KEEPING_KINDS[commitment.kind],
        occurred_on__gte=commitment.made_on).order_by("-occurred_on", "-id"))


@person_required
def commitment_new(request, pk):
    sponsorship = sponsorship_for(request.person, request.user, pk)
    if sponsorship is None or sponsorship.sponsor_id != request.person.pk:
        raise Http404("Only the sponsor makes commitments.")
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commitments.commitment_make(sponsorship=sponsorship, by=request.person,
                                        **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Commitment written down. You will be reminded before "
                                        "it is due."))
            if "another" in request.POST:
                return redirect("sponsorship:commitment_new", pk=pk)
            return redirect("sponsorship:detail", pk=pk)
    return render(request, "sponsorship/commitment_form.html",
                  {"form": form, "sponsorship": sponsorship})


@person_required
def commitment_detail(request, pk):
    commitment = commitment_or_404(request, pk)
    is_sponsor = commitment.sponsorship.sponsor_id == request.person.pk
    context = {"commitment": commitment, "is_sponsor": is_sponsor,
               "overdue": commitment.is_overdue(timezone.localdate())}
    if is_sponsor and commitment.state == Commitment.State.OPEN:
        context["keep_form"] = CommitmentKeepForm(records=_keeping_records(commitment))
        context["drop_form"] = CommitmentDropForm()
    return render(request, "sponsorship/commitment_detail.html", context)


@require_POST
@person_required
def commitment_keep(request, pk):
    commitment = _sponsors_commitment(request, pk)
    form = CommitmentKeepForm(request.POST, records=_keeping_records(commitment))
    if form.is_valid():
        try:
            commitments.commitment_keep(commitment=commitment, by=request.person,
                                        record=form.cleaned_data["record"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Commitment kept."))
    else:
        messages.error(request, _("Choose the advocacy record that kept the commitment."))
    return redirect("sponsorship:commitment_detail", pk=pk)


@person_required
def commitment_drop(request, pk):
    commitment = _sponsors_commitment(request, pk)
    form = CommitmentDropForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commitments.commitment_drop(commitment=commitment, by=request.person,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.info(request, _("Commitment dropped."))
            return redirect("sponsorship:commitment_detail", pk=pk)
    return render(request, "sponsorship/commitment_detail.html", {
        "commitment": commitment, "is_sponsor": True, "drop_form": form,
        "overdue": commitment.is_overdue(timezone.localdate())})
