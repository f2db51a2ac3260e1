"""The API's endpoints (mounted at /api/v1/ by api.py). Each checks its scope, reads through
the same queries and functions as HR's pages, and answers one page in a fixed number of
queries (the token, and one per list)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy
from ninja import Query, Router, Status
from ninja.errors import HttpError

from accounts.audit import audit_record
from accounts.importing import importers, parse_date
from accounts.models import CareerEvent
from matching.mentorship.models import Mentorship
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import AdvocacyRecord, Sponsorship
from program.api.auth import scope_require
from program.api.models import Scope
from program.api.schemas import (
    NO_NUL,
    AdvocacyRecordPage,
    CareerEventOut,
    CareerEventPage,
    CareerEventsIn,
    CareerEventsOut,
    DashboardOut,
    ErrorOut,
    MentorshipPage,
    OutcomeReportOut,
    SponsorshipPage,
)
from program.reports.dashboard import LEVEL_BANDS, dashboard_data
from program.reports.figures_cache import outcome_report_cached
from program.reports.forms import DashboardFilterForm, ReportForm
from program.reports.models import ReportSnapshot
from program.reports.outcome import MAX_WINDOW_MONTHS

router = Router()

MAX_LIMIT = 200
MAX_ID = 2**53  # ids are bigints; JSON clients read numbers as doubles
NOT_VALID = _lazy("The request is not valid; nothing was done.")
CAREER_EVENTS_REFUSED = _lazy("Nothing was recorded: {count} problem(s) in the posted events.")
# What any endpoint may answer besides its own: a bad value, no or a revoked token, a scope the
# token lacks, the rate limit.
ERRORS = dict.fromkeys((400, 401, 403, 429), ErrorOut)
# The rate limit's answer says when to come back (RFC 9110 Retry-After, in seconds).
RETRY_AFTER = {"responses": {429: {"headers": {"Retry-After": {
    "description": "Seconds until the token's next minute starts.",
    "schema": {"type": "integer", "minimum": 1}}}}}}

StatusChoice = Literal[tuple(RelationshipStatus.values)]
EventKind = Literal[tuple(CareerEvent.Kind.values)]
LevelBand = Literal[tuple(LEVEL_BANDS)]


def _page(request: HttpRequest, queryset, after: int, limit: int, item) -> dict:
    """`limit` rows after id `after`, by id: one query, whatever the table's size."""
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = rows[-1].pk if more else None
    following = None
    if next_after is not None:
        query = request.GET.copy()
        query["after"] = str(next_after)
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": [item(row) for row in rows], "next_after": next_after, "next": following}


def _person(person) -> dict:
    return {"employee_id": person.employee_id, "full_name": person.full_name}


def _relationship(row, giver: str, receiver: str, **extra) -> dict:
    return {
        "id": row.pk, "status": row.status, "started_on": row.started_on,
        "planned_end_on": row.planned_end_on, "ended_on": row.ended_on,
        "cadence_days": row.cadence_days, "close_reason": row.close_reason,
        "last_met_on": row.last_met_on, "next_due_on": row.next_due_on,
        "inactive_since": row.inactive_since,
        "cohort": {"id": row.cohort.pk, "name": row.cohort.name} if row.cohort else None,
        "created_at": row.created_at,
        giver: _person(getattr(row, giver)), receiver: _person(getattr(row, receiver)),
        **extra,
    }


Limit = Query(50, ge=1, le=MAX_LIMIT, description="Items per page (at most 200).")
After = Query(0, ge=0, le=MAX_ID, description="Items with an id above this one (next_after).")


@router.get("/mentorships", operation_id="listMentorships",
            response={200: MentorshipPage, **ERRORS},
            summary="Mentorships", tags=["relationships"], openapi_extra=RETRY_AFTER)
def mentorships(request, status: StatusChoice | None = None, after: int = After,
                limit: int = Limit):
    """Every mentorship, with its mentor and mentee (scope `read`). The agreement, goals and
    check-ins are the pair's and are not here."""
    scope_require(request, Scope.READ)
    rows = Mentorship.objects.select_related("mentor", "mentee", "cohort")
    if status:
        rows = rows.filter(status=status)
    return _page(request, rows, after, limit,
                 lambda row: _relationship(row, "mentor", "mentee"))


@router.get("/sponsorships", operation_id="listSponsorships",
            response={200: SponsorshipPage, **ERRORS},
            summary="Sponsorships", tags=["relationships"], openapi_extra=RETRY_AFTER)
