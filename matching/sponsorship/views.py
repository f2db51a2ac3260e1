"""Sponsorship pages for leaders, protégés and HR admins.

Every record is fetched through a query scoped to the person asking: a sponsorship they are not
in, or an advocacy record they may not see, is a 404, never a leak.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.forms import add_service_errors
from accounts.models import CareerEvent, SponsorProfile
from accounts.program_settings import setting
from accounts.roles import hr_admin_required, person_required, roles_for
from accounts.search import name_matches
from accounts.services import career_event_correct, career_event_delete, career_event_record
from accounts.submissions import (
    submission_claim,
    submission_fields,
    submission_finish,
    submission_repeat,
)
from matching.relationships.meetings import MEETING_EDIT_DAYS
from matching.relationships.models import CloseReason, RelationshipStatus, SurveyResponse
from matching.relationships.services import (
    meeting_record,
    relationship_close,
    survey_answered,
    survey_url,
)
from matching.sponsorship import commitments, services
from matching.sponsorship.forms import (
    AdvocacyForm,
    CareerEventCorrectForm,
    CareerEventDeleteForm,
    CareerEventFilterForm,
    CareerEventForm,
    CloseForm,
    InterestDeclineForm,
    InterestForm,
    OutcomeForm,
    PairForm,
    ProposeForm,
    RegistrationDecisionForm,
    SponsorRegistrationForm,
    TouchpointForm,
)
from matching.sponsorship.models import (
    AdvocacyRecord,
    Commitment,
    Sponsorship,
    SponsorshipInterest,
)
from matching.sponsorship.selectors import (
    CLOSED_UNSTARTED,
    needs_nudge,
    protege_page,
    sponsor_page,
    sponsorship_for,
)

# Everyone: the overview, registering, telling HR you'd like a sponsor.


@person_required
def index(request):
    person = request.person
    profile = SponsorProfile.objects.filter(person=person).first()
    open_interest = SponsorshipInterest.objects.filter(person=person,
                                                       resolved_at__isnull=True).first()
    is_protege = Sponsorship.objects.filter(protege=person).exclude(
        status__in=CLOSED_UNSTARTED).exists()
    declined_interest = None
    if open_interest is None:
        declined_interest = (SponsorshipInterest.objects.filter(person=person)
                             .exclude(declined_reason="").order_by("-resolved_at").first())
    return render(request, "sponsorship/index.html", {
        "profile": profile, "open_interest": open_interest, "is_protege": is_protege,
        "declined_interest": declined_interest,
        "interest_form": InterestForm(), "min_level": setting("SPONSOR_MIN_LEVEL"),
    })


@person_required
def register(request):
    person = request.person
    profile = SponsorProfile.objects.filter(person=person).prefetch_related("departments").first()
    initial = {}
    if profile:
        initial = {"departments": list(profile.departments.all()),
                   "opportunity_kinds": profile.opportunity_kinds, "capacity": profile.capacity,
                   "is_paused": profile.is_paused}
    form = SponsorRegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.sponsor_register(person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if profile.status == SponsorProfile.Status.APPROVED:
                messages.success(request, _("You are registered as a sponsor."))
                return redirect("sponsorship:sponsor_home")
            messages.info(request, _("Your registration is waiting for HR approval."))
            return redirect("sponsorship:register")
    return render(request, "sponsorship/register.html", {
        "form": form, "profile": profile, "commitment": services.COMMITMENT_STATEMENT,
    })


@require_POST
@person_required
def interest(request):
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            services.sponsorship_interest_record(person=request.person,
                                                 **submission_fields(form))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("HR knows you would like a sponsor and will be in touch."))
    else:
        messages.error(request, services.INTEREST_NEEDS_ASPIRATIONS)
    return redirect("sponsorship:index")


# The sponsor's and the protégé's pages.


@person_required
def sponsor_home(request):
    if not roles_for(request).is_sponsor:
        return redirect("sponsorship:register")
    page = sponsor_page(request.person, timezone.localdate())
    return render(request, "sponsorship/sponsor_home.html", {"page": page})


@person_required
def protege_home(request):
    page = protege_page(request.person)
    return render(request, "sponsorship/protege_home.html",
                  {"page": page, "today": timezone.localdate()})


@person_required
def propose(request):
    if not roles_for(request).is_sponsor:
        return redirect("sponsorship:register")
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if (earlier := submission_claim(request.user, form)) is not None:
                    return submission_repeat(request, earlier, reverse("sponsorship:sponsor_home"))
                sponsorship = services.sponsorship_propose(
                    sponsor=request.person, protege=form.cleaned_data["protege"],
                    origin=Sponsorship.Origin.SPONSOR, proposed_by=request.person)
                submission_finish(request.user, form,
                                  url=reverse("sponsorship:detail", args=[sponsorship.pk]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been asked to accept.")
                             % {"name": sponsorship.protege.full_name})
            return redirect("sponsorship:detail", pk=sponsorship.pk)
    return render(request, "sponsorship/propose.html", {"form": form})


def _sponsorship_or_404(request, pk) -> Sponsorship:
    sponsorship = sponsorship_for(roles_for(request).person, request.user, pk)
    if sponsorship is None:
        raise Http404("No such sponsorship.")
    return sponsorship


@person_required
def detail(request, pk):
    sponsorship = _sponsorship_or_404(request, pk)
    person = request.person
    records = (AdvocacyRecord.objects.visible_to(person, request.user)
               .filter(sponsorship=sponsorship).select_related("career_event"))
    promised = (Commitment.objects.visible_to(person, request.user)
                .filter(sponsorship=sponsorship).select_related("advocacy_record"))
    is_sponsor = sponsorship.sponsor_id == person.pk
    is_protege = sponsorship.protege_id == person.pk
    if not (is_sponsor or is_protege):  # HR reading someone else's sponsorship
        audit_record(request, "sponsorship.hr_view", target=sponsorship,
                     summary=f"Viewed {sponsorship}")
    survey_links = {}
    if is_protege:
        for phase in SurveyResponse.Phase.values:
            due = (sponsorship.is_active if phase == SurveyResponse.Phase.BASELINE
                   else sponsorship.is_closed)
            if due and not survey_answered(relationship=sponsorship, phase=phase):
                survey_links[phase] = survey_url(sponsorship, phase)
    return render(request, "sponsorship/detail.html", {
        "sponsorship": sponsorship, "records": records, "commitments": promised,
        "touchpoints": sponsorship.touchpoints.select_related("author"),
        "is_sponsor": is_sponsor, "is_protege": is_protege,
        "needs_nudge": needs_nudge(sponsorship, timezone.localdate()),
        "survey_links": survey_links, "close_reasons": CloseReason.choices,
        "can_withdraw": sponsorship.status == RelationshipStatus.PROPOSED
        and sponsorship.proposed_by_id == person.pk,
        "today": timezone.localdate(),
        "edit_since": timezone.now() - datetime.timedelta(days=MEETING_EDIT_DAYS),
    })


@require_POST
@person_required
def answer(request, pk):
    sponsorship = _sponsorship_or_404(request, pk)
    accept = request.POST.get("answer") == "accept"
    try:
        if accept:
            services.sponsorship_accept(sponsorship=sponsorship, by=request.person)
        else:
            services.sponsorship_decline(sponsorship=sponsorship, by=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sponsorship:detail", pk=pk)
    if not accept:
        messages.info(request, _("You declined the sponsorship. Nobody is told why."))
        return redirect("sponsorship:protege_home")
    messages.success(request, _("Your sponsorship with %(name)s has started.")
                     % {"name": sponsorship.sponsor.full_name})
    return redirect(survey_url(sponsorship, SurveyResponse.Phase.BASELINE))


@require_POST
@person_required
def withdraw(request, pk):
    sponsorship = _sponsorship_or_404(request, pk)
    try:
        services.sponsorship_withdraw(sponsorship=sponsorship, by=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("Your proposal to %(name)s is withdrawn.")
                      % {"name": sponsorship.protege.full_name})
    return redirect("sponsorship:detail", pk=pk)


@person_required
def touchpoint_new(request, pk):
    sponsorship = _sponsorship_or_404(request, pk)
    form = TouchpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if (earlier := submission_claim(request.user, form)) is not None:
                    return submission_repeat(request, earlier,
                                             reverse("sponsorship:detail", args=[pk]))
                meeting_record(relationship=sponsorship, author=request.person,
                               **submission_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Touchpoint recorded."))
            return redirect("sponsorship:detail", pk=pk)
    return render(request, "sponsorship/touchpoint_form.html",
                  {"form": form, "sponsorship": sponsorship})


@person_required
def close(request, pk):
    sponsorship = _sponsorship_or_404(request, pk)
    if sponsorship.is_closed:  # Back to the form after closing, or the other side closed first
        messages.info(request, _("This sponsorship has already closed."))
        return redirect("sponsorship:detail", pk=pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship_close(relationship=sponsorship, by=request.person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The sponsorship is closed. Thank you for taking part."))
            return redirect("sponsorship:detail", pk=pk)
    return render(request, "sponsorship/close.html", {"form": form, "sponsorship": sponsorship})


# Advocacy records.


@person_required
def advocacy_new(request, pk):
    sponsorship = _sponsorship_or_404(request, pk)
    if sponsorship.sponsor_id != request.person.pk:
        raise Http404("Only the sponsor records advocacy.")
    # ?commitment=<id>: the record keeps that commitment (saved together, or not at all).
    keeping = None
    commitment_id = request.GET.get("commitment")
    if commitment_id:
        if not commitment_id.isdigit():  # a hand-edited link: no such commitment, not a 500
            raise Http404("No such commitment.")
        keeping = get_object_or_404(sponsorship.commitments.filter(state=Commitment.State.OPEN),
                                    pk=commitment_id)
    initial = {} if keeping is None else {
        "kind": commitments.ADVOCACY_KIND_FOR[keeping.kind], "forum": keeping.forum,
        "shared_with_protege": keeping.shared_with_protege}
    form = AdvocacyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if (earlier := submission_claim(request.user, form)) is not None:
                    return submission_repeat(request, earlier,
                                             reverse("sponsorship:detail", args=[pk]))
                if keeping is None:
                    services.advocacy_record(sponsorship=sponsorship, sponsor=request.person,
                                             **submission_fields(form))
                else:
                    commitments.commitment_keep_with_new_record(
                        commitment=keeping, by=request.person, **submission_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Advocacy recorded.") if keeping is None
                             else _("Advocacy recorded and the commitment kept."))
            return redirect("sponsorship:detail", pk=pk)
    return render(request, "sponsorship/advocacy_form.html",
                  {"form": form, "sponsorship": sponsorship, "keeping": keeping})


def _record_or_404(request, pk) -> AdvocacyRecord:
    return get_object_or_404(
        AdvocacyRecord.objects.visible_to(roles_for(request).person, request.user)
        .select_related("sponsorship__sponsor", "sponsorship__protege", "career_event"),
        pk=pk,
    )


@person_required
def advocacy_detail(request, pk):
    record = _record_or_404(request, pk)
    is_sponsor = record.sponsorship.sponsor_id == request.person.pk
    if not is_sponsor and record.sponsorship.protege_id != request.person.pk:
        audit_record(request, "advocacy.hr_view", target=record,
                     summary=f"Viewed advocacy for {record.sponsorship.protege.full_name}")
    form = None
    if is_sponsor:
        form = OutcomeForm(request.POST or None, initial={
            "outcome": record.outcome, "outcome_on": record.outcome_on or timezone.localdate(),
            "note": record.outcome_note,
            "create_career_event": record.kind in services.CAREER_EVENT_FOR_KIND
            and record.career_event_id is None,
        })
        if request.method == "POST" and form.is_valid():
            try:
                services.advocacy_outcome_record(record=record, by=request.person,
                                                 **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Outcome saved."))
                return redirect("sponsorship:advocacy_detail", pk=pk)
    elif request.method == "POST":
        raise Http404("Only the sponsor changes a record.")
    return render(request, "sponsorship/advocacy_detail.html", {
        "record": record, "form": form, "is_sponsor": is_sponsor,
        "makes_career_event": services.CAREER_EVENT_FOR_KIND.get(record.kind),
    })


@require_POST
@person_required
def advocacy_share(request, pk):
    record = _record_or_404(request, pk)
    shared = request.POST.get("shared") == "1"
    try:
        services.advocacy_share_set(record=record, by=request.person, shared=shared)
    except ValidationError:
        raise Http404("Only the sponsor shares a record.") from None
    name = record.sponsorship.protege.full_name
    if shared:
        messages.success(request, _("Shared: %(name)s can now see this record.") % {"name": name})
    else:
        messages.success(request, _("No longer shared: %(name)s cannot see this record now.")
                         % {"name": name})
    return redirect("sponsorship:advocacy_detail", pk=pk)


# HR pages.


@hr_admin_required
def hr_registrations(request):
    pending = list(SponsorProfile.objects.filter(status=SponsorProfile.Status.PENDING)
                   .select_related("person__department").prefetch_related("departments")
                   .order_by("created_at"))
    labels = dict(SponsorProfile.Opportunity.choices)
    for profile in pending:
        profile.opportunity_labels = [labels.get(k, k) for k in profile.opportunity_kinds]
    decided = (SponsorProfile.objects.exclude(status=SponsorProfile.Status.PENDING)
               .filter(decided_by__isnull=False)
               .select_related("person", "decided_by__person").order_by("-decided_at")[:20])
    return render(request, "sponsorship/hr_registrations.html", {
        "pending": pending, "decided": decided, "min_level": setting("SPONSOR_MIN_LEVEL"),
    })


@require_POST
@hr_admin_required
def hr_registration_decide(request, pk):
    profile = get_object_or_404(SponsorProfile.objects.select_related("person"), pk=pk)
    form = RegistrationDecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        services.sponsor_registration_decide(profile=profile, by=request.user, approve=approve,
                                             reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _("%(name)s: %(errors)s") % {
            "name": profile.person.full_name, "errors": " ".join(error.messages)})
    else:
        done = (_("%(name)s's registration is approved.") if approve
                else _("%(name)s's registration is not approved."))
        messages.success(request, done % {"name": profile.person.full_name})
    return redirect("sponsorship:hr_registrations")


@hr_admin_required
def hr_pair(request):
    interest = None
    interest_id = request.GET.get("interest") or request.POST.get("interest")
    if interest_id:
        if not interest_id.isdigit():  # a hand-edited link: no such request, not a 500
            raise Http404("No such request for a sponsor.")
        interest = get_object_or_404(
            SponsorshipInterest.objects.select_related("person").filter(resolved_at__isnull=True),
            pk=interest_id)
    initial = {"protege": interest.person.email} if interest else {}
    form = PairForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        hr_person = roles_for(request).person
        try:
            with transaction.atomic():
                if (earlier := submission_claim(request.user, form)) is not None:
                    return submission_repeat(request, earlier, reverse("sponsorship:hr_pair"))
                sponsorship = services.sponsorship_propose(
                    sponsor=form.cleaned_data["sponsor"].person,
                    protege=form.cleaned_data["protege"],
                    origin=Sponsorship.Origin.INTEREST if interest else Sponsorship.Origin.HR,
                    proposed_by=hr_person, interest=interest)
                submission_finish(request.user, form,
                                  url=reverse("sponsorship:detail", args=[sponsorship.pk]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Proposed: %(sponsorship)s. %(name)s has been asked to "
                                        "accept.") % {"sponsorship": sponsorship,
                                                      "name": sponsorship.protege.full_name})
            return redirect("sponsorship:hr_interests" if interest else "sponsorship:hr_pair")
    return render(request, "sponsorship/hr_pair.html", {"form": form, "interest": interest})


@hr_admin_required
def hr_interests(request):
    interests = (SponsorshipInterest.objects.filter(resolved_at__isnull=True)
                 .select_related("person__department", "sponsorship__sponsor")
                 .order_by("created_at"))
    page = Paginator(interests, 25).get_page(request.GET.get("page"))
    return render(request, "sponsorship/hr_interests.html", {"page": page})


@require_POST
@hr_admin_required
def hr_interest_decline(request, pk):
    interest = get_object_or_404(SponsorshipInterest.objects.select_related("person"), pk=pk)
    form = InterestDeclineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("reason") or services.INTEREST_NOT_OPEN)
        services.sponsorship_interest_decline(interest=interest, by=request.user,
                                              reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _("%(name)s: %(errors)s") % {
            "name": interest.person.full_name, "errors": " ".join(error.messages)})
    else:
        messages.success(request, _("%(name)s's request is declined; they can read your "
                                    "reason.") % {"name": interest.person.full_name})
    return redirect("sponsorship:hr_interests")


@hr_admin_required
def hr_career_events(request):
    filters = CareerEventFilterForm(request.GET or None)
    events = CareerEvent.objects.select_related("person__department", "advocacy_record")
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            events = events.filter(kind=filters.cleaned_data["kind"])
        q = filters.cleaned_data["q"].strip()
        if q:
            events = events.filter(name_matches(q, prefix="person__") | Q(person__email__iexact=q)
                                   | Q(person__employee_id=q))
    form = CareerEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if (earlier := submission_claim(request.user, form)) is not None:
                    return submission_repeat(request, earlier,
                                             reverse("sponsorship:hr_career_events"))
                event = career_event_record(recorded_by=request.user, **submission_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded: %(event)s.") % {"event": event})
            return redirect("sponsorship:hr_career_events")
    page = Paginator(events.order_by("-occurred_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "sponsorship/hr_career_events.html", {
        "page": page, "form": form, "filters": filters,
    })


@hr_admin_required
def hr_career_event_edit(request, pk):
    """Correct or delete one career event, with a reason that is kept."""
    event = get_object_or_404(
        CareerEvent.objects.select_related("person", "advocacy_record__sponsorship__sponsor"),
        pk=pk)
    deleting = request.method == "POST" and request.POST.get("action") == "delete"
    form = CareerEventCorrectForm(request.POST if request.method == "POST" and not deleting
                                  else None, instance=CareerEvent(
                                      kind=event.kind, occurred_on=event.occurred_on,
                                      description=event.description))
    delete_form = CareerEventDeleteForm(request.POST if deleting else None)
    if deleting and delete_form.is_valid():
        try:
            career_event_delete(event=event, by=request.user, request=request,
                                **delete_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(delete_form, error)
        else:
            messages.success(request, _("Deleted: %(event)s.") % {"event": event})
            return redirect("sponsorship:hr_career_events")
    elif request.method == "POST" and not deleting and form.is_valid():
        try:
            event = career_event_correct(event=event, by=request.user, request=request,
                                         **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Corrected: %(event)s.") % {"event": event})
            return redirect("sponsorship:hr_career_events")
    return render(request, "sponsorship/hr_career_event_edit.html", {
        "event": event, "form": form, "delete_form": delete_form,
    })
