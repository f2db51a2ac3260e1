"""Claims of a reminder sweep: a run that dies, or a run --as-of a future date, never leaves
reminders held beyond CLAIM_TIMEOUT of real time, and a batch that fails lets go at once."""

import datetime

import pytest
from django.utils import timezone

from program.reminders import sweep as reminders
from program.reminders.models import ReminderLog
from program.reminders.sweep import CLAIM_TIMEOUT, reminders_sweep
from tests import factories

from .conftest import days

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def due_in_a_month():
    today = timezone.localdate()
    for _ in range(3):
        factories.MentorshipFactory(started_on=today - days(12), next_due_on=today + days(32))
    return today + days(30)


def _fail_with(monkeypatch, error):
    def deliver(**kwargs):
        raise error

    monkeypatch.setattr(reminders, "reminders_deliver", deliver)


def test_a_future_run_that_dies_leaves_claims_that_expire_from_when_they_were_taken(
        due_in_a_month, monkeypatch):
    real_deliver = reminders.reminders_deliver
    _fail_with(monkeypatch, SystemExit("worker killed"))
    started = timezone.now()
    with pytest.raises(SystemExit):
        reminders_sweep(as_of=due_in_a_month)
    rows = ReminderLog.objects.all()
    assert rows.count() == 3
    assert all(started <= row.claimed_at <= timezone.now() for row in rows)

    monkeypatch.setattr(reminders, "reminders_deliver", real_deliver)
    assert sum(reminders_sweep(as_of=due_in_a_month).counts().values()) == 0  # still held
    later = started + CLAIM_TIMEOUT + MINUTE  # real time passes, not a month
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert reminders_sweep(as_of=due_in_a_month).counts()["due_soon"] == 3


def test_a_batch_that_fails_lets_go_of_its_claim_at_once(due_in_a_month, monkeypatch):
    real_deliver = reminders.reminders_deliver
    _fail_with(monkeypatch, RuntimeError("database blip"))
    with pytest.raises(RuntimeError):
        reminders_sweep(as_of=due_in_a_month)
    assert not ReminderLog.objects.filter(claim_token__isnull=False).exists()
    monkeypatch.setattr(reminders, "reminders_deliver", real_deliver)
    assert reminders_sweep(as_of=due_in_a_month).counts()["due_soon"] == 3
