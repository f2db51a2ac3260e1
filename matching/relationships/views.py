"""Pages both kinds of relationship share: the start and closing surveys.

Mounted under the mentoring URLs (/mentoring/survey/<kind>/<id>/<phase>/, name "mentorship:survey")
for both kinds: /mentoring/survey/sponsorship/7/closing/ works the same way.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.forms import add_service_errors
from accounts.roles import person_required
from matching.relationships import services as relationships
from matching.relationships.forms import SurveyForm
from matching.relationships.models import SurveyResponse


@person_required
def survey(request, kind, pk, phase):
    model = relationships.relationship_model(kind)
    if model is None or phase not in SurveyResponse.Phase.values:
        raise Http404("No such survey.")
    # Scoped to the respondent: anyone else gets a 404, not a hint that it exists.
    relationship = get_object_or_404(model.objects.filter(**{model.RECEIVER: request.person}),
                                     pk=pk)
    giver, _ = relationships.participants(relationship)
    answered = relationships.survey_answered(relationship=relationship, phase=phase)
    form = SurveyForm(request.POST or None, phase=phase)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            relationships.survey_record(relationship=relationship, respondent=request.person,
                                        phase=phase, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect(relationships.relationship_url(relationship))
    return render(request, "relationships/survey.html",
                  {"form": form, "relationship": relationship, "kind": kind, "phase": phase,
                   "giver": giver, "answered": answered,
                   "back_url": relationships.relationship_url(relationship),
                   "closing_too_early": phase == "closing" and not relationship.is_closed})
