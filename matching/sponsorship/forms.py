"""Forms for the sponsorship pages. They validate input; the services run the workflows."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

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

NO_SUCH_PERSON = "No current employee has that email or employee ID."


class PersonField(forms.CharField):
    """Pick a person by email or employee ID: a select of the whole organisation would be
    thousands of options long."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Their work email or employee ID.")
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
        label="Departments you have influence in",
    )
    opportunity_kinds = forms.MultipleChoiceField(
        choices=SponsorProfile.Opportunity.choices, required=False,
        widget=forms.CheckboxSelectMultiple, label="Opportunities you can open",
    )
    capacity = forms.IntegerField(min_value=SPONSOR_CAPACITY[0], max_value=SPONSOR_CAPACITY[1],
                                  initial=2, label="Protégés at once",
                                  help_text="{} to {}.".format(*SPONSOR_CAPACITY))
    commitment_accepted = forms.BooleanField(
        required=False, label="I accept this commitment", help_text=COMMITMENT_STATEMENT,
    )
    is_paused = forms.BooleanField(
        required=False, label="Pause: take no new protégés for now",
        help_text="Current sponsorships continue.",
    )


class RegistrationDecisionForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label="Reason (shown to the leader)",
                             widget=forms.TextInput)


class ProposeForm(OnceForm):
    protege = PersonField(label="Protégé")


class PairForm(OnceForm):
    """HR pairs a sponsor and a protégé (e.g. after a talent review)."""

    sponsor = forms.ModelChoiceField(
        queryset=SponsorProfile.objects.none(), label="Sponsor",
        help_text="Approved sponsors who are not paused.",
    )
    protege = PersonField(label="Protégé")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sponsor"]
        field.queryset = (SponsorProfile.objects.filter(status=SponsorProfile.Status.APPROVED,
                                                        is_paused=False)
                          .select_related("person").order_by("person__full_name"))
        field.label_from_instance = lambda p: f"{p.person.full_name} — {p.person.title}"


class InterestForm(OnceForm):
    aspirations = forms.CharField(max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}), label="Where you want your career to go",
        help_text="HR reads this when looking for a sponsor who can open the right doors.",
    )


class InterestDeclineForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Reason (the employee reads it)")


class AdvocacyForm(OnceModelForm):
    class Meta:
        model = AdvocacyRecord
        fields = ["kind", "occurred_on", "forum", "visibility", "description",
                  "shared_with_protege"]
        labels = {
            "kind": "What you did",
            "occurred_on": "Date",
            "forum": "Where",
            "visibility": "How openly",
            "description": "What you put forward",
            "shared_with_protege": "Share this record with the protégé",
        }
        help_texts = {
            "forum": "For example: Q3 promotion committee, staffing review, leadership offsite.",
            "shared_with_protege": "Unshared records are seen only by you and HR admins.",
        }
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=AdvocacyRecord.Outcome.choices)
    outcome_on = forms.DateField(required=False, label="Decided on",
                                 widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label="Note")
    create_career_event = forms.BooleanField(
        required=False, label="Also record the matching career event for the protégé",
    )


class CareerEventForm(OnceModelForm):
    person = PersonField(label="Employee")

    class Meta:
        model = CareerEvent
        fields = ["person", "kind", "occurred_on", "description"]
        labels = {"occurred_on": "Date"}
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}


class CareerEventCorrectForm(forms.ModelForm):
    """HR corrects a career event; the reason is kept in the audit trail."""

    reason = forms.CharField(max_length=300, label="Why the correction",
                             help_text="Kept with the change. Up to 300 characters.")

    class Meta:
        model = CareerEvent
        fields = ["kind", "occurred_on", "description"]
        labels = {"occurred_on": "Date"}
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}


class CareerEventDeleteForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why delete it",
                             help_text="Kept after the event is gone. Up to 300 characters.")


class CareerEventFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *CareerEvent.Kind.choices],
                             required=False)
    q = forms.CharField(required=False, label="Employee",
                        help_text="Name, email or employee ID.")


class TouchpointForm(OnceForm):
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate)
    discussed = forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                                label="What you talked about",
                                help_text="Both of you see this.")
    private_notes = forms.CharField(
        max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="Only you ever see these.")


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(RelationshipStatus.COMPLETED, "Completed as planned"),
                 (RelationshipStatus.ENDED_EARLY, "Ended early")],
        widget=forms.RadioSelect, label="How it ended",
    )
    reason = forms.ChoiceField(choices=[("", "—"), *CloseReason.choices], required=False,
                               label="Reason (when ending early)",
                               help_text="None of these is anyone's fault.")
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["kind", "decision_maker", "forum", "due_on", "description",
                  "shared_with_protege"]
        labels = {
            "kind": "What you will do",
            "decision_maker": "Decision maker (for an introduction)",
            "forum": "Where",
            "due_on": "By when",
            "description": "Details",
            "shared_with_protege": "Share this commitment with the protégé",
        }
        help_texts = {
            "decision_maker": "Their name and role, e.g. Dana Ruiz, VP Platform.",
            "forum": "For example: Q3 promotion committee, staffing review, all-hands.",
            "shared_with_protege": "Unshared commitments are seen only by you and HR admins.",
        }
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class CommitmentDropForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why it is dropped",
                             help_text="HR sees this; the protégé too if the commitment is shared.")


class CommitmentKeepForm(forms.Form):
    """Keep a commitment with an advocacy record already written (one of a matching kind)."""

    record = forms.ModelChoiceField(queryset=AdvocacyRecord.objects.none(),
                                    label="The advocacy record that kept it")

    def __init__(self, *args, records=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["record"]
        field.queryset = records if records is not None else AdvocacyRecord.objects.none()
        field.label_from_instance = lambda r: f"{r.get_kind_display()} on {r.occurred_on:%d %b %Y}"


class TalentReviewForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.order_by("name"),
                                        required=False, empty_label="All departments")
    level_min = forms.IntegerField(required=False, min_value=1, label="Lowest level")
    level_max = forms.IntegerField(required=False, min_value=1, label="Highest level")
    as_of = forms.DateField(label="Review date", initial=timezone.localdate,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The pack covers the 12 months up to this date.")

    def clean(self):
        data = super().clean()
        low, high = data.get("level_min"), data.get("level_max")
        if low is not None and high is not None and low > high:
            self.add_error("level_max", "The highest level is below the lowest.")
        return data
