"""Check-in reminders: due soon, overdue, and HR told after two missed check-ins in a row."""

import datetime

import pytest
from django.core import mail

from accounts.models import Notification
from program.reminders.messages import SKIP_CLOSED, SKIP_NO_HR
from program.reminders.models import ReminderLog
from program.reminders.sweep import reminders_sweep
from tests import factories

from .conftest import NOW, TODAY, days

pytestmark = pytest.mark.django_db


def _sweep(**kwargs):
    kwargs.setdefault("now", NOW)
    return reminders_sweep(**kwargs)


def test_both_people_are_reminded_three_days_before_the_check_in_is_due(
        mentorship_due, alice, bob, django_capture_on_commit_callbacks):
    mentorship_due(TODAY + days(3))
    with django_capture_on_commit_callbacks(execute=True):
        result = _sweep()
    assert result.counts()["due_soon"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    to_alice = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    assert "Check-in with Bob Mentor due in 3 days" in to_alice.subject
    assert "Friday 13 March 2026" in to_alice.body
    assert "/unsubscribe/" in to_alice.body
    assert Notification.objects.filter(recipient=alice, kind="reminder_due_soon").count() == 1
    assert Notification.objects.filter(recipient=bob, kind="reminder_due_soon").count() == 1


def test_nothing_is_sent_when_the_check_in_is_further_off(mentorship_due):
    mentorship_due(TODAY + days(4))
    assert _sweep().counts()["due_soon"] == 0
    assert not ReminderLog.objects.exists()


def test_a_sponsorship_gets_the_same_reminders_as_a_mentorship(
        sponsorship_due, django_capture_on_commit_callbacks):
    sponsorship = sponsorship_due(TODAY + days(2))
    with django_capture_on_commit_callbacks(execute=True):
        result = _sweep()
    assert result.counts()["due_soon"] == 1
    row = ReminderLog.objects.get(kind="due_soon")
    assert (row.relationship_kind, row.relationship_id) == ("sponsorship", sponsorship.pk)
    assert row.summary == "Sam Sponsor and Alice Employee"
    assert {r["name"] for r in row.recipients} == {"Sam Sponsor", "Alice Employee"}
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "sam@example.com"]


def test_an_overdue_check_in_reminds_both_again_with_how_late_it_is(
        mentorship_due, django_capture_on_commit_callbacks):
    mentorship_due(TODAY - days(2))
    with django_capture_on_commit_callbacks(execute=True):
        result = _sweep()
    assert result.counts()["overdue"] == 1
    assert result.counts()["escalation"] == 0
    assert all("is overdue" in m.subject for m in mail.outbox)
    assert "(2 days ago)" in mail.outbox[0].body


def _hr_admin(name: str, email: str):
    person = factories.PersonFactory(full_name=name, email=email, with_user=True)
    person.user.is_hr_admin = True
    person.user.save()
    return person


def _digests(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email] and "missed two check-ins" in m.subject]


