"""Pages both kinds of relationship share: the start and closing surveys.

Mounted under the mentoring URLs (/mentoring/survey/<kind>/<id>/<phase>/, name "mentorship:survey")
for both kinds: /mentoring/survey/sponsorship/7/closing/ works the same way.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.forms import add_service_errors
from accounts.roles import person_required
from matching.relationships import services as relationships
from matching.relationships.forms import SurveyForm
from matching.relationships.meetings import (
    meeting_delete,
    meeting_editable,
    meeting_models,
    meeting_update,
)
from matching.relationships.models import SurveyResponse


@person_required
def survey(request, kind, pk, phase):
    model = relationships.relationship_model(kind)
    if model is None or phase not in SurveyResponse.Phase.values:
        raise Http404("No such survey.")
    # Scoped to the respondent: anyone else gets a 404, not a hint that it exists.
    relationship = get_object_or_404(model.objects.filter(**{model.RECEIVER: request.person}),
                                     pk=pk)
    giver, _receiver = relationships.participants(relationship)
    answered = relationships.survey_answered(relationship=relationship, phase=phase)
    form = SurveyForm(request.POST or None, phase=phase)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            relationships.survey_record(relationship=relationship, respondent=request.person,
                                        phase=phase, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect(relationships.relationship_url(relationship))
    return render(request, "relationships/survey.html",
                  {"form": form, "relationship": relationship, "kind": kind, "phase": phase,
                   "giver": giver, "answered": answered,
                   "back_url": relationships.relationship_url(relationship),
                   "closing_too_early": phase == "closing" and not relationship.is_closed})


MEETING_FIELDS = ("occurred_on", "discussed", "private_notes", "progress_rating")


@person_required
def meeting_edit(request, pk, *, kind: str, form_class):
    """Its author changes or deletes a check-in or touchpoint (mounted by each kind's URLs with
    its own form)."""
    model = meeting_models()[kind]
    # Scoped to the author: anyone else's meeting is a 404.
    meeting = get_object_or_404(model.objects.filter(author=request.person)
                                .select_related(kind), pk=pk)
    back = relationships.relationship_url(getattr(meeting, kind))
    if not meeting_editable(meeting, request.person):
        messages.error(request, _("It was recorded more than 14 days ago; it can no longer be "
                                  "changed."))
        return redirect(back)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            meeting_delete(meeting=meeting, by=request.person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Deleted."))
        return redirect(back)
    form = form_class(request.POST or None, initial={
        name: getattr(meeting, name) for name in MEETING_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, by=request.person, **{
                name: value for name, value in form.cleaned_data.items()
                if name in MEETING_FIELDS})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(request, "relationships/meeting_edit.html",
                  {"form": form, "meeting": meeting, "back_url": back, "kind": kind})
