"""Import kinds for sponsorship: `sponsorships`, `advocacy` and `commitments`.

All-or-nothing like every import (accounts/importing.py): each problem is reported with its row
and column, and a file with any problem writes nothing. Re-importing the same file changes
nothing: rows are matched to what is already stored.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.importing import (
    Column,
    Importer,
    ImportRefused,
    Problem,
    parse_choice,
    parse_date,
    register,
    text_column,
)
from accounts.models import SponsorProfile
from matching.relationships.importers import covering
from matching.relationships.models import NEVER_STARTED, RelationshipStatus
from matching.relationships.services import relationship_start_fields
from matching.scoring import BLOCKED_LINE, blocked_reason, load_candidates
from matching.sponsorship.commitments import (
    KEEPING_KINDS,
    commitment_drop,
    commitment_keep,
    commitment_make,
)
from matching.sponsorship.models import OPEN_STATUSES, AdvocacyRecord, Commitment, Sponsorship
from matching.sponsorship.services import (
    ADVOCACY_BEFORE_START,
    OUTCOME_IN_FUTURE,
    SPONSORSHIP_CADENCE_DAYS,
)

CLOSED_STATUSES = (RelationshipStatus.COMPLETED, RelationshipStatus.ENDED_EARLY)


@register
class SponsorshipImporter(Importer):
    kind = "sponsorships"
    label = gettext_lazy("sponsorships")
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
        self.people = self.person_ids(rows, "sponsor_employee_id", "protege_employee_id")
        today = timezone.localdate()
        open_pairs: dict[tuple, int] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            number, status = row["_row"], row["status"]
            sponsor, protege = row["sponsor_employee_id"], row["protege_employee_id"]
            if sponsor == protege:
                self.problem(number, "protege_employee_id", _("a person cannot sponsor themself"))
            started, ended = row["started_on"], row.get("ended_on")
            if started and started > today:
                self.problem(number, "started_on", _("%(day)s is in the future") % {"day": started})
            if status in CLOSED_STATUSES and not ended:
                self.problem(number, "ended_on", _("a %(status)s sponsorship needs its end date")
                             % {"status": status})
            if status in OPEN_STATUSES and ended:
                self.problem(number, "ended_on", _("a %(status)s sponsorship has no end date yet")
                             % {"status": status})
            if started and ended and ended < started:
                self.problem(number, "ended_on", _("%(ended)s is before the start %(started)s")
                             % {"ended": ended, "started": started})
            key = (sponsor, protege, started)
            if key in seen:
                self.problem(number, None, _("the same pair and start date is on row %(row)s")
                             % {"row": seen[key]})
            seen.setdefault(key, number)
            if status in OPEN_STATUSES:
                pair = (sponsor, protege)
                if pair in open_pairs:
                    self.problem(number, "status", _(
                        "this pair already has an open sponsorship on row %(row)s; only one may "
                        "be waiting or running") % {"row": open_pairs[pair]})
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
                self.problem(row["_row"], "sponsor_employee_id", _(
                    "the sponsor would be the protégé's manager or above in their reporting "
                    "line") if reason == BLOCKED_LINE else _(
                    "the sponsor would be the protégé's direct report"))

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
                self.problem(row["_row"], "started_on", _(
                    "this pair already has an open sponsorship that started on %(day)s")
                    % {"day": stored[pair]})

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
            sponsorship = Sponsorship(
                sponsor_id=sponsor, protege_id=protege, origin=Sponsorship.Origin.IMPORT,
                ended_on=row.get("ended_on"), cadence_days=SPONSORSHIP_CADENCE_DAYS)
            # Started as the service starts one (planned end, first touchpoint due one cadence
            # after the start), then given the imported status.
            relationship_start_fields(relationship=sponsorship, started_on=row["started_on"])
            sponsorship.status = row["status"]
            if sponsorship.status != RelationshipStatus.ACTIVE:
                sponsorship.next_due_on = None
            new.append(sponsorship)
        Sponsorship.objects.bulk_create(new, batch_size=5000)
        Sponsorship.objects.bulk_update(changed, ["status", "ended_on", "next_due_on"],
                                        batch_size=5000)
        return len(new), len(changed)


def link_to_sponsorships(importer: Importer, rows: list[dict], date_column: str, *,
                         exclude, before_start: str = "") -> dict[int, Sponsorship]:
    """Each row's sponsorship: the pair's one running on the row's date (else their most
    recent), by row number; a problem for a pair with none, and (with `before_start`, a message
    taking {started_on}) for a date before it started. Two queries."""
    people = importer.person_ids(rows, "sponsor_employee_id", "protege_employee_id")
    pairs: dict[tuple[int, int], list[Sponsorship]] = defaultdict(list)
    sponsor_ids = {people[r["sponsor_employee_id"]] for r in rows
                   if r["sponsor_employee_id"] in people}
    for sponsorship in (Sponsorship.objects.filter(sponsor_id__in=sponsor_ids)
                        .exclude(status__in=exclude).select_related("sponsor")
                        .order_by("-started_on", "-id")):
        pairs[(sponsorship.sponsor_id, sponsorship.protege_id)].append(sponsorship)
    links = {}
    for row in rows:
        sponsor = people.get(row["sponsor_employee_id"])
        protege = people.get(row["protege_employee_id"])
        if sponsor is None or protege is None:
            continue
        day = row[date_column]
        sponsorship = covering(pairs.get((sponsor, protege), []), day) if day else None
        if sponsorship is None:
            importer.problem(row["_row"], "protege_employee_id", _(
                "%(sponsor)s has no sponsorship with %(protege)s; import sponsorships first")
                % {"sponsor": row["sponsor_employee_id"], "protege": row["protege_employee_id"]})
        elif before_start and sponsorship.started_on and day < sponsorship.started_on:
            importer.problem(row["_row"], date_column,
                             before_start.format(started_on=sponsorship.started_on))
        else:
            links[row["_row"]] = sponsorship
    return links


@register
class AdvocacyImporter(Importer):
    kind = "advocacy"
    label = gettext_lazy("advocacy records")
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
        text_column(AdvocacyRecord, "description"),
        text_column(AdvocacyRecord, "forum", required=False, optional_header=True),
    ]

    def check(self, rows: list[dict]) -> None:
        today = timezone.localdate()
        for row in rows:
            number = row["_row"]
            occurred, outcome, outcome_on = row["occurred_on"], row.get("outcome"), \
                row.get("outcome_on")
            if occurred and occurred > today:
                self.problem(number, "occurred_on",
                             _("%(day)s is in the future") % {"day": occurred})
            if outcome in (None, AdvocacyRecord.Outcome.PENDING):
                if outcome_on:
                    self.problem(number, "outcome_on", _("a pending outcome has no date yet"))
            elif not outcome_on:
                self.problem(number, "outcome_on", _("a %(outcome)s outcome needs its date")
                             % {"outcome": outcome})
            if occurred and outcome_on and outcome_on < occurred:
                self.problem(number, "outcome_on",
                             _("%(outcome_on)s is before the advocacy itself (%(occurred)s)")
                             % {"outcome_on": outcome_on, "occurred": occurred})
            if outcome_on and outcome_on > today:
                self.problem(number, "outcome_on", str(OUTCOME_IN_FUTURE))
        self.links = link_to_sponsorships(self, rows, "occurred_on", exclude=NEVER_STARTED,
                                          before_start=ADVOCACY_BEFORE_START)

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


def parse_yes_no(value: str) -> bool:
    value = value.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0", ""):
        return False
    raise ValueError(f"{value!r} is not yes or no")


@register
class CommitmentImporter(Importer):
    kind = "commitments"
    label = gettext_lazy("commitments")
    description = ("Sponsors' commitments, each linked to the pair's sponsorship running on the "
                   "day it was made; a kept one names the date of the advocacy record that kept "
                   "it (import advocacy first), a dropped one its date and reason.")
    columns = [
        Column("sponsor_employee_id"),
        Column("protege_employee_id"),
        Column("kind", parse_choice(Commitment.Kind.values)),
        Column("made_on", parse_date),
        Column("due_on", parse_date),
        Column("state", parse_choice(Commitment.State.values), required=False,
               optional_header=True),
        Column("forum", required=False, optional_header=True),
        Column("decision_maker", required=False, optional_header=True),
        Column("description", required=False, optional_header=True),
        Column("shared_with_protege", parse_yes_no, required=False, optional_header=True),
        Column("kept_on", parse_date, required=False, optional_header=True),
        Column("dropped_on", parse_date, required=False, optional_header=True),
        Column("drop_reason", required=False, optional_header=True),
    ]

    def check(self, rows: list[dict]) -> None:
        for row in rows:
            number, state = row["_row"], row.get("state") or Commitment.State.OPEN
            if state == Commitment.State.KEPT and not row.get("kept_on"):
                self.problem(number, "kept_on", _("a kept commitment needs the date of the "
                                                  "advocacy record that kept it"))
            if state == Commitment.State.DROPPED:
                for column in ("dropped_on", "drop_reason"):
                    if not row.get(column):
                        self.problem(number, column, _("a dropped commitment needs its %(column)s")
                                     % {"column": column})
            for column, needs in (("kept_on", "kept"), ("dropped_on", "dropped"),
                                  ("drop_reason", "dropped")):
                if row.get(column) and state != needs:
                    self.problem(number, column, _("only a %(state)s commitment has a %(column)s")
                                 % {"state": needs, "column": column})
        self.links = link_to_sponsorships(self, rows, "made_on",
                                          exclude=[RelationshipStatus.DECLINED,
                                                   RelationshipStatus.WITHDRAWN])
        self._find_keeping_records(rows)

    def _find_keeping_records(self, rows: list[dict]) -> None:
        """Each kept row's advocacy record: same pair, its date, a kind that keeps it, not
        keeping anything else (stored or earlier in the file)."""
        kept_rows = [r for r in rows if r.get("kept_on") and r["_row"] in self.links]
        records = defaultdict(list)
        for record in AdvocacyRecord.objects.filter(
                sponsorship_id__in={self.links[r["_row"]].pk for r in kept_rows},
                commitment__isnull=True).order_by("id"):
            records[(record.sponsorship_id, record.occurred_on)].append(record)
        self.keeping: dict[int, AdvocacyRecord] = {}
        taken = set()
        for row in kept_rows:
            candidates = [r for r in records[(self.links[row["_row"]].pk, row["kept_on"])]
                          if r.kind in KEEPING_KINDS[row["kind"]] and r.pk not in taken]
            if not candidates:
                self.problem(row["_row"], "kept_on", f"no advocacy record of a kind that keeps "
                             f"it on {row['kept_on']} for this pair; import advocacy first")
                continue
            self.keeping[row["_row"]] = candidates[0]
            taken.add(candidates[0].pk)

    def write(self, rows: list[dict]) -> tuple[int, int]:
        existing = set(Commitment.objects.filter(
            sponsorship_id__in={s.pk for s in self.links.values()}).values_list(
            "sponsorship_id", "kind", "made_on", "due_on"))
        problems, created = [], 0
        for row in rows:
            number, sponsorship = row["_row"], self.links[row["_row"]]
            key = (sponsorship.pk, row["kind"], row["made_on"], row["due_on"])
            if key in existing:
                continue
            existing.add(key)
            try:
                self._write_row(row, sponsorship)
            except ValidationError as error:
                fields = getattr(error, "message_dict", {None: error.messages})
                problems += [Problem(number, column if column in self.column_names else None,
                                     message)
                             for column, messages in fields.items() for message in messages]
            else:
                created += 1
        if problems:
            raise ImportRefused(problems)
        return created, 0

    @property
    def column_names(self) -> set[str]:
        return {column.name for column in self.columns}

    def _write_row(self, row: dict, sponsorship: Sponsorship) -> None:
        """Through the same services as the pages, so the same rules hold."""
        sponsor = sponsorship.sponsor
        commitment = commitment_make(
            sponsorship=sponsorship, by=sponsor, kind=row["kind"], due_on=row["due_on"],
            made_on=row["made_on"], forum=row.get("forum") or "",
            decision_maker=row.get("decision_maker") or "",
            description=row.get("description") or "",
            shared_with_protege=bool(row.get("shared_with_protege")), tell_protege=False)
        if row["_row"] in self.keeping:
            commitment_keep(commitment=commitment, by=sponsor, record=self.keeping[row["_row"]])
        elif (row.get("state") or Commitment.State.OPEN) == Commitment.State.DROPPED:
            commitment_drop(commitment=commitment, by=sponsor, reason=row["drop_reason"],
                            dropped_on=row["dropped_on"])
