"""`manage.py outcome_report`: the outcome report as a readable summary or the JSON contract."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Department
from matching.cohorts.models import Cohort
from program.reports.dashboard import LEVEL_BANDS
from program.reports.filters import ReportFilters
from program.reports.outcome import GROUP_LABELS, OUTCOME_LABELS, outcome_report
from program.reports.page import outcome_summary, report_heading


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from None


def _named(model, option: str, name: str | None) -> int | None:
    """The id of the department or cohort called `name`, or a message listing the names."""
    if name is None:
        return None
    found = model.objects.filter(name=name).values_list("pk", flat=True).first()
    if found is None:
        known = ", ".join(model.objects.order_by("name").values_list("name", flat=True)[:30])
        raise CommandError(f"{option} {name!r} is not known; the names are: {known or 'none'}")
    return found


def _filters(options: dict) -> ReportFilters:
    return ReportFilters(
        department_id=_named(Department, "--department", options.get("department")),
        level_band=options.get("level_band"), location=options.get("location") or None,
        cohort_id=_named(Cohort, "--cohort", options.get("cohort")),
        hired_from=options.get("hired_from"), hired_to=options.get("hired_to"))


class OutcomeReportCommand(BaseCommand):
    """python manage.py outcome_report --json [--as-of YYYY-MM-DD] [--window-months W]
    [--department NAME] [--level-band 1-2|3-4|5-6|7+] [--location NAME] [--cohort NAME]
    [--hired-from YEAR] [--hired-to YEAR]

    Prints the outcome report's JSON contract (docs/metrics.md), the same object the weekly snapshot
    stores, for the scheduled report and for people's own tooling."""

    help = "Compute the mentorship-versus-sponsorship outcome report."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true",
                            help="Print the report as one JSON object (the stable contract).")
        parser.add_argument("--as-of", help="Report as of this date (YYYY-MM-DD; default today).")
        parser.add_argument("--window-months", type=int, default=12,
                            help="Outcome window in months (default 12).")
        parser.add_argument("--department", help="Only people in this department (its name).")
        parser.add_argument("--level-band", choices=list(LEVEL_BANDS),
                            help="Only people whose level today is in this band.")
        parser.add_argument("--location", help="Only people at this location.")
        parser.add_argument("--cohort", help="Only people in this cohort (its name).")
        parser.add_argument("--hired-from", type=int, metavar="YEAR",
                            help="Only people hired in this year or later.")
        parser.add_argument("--hired-to", type=int, metavar="YEAR",
                            help="Only people hired in this year or earlier.")

    def handle(self, *args, json: bool, as_of: str | None, window_months: int, **options):
        day = _date(as_of) if as_of else timezone.localdate()
        try:
            report = outcome_report(as_of=day, window_months=window_months,
                                    filters=_filters(options))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if json:
            self.stdout.write(_dumps(report))
            return
        for line in report_heading(report):
            self.stdout.write(line)
        for name, group in report["groups"].items():
            if group["suppressed"]:
                self.stdout.write(f"  {GROUP_LABELS[name]}: fewer than "
                                  f"{report['min_group_size']} people, not shown")
                continue
            cells = []
            for key, cell in group["outcomes"].items():
                rate = "hidden" if cell["rate"] is None else f"{cell['rate']:.0%}"
                cells.append(f"{OUTCOME_LABELS[key].lower()} {rate}")
            self.stdout.write(f"  {GROUP_LABELS[name]} (n={group['n']}): " + ", ".join(cells))
        self.stdout.write("In plain words:")
        for sentence in outcome_summary(report):
            self.stdout.write(f"  - {sentence}")


def _dumps(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=False)
