"""Concurrent changes to commitments on PostgreSQL: two keeps racing for one advocacy record, and a
keep racing a drop, each leave exactly one winner and a commitment whose facts match its state."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from matching.sponsorship import commitments as svc
from matching.sponsorship.models import Commitment
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*actions) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.fixture
def pair(require_postgres):
    sponsorship = factories.SponsorshipFactory()
    return sponsorship, sponsorship.sponsor


def test_two_commitments_racing_for_one_record_leave_it_keeping_one(pair):
    sponsorship, sponsor = pair
    first, second = factories.CommitmentFactory.create_batch(2, sponsorship=sponsorship)
    record = factories.AdvocacyRecordFactory(sponsorship=sponsorship)
    outcomes = _race(
        lambda: svc.commitment_keep(commitment=first, by=sponsor, record=record),
        lambda: svc.commitment_keep(commitment=second, by=sponsor, record=record))
    assert outcomes == ["done", "refused"]
    assert Commitment.objects.filter(state="kept", advocacy_record=record).count() == 1
    assert Commitment.objects.filter(state="open").count() == 1


def test_a_keep_racing_a_drop_leaves_one_consistent_state(pair):
    sponsorship, sponsor = pair
    for _ in range(5):
        commitment = factories.CommitmentFactory(sponsorship=sponsorship)
        record = factories.AdvocacyRecordFactory(sponsorship=sponsorship)
        outcomes = _race(
            lambda c=commitment, r=record: svc.commitment_keep(commitment=c, by=sponsor, record=r),
            lambda c=commitment: svc.commitment_drop(commitment=c, by=sponsor, reason="Cancelled."))
        assert outcomes == ["done", "refused"]
        commitment.refresh_from_db()
        assert commitment.state in ("kept", "dropped")
        assert (commitment.advocacy_record_id is not None) == (commitment.state == "kept")
