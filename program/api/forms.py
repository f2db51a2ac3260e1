"""HR's form for a new API token: what it is for and what it may do."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.submissions import OnceForm
from program.api.models import Scope


class ApiTokenForm(OnceForm):
    name = forms.CharField(max_length=100, label=_("What it is for"),
                           help_text=_("For example: Workday feed, Power BI."))
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, label=_("It may"),
        error_messages={"required": _("Choose at least one scope.")},
        help_text=_("Check-in and touchpoint notes never leave through the API, whatever the "
                    "scopes."))
