"""The outbox: every email a row first, sent by the delivery run, retried with backoff, visible
to HR. Alice and Bob receive the emails; Hana (HR admin) watches delivery on the reminders page.
"""

import datetime
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import notifications
from accounts.models import AuditEvent, Notification, OutboxMessage
from accounts.notifications import notify
from matching.mentorship.models import MentorRequest, Mentorship
from program.delivery.outbox import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    backoff,
    outbox_claim,
    outbox_deliver,
)
from program.delivery.views import PROBLEMS_SHOWN
from tests import factories

from .backends import DISK_FULL, delivered
from .notices import ARGS, notify_each

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def mail_folder(settings, tmp_path):
    """A mail backend writing one file per delivered email; a BROKEN file makes it fail."""
    settings.MAILERS = {"default": {"BACKEND": "tests.program.delivery.backends.FileEachBackend",
                                    "OPTIONS": {"file_path": str(tmp_path)}}}
    return tmp_path


def test_an_email_is_a_row_written_with_its_inbox_entry_and_rolled_back_with_it(
        alice, bob, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        notify_each(alice)
        raise RuntimeError("the workflow failed after notifying")
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        notify_each(alice, bob)
    rows = OutboxMessage.objects.order_by("address")
    assert [(r.address, r.status, r.channel, r.attempts) for r in rows] == [
        ("alice@example.com", "sent", "email", 1), ("bob@example.com", "sent", "email", 1)]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert rows[0].notification.recipient == alice and rows[0].sent_at is not None


def test_one_transaction_asks_for_one_delivery_run_however_many_emails_it_writes(
        alice, bob, eve, monkeypatch, django_capture_on_commit_callbacks):
    asked = []
    monkeypatch.setattr(notifications, "_delivery_starters", [lambda: asked.append(1)])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for person in (alice, bob, eve):
            notify(recipient=person, context={"mentor_request": None, "mentor": person,
                                              "mentee": person}, **ARGS)
        notify_each(alice, bob)
    assert asked == [1]
    assert OutboxMessage.objects.count() == 5


def test_someone_who_turned_email_off_gets_no_outbox_row(alice, no_auto_delivery):
    alice.notify_requests = "inbox"
    alice.save()
    notify_each(alice)
    assert Notification.objects.count() == 1 and not OutboxMessage.objects.exists()


def test_a_failing_mail_server_leaves_the_email_waiting_with_its_error_and_a_later_attempt(
        alice, bob, mail_folder, no_auto_delivery):
    notify_each(alice, bob)
    (mail_folder / "BROKEN").touch()
    now = timezone.now()
    result = outbox_deliver(now=now)
    assert result.as_dict() == {"sent": 0, "failed": 0, "pending": 2}
    for row in OutboxMessage.objects.all():
        assert row.status == "pending" and row.attempts == 1 and row.sent_at is None
        assert DISK_FULL in row.last_error and row.next_attempt_at == now + 2 * MINUTE
    assert delivered(mail_folder) == []
    # Not due yet: a run a minute later leaves them alone.
    assert outbox_deliver(now=now + MINUTE).as_dict() == {"sent": 0, "failed": 0, "pending": 2}
    assert OutboxMessage.objects.filter(attempts=1).count() == 2

    (mail_folder / "BROKEN").unlink()  # the disk has room again
    assert outbox_deliver(now=now + 2 * MINUTE).as_dict() == {"sent": 2, "failed": 0,
                                                              "pending": 0}
    assert delivered(mail_folder) == ["alice@example.com", "bob@example.com"]
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_the_backoff_doubles_from_two_minutes_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [2 * MINUTE, 4 * MINUTE, 8 * MINUTE,
                                                  16 * MINUTE]
    assert backoff(9) == backoff(MAX_ATTEMPTS) == datetime.timedelta(hours=6)
    total = sum((backoff(n) for n in range(1, MAX_ATTEMPTS)), datetime.timedelta())
    assert datetime.timedelta(hours=20) < total < datetime.timedelta(hours=40)


def test_after_the_last_attempt_the_email_is_failed_and_hr_can_retry_it(
        alice, hana, login, mail_folder, no_auto_delivery, monkeypatch):
    notify_each(alice)
    (mail_folder / "BROKEN").touch()
    moment = timezone.now()
    results = []
    for _ in range(MAX_ATTEMPTS):
        results.append(outbox_deliver(now=moment))
        moment = OutboxMessage.objects.get().next_attempt_at
    assert [r.failed for r in results] == [0] * (MAX_ATTEMPTS - 1) + [1]
    row = OutboxMessage.objects.get()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert outbox_deliver(now=moment + CLAIM_TIMEOUT).as_dict() == {
        "sent": 0, "failed": 0, "pending": 0}

    client = login(hana)
    page = client.get(reverse("hr:reminder_log")).content.decode()
    assert "alice@example.com" in page and DISK_FULL in page
    assert f"Failed</span> after {MAX_ATTEMPTS} attempts" in page
    assert "Retry the 1 failed email" in page

    (mail_folder / "BROKEN").unlink()
    with_delivery = [lambda: outbox_deliver()]
    monkeypatch.setattr(notifications, "_delivery_starters", with_delivery)
    response = client.post(reverse("hr:outbox_retry"), follow=True)
    assert "1 failed email will be tried again now." in response.content.decode()
    assert delivered(mail_folder) == ["alice@example.com"]
    assert OutboxMessage.objects.get().status == "sent"
    assert AuditEvent.objects.get(action="outbox.retry").actor == hana.user


def test_a_row_held_by_a_live_run_is_left_to_it_and_a_dead_runs_claim_expires(
        alice, bob, mail_folder, no_auto_delivery):
    notify_each(alice, bob)
    now = timezone.now()
    token, held = outbox_claim(now=now, limit=1)  # a run that claimed one row, then died
    assert len(held) == 1
    assert outbox_deliver(now=now + MINUTE).sent == 1
    assert outbox_deliver(now=now + CLAIM_TIMEOUT - MINUTE).sent == 0
    assert outbox_deliver(now=now + CLAIM_TIMEOUT + MINUTE).sent == 1
    assert delivered(mail_folder) == ["alice@example.com", "bob@example.com"]


def test_the_command_prints_what_it_sent_gave_up_and_left_waiting(
        alice, bob, mail_folder, no_auto_delivery):
    notify_each(alice, bob)
    (mail_folder / "BROKEN").touch()
    out = StringIO()
    call_command("deliver_outbox", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 0, "failed": 0, "pending": 2}
    (mail_folder / "BROKEN").unlink()
    out = StringIO()
    call_command("deliver_outbox", "--json", stdout=out)  # the backoff has not passed
    assert json.loads(out.getvalue()) == {"sent": 0, "failed": 0, "pending": 2}
    out = StringIO()
    call_command("deliver_outbox", "--retry-now", stdout=out)
    assert out.getvalue().strip() == "Sent 2 email(s); gave up on 0; 0 still waiting."
    assert delivered(mail_folder) == ["alice@example.com", "bob@example.com"]


def test_retry_now_tries_each_waiting_email_once_per_run(alice, mail_folder, no_auto_delivery):
    notify_each(alice)
    (mail_folder / "BROKEN").touch()
    assert outbox_deliver(retry_now=True).as_dict() == {"sent": 0, "failed": 0, "pending": 1}
    assert OutboxMessage.objects.get().attempts == 1


def test_a_web_action_whose_email_fails_succeeds_and_the_email_waits(
        alice, bob, login, mail_folder, django_capture_on_commit_callbacks):
    (mail_folder / "BROKEN").touch()
    request = factories.MentorRequestFactory(mentee=alice, mentor=bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(bob).post(reverse("mentorship:request_accept", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.ACCEPTED
    assert Mentorship.objects.filter(mentor=bob, mentee=alice).exists()
    email = OutboxMessage.objects.get(address="alice@example.com")
    assert email.status == "pending" and email.attempts == 1 and DISK_FULL in email.last_error
    assert Notification.objects.filter(recipient=alice, kind="mentor_request_accepted").exists()


def test_send_reminders_writes_outbox_rows_and_sends_nothing_itself(
        mail_folder, monkeypatch, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    for _ in range(3):
        factories.MentorshipFactory(started_on=today - datetime.timedelta(days=12),
                                    next_due_on=today + datetime.timedelta(days=2))
    asked = []
    monkeypatch.setattr(notifications, "_delivery_starters", [lambda: asked.append(1)])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    assert delivered(mail_folder) == []
    assert OutboxMessage.objects.filter(status="pending").count() == 6
    assert asked  # the worker was asked to deliver them
    assert outbox_deliver().sent == 6
    assert len(delivered(mail_folder)) == 6


def test_the_reminders_page_shows_delivery_in_a_fixed_number_of_queries(
        hana, login, no_auto_delivery, django_assert_max_num_queries, mail_folder):
    people = [factories.PersonFactory() for _ in range(30)]
    notify_each(*people)
    (mail_folder / "BROKEN").touch()
    outbox_deliver()
    client = login(hana)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("hr:reminder_log")).content.decode()
    assert page.count("Retrying</span>") == PROBLEMS_SHOWN
    assert '<span class="num">30</span> waiting (30 being retried)' in page


def test_account_emails_go_through_the_outbox_and_a_reset_never_fails_on_mail(
        client, alice, mail_folder, no_auto_delivery):
    """allauth's own emails (a password reset here) are outbox rows too: the page answers while
    the mail server is down, the worker sends later, and the link is not kept once sent."""
    (mail_folder / "BROKEN").touch()
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 302
    row = OutboxMessage.objects.get()
    assert (row.address, row.notification, row.status) == (alice.email, None, "pending")
    assert "/accounts/password/reset/key/" in row.text and row.html
    assert outbox_deliver(retry_now=True).sent == 0  # the server is down: it waits
    (mail_folder / "BROKEN").unlink()
    assert outbox_deliver(retry_now=True).sent == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.text == "" and row.html == ""
    assert delivered(mail_folder) == [alice.email]
