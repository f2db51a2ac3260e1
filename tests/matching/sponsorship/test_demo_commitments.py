"""seed_demo's commitments: the demo sponsor's scorecard is worth reading, and every demo
commitment obeys the rules the services enforce."""

import pytest
from django.db.models import F

from accounts import demo
from matching.sponsorship.commitments import KEEPING_KINDS
from matching.sponsorship.models import Commitment
from matching.sponsorship.scorecard import scorecards


@pytest.mark.django_db
def test_the_demo_sponsor_has_commitments_in_every_state_on_the_scorecard():
    ctx = demo.seed(people=300, seed=4)
    card = scorecards(today=ctx.today, sponsor=ctx.personas["sponsor"])[0]
    assert card.proteges == 3
    assert card.kept_on_time >= 2 and card.kept_late >= 1
    assert card.dropped >= 1 and card.overdue == 1 and card.open >= 2
    assert card.advocacy >= card.kept and card.median_days_to_first_advocacy is not None
    shared = Commitment.objects.filter(sponsorship__protege=ctx.personas["employee"],
                                       shared_with_protege=True, state="open")
    assert shared.exists()
    others = [c for c in scorecards(today=ctx.today) if c.sponsor != ctx.personas["sponsor"]]
    assert sum(c.made for c in others) > 10


@pytest.mark.django_db
def test_every_demo_commitment_follows_the_service_rules():
    ctx = demo.seed(people=200, seed=9)
    kept = Commitment.objects.filter(state="kept").select_related("advocacy_record", "sponsorship")
    assert kept.exists()
    for commitment in kept:
        record = commitment.advocacy_record
        assert record.sponsorship_id == commitment.sponsorship_id
        assert record.kind in KEEPING_KINDS[commitment.kind]
        assert commitment.made_on <= record.occurred_on == commitment.kept_on
    assert not Commitment.objects.filter(made_on__lt=F("sponsorship__started_on")).exists()
    assert not Commitment.objects.filter(made_on__gt=ctx.today).exists()
    assert not Commitment.objects.filter(state="dropped", dropped_on__gt=ctx.today).exists()
