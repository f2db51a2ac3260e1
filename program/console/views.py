"""HR's console: the lists of everything the program runs, a person's whole file, and HR's
actions on them. Every view is for HR admins only; every action goes through a service that
tells the people concerned and keeps HR's reason."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.forms import add_service_errors
from accounts.models import AuditEvent, Person
from accounts.program_settings import BY_NAME, program_settings_save, stored_values
from accounts.roles import hr_admin_required, roles_for
from accounts.services import giver_pause_set, hr_admin_role_set
from accounts.sso_apps import (
    environment_apps,
    sso_app_delete,
    sso_app_fields,
    sso_app_save,
    stored_apps,
)
from matching.mentorship.selectors import suggestions_for
from matching.relationships.services import relationship_end_by_hr, relationship_model
from matching.sponsorship.models import Sponsorship
from matching.sponsorship.services import sponsorship_propose
from program.console.forms import (
    EndRelationshipForm,
    ListFilterForm,
    ProgramSettingsForm,
    ReasonForm,
    SponsorSearchForm,
    SsoProviderForm,
)
from program.console.health import data_health
from program.console.lists import LISTINGS, Listing, add_age, listing_rows
from program.console.pairing import sponsor_candidates
from program.console.person import person_file
from program.console.services import overdue_pairs_remind

PER_PAGE = 50
MENTOR_SUGGESTIONS = 25


def _listing(slug: str) -> Listing:
    if slug not in LISTINGS:
        raise Http404("No such list.")
    return LISTINGS[slug]


def _rows(request, listing: Listing):
    form = ListFilterForm(request.GET or None, listing=listing)
    sort = request.GET.get("sort", "")
    return form, listing_rows(listing, form.query(sort), timezone.localdate())


def _cells(listing: Listing, rows) -> list[list[dict]]:
    return [[{"value": column.value(row), "kind": column.kind,
              "link": column.link(row) if column.link else None} for column in listing.columns]
            for row in rows]


@hr_admin_required
def listing(request, listing: str):
    listing = _listing(listing)
    form, rows = _rows(request, listing)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    if listing.column("age"):
        add_age(page.object_list, timezone.now())
    sort = request.GET.get("sort", "") or listing.default_sort
    return render(request, "console/list.html", {
        "listing": listing, "console_lists": LISTINGS.values(), "form": form, "page": page,
        "rows": _cells(listing, page.object_list), "sort": sort,
        "headers": [{"column": c, "sorted": sort.removeprefix("-") == c.key,
                     "descending": sort.startswith("-"),
                     "next": f"-{c.key}" if sort == c.key else c.key}
                    for c in listing.columns],
        "remind_form": ReasonForm() if listing.relationship else None,
    })


class _Echo:
    def write(self, value):
        return value


@hr_admin_required
def listing_export(request, listing: str):
    """The list as CSV, with the same search, filters and sort as the page (every page)."""
    listing = _listing(listing)
    _, rows = _rows(request, listing)
    now, aged = timezone.now(), listing.column("age") is not None
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read UTF-8
        yield writer.writerow([column.label for column in listing.columns])
        for row in rows.iterator(chunk_size=2000):
            if aged:
                add_age([row], now)
            yield writer.writerow(["" if v is None else v for v in
                                   (column.value(row) for column in listing.columns)])

    audit_record(request, "hr.list_export", summary=f"{listing.title} as CSV",
                 query=request.GET.urlencode()[:500])
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{listing.slug}-{timezone.localdate():%Y-%m-%d}.csv"')
    return response


@require_POST
@hr_admin_required
def remind_overdue(request, listing: str):
    """Remind every overdue pair the list shows (with its filters), both people, with a note."""
    listing = _listing(listing)
    if not listing.relationship:
        raise Http404("This list has no pairs to remind.")
    _, rows = _rows(request, listing)
    form = ReasonForm(request.POST)
    back = reverse("hr:console_list", args=[listing.slug]) + (
        f"?{request.GET.urlencode()}" if request.GET else "")
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        count = overdue_pairs_remind(relationships=rows, by=request.user, request=request,
                                     reason=form.cleaned_data["reason"],
                                     today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ngettext("Reminded both people of %(count)s overdue pair.",
                                           "Reminded both people of %(count)s overdue pairs.",
                                           count) % {"count": count})
    return redirect(back)


@hr_admin_required
def person(request, pk: int):
    file = person_file(pk, user=request.user)
    if file is None:
        raise Http404("No such person.")
    audit_record(request, "hr.person_view", target=file.person)
    return render(request, "console/person.html", {
        "file": file, "person": file.person, "reason_form": ReasonForm(),
        "console_lists": LISTINGS.values(), "today": timezone.localdate(),
    })


def _person_or_404(pk: int) -> Person:
    person = Person.objects.select_related("user").filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    return person


def _act(request, person: Person, action, **kwargs) -> None:
    """Run one of HR's actions on a person with the posted reason; say what happened."""
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        action(person=person, by=request.user, request=request,
               reason=form.cleaned_data["reason"], **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    return True


@require_POST
@hr_admin_required
def person_pause(request, pk: int):
    """Pause or resume someone as a mentor or sponsor (POST role=mentor|sponsor, paused=1|0)."""
    person = _person_or_404(pk)
    role, paused = request.POST.get("role", ""), request.POST.get("paused") == "1"
    if _act(request, person, giver_pause_set, role=role, paused=paused):
        messages.success(request, f"{person.full_name} is {'paused' if paused else 'resumed'} "
                                  f"as a {role}; they have been told why.")
    return redirect("hr:person", pk=person.pk)


@require_POST
@hr_admin_required
def person_hr_admin(request, pk: int):
    """Give (POST grant=1) or take away (grant=0) a person's HR admin role."""
    person = _person_or_404(pk)
    grant = request.POST.get("grant") == "1"
    if _act(request, person, hr_admin_role_set, is_hr_admin=grant):
        messages.success(request, f"{person.full_name} is {'now' if grant else 'no longer'} an "
                                  "HR admin; they have been told why.")
    return redirect("hr:person", pk=person.pk)


@hr_admin_required
def relationship_end(request, kind: str, pk: int):
    """End a mentorship or sponsorship early, with a reason both people are told."""
    model = relationship_model(kind)
    relationship = (model.objects.select_related(model.GIVER, model.RECEIVER).filter(pk=pk)
                    .first() if model else None)
    if relationship is None:
        raise Http404("No such relationship.")
    form = EndRelationshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship_end_by_hr(relationship=relationship, by=request.user, request=request,
                                   reason=form.cleaned_data["reason"],
                                   note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ended: %(relationship)s. Both have been told why.")
                             % {"relationship": relationship})
            return redirect("hr:person", pk=getattr(relationship, f"{model.RECEIVER}_id"))
    return render(request, "console/end.html", {"relationship": relationship, "form": form,
                                                "kind": kind, "console_lists": LISTINGS.values()})


@hr_admin_required
def find_sponsor(request, pk: int):
    """Rank sponsors for one person and propose one (the same service as HR's one-off pairing:
    the protégé is asked to accept)."""
    protege = _person_or_404(pk)
    if request.method == "POST":
        sponsor = Person.objects.filter(pk=request.POST.get("sponsor") or 0).first()
        try:
            if sponsor is None:
                raise ValidationError(_("Choose a sponsor from the list."))
            with transaction.atomic():  # the proposal and its audit row, or neither
                sponsorship = sponsorship_propose(sponsor=sponsor, protege=protege,
                                                  origin=Sponsorship.Origin.HR,
                                                  proposed_by=roles_for(request).person)
                audit_record(request, "hr.sponsorship_propose", target=sponsorship,
                             summary=f"Proposed {sponsor.full_name} to {protege.full_name}")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Proposed %(sponsor)s; %(protege)s has been asked to "
                                        "accept.") % {"sponsor": sponsor.full_name,
                                                      "protege": protege.full_name})
            return redirect("hr:person", pk=protege.pk)
    form = SponsorSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    candidates = sponsor_candidates(protege, query=(filters.get("q") or "").strip(),
                                    department=filters.get("department"),
                                    min_level=filters.get("min_level"))
    return render(request, "console/find_sponsor.html", {
        "person": protege, "form": form, "candidates": candidates,
        "console_lists": LISTINGS.values()})


