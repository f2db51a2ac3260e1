"""Import kinds for sponsorship: `sponsorships`, `advocacy`, and `surveys` (both kinds).

All-or-nothing like every import (accounts/importing.py): each problem is reported with its row
and column, and a file with any problem writes nothing. Re-importing the same file changes
nothing: rows are matched to what is already stored.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from accounts.importing import (
    Column,
    Importer,
    parse_choice,
    parse_date,
    parse_rating,
    register,
)
from accounts.models import Person, SponsorProfile
from matching.mentorship.models import Mentorship
from matching.relationships.models import RelationshipStatus, SurveyResponse
from matching.relationships.services import add_months
from matching.scoring import blocked_reason, load_candidates
from matching.sponsorship.models import OPEN_STATUSES, AdvocacyRecord, Sponsorship

CLOSED_STATUSES = (RelationshipStatus.COMPLETED, RelationshipStatus.ENDED_EARLY)


def _people(importer: Importer, rows: list[dict], *columns: str) -> dict[str, int]:
    """Person ids by employee id for the given columns; a problem for each unknown id."""
    wanted = {row[c] for row in rows for c in columns if row.get(c)}
    found = dict(Person.objects.filter(employee_id__in=wanted).values_list("employee_id", "pk"))
    for row in rows:
        for column in columns:
            value = row.get(column)
            if value and value not in found:
                importer.problem(row["_row"], column,
                                 f"no person has employee_id {value!r}; import people first")
    return found


def _covering(relationships: list, day):
    """The relationship running on `day`, else the most recent one started by then, else the
    most recent of all. `relationships` is sorted newest start first."""
    for relationship in relationships:
        started, ended = relationship.started_on, relationship.ended_on
        if started and started <= day and (ended is None or day <= ended):
            return relationship
    for relationship in relationships:
        if relationship.started_on and relationship.started_on <= day:
            return relationship
    return relationships[0] if relationships else None


@register
class SponsorshipImporter(Importer):
    kind = "sponsorships"
    description = ("Sponsorships that already exist: one row per pair and start date; "
                   "re-importing updates status and end date.")
    columns = [
        Column("sponsor_employee_id"),
        Column("protege_employee_id"),
        Column("started_on", parse_date),
        Column("ended_on", parse_date, required=False),
        Column("status", parse_choice(RelationshipStatus.values)),
    ]

    def check(self, rows: list[dict]) -> None:
        self.people = _people(self, rows, "sponsor_employee_id", "protege_employee_id")
        today = timezone.localdate()
        open_pairs: dict[tuple, int] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            number, status = row["_row"], row["status"]
            sponsor, protege = row["sponsor_employee_id"], row["protege_employee_id"]
            if sponsor == protege:
                self.problem(number, "protege_employee_id", "a person cannot sponsor themself")
            started, ended = row["started_on"], row.get("ended_on")
            if started and started > today:
                self.problem(number, "started_on", f"{started} is in the future")
            if status in CLOSED_STATUSES and not ended:
                self.problem(number, "ended_on", f"a {status} sponsorship needs its end date")
            if status in OPEN_STATUSES and ended:
                self.problem(number, "ended_on", f"a {status} sponsorship has no end date yet")
            if started and ended and ended < started:
                self.problem(number, "ended_on", f"{ended} is before the start {started}")
            key = (sponsor, protege, started)
            if key in seen:
                self.problem(number, None, f"the same pair and start date is on row {seen[key]}")
            seen.setdefault(key, number)
            if status in OPEN_STATUSES:
                pair = (sponsor, protege)
                if pair in open_pairs:
                    self.problem(number, "status", "this pair already has an open sponsorship on "
                                 f"row {open_pairs[pair]}; only one may be waiting or running")
                open_pairs.setdefault(pair, number)
        self._check_reporting_lines(rows)
        self._check_stored_open_pairs(rows)

    def _check_reporting_lines(self, rows: list[dict]) -> None:
        """The mentorship rules apply to sponsorships still waiting or running."""
        open_rows = [r for r in rows if r["status"] in OPEN_STATUSES
                     and r["sponsor_employee_id"] in self.people
                     and r["protege_employee_id"] in self.people]
        ids = {self.people[r[c]] for r in open_rows
               for c in ("sponsor_employee_id", "protege_employee_id")}
        candidates = load_candidates(ids) if ids else {}
        for row in open_rows:
            sponsor = candidates[self.people[row["sponsor_employee_id"]]]
            protege = candidates[self.people[row["protege_employee_id"]]]
            reason = blocked_reason(protege, sponsor)
            if reason and sponsor.person_id != protege.person_id:
                self.problem(row["_row"], "sponsor_employee_id",
                             f"the sponsor would be the protégé's {reason.replace('your ', '')}")

    def _check_stored_open_pairs(self, rows: list[dict]) -> None:
        sponsor_ids = {self.people.get(r["sponsor_employee_id"]) for r in rows
                       if r["status"] in OPEN_STATUSES} - {None}
        stored = {(s, p): started for s, p, started in Sponsorship.objects.open().filter(
            sponsor_id__in=sponsor_ids).values_list("sponsor_id", "protege_id", "started_on")}
        for row in rows:
            pair = (self.people.get(row["sponsor_employee_id"]),
                    self.people.get(row["protege_employee_id"]))
            if row["status"] in OPEN_STATUSES and pair in stored \
                    and stored[pair] != row["started_on"]:
                self.problem(row["_row"], "started_on", "this pair already has an open "
                             f"sponsorship that started on {stored[pair]}")

    def write(self, rows: list[dict]) -> tuple[int, int]:
        sponsor_ids = {self.people[row["sponsor_employee_id"]] for row in rows}
        existing = {(s.sponsor_id, s.protege_id, s.started_on): s for s in
                    Sponsorship.objects.filter(sponsor_id__in=sponsor_ids)}
        # An imported sponsor without a registration gets an approved profile, so their page
        # works; the registration page lets them review it.
        have_profile = set(SponsorProfile.objects.filter(person_id__in=sponsor_ids)
                           .values_list("person_id", flat=True))
        now = timezone.now()
        SponsorProfile.objects.bulk_create([
            SponsorProfile(person_id=pk, status=SponsorProfile.Status.APPROVED,
                           status_reason="Created by the sponsorships import.",
                           commitment_accepted_at=now, decided_at=now)
            for pk in sponsor_ids - have_profile])
        new, changed = [], []
        for row in rows:
            sponsor = self.people[row["sponsor_employee_id"]]
            protege = self.people[row["protege_employee_id"]]
            current = existing.get((sponsor, protege, row["started_on"]))
            if current is not None:
                if (current.status, current.ended_on) != (row["status"], row.get("ended_on")):
                    current.status, current.ended_on = row["status"], row.get("ended_on")
                    if current.status != RelationshipStatus.ACTIVE:
                        current.next_due_on = None
                    changed.append(current)
                continue
            started = row["started_on"]
            active = row["status"] == RelationshipStatus.ACTIVE
            new.append(Sponsorship(
                sponsor_id=sponsor, protege_id=protege, origin=Sponsorship.Origin.IMPORT,
                status=row["status"], started_on=started, ended_on=row.get("ended_on"),
                planned_end_on=add_months(started, 12), cadence_days=30,
                next_due_on=(max(started, timezone.localdate()) if active else None),
            ))
        Sponsorship.objects.bulk_create(new, batch_size=5000)
        Sponsorship.objects.bulk_update(changed, ["status", "ended_on", "next_due_on"],
                                        batch_size=5000)
        return len(new), len(changed)


@register
class AdvocacyImporter(Importer):
    kind = "advocacy"
    description = ("Advocacy records, each linked to the pair's sponsorship running on its "
                   "date (else their most recent).")
    columns = [
        Column("sponsor_employee_id"),
        Column("protege_employee_id"),
        Column("kind", parse_choice(AdvocacyRecord.Kind.values)),
        Column("occurred_on", parse_date),
        Column("visibility", parse_choice(AdvocacyRecord.Visibility.values)),
        Column("outcome", parse_choice(AdvocacyRecord.Outcome.values), required=False),
        Column("outcome_on", parse_date, required=False),
        Column("description"),
        Column("forum", required=False, optional_header=True),
    ]

    def check(self, rows: list[dict]) -> None:
        people = _people(self, rows, "sponsor_employee_id", "protege_employee_id")
        pairs: dict[tuple[int, int], list[Sponsorship]] = defaultdict(list)
        sponsor_ids = {people[r["sponsor_employee_id"]] for r in rows
                       if r["sponsor_employee_id"] in people}
        for sponsorship in (Sponsorship.objects.filter(sponsor_id__in=sponsor_ids)
                            .exclude(status__in=[RelationshipStatus.PROPOSED,
                                                 RelationshipStatus.DECLINED])
                            .order_by("-started_on", "-id")):
            pairs[(sponsorship.sponsor_id, sponsorship.protege_id)].append(sponsorship)
        today = timezone.localdate()
        self.links: dict[int, Sponsorship] = {}
        for row in rows:
            number = row["_row"]
            occurred, outcome, outcome_on = row["occurred_on"], row.get("outcome"), \
                row.get("outcome_on")
            if occurred and occurred > today:
                self.problem(number, "occurred_on", f"{occurred} is in the future")
            if outcome in (None, AdvocacyRecord.Outcome.PENDING):
                if outcome_on:
                    self.problem(number, "outcome_on", "a pending outcome has no date yet")
            elif not outcome_on:
                self.problem(number, "outcome_on", f"a {outcome} outcome needs its date")
            if occurred and outcome_on and outcome_on < occurred:
                self.problem(number, "outcome_on",
                             f"{outcome_on} is before the advocacy itself ({occurred})")
            sponsor = people.get(row["sponsor_employee_id"])
            protege = people.get(row["protege_employee_id"])
            if sponsor is None or protege is None:
                continue
            sponsorship = _covering(pairs.get((sponsor, protege), []), occurred) \
                if occurred else None
            if sponsorship is None:
                self.problem(number, "protege_employee_id",
                             f"{row['sponsor_employee_id']} has no sponsorship with "
                             f"{row['protege_employee_id']}; import sponsorships first")
            else:
                self.links[number] = sponsorship

    def write(self, rows: list[dict]) -> tuple[int, int]:
        ids = {s.pk for s in self.links.values()}
        existing = set(AdvocacyRecord.objects.filter(sponsorship_id__in=ids).values_list(
            "sponsorship_id", "kind", "occurred_on", "description"))
        new = []
        latest: dict[int, object] = {}
        for row in rows:
            sponsorship = self.links[row["_row"]]
            key = (sponsorship.pk, row["kind"], row["occurred_on"], row["description"])
            if key in existing:
                continue
            existing.add(key)
            new.append(AdvocacyRecord(
                sponsorship=sponsorship, kind=row["kind"], occurred_on=row["occurred_on"],
                visibility=row["visibility"], description=row["description"],
                forum=row.get("forum") or "",
                outcome=row.get("outcome") or AdvocacyRecord.Outcome.PENDING,
                outcome_on=row.get("outcome_on"),
            ))
            latest[sponsorship.pk] = max(latest.get(sponsorship.pk, row["occurred_on"]),
                                         row["occurred_on"])
        AdvocacyRecord.objects.bulk_create(new, batch_size=5000)
        changed = []
        for sponsorship in {s.pk: s for s in self.links.values()}.values():
            day = latest.get(sponsorship.pk)
            if day and (sponsorship.last_advocacy_on is None or day > sponsorship.last_advocacy_on):
                sponsorship.last_advocacy_on = day
                changed.append(sponsorship)
        Sponsorship.objects.bulk_update(changed, ["last_advocacy_on"], batch_size=5000)
        return len(new), 0


@register
class SurveyImporter(Importer):
    kind = "surveys"
    description = ("Survey answers from the mentee or protégé, linked to their relationship of "
                   "that kind running on answered_on (else their most recent).")
    columns = [
        Column("employee_id"),
        Column("relationship_kind", parse_choice(SurveyResponse.Kind.values)),
        Column("phase", parse_choice(SurveyResponse.Phase.values)),
        Column("answered_on", parse_date),
        Column("confidence", parse_rating),
        Column("goal_progress", parse_rating),
        Column("usefulness", parse_rating, required=False),
    ]

    def check(self, rows: list[dict]) -> None:
        people = _people(self, rows, "employee_id")
        ids = list(people.values())
        relationships: dict[tuple[str, int], list] = defaultdict(list)
        for mentorship in (Mentorship.objects.filter(mentee_id__in=ids)
                           .exclude(status__in=[RelationshipStatus.PROPOSED,
                                                RelationshipStatus.DECLINED])
                           .order_by("-started_on", "-id")):
            relationships[("mentorship", mentorship.mentee_id)].append(mentorship)
        for sponsorship in (Sponsorship.objects.filter(protege_id__in=ids)
                            .exclude(status__in=[RelationshipStatus.PROPOSED,
                                                 RelationshipStatus.DECLINED])
                            .order_by("-started_on", "-id")):
            relationships[("sponsorship", sponsorship.protege_id)].append(sponsorship)
        today = timezone.localdate()
        self.links: dict[int, object] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            number, phase, kind = row["_row"], row["phase"], row["relationship_kind"]
            if row["answered_on"] and row["answered_on"] > today:
                self.problem(number, "answered_on", f"{row['answered_on']} is in the future")
            if phase == SurveyResponse.Phase.CLOSING and row.get("usefulness") is None:
                self.problem(number, "usefulness", "the closing survey asks how useful it was "
                             "(1-5)")
            if phase == SurveyResponse.Phase.BASELINE and row.get("usefulness") is not None:
                self.problem(number, "usefulness", "usefulness is asked at the close only; "
                             "leave it blank for a baseline answer")
            person = people.get(row["employee_id"])
            if person is None or kind is None or row["answered_on"] is None:
                continue
            relationship = _covering(relationships.get((kind, person), []), row["answered_on"])
            if relationship is None:
                role = "mentee" if kind == "mentorship" else "protégé"
                self.problem(number, "relationship_kind",
                             f"{row['employee_id']} has no {kind} as {role}; import "
                             f"{'mentorships' if kind == 'mentorship' else 'sponsorships'} first")
                continue
            key = (kind, relationship.pk, phase)
            if key in seen:
                self.problem(number, "phase", f"the same {kind} already has a {phase} answer "
                             f"on row {seen[key]}")
            seen.setdefault(key, number)
            self.links[number] = relationship

    def write(self, rows: list[dict]) -> tuple[int, int]:
        stored = {}
        for response in SurveyResponse.objects.filter(
                mentorship_id__in=[r.pk for r in self.links.values()
                                   if isinstance(r, Mentorship)]) | SurveyResponse.objects.filter(
                sponsorship_id__in=[r.pk for r in self.links.values()
                                    if isinstance(r, Sponsorship)]):
            kind = response.relationship_kind
            stored[(kind, response.mentorship_id or response.sponsorship_id,
                    response.phase)] = response
        new, changed = [], []
        fields = ["answered_on", "confidence", "goal_progress", "usefulness"]
        for row in rows:
            relationship, kind = self.links[row["_row"]], row["relationship_kind"]
            values = {name: row.get(name) for name in fields}
            current = stored.get((kind, relationship.pk, row["phase"]))
            if current is not None:
                if any(getattr(current, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(current, name, value)
                    changed.append(current)
                continue
            respondent = relationship.mentee_id if kind == "mentorship" else relationship.protege_id
            new.append(SurveyResponse(respondent_id=respondent, relationship_kind=kind,
                                      phase=row["phase"], **{kind: relationship}, **values))
        SurveyResponse.objects.bulk_create(new, batch_size=5000)
        SurveyResponse.objects.bulk_update(changed, fields, batch_size=5000)
        return len(new), len(changed)
