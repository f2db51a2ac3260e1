"""python manage.py cohort_create SLUG --kind mentorship|sponsorship [--name NAME] ..."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from matching.cohorts.models import Cohort
from matching.cohorts.services import cohort_create


class Command(BaseCommand):
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