@hr_admin_required
def health(request):
    return render(request, "console/health.html", {
        "items": data_health(timezone.localdate()), "console_lists": LISTINGS.values(),
        "health_page": True})


@hr_admin_required
def program_settings(request):
    """The program rules HR tunes, each defaulting to its environment variable; every change is
    in the audit trail, and the latest changes are listed here."""
    form = ProgramSettingsForm(request.POST or None, stored=stored_values())
    if request.method == "POST" and form.is_valid():
        try:
            changed = program_settings_save(values=form.cleaned_data, by=request.user,
                                            request=request)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                name = next((r.name for r in BY_NAME.values() if r.field == field), None)
                for problem in problems:
                    form.add_error(name, problem)
        else:
            names = ", ".join(str(BY_NAME[name].label) for name in changed)
            messages.success(request, _("Saved: %(names)s.") % {"names": names} if changed
                             else _("Nothing changed."))
            return redirect("hr:program_settings")
    history = (AuditEvent.objects.filter(action="hr.program_settings_change")
               .order_by("-created_at", "-id")[:20])
    return render(request, "console/settings.html", {
        "form": form, "history": history, "console_lists": LISTINGS.values(),
        "settings_page": True})


@hr_admin_required
def find_mentor(request, pk: int):
    """The mentors the employee's own suggestions would show them, for HR to discuss with them:
    mentors are asked by the mentee, so HR does not pair them directly."""
    person = _person_or_404(pk)
    return render(request, "console/find_mentor.html", {
        "person": person, "suggestions": suggestions_for(person, limit=MENTOR_SUGGESTIONS),
        "console_lists": LISTINGS.values()})


@hr_admin_required
def sso_providers(request, pk: int | None = None):
    """The company sign-ins: those the environment sets (read only) and those HR adds here
    (OpenID Connect or SAML 2.0), each change in the audit trail."""
    app = get_object_or_404(stored_apps(), pk=pk) if pk else None
    form = SsoProviderForm(request.POST or None, initial=sso_app_fields(app) if app else {},
                           has_secret=bool(app and app.secret))
    if request.method == "POST" and form.is_valid():
        try:
            saved = sso_app_save(request=request, app=app, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": saved.name})
            return redirect("hr:sso_providers")
    return render(request, "console/sso.html", {
        "form": form, "editing": app, "stored": stored_apps(),
        "environment": environment_apps(), "console_lists": LISTINGS.values(),
        "site_url": settings.SITE_URL})


@require_POST
@hr_admin_required
def sso_provider_delete(request, pk: int):
    app = get_object_or_404(stored_apps(), pk=pk)
    sso_app_delete(request=request, app=app)
    messages.success(request, _("Removed: %(name)s.") % {"name": app.name})
    return redirect("hr:sso_providers")
