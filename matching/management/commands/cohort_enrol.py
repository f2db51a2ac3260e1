"""python manage.py cohort_enrol SLUG FILE [--dry-run]: all or nothing, every problem listed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.cohorts.importers import CohortEnrolmentImporter
from matching.cohorts.models import Cohort


class Command(BaseCommand):
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
