"""Forms for the sponsorship pages. They validate input; the services run the workflows."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    LONG_TEXT_MAX,
    NOTE_MAX,
    SPONSOR_CAPACITY,
    CareerEvent,
    Department,
    Person,
    SponsorProfile,
)
from accounts.submissions import OnceForm, OnceModelForm
from matching.relationships.models import CloseReason, RelationshipStatus
from matching.sponsorship.models import AdvocacyRecord, Commitment
from matching.sponsorship.services import COMMITMENT_STATEMENT

NO_SUCH_PERSON = _("No current employee has that email or employee ID.")


class PersonField(forms.CharField):
    """Pick a person by email or employee ID: a select of the whole organisation would be
    thousands of options long."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Their work email or employee ID."))
        super().__init__(max_length=254, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        person = (Person.objects.current().select_related("department", "manager")
                  .filter(Q(email__iexact=value) | Q(employee_id=value)).first())
        if person is None:
            raise forms.ValidationError(NO_SUCH_PERSON)
        return person


class SponsorRegistrationForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Departments you have influence in"),
    )
    opportunity_kinds = forms.MultipleChoiceField(
        choices=SponsorProfile.Opportunity.choices, required=False,
        widget=forms.CheckboxSelectMultiple, label=_("Opportunities you can open"),
    )
    capacity = forms.IntegerField(min_value=SPONSOR_CAPACITY[0], max_value=SPONSOR_CAPACITY[1],
                                  initial=2, label=_("Protégés at once"),
                                  help_text=format_lazy(_("{low} to {high}."),
                                                        low=SPONSOR_CAPACITY[0],
                                                        high=SPONSOR_CAPACITY[1]))
    commitment_accepted = forms.BooleanField(
        required=False, label=_("I accept this commitment"), help_text=COMMITMENT_STATEMENT,
    )
    is_paused = forms.BooleanField(
        required=False, label=_("Pause: take no new protégés for now"),
        help_text=_("Current sponsorships continue."),
    )


class RegistrationDecisionForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False,
                             label=_("Reason (shown to the leader)"),
                             widget=forms.TextInput)


class ProposeForm(OnceForm):
    protege = PersonField(label=_("Protégé"))


class PairForm(OnceForm):
    """HR pairs a sponsor and a protégé (e.g. after a talent review)."""

    sponsor = forms.ModelChoiceField(
        queryset=SponsorProfile.objects.none(), label=_("Sponsor"),
        help_text=_("Approved sponsors who are not paused."),
    )
    protege = PersonField(label=_("Protégé"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sponsor"]
        field.queryset = (SponsorProfile.objects.filter(status=SponsorProfile.Status.APPROVED,
                                                        is_paused=False)
                          .select_related("person").order_by("person__full_name"))
        field.label_from_instance = lambda p: f"{p.person.full_name} — {p.person.title}"


class InterestForm(OnceForm):
    aspirations = forms.CharField(max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}), label=_("Where you want your career to go"),
        help_text=_("HR reads this when looking for a sponsor who can open the right doors."),
    )


class InterestDeclineForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Reason (the employee reads it)"))


class AdvocacyForm(OnceModelForm):
    class Meta:
        model = AdvocacyRecord
        fields = ["kind", "occurred_on", "forum", "visibility", "description",
                  "shared_with_protege"]
        labels = {
            "kind": _("What you did"),
            "occurred_on": _("Date"),
            "forum": _("Where"),
            "visibility": _("How openly"),
            "description": _("What you put forward"),
            "shared_with_protege": _("Share this record with the protégé"),
        }
        help_texts = {
            "forum": _("For example: Q3 promotion committee, staffing review, leadership offsite."),
            "shared_with_protege": _("Unshared records are seen only by you and HR admins."),
        }
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=AdvocacyRecord.Outcome.choices, label=_("Outcome"))
    outcome_on = forms.DateField(required=False, label=_("Decided on"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label=_("Note"))
    create_career_event = forms.BooleanField(
        required=False, label=_("Also record the matching career event for the protégé"),
    )


class CareerEventForm(OnceModelForm):
    person = PersonField(label=_("Employee"))

    class Meta:
        model = CareerEvent
        fields = ["person", "kind", "occurred_on", "description"]
        labels = {"kind": _("Kind"), "occurred_on": _("Date"), "description": _("Description")}
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}


