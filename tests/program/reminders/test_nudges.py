"""Nudges: unanswered requests, pairs that stopped meeting, sponsors who stopped advocating."""

import pytest
from django.core import mail

from accounts.models import Notification
from matching.mentorship.models import MentorRequest
from program.reminders.models import ReminderLog
from program.reminders.sweep import reminders_sweep
from tests import factories

from .conftest import NOW, TODAY, days

pytestmark = pytest.mark.django_db


def _request(alice, bob, age_days: int):
    return factories.MentorRequestFactory(mentee=alice, mentor=bob, created_at=NOW - days(age_days))


def test_a_request_unanswered_for_a_week_reminds_the_mentor_once(
        alice, bob, django_capture_on_commit_callbacks):
    request = _request(alice, bob, 7)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_sweep(now=NOW)
        second = reminders_sweep(now=NOW + days(1))
    assert first.counts()["request_nudge"] == 1
    assert second.counts()["request_nudge"] == 0
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert "Alice Employee is waiting for your answer" in mail.outbox[0].subject
    assert "waiting 7 days" in mail.outbox[0].body
    request.refresh_from_db()
    assert request.nudged_at == NOW


def test_a_six_day_old_request_is_left_alone(alice, bob):
    _request(alice, bob, 6)
    assert reminders_sweep(now=NOW).counts()["request_nudge"] == 0


def test_a_request_unanswered_for_two_weeks_expires_and_the_mentee_is_told(
        alice, bob, django_capture_on_commit_callbacks):
    request = _request(alice, bob, 14)
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_sweep(now=NOW)
    assert result.counts()["request_expired"] == 1
    assert result.counts()["request_nudge"] == 0
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.EXPIRED
    note = Notification.objects.get(recipient=alice)
    assert note.kind == "mentor_request_expired"
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    row = ReminderLog.objects.get(kind="request_expired")
    assert [r["name"] for r in row.recipients] == ["Alice Employee"]


def test_an_answered_request_is_neither_nudged_nor_expired(alice, bob):
    factories.MentorRequestFactory(mentee=alice, mentor=bob, created_at=NOW - days(20),
                                   status=MentorRequest.Status.DECLINED)
    assert sum(reminders_sweep(now=NOW).counts().values()) == 0


def test_ninety_days_without_a_meeting_flags_the_pair_inactive_and_asks_both(
        mentorship_due, django_capture_on_commit_callbacks):
    mentorship = mentorship_due(TODAY - days(76), cadence=14)  # started 90 days ago, never met
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_sweep(now=NOW, kinds=["inactive"])
    assert result.counts()["inactive"] == 1
    mentorship.refresh_from_db()
    assert mentorship.inactive_since == TODAY
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert all("Carry on with" in m.subject for m in mail.outbox)
    assert reminders_sweep(now=NOW + days(1), kinds=["inactive"]).counts()["inactive"] == 0


def test_a_pair_that_met_within_ninety_days_is_not_inactive(mentorship_due):
    mentorship_due(TODAY - days(75), cadence=14)
    assert reminders_sweep(now=NOW, kinds=["inactive"]).counts()["inactive"] == 0


def test_a_sponsor_with_no_advocacy_for_ninety_days_is_nudged(
        sponsorship_due, django_capture_on_commit_callbacks):
    sponsorship_due(TODAY + days(20), last_advocacy_on=TODAY - days(90))
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_sweep(now=NOW, kinds=["advocacy_nudge"])
    assert result.counts()["advocacy_nudge"] == 1
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert "Any recent advocacy for Alice Employee?" in mail.outbox[0].subject


def test_a_sponsor_who_advocated_recently_is_not_nudged(sponsorship_due):
    sponsorship_due(TODAY + days(20), last_advocacy_on=TODAY - days(89))
    assert reminders_sweep(now=NOW, kinds=["advocacy_nudge"]).counts()["advocacy_nudge"] == 0
