import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .access import access_request_create, access_request_link, access_request_open
from .forms import (
    AccessLinkForm,
    AccessRequestForm,
    ImportUploadForm,
    ProfileForm,
    add_service_errors,
)
from .import_jobs import import_job_create, import_job_start, runs_in_worker
from .importing import ImportResult, Problem, importers, kind_label, run_import
from .models import AccessRequest, ImportJob, Notification, Person
from .notifications import UNSUBSCRIBE_SALT, unsubscribe_target
from .roles import hr_admin_required, person_required, roles_for
from .submissions import ALREADY_SUBMITTED, submission_claim, submission_finish


def home(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    person = roles_for(request).person
    context = {"person": person}
    if person is None:
        context.update(access_request=access_request_open(request.user),
                       access_form=AccessRequestForm())
    return render(request, "home.html", context)


# A way in for people without an HR record (accounts/access.py).


@require_POST
@login_required
def access_request(request):
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        try:
            access_request_create(user=request.user, message=form.cleaned_data["message"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your request is with HR. You will be able to use the "
                                        "program as soon as they link your account."))
        return redirect("home")
    # A message that is too long: the form again, with what was typed and why it was refused.
    return render(request, "home.html",
                  {"person": roles_for(request).person,
                   "access_request": access_request_open(request.user), "access_form": form})


@hr_admin_required
def access_requests(request):
    waiting = AccessRequest.objects.filter(status=AccessRequest.Status.OPEN).select_related("user")
    linked = (AccessRequest.objects.filter(status=AccessRequest.Status.LINKED)
              .select_related("user", "person", "decided_by__person").order_by("-decided_at")[:20])
    return render(request, "accounts/access_requests.html",
                  {"waiting": waiting, "linked": linked, "form": AccessLinkForm(),
                   "failed": None})


@require_POST
@hr_admin_required
def access_request_link_view(request, pk):
    access_request = get_object_or_404(AccessRequest, pk=pk)
    form = AccessLinkForm(request.POST)
    if form.is_valid():
        try:
            person = access_request_link(access_request=access_request,
                                         who=form.cleaned_data["who"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(email)s is now linked to %(name)s.") % {
                "email": access_request.user.email, "name": person.full_name})
            return redirect("access_requests")
    waiting = AccessRequest.objects.filter(status=AccessRequest.Status.OPEN).select_related("user")
    return render(request, "accounts/access_requests.html",
                  {"waiting": waiting, "linked": [], "form": AccessLinkForm(),
                   "failed": access_request, "failed_form": form}, status=400)


@person_required
def profile_edit(request):
    person = request.person
    form = ProfileForm(request.POST or None, instance=person,
                       is_hr_admin=request.user.is_hr_admin)
    if request.method == "POST" and form.is_valid():
        form.save()
        # In the language just chosen: the next page (where this shows) is in it already.
        with translation.override(person.preferred_language):
            messages.success(request, gettext("Your profile is saved."))
        return redirect("profile_edit")
    return render(request, "accounts/profile_edit.html", {"form": form, "person": person})


@person_required
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.person)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/inbox.html", {"page": page})


@require_POST
@person_required
def inbox_read_all(request):
    Notification.objects.filter(recipient=request.person, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("inbox")


@person_required
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.person)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox")


def unsubscribe(request, token):
    """Works without signing in: the link itself is signed. GET shows, POST sets what the link
    names to "inbox only" (a category, the daily digest, or an old email switch)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=400)
    person = get_object_or_404(Person, pk=data.get("p"))
    stop = unsubscribe_target(data)
    if stop is None:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=400)
    label, fields = stop
    if request.method == "POST":
        with transaction.atomic():
            locked = Person.objects.select_for_update().get(pk=person.pk)
            changes = fields(locked)
            Person.objects.filter(pk=person.pk).update(**changes)
        return render(request, "accounts/unsubscribe.html", {"done": True, "label": label})
    return render(request, "accounts/unsubscribe.html", {"label": label, "token": token})


def _result_from(stored: dict, kind: str) -> ImportResult:
    fields = {k: v for k, v in stored.items() if k != "problems"}
    return ImportResult(**{"kind": kind, **fields},
                        problems=[Problem(**p) for p in stored.get("problems", [])])


WAITS_FOR_WORKER = _("The import waits for the background worker, which is not answering now; "
                     "it will run as soon as the worker is back. This page shows when it does.")


@hr_admin_required
def import_upload(request):
    kinds = importers()
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        job = None
        with transaction.atomic():
            earlier = submission_claim(request.user, form)
            if earlier is not None and "job" in earlier.result:  # the file's job, made once
                messages.info(request, gettext(ALREADY_SUBMITTED))
                return redirect("import_job", pk=earlier.result["job"])
            if earlier is not None:  # a double click or a reload: the file ran once
                result = _result_from(earlier.result, form.cleaned_data["kind"])
                messages.info(request, f"{gettext(ALREADY_SUBMITTED)} {result.summary()}")
            elif runs_in_worker(data) and (job := import_job_create(
                    kind=form.cleaned_data["kind"], data=data, by=request.user,
                    dry_run=form.cleaned_data["dry_run"], file_name=upload.name)):
                submission_finish(request.user, form, result={"job": job.pk})
            else:
                result = run_import(form.cleaned_data["kind"], data,
                                    dry_run=form.cleaned_data["dry_run"], by=request,
                                    file_name=upload.name)
                submission_finish(request.user, form, result=dataclasses.asdict(result))
        if job is not None:  # a large file: the worker runs it, its page shows how far it got
            if not import_job_start(job):
                messages.warning(request, WAITS_FOR_WORKER)
            return redirect("import_job", pk=job.pk)
        if earlier is None:
            (messages.success if result.ok else messages.error)(request, result.summary())
        # A fresh form (and token) for the next file.
        form = ImportUploadForm(kinds=kinds, initial={"kind": form.cleaned_data["kind"],
                                                      "dry_run": form.cleaned_data["dry_run"]})
    columns = {capfirst(kind_label(kind)): [c.name for c in importer.columns]
               for kind, importer in kinds.items()}
    return render(request, "accounts/import_upload.html",
                  {"form": form, "result": result, "columns": columns})


@hr_admin_required
def import_job(request, pk):
    """A large import's page: status and progress, refreshing itself until the job ends, then
    the same result the upload page shows."""
    job = get_object_or_404(ImportJob.objects.defer("content").select_related("created_by"),
                            pk=pk)
    result = _result_from(job.result, job.kind) if job.result else None
    active = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    percent = min(100, job.rows_seen * 100 // job.rows_total) if job.rows_total else 0
    return render(request, "accounts/import_job.html",
                  {"job": job, "result": result, "active": active, "percent": percent,
                   "kind": kind_label(job.kind)})
