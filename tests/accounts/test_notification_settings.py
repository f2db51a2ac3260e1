"""Notification settings per category: inbox only, email at once, or the daily digest.

Alice and Bob receive notifications; what each chose decides whether an email follows.
"""

import ast
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Notification, OutboxMessage, Person
from accounts.notifications import notify
from accounts.preferences import KIND_CATEGORY, Category, category_for
from matching.relationships.services import relationship_models
from program.reminders.models import ReminderLog

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXPIRED = {"kind": "mentor_request_expired", "template": "mentor-request-expired",
           "url": "/mentoring/"}


def _context(person):
    return {"mentor_request": None, "mentor": person, "mentee": person}


def _kinds_named_in_the_code() -> set[str]:
    """Every literal kind= of a notify()/Notice() call in the app's code."""
    kinds = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {"tests", ".venv"} or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(
                    node.func, "id", getattr(node.func, "attr", "")) in {"notify", "Notice"}:
                for keyword in node.keywords:
                    if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                        kinds.add(keyword.value.value)
    return kinds


def test_every_kind_the_app_sends_has_a_category():
    named = _kinds_named_in_the_code()
    assert len(named) > 20 and "pair_message" in named
    # The kinds built at run time: the sweep's reminders, closings, HR's decisions on roles.
    built = ({f"reminder_{kind}" for kind in ReminderLog.Kind.values}
             | {f"{kind}_closed" for kind in relationship_models()}
             | {f"{role}_{verb}" for role in ("mentor", "sponsor")
                for verb in ("paused", "resumed")}
             | {"hr_admin_granted", "hr_admin_removed"})
    assert not (named | built) - set(KIND_CATEGORY)
    assert set(KIND_CATEGORY.values()) == set(Category)


def test_the_categories_are_the_ones_people_care_about():
    assert category_for("mentor_request_withdrawn") == Category.REQUESTS
    assert category_for("sponsorship_proposed") == Category.REQUESTS
    assert category_for("reminder_due_soon") == Category.REMINDERS
    assert category_for("reminder_request_nudge") == Category.REMINDERS
    assert category_for("pair_message") == Category.MESSAGES
    assert category_for("reminder_outcome_report") == Category.REPORTS


def test_an_unknown_kind_is_refused_before_anything_is_written(alice):
    with pytest.raises(ValueError, match="has no category"):
        notify(recipient=alice, context=_context(alice), **{**EXPIRED, "kind": "made_up"})
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()


@pytest.mark.parametrize(("choice", "emails", "waits_for_digest"), [
    ("email", 1, False), ("inbox", 0, False), ("digest", 0, True)])
def test_each_choice_writes_the_inbox_entry_and_emails_only_when_asked(
        alice, django_capture_on_commit_callbacks, choice, emails, waits_for_digest):
    Person.objects.filter(pk=alice.pk).update(notify_requests=choice)
    alice.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=alice, context=_context(alice), **EXPIRED)
    notification.refresh_from_db()
    assert notification.subject and notification.url == "/mentoring/"
    assert notification.emailed is (emails == 1)
    assert notification.digest_due is waits_for_digest
    assert OutboxMessage.objects.count() == emails and len(mail.outbox) == emails


def test_a_choice_applies_to_its_category_only(alice, bob, django_capture_on_commit_callbacks):
    """Bob reads pair messages in the inbox only but still gets requests by email."""
    Person.objects.filter(pk=bob.pk).update(notify_messages="inbox")
    bob.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=bob, kind="pair_message", template="pair-message",
               context={"author": alice, "excerpt": "Hello", "kind": "mentorship"}, url="/")
        notify(recipient=bob, context=_context(bob), **EXPIRED)
    expired = Notification.objects.get(kind="mentor_request_expired")
    assert [m.subject for m in mail.outbox] == [f"[Grow Together] {expired.subject}"]
    assert Notification.objects.filter(recipient=bob).count() == 2


def test_the_email_carries_an_unsubscribe_link_for_its_category(
        client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=alice, context=_context(alice), **EXPIRED)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert link in mail.outbox[0].body
    client.post(link.removeprefix("http://testserver"))
    alice.refresh_from_db()
    assert (alice.notify_requests, alice.notify_reminders) == ("inbox", "email")


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_the_migration_keeps_each_persons_choices(require_postgres):
    """Switch off -> inbox only; on -> email; "requests" covered pair messages too.

    On PostgreSQL: unapplying a migration on SQLite rebuilds the table without the columns of a
    sibling branch (Slack's 0012), so going back and forth is only exact there."""
    executor = MigrationExecutor(connection)
    # Back to just before 0013, with the sibling branches (Slack's fields, an index) applied.
    before = [("accounts", "0012_outbox_attachments"), ("accounts", "0013_merge_20261130_0828")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("accounts", "Person")
    old.objects.create(employee_id="1", email="quiet@example.com", full_name="Quiet",
                       email_reminders=False, email_requests=False, email_reports=True)
    old.objects.create(employee_id="2", email="keen@example.com", full_name="Keen",
                       email_reminders=True, email_requests=True, email_reports=False)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    choices = {p.email: (p.notify_requests, p.notify_messages, p.notify_reminders,
                         p.notify_reports) for p in Person.objects.all()}
    assert choices == {"quiet@example.com": ("inbox", "inbox", "inbox", "email"),
                       "keen@example.com": ("email", "email", "email", "inbox")}