def test_each_hr_admin_gets_one_digest_listing_every_pair_that_missed_two_check_ins(
        mentorship_due, sponsorship_due, hana, django_capture_on_commit_callbacks):
    mentorship_due(TODAY - days(14), cadence=14)
    sponsorship_due(TODAY - days(31), cadence=30)
    ines = _hr_admin("Ines Admin", "ines@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        result = _sweep()
    assert result.counts()["escalation"] == 2
    for admin in (hana, ines):
        [digest] = _digests(admin.email)
        assert digest.subject.endswith("2 relationships have missed two check-ins in a row")
        assert "Sam Sponsor and Alice Employee (sponsorship): 31 days overdue" in digest.body
        assert "Bob Mentor and Alice Employee (mentorship): 14 days overdue" in digest.body
        assert digest.body.index("Sam Sponsor") < digest.body.index("Bob Mentor")  # worst first
        assert "/hr/reminders/?kind=escalation" in digest.body
        html = digest.alternatives[0].content
        assert '<th scope="row"><a href="http' in html and "Sam Sponsor" in html
        assert Notification.objects.filter(recipient=admin, kind="reminder_escalation").count() == 1
    # The log still has one row per relationship, each naming the admins told.
    rows = ReminderLog.objects.filter(kind="escalation")
    assert rows.count() == 2
    for row in rows:
        assert {r["name"] for r in row.recipients} == {"Hana HR", "Ines Admin"}
        assert row.sent_at is not None and row.skipped_reason == ""


def test_a_single_escalation_reads_in_the_singular(
        mentorship_due, hana, django_capture_on_commit_callbacks):
    mentorship_due(TODAY - days(14), cadence=14)
    with django_capture_on_commit_callbacks(execute=True):
        _sweep()
    [digest] = _digests("hana@example.com")
    assert digest.subject.endswith("1 relationship has missed two check-ins in a row")
    assert "1 relationship has missed two or more check-ins" in digest.body


def test_an_escalation_found_later_the_same_day_waits_for_the_next_days_digest(
        mentorship_due, sponsorship_due, hana, django_capture_on_commit_callbacks):
    mentorship_due(TODAY - days(14), cadence=14)
    with django_capture_on_commit_callbacks(execute=True):
        _sweep()
    sponsorship_due(TODAY - days(30), cadence=30)
    with django_capture_on_commit_callbacks(execute=True):
        later = _sweep(now=NOW + datetime.timedelta(hours=3))
    assert later.counts()["escalation"] == 0
    assert len(_digests("hana@example.com")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        tomorrow = _sweep(now=NOW + days(1))
    assert tomorrow.counts()["escalation"] == 1
    first, second = _digests("hana@example.com")
    assert "Sam Sponsor" not in first.body and "Bob Mentor" in first.body
    assert "Sam Sponsor" in second.body and "Bob Mentor" not in second.body
    assert ReminderLog.objects.filter(kind="escalation", sent_at__isnull=True).count() == 0


def test_an_admin_who_turned_reminder_emails_off_gets_the_digest_in_the_inbox_only(
        mentorship_due, hana, django_capture_on_commit_callbacks):
    hana.notify_reports = "inbox"
    hana.save()
    mentorship_due(TODAY - days(14), cadence=14)
    with django_capture_on_commit_callbacks(execute=True):
        _sweep(kinds=["escalation"])
    assert mail.outbox == []
    inbox = Notification.objects.get(recipient=hana)
    assert inbox.emailed is False and "Bob Mentor and Alice Employee" in inbox.body
    assert ReminderLog.objects.get().recipients == [
        {"person": hana.pk, "name": "Hana HR", "emailed": False}]


def test_hr_is_not_told_after_only_one_missed_check_in(mentorship_due, hana):
    mentorship_due(TODAY - days(13), cadence=14)
    assert _sweep().counts()["escalation"] == 0


def test_someone_who_turned_reminder_emails_off_still_gets_the_inbox_entry(
        mentorship_due, alice, django_capture_on_commit_callbacks):
    alice.notify_reminders = "inbox"
    alice.save()
    mentorship_due(TODAY + days(1))
    with django_capture_on_commit_callbacks(execute=True):
        _sweep()
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert Notification.objects.get(recipient=alice).emailed is False
    recipients = {r["name"]: r["emailed"] for r in ReminderLog.objects.get().recipients}
    assert recipients == {"Alice Employee": False, "Bob Mentor": True}


def test_the_email_is_in_the_persons_language_with_dates_in_that_language(
        mentorship_due, alice, django_capture_on_commit_callbacks):
    alice.preferred_language = "fr"
    alice.save()
    mentorship_due(TODAY + days(3))
    with django_capture_on_commit_callbacks(execute=True):
        _sweep()
    to_alice = next(m for m in mail.outbox if m.to == ["alice@example.com"])
    assert "vendredi 13 mars 2026" in to_alice.body
    assert "Point d’étape avec Bob Mentor dans 3 jours" in to_alice.subject


def test_today_is_each_persons_own_date_in_their_time_zone(
        mentorship_due, alice, bob, django_capture_on_commit_callbacks):
    # 12:00 UTC on 10 March is already 01:00 on 11 March in Auckland.
    bob.timezone = "Pacific/Auckland"
    bob.save()
    mentorship_due(TODAY + days(4))
    with django_capture_on_commit_callbacks(execute=True):
        result = _sweep()
    assert result.counts()["due_soon"] == 1
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "in 3 days" in bodies["bob@example.com"]
    assert "in 4 days" in bodies["alice@example.com"]


def test_a_pair_in_one_time_zone_waits_for_their_own_day(mentorship_due, alice, bob):
    alice.timezone = bob.timezone = "America/Los_Angeles"
    alice.save()
    bob.save()
    mentorship_due(TODAY + days(3))
    # 06:00 UTC on 10 March is still 9 March in Los Angeles: four days to go there.
    early = datetime.datetime(2026, 3, 10, 6, 0, tzinfo=datetime.UTC)
    assert reminders_sweep(now=early).counts()["due_soon"] == 0
    assert reminders_sweep(now=early + days(0) + datetime.timedelta(hours=3)).counts()[
        "due_soon"] == 1


def test_a_reminder_whose_check_in_was_recorded_meanwhile_is_skipped_not_sent(
        mentorship_due, django_capture_on_commit_callbacks):
    mentorship = mentorship_due(TODAY + days(2))
    ReminderLog.objects.create(relationship_kind="mentorship", relationship_id=mentorship.pk,
                               due_on=TODAY + days(2), kind="due_soon")
    mentorship.last_met_on = TODAY
    mentorship.next_due_on = TODAY + days(14)
    mentorship.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = _sweep()
    assert result.counts()["due_soon"] == 0
    row = ReminderLog.objects.get()
    assert row.sent_at is not None and row.skipped_reason.startswith("They met since")
    assert mail.outbox == []


def test_closed_relationships_get_no_reminders(mentorship_due):
    mentorship_due(TODAY + days(1), status="completed")
    assert sum(_sweep().counts().values()) == 0


def test_running_the_sweep_twice_sends_nothing_new(
        mentorship_due, sponsorship_due, hana, django_capture_on_commit_callbacks):
    mentorship_due(TODAY - days(20))
    sponsorship_due(TODAY + days(1))
    with django_capture_on_commit_callbacks(execute=True):
        first = _sweep()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = _sweep()
    assert sum(first.counts().values()) == 3  # overdue + escalation + due soon
    assert sum(second.counts().values()) == 0
    assert len(mail.outbox) == sent


def test_a_relationship_closed_before_its_reminder_left_is_logged_as_skipped(mentorship_due):
    mentorship = mentorship_due(TODAY + days(2))
    ReminderLog.objects.create(relationship_kind="mentorship", relationship_id=mentorship.pk,
                               due_on=TODAY + days(2), kind="due_soon")
    mentorship.status = "ended_early"
    mentorship.save()
    _sweep()
    row = ReminderLog.objects.get()
    assert row.skipped_reason == SKIP_CLOSED
    assert not Notification.objects.exists()


def test_with_no_hr_admin_the_escalation_is_logged_as_skipped_and_says_why(mentorship_due):
    mentorship_due(TODAY - days(14), cadence=14)
    result = _sweep(kinds=["escalation"])
    assert result.counts()["escalation"] == 0
    assert ReminderLog.objects.get(kind="escalation").skipped_reason == SKIP_NO_HR
