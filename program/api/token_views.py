"""HR creates and revokes the tokens HR systems and BI tools read the API with."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.roles import hr_admin_required
from accounts.submissions import submission_claim, submission_finish, submission_repeat
from program.api.forms import ApiTokenForm
from program.api.models import HrApiToken

REVOKED = _lazy("Revoked “{name}”: it no longer works.")


@hr_admin_required
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # The page that shows the new token answers the POST: reloading it, going back to
            # it or pressing Create twice sends the form again, which must not make a second.
            earlier = submission_claim(request.user, form)
            if earlier is not None:
                return submission_repeat(request, earlier, reverse("api_tokens"))
            token, created = HrApiToken.issue(name=form.cleaned_data["name"],
                                              scopes=form.cleaned_data["scopes"],
                                              created_by=request.user)
            audit_record(request, "api.token_create", target=token, summary=token.name,
                         scopes=token.scopes)
            submission_finish(request.user, form, url=reverse("api_tokens"))
        form = ApiTokenForm()
    return render(request, "api/tokens.html", {
        "form": form, "created": created,
        "tokens": HrApiToken.objects.select_related("created_by")[:200],
        "base_url": request.build_absolute_uri("/api/v1/"),
        "schema_url": request.build_absolute_uri("/api/v1/openapi.json"),
    })


@require_POST
@hr_admin_required
def revoke(request, pk):
    with transaction.atomic():
        token = get_object_or_404(HrApiToken.objects.usable().select_for_update(), pk=pk)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(request, "api.token_revoke", target=token, summary=token.name)
    messages.success(request, str(REVOKED).format(name=token.name))
    return redirect("api_tokens")
