"""HR's log of what the worker sent: every reminder, nudge and report email, newest first."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import hr_admin_required
from program.core.celery import task_enqueue
from program.delivery.views import delivery_overview
from program.reminders.models import ReminderLog
from program.reminders.tasks import sweep_reminders

PER_PAGE = 50
STATUSES = [("", _("Any status")), ("sent", _("Sent")), ("skipped", _("Skipped")),
            ("pending", _("Not sent yet"))]
# Marked here, translated where shown (tests compare the English text).
SWEEP_QUEUED = gettext_noop("A reminder sweep is queued; the worker sends what is due in a "
                            "moment. Nothing already sent goes out again.")
SWEEP_NOT_QUEUED = gettext_noop(
    "The task queue is unreachable right now, so no sweep could be queued. Nothing is lost: the "
    "worker's hourly sweep sends what is due once the queue is back. Try again in a few minutes "
    "if it cannot wait.")


class ReminderLogFilter(forms.Form):
    kind = forms.ChoiceField(required=False,
                             choices=[("", _("Every kind")), *ReminderLog.Kind.choices])
    status = forms.ChoiceField(required=False, choices=STATUSES)


_STATUS_FILTERS = {
    "sent": Q(sent_at__isnull=False, skipped_reason=""),
    "skipped": Q(sent_at__isnull=False) & ~Q(skipped_reason=""),
    "pending": Q(sent_at__isnull=True),
}


@hr_admin_required
def reminder_log(request):
    form = ReminderLogFilter(request.GET or None)
    rows = ReminderLog.objects.order_by("-created_at", "-id")
    filtered = False
    if form.is_valid():
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            rows = rows.filter(_STATUS_FILTERS[form.cleaned_data["status"]])
        filtered = any(form.cleaned_data.values())
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    week_ago = timezone.now() - timezone.timedelta(days=7)
    last_week = dict(ReminderLog.objects.filter(sent_at__gte=week_ago, skipped_reason="")
                     .values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return render(request, "hr/reminder_log.html", {
        "form": form, "page": page, "filtered": filtered,
        "last_week": [(label, last_week.get(kind, 0)) for kind, label in ReminderLog.Kind.choices],
        **delivery_overview(),
    })


@require_POST
@hr_admin_required
def reminder_sweep_now(request):
    if task_enqueue(sweep_reminders, "all"):
        messages.success(request, gettext(SWEEP_QUEUED))
    else:
        messages.warning(request, gettext(SWEEP_NOT_QUEUED))
    return redirect("hr:reminder_log")
