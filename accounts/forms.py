from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .importing import kind_label
from .models import Person, Skill
from .preferences import CATEGORY_HELP, FIELD_OF_CATEGORY, PREFERENCE_FIELDS, Category
from .submissions import OnceForm


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names when the form has
    that field, at the top otherwise. Every view that calls a service with a form uses this."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ProfileForm(forms.ModelForm):
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("What you are good at."),
    )
    development_goals = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("What you want to grow in. Suggestions use these."),
    )
    languages = forms.MultipleChoiceField(
        choices=settings.SPOKEN_LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages you can work in."),
    )

    class Meta:
        model = Person
        fields = ["skills", "development_goals", "interests", "languages", "meeting_preference",
                  "preferred_language", "timezone", *PREFERENCE_FIELDS, "notify_by_slack"]
        labels = {
            "interests": _("Interests"),
            "preferred_language": _("Language (pages and emails)"),
            "timezone": _("Your time zone"),
            **{FIELD_OF_CATEGORY[c]: c.label for c in Category},
            "notify_by_slack": _("Also send me every notification as a Slack direct message"),
        }
        widgets = {
            "interests": forms.Textarea(attrs={"rows": 3}),
            "preferred_language": forms.Select(choices=settings.LANGUAGES),
            "timezone": forms.Select(choices=[(z, z) for z in sorted(available_timezones())]),
            **dict.fromkeys(PREFERENCE_FIELDS, forms.RadioSelect),
        }
        help_texts = {
            "timezone": _("Dates (today, start dates, check-ins) follow it."),
            **{FIELD_OF_CATEGORY[c]: CATEGORY_HELP[c] for c in Category},
            "notify_by_slack": _("From the program's Slack app, to the Slack account with your "
                                 "work email address. Your email settings above stay as they "
                                 "are."),
        }

    def __init__(self, *args, is_hr_admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].required = False  # left out: unchanged
        for field in PREFERENCE_FIELDS:
            self.fields[field].required = False  # left out: unchanged
        if not is_hr_admin:
            # Only HR admins receive program reports; don't offer a choice that does nothing.
            del self.fields[FIELD_OF_CATEGORY[Category.REPORTS]]
        if not settings.SLACK_BOT_TOKEN:
            del self.fields["notify_by_slack"]  # Slack is not set up: nothing to choose

    def notification_fields(self) -> list:
        """The bound fields of the notification settings, in the order of the categories."""
        return [self[FIELD_OF_CATEGORY[c]] for c in Category if FIELD_OF_CATEGORY[c] in self.fields]

    def clean(self):
        cleaned = super().clean()
        for field in PREFERENCE_FIELDS:  # left out or empty: unchanged
            if field in cleaned and not cleaned[field]:
                cleaned[field] = getattr(self.instance, field)
        return cleaned

    def clean_timezone(self):
        name = self.cleaned_data.get("timezone") or self.instance.timezone or "UTC"
        if name not in available_timezones():
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return name

    def clean_development_goals(self):
        goals = self.cleaned_data["development_goals"]
        if len(goals) > 8:
            raise forms.ValidationError(
                _("Choose at most 8 development goals so mentors can focus."))
        return goals


class ImportUploadForm(OnceForm):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("File"), help_text=_("CSV, UTF-8, with a header row."))
    dry_run = forms.BooleanField(
        required=False, initial=True, label=_("Check only (write nothing)"),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, capfirst(kind_label(kind))) for kind in kinds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is over 50 MB; split it and upload the parts."))
        return upload


class AccessRequestForm(forms.Form):
    message = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything HR should know (optional)"),
        help_text=_("For example your employee ID, team or start date, so HR finds your record."))


class AccessLinkForm(forms.Form):
    who = forms.CharField(max_length=254, label=_("Employee ID or work email of their HR record"))
