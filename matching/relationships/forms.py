"""Forms both kinds of relationship share."""

from django import forms
from django.utils.translation import gettext_lazy as _

RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class SurveyForm(forms.Form):
    confidence = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
        label=_("How confident are you in your career direction?"),
        help_text=_("1 = not at all, 5 = very confident."),
    )
    goal_progress = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
        label=_("How much progress have you made on your development goals?"),
        help_text=_("1 = none yet, 5 = a lot."),
    )
    usefulness = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
        label=_("How useful was the relationship to you?"),
        help_text=_("1 = not useful, 5 = very useful."),
    )

    def __init__(self, *args, phase: str, **kwargs):
        super().__init__(*args, **kwargs)
        if phase != "closing":
            del self.fields["usefulness"]
