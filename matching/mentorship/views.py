"""Mentorship pages. Every record comes through a query scoped to the person asking (404 else)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.models import MentorProfile, Person
from accounts.preferences import Delivery, delivery_for
from accounts.program_settings import setting
from accounts.roles import person_required
from accounts.submissions import ALREADY_SUBMITTED, TOKEN_FIELD, submission_claim
from matching import scoring
from matching.mentorship import selectors, services
from matching.mentorship.forms import (
    AcceptForm,
    AgreementForm,
    CheckInForm,
    CloseForm,
    DeclineForm,
    DirectoryFilterForm,
    GoalForm,
    GoalStatusForm,
    MentorProfileForm,
    MentorRequestForm,
)
from matching.mentorship.models import Goal, MentorRequest
from matching.relationships import services as relationships
from matching.relationships.meetings import MEETING_EDIT_DAYS

DIRECTORY_PAGE_SIZE = 20


@person_required
def index(request):
    person = request.person
    overview = selectors.overview_for(person)
    past = list(selectors.mentorships_for(person).exclude(status="active")[:20])
    profile = MentorProfile.objects.filter(person=person).first()
    return render(request, "mentorship/index.html",
                  {"overview": overview, "past": past, "profile": profile})


# Becoming a mentor.


@person_required
def profile_edit(request):
    person = request.person
    profile = MentorProfile.objects.filter(person=person).prefetch_related("skills").first()
    initial = ({"capacity": profile.capacity, "skills": list(profile.skills.all()),
                "how_i_can_help": profile.how_i_can_help, "cadence_days": profile.cadence_days,
                "languages": profile.languages, "is_paused": profile.is_paused}
               if profile else {"skills": list(person.skills.all()),
                                "languages": person.languages})
    form = MentorProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_profile_save(person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["is_paused"]:
                messages.success(request, _("Saved. You are paused: nobody can send you new "
                                            "requests until you resume."))
            else:
                messages.success(request, _("Saved. Employees can now find you and ask you to "
                                            "mentor them.") if profile is None else _("Saved."))
            return redirect("mentorship:index")
    return render(request, "mentorship/profile_edit.html", {"form": form, "profile": profile})


# Finding a mentor.


@person_required
def directory(request):
    choices = selectors.directory_choices()
    form = DirectoryFilterForm(request.GET or None, **choices)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.directory(
        query=(filters.get("q") or "").strip(), skill=filters.get("skill"),
        department=filters.get("department"), location=filters.get("location") or "",
        level=filters.get("level"), language=filters.get("language") or "",
        has_capacity=bool(filters.get("has_capacity")), exclude=request.person,
    )
    page = Paginator(profiles, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mentorship/directory.html", {"form": form, "page": page})


@person_required
def suggestions(request):
    person = request.person
    goals = list(person.development_goals.order_by("name"))
    found = selectors.suggestions_for(person, limit=10)
    return render(request, "mentorship/suggestions.html",
                  {"suggestions": found, "goals": goals})


def how_it_works(request):
    weights = scoring.SUGGESTION_WEIGHTS
    rules = [(name, weights[name]) for name in scoring.CRITERIA if weights[name]]
    return render(request, "mentorship/how_it_works.html",
                  {"rules": rules, "total": sum(w for _, w in rules),
                   "expiry_days": setting("MENTOR_REQUEST_EXPIRY_DAYS"),
                   "max_open": services.settings.MENTEE_MAX_OPEN_REQUESTS})


@person_required
def mentor_detail(request, person_id):
    profile = get_object_or_404(
        MentorProfile.objects.select_related("person", "person__department")
        .prefetch_related("skills"), person_id=person_id)
    person = request.person
    problem = services.mentor_request_problem(mentee=person, mentor=profile.person)
    candidates = scoring.load_candidates([person.pk])
    mentor_candidate = scoring.load_candidates([profile.person_id], mentors=True)
    score, reasons = scoring.score_pair(candidates[person.pk],
                                        mentor_candidate[profile.person_id],
                                        scoring.SUGGESTION_WEIGHTS)
    return render(request, "mentorship/mentor_detail.html",
                  {"profile": profile, "problem": problem, "score": score, "reasons": reasons})


# Requests.


@person_required
def request_create(request, person_id):
    mentor = get_object_or_404(Person.objects.filter(mentor_profile__isnull=False), pk=person_id)
    person = request.person
    form = MentorRequestForm(request.POST or None,
                             initial={"goals": list(person.development_goals.all())})
    problem = None if request.method == "POST" else services.mentor_request_problem(
        mentee=person, mentor=mentor)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_request_create(mentee=person, mentor=mentor,
                                           message=form.cleaned_data["message"],
                                           goals=form.cleaned_data["goals"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, SENT[delivery_for(person, "mentor_request_accepted")]
                             % {"name": mentor.full_name})
            return redirect("mentorship:index")
    return render(request, "mentorship/request_form.html",
                  {"form": form, "mentor": mentor, "problem": problem,
                   "mentor_hears": delivery_for(mentor, "mentor_request_received"),
                   "expiry_days": setting("MENTOR_REQUEST_EXPIRY_DAYS")})


# Where the mentee hears the answer: as their own notification settings say.
SENT = {
    Delivery.EMAIL: gettext_lazy("Your request is on its way to %(name)s. You will hear back "
                                 "here and by email."),
    Delivery.DIGEST: gettext_lazy("Your request is on its way to %(name)s. You will hear back "
                                  "here and in your daily email digest."),
    Delivery.INBOX: gettext_lazy("Your request is on its way to %(name)s. You will hear back "
                                 "here, in your inbox."),
}


def _request_for(request, pk) -> MentorRequest:
    return get_object_or_404(selectors.requests_for(request.person), pk=pk)


@person_required
def request_detail(request, pk):
    mentor_request = _request_for(request, pk)
    is_mentor = mentor_request.mentor_id == request.person.pk
    context = {"mentor_request": mentor_request, "is_mentor": is_mentor,
               "accept_form": AcceptForm(), "decline_form": DeclineForm()}
    if is_mentor:  # the mentor decides knowing who asks: their goals, skills and interests
        context["mentee_goals"] = list(mentor_request.mentee.development_goals.all())
        context["mentee_skills"] = list(mentor_request.mentee.skills.all())
    if is_mentor and mentor_request.status == MentorRequest.Status.OPEN:
        candidates = scoring.load_candidates([mentor_request.mentee_id])
        mentor = scoring.load_candidates([request.person.pk], mentors=True)
        mentee = scoring.with_goals(candidates[mentor_request.mentee_id],
                                    mentor_request.goals.all())
        context["score"], context["reasons"] = scoring.score_pair(
            mentee, mentor[request.person.pk], scoring.SUGGESTION_WEIGHTS)
    if hasattr(mentor_request, "mentorship"):
        context["mentorship"] = mentor_request.mentorship
    return render(request, "mentorship/request_detail.html", context)


@require_POST
@person_required
def request_accept(request, pk):
    mentor_request = _request_for(request, pk)
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        mentorship = services.mentor_request_accept(
            mentor_request=mentor_request, by=request.person,
            agreement=form.cleaned_data.get("agreement", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mentorship:request_detail", pk=pk)
    messages.success(request, _("You are now mentoring %(name)s. Agree your goals and book the "
                                "first check-in.") % {"name": mentorship.mentee.full_name})
    return redirect("mentorship:detail", pk=mentorship.pk)


@require_POST
@person_required
def request_decline(request, pk):
    mentor_request = _request_for(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.mentor_request_decline(mentor_request=mentor_request, by=request.person,
                                            reason=form.cleaned_data["reason"],
                                            note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = mentor_request.mentee.full_name
            messages.success(request, _("Declined. We told %(name)s kindly and pointed them to "
                                        "other mentors.") % {"name": name})
            return redirect("mentorship:index")
    else:
        messages.error(request, _("Choose a reason for declining."))
    return redirect("mentorship:request_detail", pk=pk)


@require_POST
@person_required
def request_withdraw(request, pk):
    mentor_request = _request_for(request, pk)
    try:
        services.mentor_request_withdraw(mentor_request=mentor_request, by=request.person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mentorship:request_detail", pk=pk)
    messages.success(request, _("Request withdrawn."))
    return redirect("mentorship:index")


# The mentorship.


def _mentorship_for(request, pk):
    return get_object_or_404(selectors.mentorships_for(request.person), pk=pk)


@person_required
def detail(request, pk, *, check_in_form=None, agreement_form=None, close_form=None,
           goal_form=None, goal_notice="", status=200):
    mentorship = _mentorship_for(request, pk)
    person = request.person
    check_ins = list(mentorship.check_ins.select_related("author"))
    goals = list(mentorship.goals.all())
    surveys = {s.phase for s in mentorship.survey_responses.all()}
    context = {
        "mentorship": mentorship,
        "is_mentee": mentorship.mentee_id == person.pk,
        "other": mentorship.mentor if mentorship.mentee_id == person.pk else mentorship.mentee,
        "check_ins": check_ins,
        "goals": goals,
        "goal_statuses": Goal.Status.choices,
        "next_due": mentorship.next_check_in_due(),
        "today": timezone.localdate(),
        "edit_since": timezone.now() - datetime.timedelta(days=MEETING_EDIT_DAYS),
        "check_in_form": check_in_form or CheckInForm(),
        "agreement_form": agreement_form or AgreementForm(initial={
            "agreement": mentorship.agreement, "cadence_days": mentorship.cadence_days,
            "planned_end_on": mentorship.planned_end_on}),
        "close_form": close_form or CloseForm(),
        "goal_form": goal_form or GoalForm(),
        "goal_notice": goal_notice,
        "baseline_due": mentorship.mentee_id == person.pk and "baseline" not in surveys,
        "closing_due": (mentorship.mentee_id == person.pk and mentorship.is_closed
                        and "closing" not in surveys),
    }
    return render(request, "mentorship/detail.html", context, status=status)


def _act_on_mentorship(request, pk, form_class, form_name: str, action, done: str = ""):
    """The pair's page forms: validate, call one service, redirect; else show the page again with
    the form's errors (400)."""
    mentorship = _mentorship_for(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != TOKEN_FIELD}
        try:
            with transaction.atomic():
                if submission_claim(request.user, form) is not None:  # submitted twice
                    messages.info(request, ALREADY_SUBMITTED)
                    return redirect("mentorship:detail", pk=pk)
                action(mentorship, data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if done:
                messages.success(request, done)
            return redirect("mentorship:detail", pk=pk)
    return detail(request, pk, status=400, **{form_name: form})


@require_POST
@person_required
def check_in(request, pk):
    return _act_on_mentorship(
        request, pk, CheckInForm, "check_in_form",
        lambda m, data: relationships.meeting_record(relationship=m, author=request.person,
                                                     **data),
        _("Check-in saved."))


@require_POST
@person_required
def agreement(request, pk):
    return _act_on_mentorship(
        request, pk, AgreementForm, "agreement_form",
        lambda m, data: services.mentorship_agreement_update(mentorship=m, by=request.person,
                                                             **data),
        _("Agreement saved."))


@require_POST
@person_required
def goal_add(request, pk):
    return _act_on_mentorship(
        request, pk, GoalForm, "goal_form",
        lambda m, data: services.goal_add(mentorship=m, by=request.person, title=data["title"]))


@require_POST
@person_required
def goal_status(request, pk, goal_id):
    mentorship = _mentorship_for(request, pk)
    goal = get_object_or_404(Goal.objects.select_related("mentorship"), pk=goal_id,
                             mentorship=mentorship)
    form = GoalStatusForm(request.POST)
    notice = ""
    if form.is_valid():
        services.goal_set_status(goal=goal, by=request.person, status=form.cleaned_data["status"])
        notice = _("“%(title)s” is now %(status)s.") % {
            "title": goal.title, "status": goal.get_status_display().lower()}
    if request.headers.get("HX-Request") == "true":
        # htmx swaps the goal list and this notice into the page in place (no redirect, no
        # message queued): the person keeps their scroll position.
        return detail(request, pk, goal_notice=notice)
    if notice:
        messages.success(request, notice)
    return redirect("mentorship:detail", pk=pk)


@require_POST
@person_required
def close(request, pk):
    mentorship = _mentorship_for(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            relationships.relationship_close(relationship=mentorship, by=request.person,
                                             **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The mentorship is closed. Thank you both."))
            if mentorship.mentee_id == request.person.pk:
                return redirect("mentorship:survey", kind="mentorship", pk=pk, phase="closing")
            return redirect("mentorship:detail", pk=pk)
    return detail(request, pk, close_form=form, status=400)


@person_required
def next_check_in_ics(request, pk):
    """The next check-in as an all-day calendar event (RFC 5545)."""
    mentorship = _mentorship_for(request, pk)
    due = mentorship.next_check_in_due()
    if due is None:
        raise Http404("This mentorship has no next check-in.")
    other = mentorship.mentor if mentorship.mentee_id == request.person.pk else mentorship.mentee
    url = request.build_absolute_uri(reverse("mentorship:detail", args=[pk]))
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Grow Together//Mentorship//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:mentorship-{mentorship.pk}-{due:%Y%m%d}@grow-together",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
        f"DTEND;VALUE=DATE:{due + datetime.timedelta(days=1):%Y%m%d}",
        "SUMMARY:" + _ics_text(_("Mentoring check-in with %(name)s") % {"name": other.full_name}),
        "DESCRIPTION:" + _ics_text(_("Log the check-in afterwards: %(url)s") % {"url": url}),
        f"URL:{url}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    response = HttpResponse("".join(_ics_fold(line) + "\r\n" for line in lines),
                            content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="check-in-{due:%Y-%m-%d}.ics"'
    return response


def _ics_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped; any line break (CR, LF, CRLF)
    becomes the two characters \\n, so a name can never start a property of its own; other
    control characters are dropped."""
    value = (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
             .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))
    return "".join(ch for ch in value if ch >= " " or ch == "\t")


def _ics_fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character."""
    parts, current = [], b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)
