"""Mentorship forms: they validate input; the services in services/mentorship.py do the work."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

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
                                  initial=2, label=_("Capacity"),
                                  help_text=_("How many mentees you can take at once."))
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), widget=forms.CheckboxSelectMultiple,
        label=_("Skills you can help with"),
        help_text=_("Suggestions match these to mentees' goals."),
    )
    how_i_can_help = forms.CharField(
        label=_("How I can help"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
        help_text=_("A few sentences a mentee reads before asking you."),
    )
    cadence_days = forms.IntegerField(min_value=CADENCE_DAYS[0], max_value=CADENCE_DAYS[1],
                                      initial=14,
                                      label=_("Meet every (days)"),
                                      help_text=_("Your preferred time between check-ins."))
    languages = forms.MultipleChoiceField(choices=settings.SPOKEN_LANGUAGES, required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          label=_("Languages"),
                                          help_text=_("Languages you can mentor in."))
    is_paused = forms.BooleanField(required=False, label=_("Pause: take no new requests for now"),
                                   help_text=_("Current mentorships go on as before."))


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Name, title, skill or words")}))
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), required=False,
                                   empty_label=_("Any skill"), label=_("Skill"))
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False,
                                        empty_label=_("Any department"),
                                        label=_("Department"))
    location = forms.ChoiceField(required=False, label=_("Location"))
    level = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Level"))
    language = forms.ChoiceField(required=False, label=_("Language"),
                                 choices=[("", _("Any language")), *settings.SPOKEN_LANGUAGES])
    has_capacity = forms.BooleanField(required=False, label=_("Has room for a mentee"))

    def __init__(self, *args, locations=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", _("Any location"))] + [(x, x) for x in locations]
        self.fields["level"].choices = [("", _("Any level"))] + [
            (n, format_lazy(_("Level {level}"), level=n)) for n in levels]


class MentorRequestForm(forms.Form):
    goals = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), widget=forms.CheckboxSelectMultiple,
        label=_("What would you like help with?"),
        help_text=_("Your development goals are ticked to begin with: change them as you "
                    "wish."),
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, label=_("Message"),
        help_text=_("Introduce yourself and say what you hope to get from meeting."),
    )


class AcceptForm(forms.Form):
    agreement = forms.CharField(max_length=LONG_TEXT_MAX,
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("First agreement"),
        help_text=_("Optional: what you will work on together. You can edit it later."),
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(choices=MentorRequest.DeclineReason.choices,
                               widget=forms.RadioSelect, label=_("Why not now?"))
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           label=_("A few kind words (optional)"))


class CheckInForm(OnceForm):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate)
    discussed = forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                                label=_("What you discussed"), help_text=_("Both of you see this."))
    private_notes = forms.CharField(
        max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    label=_("Private notes"),
                                    help_text=_("Only you ever see these."))
    progress_rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Progress (1-5)"),
        choices=[("", _("No rating"))] + RATING_CHOICES,
        help_text=_("1 = stuck, 5 = great progress on the goals."),
    )


class AgreementForm(forms.Form):
    agreement = forms.CharField(
        max_length=LONG_TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Agreement"), help_text=_("What you agreed to work on and how you will meet."))
    cadence_days = forms.IntegerField(min_value=CADENCE_DAYS[0], max_value=CADENCE_DAYS[1],
                                      label=_("Meet every (days)"))
    planned_end_on = forms.DateField(required=False, label=_("Planned end"),
                                     widget=forms.DateInput(attrs={"type": "date"}))


class GoalForm(OnceForm):
    title = forms.CharField(max_length=200, label=_("New goal"))


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Goal.Status.choices, label=_("Status"))


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        widget=forms.RadioSelect, label=_("How is it ending?"),
        choices=[(RelationshipStatus.COMPLETED, _("Completed: we did what we set out to do")),
                 (RelationshipStatus.ENDED_EARLY, _("Ended early"))],
    )
    reason = forms.ChoiceField(required=False, choices=[("", _("Choose a reason")),
                                                        *CloseReason.choices],
                               label=_("Reason (for ending early)"),
                               help_text=_("None of these is anyone's fault."))
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label=_("A note for the other person (optional)"))
