"""`cohort_enrol SLUG FILE`: enrol people in a cohort from a CSV file, all or nothing.

Columns: employee_id, role (mentee|mentor|protege|sponsor), capacity (givers; blank means 1),
preferred_employee_ids (mentees: up to five, best first, separated by ';') and, optionally,
must_haves (keys separated by ';'). Uses the shared import framework, so every problem is
reported by row and column and a file with any problem writes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.importing import (
    Column,
    Importer,
    ImportRefused,
    Problem,
    parse_choice,
    parse_int,
    parse_list,
)
from accounts.models import Person
from matching.cohorts.match import ROLES
from matching.cohorts.models import Cohort, CohortEnrolment
from matching.cohorts.services import cohort_enrol


class CohortEnrolmentImporter(Importer):
    kind = "cohort enrolments"
    label = gettext_lazy("cohort enrolments")
    description = "People who join a cohort, their role, capacity and preferences."
    columns = [
        Column("employee_id"),
        Column("role", parse_choice(CohortEnrolment.Role.values)),
        Column("capacity", parse_int, required=False),
        Column("preferred_employee_ids", parse_list, required=False),
        Column("must_haves", parse_list, required=False, optional_header=True),
    ]

    def __init__(self, cohort: Cohort) -> None:
        super().__init__()
        self.cohort = cohort
        self.people: dict[str, Person] = {}

    def check(self, rows: list[dict]) -> None:
        receiver_role, giver_role = ROLES[self.cohort.kind]
        seen: dict[tuple, int] = {}
        for row in rows:
            key = (row["employee_id"], row["role"])
            if key in seen:
                self.problem(row["_row"], "employee_id", _(
                    "%(employee_id)s is enrolled as %(role)s on row %(row)s already")
                    % {"employee_id": row["employee_id"], "role": row["role"], "row": seen[key]})
            seen.setdefault(key, row["_row"])
        wanted = {row["employee_id"] for row in rows}
        for row in rows:
            wanted.update(row.get("preferred_employee_ids") or [])
        self.people = Person.objects.in_bulk(wanted, field_name="employee_id")
        givers_in_file = {row["employee_id"] for row in rows if row["role"] == giver_role}
        givers_enrolled = set(CohortEnrolment.objects.filter(
            cohort=self.cohort, role=giver_role).values_list("person__employee_id", flat=True))
        for row in rows:
            number = row["_row"]
            if row["employee_id"] not in self.people:
                self.problem(number, "employee_id", _(
                    "no person has employee id %(employee_id)s; import them first")
                    % {"employee_id": repr(row["employee_id"])})
            if row["role"] and row["role"] not in (receiver_role, giver_role):
                self.problem(number, "role", _("this is a %(kind)s cohort: use %(receiver)s or "
                                               "%(giver)s") % {"kind": self.cohort.kind,
                                                               "receiver": receiver_role,
                                                               "giver": giver_role})
            for employee_id in row.get("preferred_employee_ids") or []:
                if employee_id not in givers_in_file | givers_enrolled:
                    self.problem(number, "preferred_employee_ids",
                                 _("%(employee_id)s is not enrolled as a %(role)s")
                                 % {"employee_id": repr(employee_id), "role": giver_role})

    def write(self, rows: list[dict]) -> tuple[int, int]:
        giver_role = ROLES[self.cohort.kind][1]
        created = updated = 0
        # Givers first, so the mentees' preferences name people already enrolled.
        for row in sorted(rows, key=lambda r: r["role"] != giver_role):
            person = self.people[row["employee_id"]]
            exists = CohortEnrolment.objects.filter(cohort=self.cohort, person=person,
                                                    role=row["role"]).exists()
            preferred = [self.people[e].pk for e in row.get("preferred_employee_ids") or []]
            try:
                cohort_enrol(cohort=self.cohort, person=person, role=row["role"],
                             capacity=row["capacity"] or 1, preferred=preferred,
                             must_haves=row.get("must_haves") or [], by_hr=True)
            except ValidationError as error:
                raise ImportRefused([Problem(row["_row"], _column(error), message)
                                     for message in error.messages]) from None
            updated += exists
            created += not exists
        return created, updated


def _column(error: ValidationError) -> str | None:
    """The CSV column a service error is about, when it names a field."""
    fields = {"capacity": "capacity", "preferred": "preferred_employee_ids",
              "must_haves": "must_haves", "role": "role"}
    if hasattr(error, "error_dict"):
        for field in error.error_dict:
            if field in fields:
                return fields[field]
    return None
