"""Forms for the cohort pages. They validate input; matching/services/cohorts.py does the work."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import CADENCE_DAYS, LONG_TEXT_MAX
from matching.cohorts.match import ROLES
from matching.cohorts.models import ENROLMENT_CAPACITY, Cohort, CohortEnrolment
from matching.cohorts.scores import MUST_HAVES
from matching.cohorts.services import LENGTH_MONTHS
from matching.cohorts.solver import COVERAGE, SCORE
from matching.scoring import CRITERIA, MAX_PREFERENCE_RANK
from matching.sponsorship.forms import PersonField

OBJECTIVE_CHOICES = [(SCORE, _("Best total score")),
                     (COVERAGE, _("Most people matched, then best score"))]
CRITERION_LABELS = {
    "goals": _("Goals and skills overlap"),
    "preferences": _("The mentee's own ranking"),
    "level_gap": _("Level gap (two levels above fits best)"),
    "department": _("From another department"),
    "language": _("A language in common"),
    "timezone": _("Time zone close by"),
}
DATE = forms.DateInput(attrs={"type": "date"})


class CohortSettingsForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    description = forms.CharField(
        max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Description"), help_text=_("Shown to employees when they enrol."))
    open_to_all = forms.BooleanField(required=False, initial=True,
                                     label=_("Open to everyone (otherwise by invitation only)"))
    enrolment_opens_on = forms.DateField(required=False, widget=DATE,
                                         label=_("Enrolment opens on"))
    enrolment_closes_on = forms.DateField(required=False, widget=DATE,
                                          label=_("Enrolment closes on"))
    starts_on = forms.DateField(required=False, widget=DATE, label=_("Relationships start on"))
    length_months = forms.IntegerField(min_value=LENGTH_MONTHS[0], max_value=LENGTH_MONTHS[1],
                                       initial=6, label=_("Length (months)"))
    cadence_days = forms.IntegerField(min_value=CADENCE_DAYS[0], max_value=CADENCE_DAYS[1],
                                      initial=14, label=_("Meet every (days)"))


class CohortCreateForm(CohortSettingsForm):
    slug = forms.SlugField(max_length=80, label=_("Short name"),
                           help_text=_("Letters, digits and hyphens, used in links: spring-2027."))
    kind = forms.ChoiceField(choices=Cohort.Kind.choices, widget=forms.RadioSelect,
                             initial=Cohort.Kind.MENTORSHIP, label=_("Kind"))

    field_order = ["name", "slug", "kind"]


class WeightsForm(forms.Form):
    """Points per criterion: a pair's score is the points it earns over the points available."""

    objective = forms.ChoiceField(choices=OBJECTIVE_CHOICES, widget=forms.RadioSelect,
                                  label=_("Match for"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion] = forms.IntegerField(
                min_value=0, max_value=100, label=CRITERION_LABELS.get(criterion, criterion))

    def weights(self) -> dict[str, int]:
        return {criterion: self.cleaned_data[criterion] for criterion in CRITERIA}


class InviteForm(forms.Form):
    person = PersonField(label=_("Person"))
    role = forms.ChoiceField(choices=CohortEnrolment.Role.choices, label=_("Role"))
    capacity = forms.IntegerField(min_value=ENROLMENT_CAPACITY[0],
                                  max_value=ENROLMENT_CAPACITY[1], initial=1,
                                  label=_("Capacity"),
                                  help_text=_("Mentors and sponsors: how many people they take."))

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        roles = ROLES[cohort.kind]
        self.fields["role"].choices = [(r, CohortEnrolment.Role(r).label) for r in roles]


class PairRuleForm(forms.Form):
    """The preview's Pin and Forbid buttons send employee ids; HR may also type emails."""

    receiver = PersonField(label=_("Mentee or protégé"))
    giver = PersonField(label=_("Mentor or sponsor"))
    rule = forms.ChoiceField(choices=[("pin", _("Pin: always make this pair")),
                                      ("forbid", _("Forbid: never make this pair"))],
                             label=_("Rule"))


class EnrolForm(forms.Form):
    """An employee's own enrolment: their role, and as a mentee their ranking and must-haves."""

    role = forms.ChoiceField(widget=forms.RadioSelect, label=_("I join as"))
    capacity = forms.IntegerField(min_value=ENROLMENT_CAPACITY[0],
                                  max_value=ENROLMENT_CAPACITY[1], initial=1, required=False,
                                  label=_("How many people I can take on"),
                                  help_text=_("Mentors and sponsors only."))
    must_haves = forms.MultipleChoiceField(
        choices=list(MUST_HAVES.items()), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Must-haves"),
        help_text=_("Nobody is proposed who fails one of these. Each one you tick makes a match "
                    "harder to find."))

    def __init__(self, *args, cohort: Cohort, givers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        receiver, giver = ROLES[cohort.kind]
        self.receiver_role, self.giver_role = receiver, giver
        self.fields["role"].choices = [(receiver, CohortEnrolment.Role(receiver).label),
                                       (giver, CohortEnrolment.Role(giver).label)]
        choices = [("", _("No preference")), *[(str(pk), name) for pk, name in givers]]
        for rank in range(1, MAX_PREFERENCE_RANK + 1):
            self.fields[f"preferred_{rank}"] = forms.TypedChoiceField(
                choices=choices, required=False, coerce=int, empty_value=None,
                label=format_lazy(_("Choice {rank}"), rank=rank))

    def preferred(self) -> list[int]:
        ranked = [self.cleaned_data.get(f"preferred_{rank}")
                  for rank in range(1, MAX_PREFERENCE_RANK + 1)]
        return [pk for pk in ranked if pk is not None]

    def preference_fields(self):
        return [self[f"preferred_{rank}"] for rank in range(1, MAX_PREFERENCE_RANK + 1)]
