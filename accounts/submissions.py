"""Safe to submit twice: every form that creates something carries a one-time token.

    class CheckInForm(OnceForm): ...

    with transaction.atomic():
        earlier = submission_claim(request.user, form)
        if earlier is not None:
            return submission_repeat(request, earlier)   # shows what the first one made
        check_in = meeting_record(...)
        submission_finish(request.user, form, url=relationship_url(...))

The claim inserts the token in the caller's transaction. A second submission racing the first
waits on the unique index until the first commits, then finds it; if the first failed (its
transaction rolled back) the token is free again and the second goes ahead. A form posted
without a token (scripts, older pages) behaves as before.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_noop

from .models import FormSubmission

TOKEN_FIELD = "submission_token"
# Marked here, translated where it is shown (tests compare the English text).
ALREADY_SUBMITTED = gettext_noop("This was already submitted; here is what it made.")


class OnceForm(forms.Form):
    """A form with the one-time token as a hidden field; a new token each time it is shown."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False,
                                       initial=uuid.uuid4)


class OnceModelForm(forms.ModelForm):
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False,
                                       initial=uuid.uuid4)


def _token(form) -> uuid.UUID | None:
    return form.cleaned_data.get(TOKEN_FIELD) if hasattr(form, "cleaned_data") else None


def submission_claim(user, form) -> FormSubmission | None:
    """Claim the form's token for this submission (inside the caller's transaction). Returns
    the earlier submission that holds it, or None when this one should go ahead."""
    token = _token(form)
    if token is None:
        return None
    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, user=user)
    except IntegrityError:
        # Someone else's token is not ours to reveal: then it is simply refused as used.
        return (FormSubmission.objects.filter(token=token, user=user).first()
                or FormSubmission(token=token))
    return None


def submission_finish(user, form, *, url: str = "", result: dict | None = None) -> None:
    """Record what the submission made, for a repeat to show."""
    token = _token(form)
    if token is not None:
        FormSubmission.objects.filter(token=token, user=user).update(
            result_url=url[:300], result=result or {})


def submission_repeat(request, earlier: FormSubmission, fallback: str):
    """The answer to a repeat: back to what the first submission made."""
    messages.info(request, gettext(ALREADY_SUBMITTED))
    return redirect(earlier.result_url or fallback)


def submission_fields(form) -> dict:
    """The form's cleaned data without the token, to pass to a service."""
    return {k: v for k, v in form.cleaned_data.items() if k != TOKEN_FIELD}