class CareerEventCorrectForm(forms.ModelForm):
    """HR corrects a career event; the reason is kept in the audit trail."""

    reason = forms.CharField(max_length=300, label=_("Why the correction"),
                             help_text=_("Kept with the change. Up to 300 characters."))

    class Meta:
        model = CareerEvent
        fields = ["kind", "occurred_on", "description"]
        labels = {"kind": _("Kind"), "occurred_on": _("Date"), "description": _("Description")}
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}


class CareerEventDeleteForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Why delete it"),
                             help_text=_("Kept after the event is gone. Up to 300 characters."))


class CareerEventFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *CareerEvent.Kind.choices],
                             required=False, label=_("Kind"))
    q = forms.CharField(required=False, label=_("Employee"),
                        help_text=_("Name, email or employee ID."))


class TouchpointForm(OnceForm):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate)
    discussed = forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                                label=_("What you talked about"),
                                help_text=_("Both of you see this."))
    private_notes = forms.CharField(
        max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Private notes"), help_text=_("Only you ever see these."))


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(RelationshipStatus.COMPLETED, _("Completed as planned")),
                 (RelationshipStatus.ENDED_EARLY, _("Ended early"))],
        widget=forms.RadioSelect, label=_("How it ended"),
    )
    reason = forms.ChoiceField(choices=[("", "—"), *CloseReason.choices], required=False,
                               label=_("Reason (when ending early)"),
                               help_text=_("None of these is anyone's fault."))
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Note"))


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["kind", "decision_maker", "forum", "due_on", "description",
                  "shared_with_protege"]
        labels = {
            "kind": _("What you will do"),
            "decision_maker": _("Decision maker (for an introduction)"),
            "forum": _("Where"),
            "due_on": _("By when"),
            "description": _("Details"),
            "shared_with_protege": _("Share this commitment with the protégé"),
        }
        help_texts = {
            "decision_maker": _("Their name and role, e.g. Dana Ruiz, VP Platform."),
            "forum": _("For example: Q3 promotion committee, staffing review, all-hands."),
            "shared_with_protege": _("Unshared commitments are seen only by you and HR admins."),
        }
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class CommitmentDropForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Why it is dropped"),
                             help_text=_("HR sees this; the protégé too if the commitment is "
                                         "shared."))


class CommitmentKeepForm(forms.Form):
    """Keep a commitment with an advocacy record already written (one of a matching kind)."""

    record = forms.ModelChoiceField(queryset=AdvocacyRecord.objects.none(),
                                    label=_("The advocacy record that kept it"))

    def __init__(self, *args, records=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["record"]
        field.queryset = records if records is not None else AdvocacyRecord.objects.none()
        field.label_from_instance = lambda r: _("{kind} on {date}").format(
            kind=r.get_kind_display(), date=date_format(r.occurred_on))


# The program's records start long after this; an earlier review date is a typo (and would take
# the pack's 12 months outside the calendar).
TALENT_REVIEW_EARLIEST = datetime.date(1990, 1, 1)


class TalentReviewForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.order_by("name"),
                                        required=False, empty_label=_("All departments"),
                                        label=_("Department"))
    level_min = forms.IntegerField(required=False, min_value=1, label=_("Lowest level"))
    level_max = forms.IntegerField(required=False, min_value=1, label=_("Highest level"))
    as_of = forms.DateField(label=_("Review date"), initial=timezone.localdate,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("The pack covers the 12 months up to this date."))

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day < TALENT_REVIEW_EARLIEST:
            raise forms.ValidationError(
                _("Choose a review date from %(day)s on.")
                % {"day": date_format(TALENT_REVIEW_EARLIEST)})
        if day > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(
                _("Choose a review date no more than a year from today."))
        return day

    def clean(self):
        data = super().clean()
        low, high = data.get("level_min"), data.get("level_max")
        if low is not None and high is not None and low > high:
            self.add_error("level_max", _("The highest level is below the lowest."))
        return data