def sponsorships(request, status: StatusChoice | None = None, after: int = After,
                 limit: int = Limit):
    """Every sponsorship, with its sponsor and protégé and how many advocacy records it has
    (scope `read`). Touchpoint notes are the pair's and are not here."""
    scope_require(request, Scope.READ)
    rows = (Sponsorship.objects.select_related("sponsor", "protege", "cohort")
            .annotate(advocacy_count=Count("advocacy_records")))
    if status:
        rows = rows.filter(status=status)
    return _page(request, rows, after, limit, lambda row: _relationship(
        row, "sponsor", "protege", origin=row.origin, last_advocacy_on=row.last_advocacy_on,
        advocacy_records=row.advocacy_count))


@router.get("/advocacy-records", operation_id="listAdvocacyRecords",
            response={200: AdvocacyRecordPage, **ERRORS},
            summary="Advocacy records", tags=["relationships"], openapi_extra=RETRY_AFTER)
def advocacy_records(request, after: int = After, limit: int = Limit):
    """Advocacy records as HR sees them (scope `read`): kind, date and outcome. What was put
    forward, where, how openly and the outcome note (`details`) only with `read:details`."""
    scope_require(request, Scope.READ)
    details = request.auth.allows(Scope.READ_DETAILS)
    rows = AdvocacyRecord.objects.select_related("sponsorship__sponsor", "sponsorship__protege")
    if not details:  # what the token may not see is not even read
        rows = rows.defer("forum", "description", "outcome_note", "visibility")

    def item(row):
        return {
            "id": row.pk, "sponsorship_id": row.sponsorship_id,
            "sponsor": _person(row.sponsorship.sponsor),
            "protege": _person(row.sponsorship.protege), "kind": row.kind,
            "occurred_on": row.occurred_on, "outcome": row.outcome, "outcome_on": row.outcome_on,
            "shared_with_protege": row.shared_with_protege,
            "career_event_id": row.career_event_id,
            "details": {"visibility": row.visibility, "forum": row.forum,
                        "description": row.description, "outcome_note": row.outcome_note}
            if details else None,
        }

    return _page(request, rows, after, limit, item)


def _career_event(event) -> dict:
    return {"id": event.pk, "employee_id": event.person.employee_id, "kind": event.kind,
            "occurred_on": event.occurred_on, "description": event.description,
            "recorded_at": event.created_at}


@router.get("/career-events", operation_id="listCareerEvents",
            response={200: CareerEventPage, **ERRORS},
            summary="Career events", tags=["career events"], openapi_extra=RETRY_AFTER)
def career_events(request, kind: EventKind | None = None,
                  employee_id: str | None = Query(None, max_length=40, pattern=NO_NUL),
                  occurred_from: datetime.date | None = None,
                  occurred_to: datetime.date | None = None,
                  after: int = After, limit: int = Limit):
    """Career events of everyone, in the program or not (scope `read`)."""
    scope_require(request, Scope.READ)
    rows = CareerEvent.objects.select_related("person")
    if kind:
        rows = rows.filter(kind=kind)
    if employee_id:
        rows = rows.filter(person__employee_id=employee_id)
    if occurred_from:
        rows = rows.filter(occurred_on__gte=occurred_from)
    if occurred_to:
        rows = rows.filter(occurred_on__lte=occurred_to)
    return _page(request, rows, after, limit, _career_event)


@router.post("/career-events", operation_id="recordCareerEvents",
             response={200: CareerEventsOut, 201: CareerEventsOut, **ERRORS},
             summary="Record career events (the HRIS feed)", tags=["career events"],
             openapi_extra=RETRY_AFTER)
def career_events_post(request, payload: CareerEventsIn):
    """Record up to 1,000 career events at once (scope `write:career-events`), by the rules of
    the career_events import: all or nothing, every problem with the index of its event.
    Posting an event already recorded (same person, kind and date) adds nothing, so a feed
    can safely send again: 201 when something was recorded, 200 when nothing was new."""
    scope_require(request, Scope.WRITE_CAREER_EVENTS)
    records = [event.model_dump() for event in payload.events]
    token = request.auth
    with transaction.atomic():  # the events and their audit row, together
        result = importers()["career_events"]().run_records(records)
        audit_record(None, "api.career_events_post" if result.ok
                     else "api.career_events_refused", target=token, request=request,
                     summary=f"{len(records)} career event(s) via API token {token.name}: "
                             f"{result.summary()}",
                     rows=result.rows, created=result.created, problems=len(result.problems))
    if not result.ok:
        return Status(400, {
            "detail": str(CAREER_EVENTS_REFUSED).format(count=len(result.problems)),
            "errors": [{"index": problem.row, "field": problem.column,
                        "message": str(problem.message)} for problem in result.problems]})
    # Each posted event as the import read it (its parsers strip, lower-case the kind, read
    # the date), to find what is now stored: one query.
    keys = [(r["employee_id"].strip(), r["kind"].strip().lower(),
             parse_date(r["occurred_on"])) for r in records]
    stored = {(event.person.employee_id, event.kind, event.occurred_on): event
              for event in CareerEvent.objects.select_related("person").filter(
                  person__employee_id__in={key[0] for key in keys},
                  kind__in={key[1] for key in keys}, occurred_on__in={key[2] for key in keys})}
    events = [stored[key] for key in keys]
    body = {"created": result.created, "already_recorded": len(records) - result.created,
            "events": [CareerEventOut(**_career_event(event)) for event in events]}
    return Status(201 if result.created else 200, body)


