"""Commitment reminders: Sam hears before a commitment to Alice is due and once it is overdue;
a month overdue, Hana (HR) reads it in the escalation digest. Each exactly once, and nothing for
a commitment kept or dropped in the meantime."""

import pytest
from django.core import mail

from accounts.models import Notification
from matching.sponsorship import commitments as svc
from matching.sponsorship.models import Commitment
from program.reminders.messages import SKIP_COMMITMENT_CLOSED
from program.reminders.models import ReminderLog
from program.reminders.sweep import reminders_sweep
from program.reminders.tasks import KIND_GROUPS
from tests import factories

from .conftest import NOW, TODAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsorship(sam, alice):
    return factories.SponsorshipFactory(sponsor=sam, protege=alice, started_on=TODAY - days(60),
                                        next_due_on=TODAY + days(20),
                                        last_advocacy_on=TODAY - days(5))


def _commitment(sponsorship, due_on, **extra):
    return factories.CommitmentFactory(sponsorship=sponsorship, made_on=TODAY - days(50),
                                       due_on=due_on, forum="Q2 promotion committee", **extra)


def _sweep(when=NOW, group="commitments"):
    return reminders_sweep(now=when, kinds=KIND_GROUPS[group])


def test_a_commitment_due_in_three_days_reminds_the_sponsor_once(
        sponsorship, sam, django_capture_on_commit_callbacks):
    commitment = _commitment(sponsorship, TODAY + days(3))
    with django_capture_on_commit_callbacks(execute=True):
        first = _sweep()
        second = _sweep(NOW + days(1))
    assert first.counts()["commitment_due_soon"] == 1
    assert second.counts()["commitment_due_soon"] == 0
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert mail.outbox[0].subject.endswith("Your commitment to Alice Employee is due in 3 days")
    assert "Q2 promotion committee" in mail.outbox[0].body
    row = ReminderLog.objects.get()
    assert (row.relationship_kind, row.relationship_id, row.kind) == (
        "commitment", commitment.pk, "commitment_due_soon")


def test_an_overdue_commitment_reminds_the_sponsor_once_and_not_the_protege(
        sponsorship, sam, django_capture_on_commit_callbacks):
    _commitment(sponsorship, TODAY - days(2))
    with django_capture_on_commit_callbacks(execute=True):
        first = _sweep()
        again = _sweep(NOW + days(3))
    assert first.counts()["commitment_overdue"] == 1
    assert again.counts()["commitment_overdue"] == 0
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert "was due on" in mail.outbox[0].body
    assert Notification.objects.get().kind == "reminder_commitment_overdue"


def test_a_month_overdue_commitment_reaches_hr_in_the_escalation_digest(
        sponsorship, hana, django_capture_on_commit_callbacks):
    _commitment(sponsorship, TODAY - days(31), kind=Commitment.Kind.TALENT_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        result = _sweep()
        later = _sweep(NOW + days(2))
    assert result.counts()["escalation"] == 1
    assert later.counts()["escalation"] == 0
    digest = [m for m in mail.outbox if m.to == ["hana@example.com"]]
    assert len(digest) == 1
    assert digest[0].subject.endswith("1 sponsor commitment is a month or more overdue")
    assert ("Sam Sponsor for Alice Employee: Speak up in a calibration or talent review, "
            "31 days overdue") in digest[0].body


def test_a_commitment_kept_before_the_reminder_goes_out_is_skipped(sponsorship, sam):
    commitment = _commitment(sponsorship, TODAY + days(2))
    ReminderLog.objects.create(relationship_kind="commitment", relationship_id=commitment.pk,
                               due_on=commitment.due_on, kind="commitment_due_soon")
    svc.commitment_keep(commitment=commitment, by=sam, record=factories.AdvocacyRecordFactory(
        sponsorship=sponsorship, occurred_on=TODAY - days(1)))
    result = _sweep()
    assert result.sent == []
    assert ReminderLog.objects.get().skipped_reason == SKIP_COMMITMENT_CLOSED
    assert not Notification.objects.exists()


def test_kept_dropped_and_far_off_commitments_plan_nothing(sponsorship, sam):
    _commitment(sponsorship, TODAY + days(20))
    dropped = _commitment(sponsorship, TODAY - days(3))
    svc.commitment_drop(commitment=dropped, by=sam, reason="Committee cancelled.")
    assert _sweep().planned == 0


def test_the_check_in_sweep_leaves_commitment_reminders_to_their_own_group(sponsorship):
    _commitment(sponsorship, TODAY + days(2))
    assert _sweep(group="check_ins").counts()["commitment_due_soon"] == 0
    assert _sweep(group="all").counts()["commitment_due_soon"] == 1
