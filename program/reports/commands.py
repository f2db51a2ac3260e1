"""`manage.py outcome_report`: the outcome report as a readable summary or the JSON contract."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from program.reports.outcome import GROUP_LABELS, OUTCOME_LABELS, outcome_report


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from None


class OutcomeReportCommand(BaseCommand):
    """python manage.py outcome_report --json [--as-of YYYY-MM-DD] [--window-months W]

    Prints the outcome report's JSON contract (docs/metrics.md), the same object the weekly snapshot
    stores, for the scheduled report and for people's own tooling."""

    help = "Compute the mentorship-versus-sponsorship outcome report."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true",
                            help="Print the report as one JSON object (the stable contract).")
        parser.add_argument("--as-of", help="Report as of this date (YYYY-MM-DD; default today).")
        parser.add_argument("--window-months", type=int, default=12,
                            help="Outcome window in months (default 12).")

    def handle(self, *args, json: bool, as_of: str | None, window_months: int, **options):
        day = _date(as_of) if as_of else timezone.localdate()
        try:
            report = outcome_report(as_of=day, window_months=window_months)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if json:
            self.stdout.write(_dumps(report))
            return
        self.stdout.write(f"Outcome report as of {report['as_of']}, "
                          f"{report['window_months']}-month window")
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


def _dumps(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=False)
