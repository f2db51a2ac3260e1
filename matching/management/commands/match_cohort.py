"""python manage.py match_cohort SLUG [--dry-run] [--json] [--candidates] [--objective ...]

Without --dry-run the proposal is published: relationships are created and everyone is told.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from matching.cohorts.match import cohort_match
from matching.cohorts.models import Cohort
from matching.cohorts.services import cohort_publish
from matching.cohorts.solver import OBJECTIVES


class Command(BaseCommand):
    help = "Match a cohort optimally; print the pairs with reasons and publish them."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--dry-run", action="store_true", help="Show the proposal only.")
        parser.add_argument("--json", action="store_true", help="Print JSON (employee ids).")
        parser.add_argument("--candidates", action="store_true",
                            help="With --json: add every allowed pair and its score.")
        parser.add_argument("--objective", choices=OBJECTIVES,
                            help="score: best total score; coverage: most people matched, "
                                 "then best score (default: the cohort's setting).")

    def handle(self, *args, slug, dry_run, json, candidates, objective, **options):
        cohort = Cohort.objects.filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"No cohort has the short name {slug!r}.")
        if cohort.status == Cohort.Status.PUBLISHED and not dry_run:
            raise CommandError(f"{cohort.name} was published already; nothing was changed.")
        try:
            if dry_run:
                result = cohort_match(cohort=cohort, objective=objective,
                                      with_candidates=candidates)
            else:
                result = cohort_publish(cohort=cohort, by=None, objective=objective,
                                        with_candidates=candidates)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if json:
            self.stdout.write(_dumps(result.as_json()))
        else:
            self._print(result, published=not dry_run)

    def _print(self, result, *, published):
        for pair in result.pairs:
            self.stdout.write(f"{pair.receiver.employee_id} {pair.receiver.name} <- "
                              f"{pair.giver.employee_id} {pair.giver.name}: {pair.score:g} "
                              f"({'; '.join(pair.reasons)})")
        for unmatched in result.unmatched:
            self.stdout.write(f"{unmatched.receiver.employee_id} {unmatched.receiver.name}: "
                              f"unmatched, {unmatched.reason}")
        for warning in result.warnings:
            self.stderr.write(warning)
        verb = "Published" if published else "Proposed"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {len(result.pairs)} pair(s) of {result.receivers}, objective "
            f"{result.objective}: total score {result.total_score:g} (greedy "
            f"{result.greedy_total_score:g} with {result.greedy_matched} pairs)."))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
