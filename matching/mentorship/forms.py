"""Mentorship forms: they validate input; the services in services/mentorship.py do the work."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.models import (
    CADENCE_DAYS,
    LONG_TEXT_MAX,
    MENTOR_CAPACITY,
    NOTE_MAX,
    Department,
    Skill,
)
from accounts.submissions import OnceForm
from matching.mentorship.models import Goal, MentorRequest
from matching.relationships.forms import RATING_CHOICES
from matching.relationships.models import CloseReason, RelationshipStatus


class MentorProfileForm(forms.Form):
    capacity = forms.IntegerField(min_value=MENTOR_CAPACITY[0], max_value=MENTOR_CAPACITY[1],
                                  initial=2,
                                  help_text="How many mentees you can take at once.")
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), widget=forms.CheckboxSelectMultiple,
        label="Skills you can help with", help_text="Suggestions match these to mentees' goals.",
    )
    how_i_can_help = forms.CharField(
        label="How I can help", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
        help_text="A few sentences a mentee reads before asking you.",
    )
    cadence_days = forms.IntegerField(min_value=CADENCE_DAYS[0], max_value=CADENCE_DAYS[1],
                                      initial=14,
                                      label="Meet every (days)",
                                      help_text="Your preferred time between check-ins.")
    languages = forms.MultipleChoiceField(choices=settings.SPOKEN_LANGUAGES, required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text="Languages you can mentor in.")
    is_paused = forms.BooleanField(required=False, label="Pause: take no new requests for now",
                                   help_text="Current mentorships go on as before.")


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search",
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "Name, title or words"}))
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), required=False,
                                   empty_label="Any skill")
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False,
                                        empty_label="Any department")
    location = forms.ChoiceField(required=False)
    level = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(required=False,
                                 choices=[("", "Any language"), *settings.SPOKEN_LANGUAGES])
    has_capacity = forms.BooleanField(required=False, label="Has room for a mentee")

    def __init__(self, *args, locations=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", "Any location")] + [(x, x) for x in locations]
        self.fields["level"].choices = [("", "Any level")] + [(n, f"Level {n}") for n in levels]


class MentorRequestForm(forms.Form):
    goals = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), widget=forms.CheckboxSelectMultiple,
        label="What would you like help with?", help_text="Your development goals are ticked.",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, label="Message",
        help_text="Introduce yourself and say what you hope to get from meeting.",
    )


class AcceptForm(forms.Form):
    agreement = forms.CharField(max_length=LONG_TEXT_MAX,
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="First agreement",
        help_text="Optional: what you will work on together. You can edit it later.",
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(choices=MentorRequest.DeclineReason.choices,
                               widget=forms.RadioSelect, label="Why not now?")
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           label="A few kind words (optional)")


class CheckInForm(OnceForm):
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate)
    discussed = forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                                label="What you discussed", help_text="Both of you see this.")
    private_notes = forms.CharField(
        max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    label="Private notes", help_text="Only you ever see these.")
    progress_rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Progress (1-5)",
        choices=[("", "No rating")] + RATING_CHOICES,
        help_text="1 = stuck, 5 = great progress on the goals.",
    )


class AgreementForm(forms.Form):
    agreement = forms.CharField(
        max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="What you agreed to work on and how you will meet.")
    cadence_days = forms.IntegerField(min_value=CADENCE_DAYS[0], max_value=CADENCE_DAYS[1],
                                      label="Meet every (days)")
    planned_end_on = forms.DateField(required=False, label="Planned end",
                                     widget=forms.DateInput(attrs={"type": "date"}))


class GoalForm(OnceForm):
    title = forms.CharField(max_length=200, label="New goal")


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Goal.Status.choices)


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        widget=forms.RadioSelect, label="How is it ending?",
        choices=[(RelationshipStatus.COMPLETED, "Completed: we did what we set out to do"),
                 (RelationshipStatus.ENDED_EARLY, "Ended early")],
    )
    reason = forms.ChoiceField(required=False, choices=[("", "Choose a reason"),
                                                        *CloseReason.choices],
                               label="Reason (for ending early)",
                               help_text="None of these is anyone's fault.")
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label="A note for the other person (optional)")
