"""HR creates and revokes the tokens the identity provider's SCIM client signs in with."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.roles import hr_admin_required
from accounts.submissions import OnceForm, submission_claim, submission_finish, submission_repeat
from program.scim.models import ApiToken


class TokenForm(OnceForm):
    name = forms.CharField(max_length=100, label=_("What it is for"),
                           help_text=_("For example: Entra ID provisioning, Okta production."))


@hr_admin_required
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Reloading the page that shows the new token sends the form again: not a second.
            earlier = submission_claim(request.user, form)
            if earlier is not None:
                return submission_repeat(request, earlier, reverse("scim:tokens"))
            token, created = ApiToken.issue(name=form.cleaned_data["name"],
                                            scope=ApiToken.Scope.SCIM, created_by=request.user)
            audit_record(request, "scim.token_create", target=token, summary=token.name)
            submission_finish(request.user, form, url=reverse("scim:tokens"))
        form = TokenForm()
    return render(request, "scim/tokens.html", {
        "form": form, "created": created,
        "tokens": ApiToken.objects.select_related("created_by")[:200],
        "base_url": request.build_absolute_uri("/scim/v2/"),
    })


@require_POST
@hr_admin_required
def revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.usable(), pk=pk)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(request, "scim.token_revoke", target=token, summary=token.name)
    messages.success(request, _("Revoked “%(name)s”: it no longer works.") % {"name": token.name})
    return redirect("scim:tokens")
