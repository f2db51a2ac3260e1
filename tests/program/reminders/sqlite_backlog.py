"""Run by test_sqlite_backlog.py in subprocesses, on the embedded SQLite default (VAR_DIR):

    python -m tests.program.reminders.sqlite_backlog setup N  # migrate, N pairs due soon
    python -m tests.program.reminders.sqlite_backlog sweep  # manage.py send_reminders
    python -m tests.program.reminders.sqlite_backlog people S  # S seconds of people writing
"""

import datetime
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.core.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Person  # noqa: E402
from accounts.notifications import notify  # noqa: E402


def setup(pairs: int) -> None:
    from tests import factories

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    for _ in range(pairs):
        factories.MentorshipFactory(started_on=today - datetime.timedelta(days=12),
                                    next_due_on=today + datetime.timedelta(days=2))


def people(seconds: float) -> None:
    """What people do meanwhile: each action writes a session (a sign-in) and an inbox entry
    with its email's outbox row, in one transaction. Any error is printed and fails the run."""
    everyone = list(Person.objects.all()[:20])
    end = time.monotonic() + seconds
    done = 0
    while time.monotonic() < end:
        with transaction.atomic():
            session = SessionStore()
            session["signed_in"] = True
            session.save()
            person = everyone[done % len(everyone)]
            notify(recipient=person, kind="mentor_request_expired",
                   template="mentor-request-expired",
                   context={"mentor_request": None, "mentor": person, "mentee": person})
        done += 1
        time.sleep(0.05)
    print(f"people: {done} actions")


if __name__ == "__main__":
    action = sys.argv[1]
    if action == "setup":
        setup(int(sys.argv[2]))
    elif action == "sweep":
        call_command("send_reminders")
    else:
        people(float(sys.argv[2]))
