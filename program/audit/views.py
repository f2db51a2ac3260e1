"""HR's audit trail page: search who did what (actor, action, date, target), page through it,
export it as CSV. Nothing here edits or deletes an event; the export is itself audited."""

from __future__ import annotations

import datetime

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.csv_safe import write_csv
from accounts.models import AuditEvent
from accounts.roles import hr_admin_required

PER_PAGE = 50
CSV_HEADER = [_("When (UTC)"), _("Actor"), _("Action"), _("Target type"), _("Target id"),
              _("Summary"),
              _("Client address"), _("Details")]


class AuditSearchForm(forms.Form):
    actor = forms.CharField(required=False, max_length=254, label=_("Actor's email contains"))
    action = forms.CharField(required=False, max_length=60,
                             label=_("Action starts with (e.g. advocacy.)"))
    target = forms.CharField(required=False, max_length=100,
                             label=_("Target (type, id, or type:id)"))
    date_from = forms.DateField(required=False, label=_("From"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("To"),
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _events(form: AuditSearchForm):
    events = AuditEvent.objects.order_by("-created_at", "-id")
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["actor"]:
        events = events.filter(actor_label__icontains=data["actor"].strip())
    if data["action"]:
        events = events.filter(action__startswith=data["action"].strip())
    if data["target"]:
        target_type, _, target_id = data["target"].strip().rpartition(":")
        if target_type:
            events = events.filter(target_type=target_type, target_id=target_id)
        elif target_id.isdigit():
            events = events.filter(target_id=target_id)
        else:
            events = events.filter(target_type=target_id)
    if data["date_from"]:
        events = events.filter(created_at__gte=_day_start(data["date_from"]))
    if data["date_to"]:
        events = events.filter(
            created_at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
    return events


@hr_admin_required
def audit_log(request):
    form = AuditSearchForm(request.GET or None)
    events = _events(form)
    if request.GET.get("format") == "csv" and (form.is_valid() or not form.is_bound):
        return _csv(request, events)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "hr/audit.html", {"form": form, "page": page,
                                             "filtered": form.is_bound})


def _csv(request, events) -> HttpResponse:
    audit_record(request, "audit.export", summary="Exported the audit trail as CSV",
                 filters={k: v for k, v in request.GET.items() if k != "format"})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{timezone.localdate():%Y-%m-%d}.csv"')
    response.write("\ufeff")
    rows = ([f"{e.created_at:%Y-%m-%d %H:%M:%S}", e.actor_label or "system", e.action,
             e.target_type, e.target_id, e.summary, e.ip_address or "", e.data]
            for e in events.iterator(chunk_size=2000))
    write_csv(response, [CSV_HEADER])
    write_csv(response, rows)
    return response
