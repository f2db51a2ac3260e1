"""The talent review pack: for a department and/or level band and a date, every protégé with
their sponsor, the commitments and advocacy of the 12 months before, and the career events of
those months, so the sponsor's case is in the room when decisions are made.

Who is in it: people in the department / level band (as they are now) with a sponsorship that
started on or before the date and was running at some point in the 12 months before it (declined
and never-started proposals are not). Four queries whatever the size.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext

from accounts.models import CareerEvent, Department
from matching.relationships.services import add_months
from matching.sponsorship.models import AdvocacyRecord, Commitment, Sponsorship

WINDOW_MONTHS = 12


@dataclass
class PackEntry:
    sponsorship: Sponsorship
    commitments: list[Commitment] = field(default_factory=list)
    advocacy: list[AdvocacyRecord] = field(default_factory=list)
    outcomes: list[CareerEvent] = field(default_factory=list)

    @property
    def protege(self):
        return self.sponsorship.protege

    @property
    def sponsor(self):
        return self.sponsorship.sponsor


@dataclass
class Pack:
    as_of: datetime.date
    since: datetime.date
    department: Department | None
    level_min: int | None
    level_max: int | None
    entries: list[PackEntry]

    @property
    def scope(self) -> str:
        parts = []
        if self.department:
            parts.append(str(self.department))
        if self.level_min is not None or self.level_max is not None:
            low = self.level_min if self.level_min is not None else gettext("any")
            high = self.level_max if self.level_max is not None else gettext("any")
            parts.append(gettext("levels %(low)s to %(high)s") % {"low": low, "high": high})
        return ", ".join(parts) or gettext("the whole organisation")


def talent_review_pack(
    *, as_of: datetime.date, department: Department | None = None,
    level_min: int | None = None, level_max: int | None = None,
) -> Pack:
    since = add_months(as_of, -WINDOW_MONTHS)
    sponsorships = (Sponsorship.objects.filter(started_on__isnull=False, started_on__lte=as_of)
                    .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
                    .select_related("protege__department", "sponsor")
                    .order_by("protege__full_name", "protege_id", "started_on", "id"))
    if department is not None:
        sponsorships = sponsorships.filter(protege__department=department)
    if level_min is not None:
        sponsorships = sponsorships.filter(protege__level__gte=level_min)
    if level_max is not None:
        sponsorships = sponsorships.filter(protege__level__lte=level_max)
    entries = {s.pk: PackEntry(sponsorship=s) for s in sponsorships}
    ids = list(entries)
    for commitment in Commitment.objects.filter(
            sponsorship_id__in=ids, made_on__lte=as_of).filter(
            Q(due_on__gte=since) | Q(state=Commitment.State.OPEN)).order_by("due_on", "id"):
        entries[commitment.sponsorship_id].commitments.append(commitment)
    for record in AdvocacyRecord.objects.filter(
            sponsorship_id__in=ids, occurred_on__gte=since, occurred_on__lte=as_of):
        entries[record.sponsorship_id].advocacy.append(record)
    protege_entries = defaultdict(list)
    for entry in entries.values():
        protege_entries[entry.sponsorship.protege_id].append(entry)
    for event in CareerEvent.objects.filter(person_id__in=list(protege_entries),
                                            occurred_on__gte=since, occurred_on__lte=as_of):
        for entry in protege_entries[event.person_id]:
            entry.outcomes.append(event)
    return Pack(as_of=as_of, since=since, department=department, level_min=level_min,
                level_max=level_max, entries=list(entries.values()))


CSV_HEADER = ["protege", "employee_id", "department", "level", "title", "sponsor",
              "sponsorship_started_on", "sponsorship_status", "commitments", "advocacy",
              "outcomes"]


def _commitment_text(c: Commitment, as_of: datetime.date) -> str:
    if c.state == Commitment.State.KEPT:
        state = f"kept {'on time' if c.kept_on <= c.due_on else 'late'} {c.kept_on}"
    elif c.state == Commitment.State.DROPPED:
        state = f"dropped {c.dropped_on}"
    else:
        state = "overdue" if c.due_on < as_of else "open"
    who = f": {c.decision_maker}" if c.decision_maker else ""
    forum = f" at {c.forum}" if c.forum else ""
    return f"{c.get_kind_display()}{who}{forum}, due {c.due_on}: {state}"


def pack_csv(pack: Pack) -> str:
    """One row per protégé and sponsorship; lists joined with ' | '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for entry in pack.entries:
        protege = entry.protege
        writer.writerow([
            protege.full_name, protege.employee_id, str(protege.department or ""),
            protege.level, protege.title, entry.sponsor.full_name,
            entry.sponsorship.started_on, entry.sponsorship.get_status_display(),
            " | ".join(_commitment_text(c, pack.as_of) for c in entry.commitments),
            " | ".join(f"{r.get_kind_display()} {r.occurred_on}"
                       f"{' at ' + r.forum if r.forum else ''}: {r.get_outcome_display()}"
                       for r in entry.advocacy),
            " | ".join(f"{e.get_kind_display()} {e.occurred_on}" for e in entry.outcomes),
        ])
    return out.getvalue()
