from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.submissions import OnceForm
from accounts.timezones import zone_for
from matching.pairs.models import (
    DURATION_MINUTES,
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ClosingReflection,
)
from matching.pairs.services import MESSAGE_EMPTY, MESSAGE_TOO_LONG

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class MessageForm(OnceForm):
    body = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX_LENGTH, strip=True,
        error_messages={"required": MESSAGE_EMPTY, "max_length": MESSAGE_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}))


class LocalTimeField(forms.DateTimeField):
    """A datetime-local input read in the person's own time zone (not the server's)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"], **kwargs)


class ProposeForm(OnceForm):
    option_1 = LocalTimeField(label=_("First time"))
    option_2 = LocalTimeField(label=_("Second time (optional)"), required=False)
    option_3 = LocalTimeField(label=_("Third time (optional)"), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), initial=45, min_value=DURATION_MINUTES[0],
        max_value=DURATION_MINUTES[1])
    note = forms.CharField(label=_("Note (optional)"), max_length=NOTE_MAX_LENGTH, required=False,
                           help_text=_("For example: video call, or the café on the 3rd floor."))

    def __init__(self, *args, zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone_for(zone) or zoneinfo.ZoneInfo("UTC")
        for name in ("option_1", "option_2", "option_3"):
            self.fields[name].help_text = _("Your time ({zone}).").format(zone=self.zone.key)

    def _in_zone(self, value):
        if value is None:
            return None
        naive = timezone.make_naive(value, timezone.get_current_timezone())
        return naive.replace(tzinfo=self.zone)

    def clean(self):
        data = super().clean()
        for name in ("option_1", "option_2", "option_3"):
            if data.get(name) is not None:
                data[name] = self._in_zone(data[name])
        return data

    def options(self):
        return [self.cleaned_data.get(n) for n in ("option_1", "option_2", "option_3")]


class AnswerForm(forms.Form):
    choice = forms.IntegerField(min_value=1, max_value=3, required=False, label=_("Time"))
    note = forms.CharField(max_length=NOTE_MAX_LENGTH, required=False, label=_("Note"))


class ReflectionForm(forms.ModelForm):
    how_it_went = forms.TypedChoiceField(
        label=ClosingReflection._meta.get_field("how_it_went").verbose_name,
        choices=[(n, str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect)
    would_do_again = forms.TypedChoiceField(
        label=_("Would you do it again?"), choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect)

    class Meta:
        model = ClosingReflection
        fields = ["how_it_went", "would_do_again", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
