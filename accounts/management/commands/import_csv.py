"""python manage.py import_csv KIND FILE [--dry-run]: all or nothing, every problem listed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.importing import importers, run_import


class Command(BaseCommand):
    help = "Import a CSV file of one kind (people, career_events, mentorships ...). " \
           "A file with any problem is refused whole and nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(importers()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and report what would change; write nothing.")

    def handle(self, *args, kind, file, dry_run, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        result = run_import(kind, data, dry_run=dry_run, file_name=file.name)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
