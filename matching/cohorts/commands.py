"""Management commands for cohorts: create a round, enrol people from a CSV, match and publish."""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from matching.cohorts.importers import CohortEnrolmentImporter
from matching.cohorts.match import cohort_match
from matching.cohorts.models import Cohort
from matching.cohorts.services import cohort_create, cohort_publish
from matching.cohorts.solver import OBJECTIVES


class CohortCreateCommand(BaseCommand):
    """python manage.py cohort_create SLUG --kind mentorship|sponsorship [--name NAME] ..."""

    help = "Create a cohort (a matching round) that people can enrol in."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short name used in addresses, e.g. spring-2027.")
        parser.add_argument("--kind", required=True, choices=Cohort.Kind.values)
        parser.add_argument("--name", help="Display name (default: the slug, tidied).")
        parser.add_argument("--starts-on", type=datetime.date.fromisoformat,
                            help="First day of the relationships (YYYY-MM-DD).")
        parser.add_argument("--length-months", type=int)
        parser.add_argument("--cadence-days", type=int)
        parser.add_argument("--invite-only", action="store_true",
                            help="Only people HR invites may enrol.")

    def handle(self, *args, slug, kind, name, starts_on, length_months, cadence_days,
               invite_only, **options):
        try:
            cohort = cohort_create(
                name=name or slug.replace("-", " ").capitalize(), slug=slug, kind=kind,
                open_to_all=not invite_only, starts_on=starts_on, length_months=length_months,
                cadence_days=cadence_days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Created the {cohort.kind} cohort {cohort.name!r} ({cohort.slug}), enrolling."))


class CohortEnrolCommand(BaseCommand):
    """python manage.py cohort_enrol SLUG FILE [--dry-run]: all or nothing, every problem listed."""

    help = ("Enrol people in a cohort from a CSV file with the columns employee_id, role "
            "(mentee|mentor|protege|sponsor), capacity, preferred_employee_ids (';'-separated, "
            "best first) and optionally must_haves. A file with any problem writes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and report what would change; write nothing.")

    def handle(self, *args, slug, file, dry_run, **options):
        cohort = Cohort.objects.filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"No cohort has the short name {slug!r}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        result = CohortEnrolmentImporter(cohort).run(data, dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))


class MatchCohortCommand(BaseCommand):
    """python manage.py match_cohort SLUG [--dry-run] [--json] [--candidates] [--objective ...]

    Without --dry-run the proposal is published: relationships are created and everyone is told."""

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
