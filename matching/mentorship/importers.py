"""Import kind `mentorships`: the program's history of mentoring pairs.

Columns: mentor_employee_id, mentee_employee_id, started_on, ended_on, status (active, completed,
ended_early). All-or-nothing like every import (accounts/importing.py). Re-importing the same file
changes nothing: a row matches the stored mentorship of the same pair started the same day.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.importing import Column, Importer, parse_choice, parse_date, register
from matching.mentorship.models import Mentorship
from matching.relationships.models import RelationshipStatus
from matching.relationships.services import add_months

STATUSES = [RelationshipStatus.ACTIVE, RelationshipStatus.COMPLETED,
            RelationshipStatus.ENDED_EARLY]


@register
class MentorshipImporter(Importer):
    kind = "mentorships"
    label = gettext_lazy("mentorships")
    description = "Mentoring pairs, past and present: one row per mentorship."
    columns = [
        Column("mentor_employee_id"),
        Column("mentee_employee_id"),
        Column("started_on", parse_date),
        Column("ended_on", parse_date, required=False),
        Column("status", parse_choice([str(s) for s in STATUSES])),
    ]

    def check(self, rows: list[dict]) -> None:
        self.people = self.person_ids(rows, "mentor_employee_id", "mentee_employee_id")
        today = timezone.localdate()
        seen: dict[tuple, int] = {}
        active_in_file: dict[tuple, int] = {}
        for row in rows:
            number = row["_row"]
            mentor, mentee = row.get("mentor_employee_id"), row.get("mentee_employee_id")
            if mentor and mentor == mentee:
                self.problem(number, "mentee_employee_id", _("a person cannot mentor themself"))
            started, ended, status = row.get("started_on"), row.get("ended_on"), row.get("status")
            if started and started > today:
                self.problem(number, "started_on", _("%(day)s is in the future") % {"day": started})
            if status == RelationshipStatus.ACTIVE and ended:
                self.problem(number, "ended_on", _("an active mentorship has no end date; leave "
                                                   "it blank or set the status to completed or "
                                                   "ended_early"))
            if status in (RelationshipStatus.COMPLETED, RelationshipStatus.ENDED_EARLY):
                if not ended:
                    self.problem(number, "ended_on", _("is blank; a %(status)s mentorship "
                                                       "needs its end date") % {"status": status})
                elif started and ended < started:
                    self.problem(number, "ended_on", _("%(ended)s is before started_on %(started)s")
                                 % {"ended": ended, "started": started})
                elif ended > today:
                    self.problem(number, "ended_on", _("%(day)s is in the future") % {"day": ended})
            key = (mentor, mentee, started)
            if None not in key:
                if key in seen:
                    self.problem(number, "started_on", _("this pair and start date are already "
                                                         "on row %(row)s") % {"row": seen[key]})
                seen[key] = number
            if status == RelationshipStatus.ACTIVE and mentor and mentee:
                pair = (mentor, mentee)
                if pair in active_in_file:
                    self.problem(number, "status", _(
                        "this pair already has an active mentorship on row %(row)s; only one can "
                        "be active") % {"row": active_in_file[pair]})
                active_in_file[pair] = number
        if not self.problems:
            self._check_active_in_database(rows)

    def _check_active_in_database(self, rows: list[dict]) -> None:
        """An active row may not sit beside another stored active mentorship of the same pair."""
        pairs = {(self.people[r["mentor_employee_id"]], self.people[r["mentee_employee_id"]])
                 for r in rows if r["status"] == RelationshipStatus.ACTIVE}
        if not pairs:
            return
        stored = Mentorship.objects.filter(status=RelationshipStatus.ACTIVE,
                                           mentor_id__in={p[0] for p in pairs},
                                           mentee_id__in={p[1] for p in pairs})
        stored_active = {(m.mentor_id, m.mentee_id): m.started_on for m in stored}
        for row in rows:
            pair = (self.people[row["mentor_employee_id"]], self.people[row["mentee_employee_id"]])
            started = stored_active.get(pair)
            if (row["status"] == RelationshipStatus.ACTIVE and started is not None
                    and started != row["started_on"]):
                self.problem(row["_row"], "status", _(
                    "this pair already has an active mentorship (started %(day)s); close it "
                    "first or import this one as ended") % {"day": started})

    def write(self, rows: list[dict]) -> tuple[int, int]:
        mentor_ids = {self.people[r["mentor_employee_id"]] for r in rows}
        existing = {(m.mentor_id, m.mentee_id, m.started_on): m
                    for m in Mentorship.objects.filter(mentor_id__in=mentor_ids)}
        to_create, to_update = [], []
        for row in rows:
            mentor = self.people[row["mentor_employee_id"]]
            mentee = self.people[row["mentee_employee_id"]]
            started, ended, status = row["started_on"], row.get("ended_on"), row["status"]
            mentorship = existing.get((mentor, mentee, started))
            if mentorship is None:
                mentorship = Mentorship(mentor_id=mentor, mentee_id=mentee, started_on=started,
                                        planned_end_on=add_months(started, 6))
                to_create.append(mentorship)
            elif (mentorship.status, mentorship.ended_on) == (status, ended):
                continue  # unchanged: re-importing the same file writes nothing
            else:
                to_update.append(mentorship)
            mentorship.status = status
            mentorship.ended_on = ended
            if status == RelationshipStatus.ACTIVE:
                mentorship.next_check_in_schedule()
            else:
                mentorship.next_due_on = None
        Mentorship.objects.bulk_create(to_create, batch_size=2000)
        Mentorship.objects.bulk_update(to_update, ["status", "ended_on", "next_due_on"],
                                       batch_size=2000)
        return len(to_create), len(to_update)
