"""`manage.py send_reminders`: one sweep by hand, or a dry run of what is due."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from program.reminders.sweep import SWEEP_KINDS, reminders_sweep


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from None


class SendRemindersCommand(BaseCommand):
    """python manage.py send_reminders [--as-of YYYY-MM-DD] [--dry-run] [--json] [--kind KIND ...]

    Runs one reminder sweep by hand (the worker runs the same service on its schedule) and reports
    what it sent. --dry-run composes the same messages and writes and sends nothing."""

    help = "Send the check-in reminders and nudges that are due, each exactly once."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date,
                            help="Treat this date (YYYY-MM-DD) as today for everyone.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Show what would be sent; send and write nothing.")
        parser.add_argument("--json", action="store_true",
                            help="Print counts by kind and every reminder as one JSON object.")
        parser.add_argument("--kind", action="append", choices=sorted(SWEEP_KINDS),
                            help="Only this kind (repeatable; default: every kind).")

    def handle(self, *args, as_of=None, dry_run=False, json=False, kind=None, **options):
        result = reminders_sweep(as_of=as_of, dry_run=dry_run, kinds=kind or SWEEP_KINDS)
        if json:
            self.stdout.write(_dumps({
                "as_of": as_of.isoformat() if as_of else None,
                "dry_run": dry_run,
                "planned": result.planned,
                "counts": result.counts(),
                "reminders": [d.as_json() for d in result.delivered],
            }))
            return
        verb = "Would send" if dry_run else "Sent"
        for delivered in result.delivered:
            names = ", ".join(r["name"] for r in delivered.recipients) or "nobody"
            line = f"{delivered.kind:16} {delivered.due_on}  {delivered.summary}  -> {names}"
            if delivered.skipped_reason:
                line += f"  (skipped: {delivered.skipped_reason})"
            self.stdout.write(line)
        total = sum(result.counts().values())
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} reminder(s)."))


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
