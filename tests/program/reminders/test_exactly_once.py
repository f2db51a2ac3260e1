"""Exactly once, on PostgreSQL: concurrent sweeps, a sweep that dies mid-way, a second run.

Each test makes 30 pairs whose check-in is due soon (60 reminder emails) and counts inbox rows:
every person must have exactly one reminder, never two.
"""

import datetime
import threading

import pytest
from django.db import connection

from accounts.models import Notification
from matching.mentorship.models import Mentorship
from program.reminders import sweep as reminders
from program.reminders.models import ReminderLog
from program.reminders.sweep import CLAIM_TIMEOUT, reminders_sweep
from tests import factories

from .conftest import NOW, TODAY, days

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

PAIRS = 30
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def due_pairs(require_postgres):
    for _ in range(PAIRS):
        factories.MentorshipFactory(started_on=TODAY - days(12), next_due_on=TODAY + days(2))


def _reminders_per_person():
    counts = {}
    for recipient_id in Notification.objects.values_list("recipient_id", flat=True):
        counts[recipient_id] = counts.get(recipient_id, 0) + 1
    return counts


def _two_sweeps_at_once(**kwargs) -> list:
    """Start two sweeps together (on a barrier, each with its own connection); their results."""
    results, errors = [], []
    barrier = threading.Barrier(2)

    def sweep():
        try:
            barrier.wait()
            results.append(reminders_sweep(now=NOW, batch_size=5, **kwargs))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_two_sweeps_running_at_once_send_each_reminder_exactly_once(due_pairs):
    results = _two_sweeps_at_once()
    assert sum(r.counts()["due_soon"] for r in results) == PAIRS
    assert ReminderLog.objects.count() == PAIRS
    assert set(_reminders_per_person().values()) == {1}
    assert len(_reminders_per_person()) == 2 * PAIRS


def test_a_sweep_that_dies_mid_way_loses_nothing_and_the_rerun_sends_no_duplicate(
        due_pairs, monkeypatch):
    real_deliver = reminders.reminders_deliver
    batches = []

    def dying_deliver(**kwargs):
        batches.append(len(kwargs["rows"]))
        if len(batches) == 3:  # claimed a third batch, then the worker is killed
            raise SystemExit("worker killed")
        return real_deliver(**kwargs)

    monkeypatch.setattr(reminders, "reminders_deliver", dying_deliver)
    with pytest.raises(SystemExit):
        reminders_sweep(now=NOW, batch_size=5)
    monkeypatch.setattr(reminders, "reminders_deliver", real_deliver)
    assert Notification.objects.count() == 2 * 10  # two batches of five pairs went out

    # Straight away, a new sweep sends everything not claimed by the dead one.
    rerun = reminders_sweep(now=NOW + MINUTE, batch_size=5)
    assert rerun.counts()["due_soon"] == PAIRS - 15
    # The dead sweep's claim goes stale and a later sweep sends those five too.
    later = reminders_sweep(now=NOW + CLAIM_TIMEOUT + MINUTE,
                            batch_size=5)
    assert later.counts()["due_soon"] == 5
    assert ReminderLog.objects.filter(sent_at__isnull=True).count() == 0
    assert set(_reminders_per_person().values()) == {1}
    assert len(_reminders_per_person()) == 2 * PAIRS


def test_a_second_run_sends_nothing_new(due_pairs):
    assert reminders_sweep(now=NOW).counts()["due_soon"] == PAIRS
    assert reminders_sweep(now=NOW).counts()["due_soon"] == 0
    assert reminders_sweep(now=NOW + CLAIM_TIMEOUT * 2).counts()["due_soon"] == 0
    assert Notification.objects.count() == 2 * PAIRS


def test_rows_claimed_by_a_sweep_still_running_are_left_to_it(due_pairs):
    reminders_sweep(now=NOW, dry_run=True)  # plans, writes nothing
    assert not ReminderLog.objects.exists()
    ReminderLog.objects.bulk_create([
        ReminderLog(relationship_kind="mentorship", relationship_id=pk, due_on=TODAY + days(2),
                    kind="due_soon") for pk in Mentorship.objects.values_list("pk", flat=True)])
    token, held = reminders.reminders_claim(now=NOW, kinds=["due_soon"], limit=10)
    assert len(held) == 10
    other = reminders_sweep(now=NOW + MINUTE)
    assert other.counts()["due_soon"] == PAIRS - 10
    # The first sweep finishes its batch: its claim is still good, so it sends them.
    from program.reminders.messages import Clock

    delivered = reminders.reminders_deliver(rows=held, token=token, clock=Clock(now=NOW))
    assert len(delivered) == 10
    assert set(_reminders_per_person().values()) == {1}


# Escalations: one digest per HR admin per day, listing every pair, never two and never none.


@pytest.fixture
def escalated_pairs(require_postgres, hana):
    for _ in range(PAIRS):
        factories.MentorshipFactory(started_on=TODAY - days(28), cadence_days=14,
                                    next_due_on=TODAY - days(14))
    return hana


def _digests_to(person):
    return list(Notification.objects.filter(recipient=person, kind="reminder_escalation"))


def _all_escalations_sent_once():
    rows = ReminderLog.objects.filter(kind="escalation")
    return rows.count() == PAIRS and not rows.filter(sent_at__isnull=True).exists()


def test_two_sweeps_running_at_once_send_one_digest_listing_every_escalation(escalated_pairs):
    results = _two_sweeps_at_once(kinds=["escalation"])
    assert sorted(r.counts()["escalation"] for r in results) == [0, PAIRS]
    [digest] = _digests_to(escalated_pairs)
    assert digest.subject == f"{PAIRS} relationships have missed two check-ins in a row"
    assert digest.body.count("14 days overdue") == PAIRS
    assert _all_escalations_sent_once()


def test_a_sweep_that_dies_before_its_digest_commits_loses_nothing_and_the_rerun_sends_it_once(
        escalated_pairs, monkeypatch):
    real_notify_many = reminders.notify_many

    def notify_then_die(notices, **kwargs):
        written = real_notify_many(notices, **kwargs)
        if any(notice.template == "escalation-digest" for notice in notices):
            raise SystemExit("worker killed")  # the inbox rows are written, then it dies
        return written

    monkeypatch.setattr(reminders, "notify_many", notify_then_die)
    with pytest.raises(SystemExit):
        reminders_sweep(now=NOW, batch_size=5)
    monkeypatch.setattr(reminders, "notify_many", real_notify_many)
    assert _digests_to(escalated_pairs) == []  # rolled back with the rest of the digest
    assert ReminderLog.objects.filter(kind="escalation", sent_at__isnull=True).count() == PAIRS

    # The next sweep (no need to wait for a claim to go stale) sends the digest, once.
    assert reminders_sweep(now=NOW + MINUTE).counts()["escalation"] == PAIRS
    assert reminders_sweep(now=NOW + 2 * MINUTE).counts()["escalation"] == 0
    assert reminders_sweep(now=NOW + CLAIM_TIMEOUT * 2).counts()["escalation"] == 0
    [digest] = _digests_to(escalated_pairs)
    assert digest.body.count("14 days overdue") == PAIRS
    assert _all_escalations_sent_once()
