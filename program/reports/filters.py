"""The outcome report's filters: who the report looks at (docs/metrics.md, Filters).

`ReportFilters` is what the page's form, `manage.py outcome_report --department ...` and a stored
snapshot pass to `outcome_report`; `person_filter_sql` turns it into the condition on person `p`
that the report's SQL applies in its `members` and `person_changes` steps, so every group is
narrowed before anything is counted or suppressed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from matching.cohorts.models import Cohort
from program.reports.dashboard import LEVEL_BANDS

FILTERS_INVALID_BAND = _("Choose a level band from the list (1-2, 3-4, 5-6, 7+).")
FILTERS_INVALID_YEARS = (_("The hire years must be whole years from 1900 to 2100, the first not "
                         "after the last."))


@dataclass(frozen=True)
class ReportFilters:
    """Who the report looks at (docs/metrics.md, Filters): every group is narrowed to them.

    Department, level band (today's level, as on the dashboard), location and hire years are
    the person's; a cohort keeps the people enrolled in it as a mentee or protégé, or whose
    mentorship or sponsorship was formed in it. Empty means everyone.
    """

    department_id: int | None = None
    level_band: str | None = None
    location: str | None = None
    cohort_id: int | None = None
    hired_from: int | None = None  # a calendar year, included
    hired_to: int | None = None  # a calendar year, included

    def check(self) -> None:
        if self.level_band is not None and self.level_band not in LEVEL_BANDS:
            raise ValidationError(FILTERS_INVALID_BAND)
        years = [y for y in (self.hired_from, self.hired_to) if y is not None]
        if any(not isinstance(y, int) or not 1900 <= y <= 2100 for y in years) or (
                len(years) == 2 and self.hired_from > self.hired_to):
            raise ValidationError(FILTERS_INVALID_YEARS)

    def params(self) -> dict:
        return {"department_id": self.department_id, "location": self.location,
                "cohort_id": self.cohort_id,
                "hired_from": None if self.hired_from is None
                else datetime.date(self.hired_from, 1, 1),
                "hired_to": None if self.hired_to is None
                else datetime.date(self.hired_to, 12, 31)}

    def described(self) -> dict:
        """The filters as people read them: names, not ids (one query when any id is set)."""
        names = {}
        if self.department_id is not None:
            names["department"] = Department.objects.filter(
                pk=self.department_id).values_list("name", flat=True).first()
        if self.cohort_id is not None:
            names["cohort"] = Cohort.objects.filter(
                pk=self.cohort_id).values_list("name", flat=True).first()
        return {"department": names.get("department"), "level_band": self.level_band,
                "location": self.location, "cohort": names.get("cohort"),
                "hired_from": self.hired_from, "hired_to": self.hired_to}


def person_filter_sql(filters: ReportFilters) -> str:
    """The SQL condition on person `p` for the filters: constants and %(parameters)s only.

    The {braces} are table names and role values that outcome.py's `_sql` fills in."""
    conditions = ["1 = 1"]
    if filters.department_id is not None:
        conditions.append("p.department_id = %(department_id)s")
    if filters.level_band is not None:
        _, low, high = LEVEL_BANDS[filters.level_band]
        conditions.append(f"p.level >= {int(low)}")
        if high is not None:
            conditions.append(f"p.level <= {int(high)}")
    if filters.location is not None:
        conditions.append("p.location = %(location)s")
    if filters.hired_from is not None:
        conditions.append("p.hire_date >= %(hired_from)s")
    if filters.hired_to is not None:
        conditions.append("p.hire_date <= %(hired_to)s")
    if filters.cohort_id is not None:
        conditions.append(
            "(p.id IN (SELECT person_id FROM {cohort_enrolment} WHERE cohort_id = %(cohort_id)s "
            "AND role IN ('{mentee_role}', '{protege_role}'))"
            " OR p.id IN (SELECT mentee_id FROM {mentorship} WHERE cohort_id = %(cohort_id)s)"
            " OR p.id IN (SELECT protege_id FROM {sponsorship} WHERE cohort_id = %(cohort_id)s))")
    return " AND ".join(conditions)
