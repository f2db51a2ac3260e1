"""The pair's page: contact, messages and meeting times. Only the two people of the relationship
reach it: every record comes through services.relationship_for (404 for anyone else, HR too)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.roles import person_required
from accounts.submissions import submission_claim, submission_finish, submission_repeat
from matching.pairs import calendar, services
from matching.pairs.forms import AnswerForm, MessageForm, ProposeForm, ReflectionForm
from matching.pairs.models import CalendarFeed, MeetingProposal
from matching.relationships import services as relationships

THREAD_PAGE = 200  # the latest messages shown; older ones stay in the database


def _relationship_or_404(request, kind, pk):
    relationship = services.relationship_for(request.person, kind, pk)
    if relationship is None:
        raise Http404("No such relationship of yours.")
    return relationship


def _proposal_or_404(request, proposal_id) -> MeetingProposal:
    proposal = get_object_or_404(MeetingProposal.objects.select_related(
        "mentorship", "sponsorship", "proposed_by"), pk=proposal_id)
    relationship = proposal.relationship
    if services.relationship_for(request.person, relationships.kind_name(relationship),
                                 relationship.pk) is None:
        raise Http404("No such meeting of yours.")
    return proposal


def _render(request, relationship, *, message_form=None, propose_form=None, status=200):
    person = request.person
    other = services.other_side(relationship, person)
    read_before = services.read_mark(relationship, person)
    thread = list(services.messages_for(relationship).order_by("-created_at", "-id")
                  [:THREAD_PAGE])[::-1]
    proposals = list(services.proposals_for(relationship)[:10])
    open_proposal = next((p for p in proposals if p.status == MeetingProposal.Status.OPEN), None)
    accepted = services.meetings_accepted(relationship)
    upcoming = services.meeting_upcoming(accepted)
    held = services.meeting_held_unlogged(relationship, accepted)
    if request.method == "GET":
        services.thread_mark_read(relationship, person)
    now = timezone.now()
    return render(request, "pairs/thread.html", {
        "relationship": relationship,
        "kind": relationships.kind_name(relationship),
        "back_url": relationships.relationship_url(relationship),
        "other": other,
        "other_now": services.local(now, other),
        "my_zone": person.timezone,
        "thread": [(m, read_before is None or (m.author_id != person.pk
                                               and m.created_at > read_before)) for m in thread],
        "message_form": message_form or MessageForm(),
        "propose_form": propose_form or ProposeForm(zone=person.timezone),
        "open_proposal": open_proposal,
        "open_options": ([(i, services.local(t, person)) for i, t
                          in enumerate(open_proposal.options, start=1)] if open_proposal else []),
        "upcoming": upcoming,
        "upcoming_local": services.local(upcoming.starts_at, person) if upcoming else None,
        "held": held,
        "held_local": services.local(held.starts_at, person) if held else None,
        "history": [p for p in proposals if p is not open_proposal][:5],
    }, status=status)


@person_required
def thread(request, kind, pk):
    relationship = _relationship_or_404(request, kind, pk)
    if request.method == "POST":
        form = MessageForm(request.POST)
        done_url = services.thread_url(relationship) + "#messages-end"
        if form.is_valid():
            try:
                with transaction.atomic():
                    # A double click or Back-and-send posts the message once.
                    if (earlier := submission_claim(request.user, form)) is not None:
                        return submission_repeat(request, earlier, done_url)
                    services.message_post(relationship=relationship, author=request.person,
                                          body=form.cleaned_data["body"])
                    submission_finish(request.user, form, url=done_url)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(done_url)
        return _render(request, relationship, message_form=form, status=400)
    return _render(request, relationship)


@person_required
@require_POST
def propose(request, kind, pk):
    relationship = _relationship_or_404(request, kind, pk)
    form = ProposeForm(request.POST, zone=request.person.timezone)
    done_url = services.thread_url(relationship) + "#meetings"
    if form.is_valid():
        try:
            with transaction.atomic():
                if (earlier := submission_claim(request.user, form)) is not None:
                    return submission_repeat(request, earlier, done_url)
                services.meeting_propose(relationship=relationship, person=request.person,
                                         options=form.options(),
                                         duration_minutes=form.cleaned_data["duration_minutes"],
                                         note=form.cleaned_data["note"])
                submission_finish(request.user, form, url=done_url)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Times sent: you will hear when one is accepted."))
            return redirect(done_url)
    return _render(request, relationship, propose_form=form, status=400)


def _answer(request, proposal_id, action, done: str):
    proposal = _proposal_or_404(request, proposal_id)
    relationship = proposal.relationship
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered times."))
        return redirect(services.thread_url(relationship) + "#meetings")
    try:
        action(proposal, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(services.thread_url(relationship) + "#meetings")


@person_required
@require_POST
def accept(request, proposal_id):
    def act(proposal, data):
        options = proposal.options
        choice = data.get("choice")
        if not choice or choice > len(options):
            raise ValidationError(services.CHOICE_INVALID)
        services.meeting_accept(proposal=proposal, person=request.person,
                                starts_at=options[choice - 1])

    return _answer(request, proposal_id, act,
                   _("Accepted: it is your next meeting. Add it to your calendar below."))


@person_required
@require_POST
def decline(request, proposal_id):
    return _answer(request, proposal_id, lambda proposal, data: services.meeting_decline(
        proposal=proposal, person=request.person, note=data.get("note") or ""),
        _("Declined. You can offer other times below."))


@person_required
@require_POST
def cancel(request, proposal_id):
    return _answer(request, proposal_id, lambda proposal, data: services.meeting_cancel(
        proposal=proposal, person=request.person, note=data.get("note") or ""),
        _("Cancelled: the other person is told."))


@person_required
def meeting_ics(request, proposal_id):
    proposal = _proposal_or_404(request, proposal_id)
    if proposal.starts_at is None:
        raise Http404("This meeting has no agreed time yet.")
    response = HttpResponse(calendar.meeting_calendar(proposal),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{proposal.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# The personal calendar feed.


def _feed_urls(request, feed: CalendarFeed) -> dict:
    https = request.build_absolute_uri(reverse("pairs:feed", args=[feed.token]))
    return {"feed_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@person_required
def calendar_page(request):
    feed, _created = CalendarFeed.objects.get_or_create(person=request.person)
    if request.method == "POST":
        with transaction.atomic():
            CalendarFeed.objects.filter(pk=feed.pk).delete()
            feed = CalendarFeed.objects.create(person=request.person)
        messages.success(request, _("Done: the old address no longer works. Subscribe again "
                                    "with the new one below."))
        return redirect("pairs:calendar")
    return render(request, "pairs/calendar.html", _feed_urls(request, feed))


def feed(request, token):
    """No sign-in (calendar apps cannot): the secret address is the key."""
    subscription = get_object_or_404(CalendarFeed.objects.select_related("person"),
                                     token=token)
    response = HttpResponse(calendar.person_feed(subscription.person),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@person_required
def reflection(request, kind, pk):
    relationship = _relationship_or_404(request, kind, pk)
    giver, _receiver = relationships.participants(relationship)
    if giver.pk != request.person.pk:
        raise Http404("Only the mentor or sponsor answers this.")
    form = ReflectionForm(request.POST or None)
    due = services.reflection_due(relationship, request.person)
    if request.method == "POST" and due and form.is_valid():
        try:
            services.reflection_record(relationship=relationship, person=request.person,
                                       **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect(relationships.relationship_url(relationship))
    return render(request, "pairs/reflection.html", {
        "form": form, "relationship": relationship, "kind": kind, "due": due,
        "other": services.other_side(relationship, request.person),
        "back_url": relationships.relationship_url(relationship)},
        status=400 if form.errors else 200)