def _form_errors(form) -> list[dict]:
    return [{"index": None, "field": name if name != "__all__" else None, "message": message}
            for name, messages in form.errors.items() for message in messages]


def _form_data(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is not None:
            data[name] = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return data


class FormInvalid(HttpError):
    """400 with each of the page form's messages (the same words HR reads on the page)."""

    def __init__(self, form):
        super().__init__(400, str(NOT_VALID))
        self.errors = _form_errors(form)


@router.get("/outcome-report", operation_id="getOutcomeReport",
            response={200: OutcomeReportOut, **ERRORS},
            summary="The outcome report", tags=["reports"], openapi_extra=RETRY_AFTER)
def outcome(request, as_of: datetime.date | None = None,
            window_months: int | None = Query(None, ge=1, le=MAX_WINDOW_MONTHS),
            department: int | None = Query(None, ge=1, le=MAX_ID),
            level_band: LevelBand | None = None,
            location: str | None = Query(None, max_length=200, pattern=NO_NUL),
            cohort: int | None = Query(None, ge=1, le=MAX_ID),
            hired_from: int | None = Query(None, ge=1900, le=2100),
            hired_to: int | None = Query(None, ge=1900, le=2100)):
    """The outcome report as on HR's page (scope `read`), as its JSON contract (docs/metrics.md):
    the same filters, and every group or count under the minimum group size hidden (null).
    Without parameters: the latest stored report, as the page shows it."""
    scope_require(request, Scope.READ)
    data = _form_data(as_of=as_of, window_months=window_months, department=department,
                      level_band=level_band, location=location, cohort=cohort,
                      hired_from=hired_from, hired_to=hired_to)
    if not data:
        snapshot = ReportSnapshot.objects.order_by("-created_at", "-id").first()
        if snapshot is not None and set(OutcomeReportOut.model_fields) - set(snapshot.data) \
                == {"snapshot_created_at"}:
            return {**snapshot.data, "snapshot_created_at": snapshot.created_at}
    form = ReportForm(data)
    if not form.is_valid():
        raise FormInvalid(form)
    return outcome_report_cached(as_of=form.cleaned_data["as_of"],
                                 window_months=form.cleaned_data["window_months"],
                                 filters=form.filters())


@router.get("/dashboard", operation_id="getDashboard",
            response={200: DashboardOut, **ERRORS},
            summary="Program health figures", tags=["reports"], openapi_extra=RETRY_AFTER)
def dashboard(request, department: int | None = Query(None, ge=1, le=MAX_ID),
              level_band: LevelBand | None = None,
              location: str | None = Query(None, max_length=200, pattern=NO_NUL),
              cohort: int | None = Query(None, ge=1, le=MAX_ID),
              date_from: datetime.date | None = None, date_to: datetime.date | None = None):
    """The figures of HR's program health dashboard (scope `read`), for the same filters:
    its summary and its tables (each a list of rows under its columns)."""
    scope_require(request, Scope.READ)
    form = DashboardFilterForm(_form_data(
        department=department, level_band=level_band, location=location, cohort=cohort,
        date_from=date_from, date_to=date_to))
    if not form.is_valid():
        raise FormInvalid(form)
    figures = dashboard_data(filters=form.filters(), now=timezone.now())
    return {**{key: figures[key] for key in ("summary", "month_start", "month_end",
                                             "advocacy_start", "advocacy_end")},
            "tables": [{"slug": table.slug, "title": str(table.caption), "note": str(table.note),
                        "columns": [{"label": str(c.label), "kind": c.kind}
                                    for c in table.columns],
                        "rows": [[_plain(cell) for cell in row] for row in table.rows]}
                       for table in figures["tables"]]}


def _plain(cell):
    """A table cell as JSON holds it: a translated label (a lazy string) as its text."""
    return str(cell) if isinstance(cell, Promise) else cell
