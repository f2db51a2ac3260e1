"""python manage.py seed_demo --people N --seed S: a believable organisation, deterministic."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts import demo
from accounts.models import Person


class Command(BaseCommand):
    help = "Build a demo organisation (people, relationships, advocacy, career events)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already has people.")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, people, seed: int, if_empty, quiet, **options):
        if people < 20:
            raise CommandError("--people must be at least 20 to build a believable tree.")
        if Person.objects.exists():
            if if_empty:
                self.stdout.write("The database already has people; not seeding.")
                return
            raise CommandError("The database already has people. seed_demo builds a new "
                               "organisation: use an empty database (or --if-empty).")
        bars = []

        def progress(label, total):
            bar = tqdm(total=total, desc=label, unit="", disable=quiet, file=self.stderr)
            bars.append(bar)
            return bar.update

        started = time.monotonic()
        context = demo.seed(people=people, seed=seed, progress=progress)
        for bar in bars:
            bar.close()
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {Person.objects.count()} people in {time.monotonic() - started:.1f}s."))
        if not quiet:
            for name, seconds in context.timings.items():
                self.stdout.write(f"  {seconds:7.1f}s  {name}")
        self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
        for role, email, *_ in demo.DEMO_PERSONAS:
            self.stdout.write(f"  {role:<9} {email}")
        self.stdout.write("  The HR admin signs in with two-factor codes: "
                          "python manage.py demo_totp")
