"""The API's documents: what each endpoint answers, and so what its OpenAPI schema says.

Only what HR's pages show leaves through the API. Check-in and touchpoint notes (the pair's)
have no field here at all; an advocacy record's details (what was put forward, where, how
openly, the outcome note) are filled in only for a token with the read:details scope.
"""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

NO_NUL = r"^[^\x00]*$"  # PostgreSQL's text holds no NUL: such a value is a 400, never a 500
# Something besides spaces: an all-blank record would be a blank line of the import's file.
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"


class ProblemOut(Schema):
    index: int | None = Field(None, description="Which item of the posted `events` (from 0).")
    field: str | None = Field(None, description="Which field or query parameter.")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ProblemOut] = Field(default_factory=list,
                                     description="Each problem, and where (400 only).")


class PersonRef(Schema):
    employee_id: str
    full_name: str


class CohortRef(Schema):
    id: int
    name: str


class RelationshipOut(Schema):
    id: int
    status: str = Field(description="proposed, active, completed, ended_early, declined or "
                                    "withdrawn")
    started_on: datetime.date | None
    planned_end_on: datetime.date | None
    ended_on: datetime.date | None
    cadence_days: int
    close_reason: str = Field(description="Why it ended early (a no-fault reason), or empty.")
    last_met_on: datetime.date | None
    next_due_on: datetime.date | None
    inactive_since: datetime.date | None
    cohort: CohortRef | None
    created_at: datetime.datetime


class MentorshipOut(RelationshipOut):
    mentor: PersonRef
    mentee: PersonRef


class SponsorshipOut(RelationshipOut):
    sponsor: PersonRef
    protege: PersonRef
    origin: str = Field(description="hr, sponsor or employee: who proposed it")
    last_advocacy_on: datetime.date | None
    advocacy_records: int = Field(description="How many advocacy records it has.")


class AdvocacyDetailsOut(Schema):
    visibility: str = Field(description="open or closed_doors")
    forum: str
    description: str = Field(description="What was put forward.")
    outcome_note: str


class AdvocacyRecordOut(Schema):
    id: int
    sponsorship_id: int
    sponsor: PersonRef
    protege: PersonRef
    kind: str
    occurred_on: datetime.date
    outcome: str = Field(description="pending, succeeded or not_succeeded")
    outcome_on: datetime.date | None
    shared_with_protege: bool
    career_event_id: int | None
    details: AdvocacyDetailsOut | None = Field(
        description="Only for a token with the read:details scope; null otherwise.")


class CareerEventOut(Schema):
    id: int
    employee_id: str
    kind: str
    occurred_on: datetime.date
    description: str
    recorded_at: datetime.datetime


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of `item`s in a stable order (by id); `next` asks for the following page."""
    return type(name, (Schema,), {
        "__annotations__": {"items": list[item], "next_after": int | None, "next": str | None},
        "next_after": Field(description="Pass as ?after= for the next page; null on the last."),
        "next": Field(description="The next page's address; null on the last."),
    })


MentorshipPage = page_of(MentorshipOut, "MentorshipPage")
SponsorshipPage = page_of(SponsorshipOut, "SponsorshipPage")
AdvocacyRecordPage = page_of(AdvocacyRecordOut, "AdvocacyRecordPage")
CareerEventPage = page_of(CareerEventOut, "CareerEventPage")


class CareerEventIn(Schema):
    """One career event, as a row of the career_events import: the import's rules apply."""

    employee_id: str = Field(max_length=40, pattern=NOT_BLANK)
    kind: str = Field(max_length=30, pattern=NO_NUL, description=(
        "promotion, high_visibility_assignment, leadership_role, lateral_move, award or exit"))
    occurred_on: str = Field(max_length=30, pattern=NO_NUL, description="YYYY-MM-DD",
                             json_schema_extra={"format": "date"})
    description: str = Field("", max_length=300, pattern=NO_NUL)


class CareerEventsIn(Schema):
    events: list[CareerEventIn] = Field(min_length=1, max_length=1000)


class CareerEventsOut(Schema):
    created: int = Field(description="Events recorded by this request.")
    already_recorded: int = Field(
        description="Events that were already recorded (same person, kind and date): posting "
                    "the same event again adds nothing.")
    events: list[CareerEventOut] = Field(description="Every posted event as stored, in the "
                                                     "order posted.")


# The outcome report (docs/metrics.md has every definition): null means hidden or not computed.

class OutcomeCellOut(Schema):
    count: int | None
    n: int | None
    rate: float | None
    ci95: list[float | None] | None


class MonthsOut(Schema):
    value: float | None
    ci95: list[float | None] | None
    status: str


class SurveyChangeOut(Schema):
    mean: float | None
    n: int | None
    ci95: list[float | None] | None


class ReportGroupOut(Schema):
    n: int | None
    outcomes: dict[str, OutcomeCellOut]
    median_months_to_promotion: MonthsOut
    restricted_mean_months_to_promotion: MonthsOut
    survey_change: dict[str, SurveyChangeOut]
    who_is_counted: dict[str, int | None]
    suppressed: bool


class ComparisonOut(Schema):
    metric: str
    a: str
    b: str
    difference: float | None
    ci95: list[float | None] | None


class AdjustedOut(Schema):
    strata: list[str]
    comparisons: list[dict[str, Any]]


class TimeToPromotionOut(Schema):
    restricted_to_months: float | None
    comparisons: list[ComparisonOut]


class OutcomeReportOut(Schema):
    as_of: datetime.date
    window_months: int
    min_group_size: int
    filters: dict[str, Any]
    groups: dict[str, ReportGroupOut]
    comparisons: list[ComparisonOut]
    adjusted: AdjustedOut
    time_to_promotion: TimeToPromotionOut
    snapshot_created_at: datetime.datetime | None = Field(
        None, description="When the stored report was computed; null: computed for this call.")


class TableColumnOut(Schema):
    label: str
    kind: str = Field(description="text, int or pct (a share from 0 to 1)")


class TableOut(Schema):
    slug: str
    title: str
    note: str
    columns: list[TableColumnOut]
    rows: list[list[str | int | float | None]]


class DashboardOut(Schema):
    summary: dict[str, int | float | None]
    month_start: datetime.date
    month_end: datetime.date
    advocacy_start: datetime.date
    advocacy_end: datetime.date
    tables: list[TableOut]
