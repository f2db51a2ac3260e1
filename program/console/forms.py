"""The console's forms: list filters and the reasons HR gives for an action. They validate only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.program_settings import RULES
from accounts.sso_apps import https_or_loopback
from matching.relationships.models import CloseReason
from program.console.lists import Listing, ListQuery
from program.reports.forms import DashboardFilterForm

REASON_HELP = _("The people concerned will read this.")


class ListFilterForm(DashboardFilterForm):
    """The dashboard's filters (department, level band, location, cohort: the same names, so a
    dashboard link carries them over) plus search, status and the overdue / inactive flags."""

    q = forms.CharField(required=False, label=_("Search"), max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name or email")}))
    status = forms.ChoiceField(required=False, label=_("Status"), choices=[])
    flag = forms.ChoiceField(required=False, label=_("Flag"), choices=[])
    field_order = ["q", "status", "flag", "department", "level_band", "location", "cohort"]

    def __init__(self, *args, listing: Listing, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["date_from"], self.fields["date_to"]
        if listing.statuses:
            self.fields["status"].choices = [("", _("Any status")), *listing.statuses]
        else:
            del self.fields["status"]
        if listing.flags:
            self.fields["flag"].choices = [("", _("Any")), *((key, label) for key, (label, _q) in
                                                        listing.flags.items())]
        else:
            del self.fields["flag"]
        if not listing.column("cohort"):
            del self.fields["cohort"]

    def query(self, sort: str) -> ListQuery:
        if not self.is_bound or not self.is_valid():
            return ListQuery(sort=sort)
        data = self.cleaned_data
        return ListQuery(q=data.get("q", "").strip(), status=data.get("status", ""),
                         flag=data.get("flag", ""), filters=self.filters(), sort=sort)


class EndRelationshipForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CloseReason.choices)
    note = forms.CharField(label=_("Why HR is ending it"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=1000, help_text=REASON_HELP)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=REASON_HELP,
                             widget=forms.TextInput)


class SponsorSearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, email or title")}))
    department = forms.ModelChoiceField(Department.objects.order_by("name"), required=False,
                                        label=_("Area of influence"), empty_label=_("Any area"))
    min_level = forms.IntegerField(required=False, label=_("Level at least"), min_value=1,
                                   max_value=20)


class ProgramSettingsForm(forms.Form):
    """One field per program rule; empty means the environment's value (shown as the hint)."""

    def __init__(self, *args, stored: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in RULES:
            default = getattr(settings, rule.name)
            self.fields[rule.name] = forms.IntegerField(
                label=rule.label, required=False, min_value=rule.minimum,
                max_value=rule.maximum, initial=stored.get(rule.name),
                help_text=format_lazy("{help} {empty}", help=rule.help, empty=format_lazy(
                    _("Empty: the environment's value, {default} ({name})."),
                    default=default, name=rule.name)),
                widget=forms.NumberInput(attrs={"placeholder": str(default)}))


class SsoProviderForm(forms.Form):
    """A company sign-in HR adds in the app (accounts/sso_apps.py saves it as allauth's social
    application): OpenID Connect (server URL, client id and secret) or SAML 2.0 (metadata URL).
    It validates only; a secret left empty keeps the stored one."""

    kind = forms.ChoiceField(label=_("Protocol"), choices=[
        ("openid_connect", _("OpenID Connect (Entra ID, Okta, Google Workspace, Keycloak)")),
        ("saml", _("SAML 2.0"))])
    name = forms.CharField(label=_("Button text"), max_length=40,
                           help_text=_("What the sign-in page's button says, e.g. “Company "
                                       "sign-in”."))
    provider_id = forms.SlugField(label=_("Short name"), max_length=40,
                                  help_text=_("Letters, digits, - and _: part of the addresses "
                                              "the identity provider is given."))
    server_url = forms.URLField(label=_("OpenID Connect: issuer URL"), required=False,
                                assume_scheme="https", max_length=300,
                                validators=[https_or_loopback],
                                help_text=_("The address before /.well-known/"
                                            "openid-configuration."))
    client_id = forms.CharField(label=_("OpenID Connect: client id"), required=False,
                                max_length=191)
    secret = forms.CharField(label=_("OpenID Connect: client secret"), required=False,
                             max_length=191, widget=forms.PasswordInput(render_value=False),
                             help_text=_("Never shown again; leave empty to keep the stored "
                                         "one."))
    metadata_url = forms.URLField(label=_("SAML: the identity provider's metadata URL"),
                                  required=False, assume_scheme="https", max_length=300,
                                  validators=[https_or_loopback])
    trust_email = forms.BooleanField(
        label=_("Trust the email address the identity provider asserts"), required=False,
        help_text=_("Only then does a sign-in link to the person's HR record. Turn it on for "
                    "the company's own directory, where people cannot choose their address."))

    def __init__(self, *args, has_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret

    def clean(self):
        data = super().clean()
        if data.get("kind") == "openid_connect":
            for name in ("server_url", "client_id"):
                if not data.get(name) and name not in self.errors:  # one message per field
                    self.add_error(name, _("OpenID Connect needs this."))
            if not data.get("secret") and not self.has_secret:
                self.add_error("secret", _("OpenID Connect needs this."))
        elif data.get("kind") == "saml" and not data.get("metadata_url"):
            self.add_error("metadata_url", _("SAML needs this."))
        return data
