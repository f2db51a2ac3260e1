"""`manage.py deliver_outbox`: one delivery run by hand (the worker runs the same service)."""

import json

from django.core.management.base import BaseCommand

from program.delivery.outbox import outbox_deliver


class DeliverOutboxCommand(BaseCommand):
    """python manage.py deliver_outbox [--retry-now] [--json]

    Sends the emails that are due and prints what this run sent, what it gave up on (failed after
    its last attempt) and what is still waiting. --retry-now tries every waiting email now,
    ignoring the backoff (after fixing a mail server, say)."""

    help = "Send the emails in the outbox that are due."

    def add_arguments(self, parser):
        parser.add_argument("--retry-now", action="store_true",
                            help="Try every waiting email now, ignoring the backoff.")
        parser.add_argument("--json", action="store_true",
                            help='Print {"sent": N, "failed": N, "pending": N}.')

    def handle(self, *args, retry_now=False, json=False, **options):
        result = outbox_deliver(retry_now=retry_now)
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        self.stdout.write(self.style.SUCCESS(
            f"Sent {result.sent} email(s); gave up on {result.failed}; "
            f"{result.pending} still waiting."))


def _dumps(data) -> str:
    return json.dumps(data)
