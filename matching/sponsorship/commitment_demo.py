"""Demo commitments (order 45, after the sponsorships and their advocacy): most advocacy was
promised first, so many records keep a commitment, on time or late; some commitments were
dropped, some are open, a few overdue.

The demo sponsor's scorecard tells a readable story: with the demo employee, a stretch assignment
kept on time, a talent-review endorsement kept late, a promotion nomination kept on time, an
introduction due in a few days (shared with the employee) and a dropped speaking slot; with
the protégé whose advocacy went quiet, an overdue commitment (the nudge on the sponsor's page).
"""

from __future__ import annotations

import datetime

from accounts.demo import DemoContext, demo_step
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.commitments import KEEPING_KINDS
from matching.sponsorship.demo import FORUMS
from matching.sponsorship.models import AdvocacyRecord, Commitment, Sponsorship

DAY = datetime.timedelta(days=1)
# The commitment an advocacy record of each kind keeps.
PROMISED_AS = {record_kind: kind for kind, record_kinds in KEEPING_KINDS.items()
               for record_kind in record_kinds}
DROP_REASONS = ["The committee was postponed to next year.",
                "The role was filled before the nomination window.",
                "They moved to another team and a new sponsor takes it on."]


def _days_before(ctx: DemoContext, day: datetime.date, low: int, high: int,
                 floor: datetime.date) -> datetime.date:
    return max(day - ctx.rng.randint(low, high) * DAY, floor)


@demo_step(45)
def create_commitments(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    star, employee = ctx.personas["sponsor"], ctx.personas["employee"]
    started = list(Sponsorship.objects.filter(started_on__isnull=False)
                   .exclude(status=RelationshipStatus.DECLINED).order_by("id"))
    records = list(AdvocacyRecord.objects.filter(sponsorship__in=started).order_by("id"))
    tick = ctx.progress("commitments", len(started))
    by_sponsorship = {s.pk: s for s in started}
    commitments = []
    for record in records:
        sponsorship = by_sponsorship[record.sponsorship_id]
        if sponsorship.sponsor_id == star.pk or rng.random() > 0.6:
            continue
        made = _days_before(ctx, record.occurred_on, 10, 60, sponsorship.started_on)
        due = made + rng.randint(14, 75) * DAY
        commitments.append(_kept(record, made, due))
    for sponsorship in started:
        if sponsorship.sponsor_id == star.pk:
            continue
        end = sponsorship.ended_on or today
        for _ in range(rng.randint(0, 2)):
            made = sponsorship.started_on + rng.randint(0, max((end - sponsorship.started_on)
                                                               .days - 1, 0)) * DAY
            due = made + rng.randint(14, 90) * DAY
            kind = rng.choice(Commitment.Kind.values)
            if sponsorship.status != RelationshipStatus.ACTIVE or rng.random() < 0.4:
                commitments.append(_dropped(sponsorship, kind, made, due,
                                            min(due, end), rng.choice(DROP_REASONS)))
            else:
                commitments.append(Commitment(
                    sponsorship=sponsorship, kind=kind, made_on=made, due_on=due,
                    forum=rng.choice(FORUMS), shared_with_protege=rng.random() < 0.5,
                    decision_maker=_decision_maker(kind)))
    commitments += _star_story(ctx, [s for s in started if s.sponsor_id == star.pk],
                               [r for r in records
                                if by_sponsorship[r.sponsorship_id].sponsor_id == star.pk],
                               employee.pk)
    Commitment.objects.bulk_create(commitments, batch_size=5000)
    tick(len(started))


def _decision_maker(kind: str) -> str:
    return "Dana Ruiz, VP Platform" if kind == Commitment.Kind.INTRODUCTION else ""


def _kept(record: AdvocacyRecord, made: datetime.date, due: datetime.date,
          shared: bool | None = None) -> Commitment:
    kind = PROMISED_AS[record.kind]
    return Commitment(
        sponsorship_id=record.sponsorship_id, kind=kind, made_on=made, due_on=due,
        forum=record.forum, decision_maker=_decision_maker(kind),
        shared_with_protege=record.shared_with_protege if shared is None else shared,
        state=Commitment.State.KEPT, advocacy_record=record, kept_on=record.occurred_on)


def _dropped(sponsorship, kind, made, due, dropped_on, reason) -> Commitment:
    return Commitment(
        sponsorship=sponsorship, kind=kind, made_on=made, due_on=due, forum=FORUMS[0],
        decision_maker=_decision_maker(kind), state=Commitment.State.DROPPED,
        dropped_on=max(dropped_on, made), drop_reason=reason)


def _star_story(ctx: DemoContext, sponsorships: list[Sponsorship],
                records: list[AdvocacyRecord], employee_id: int) -> list[Commitment]:
    today = ctx.today
    story = []
    for sponsorship in sponsorships:
        mine = [r for r in records if r.sponsorship_id == sponsorship.pk]
        if sponsorship.protege_id == employee_id:
            for record in mine:
                late = record.kind == AdvocacyRecord.Kind.TALENT_REVIEW_ENDORSEMENT
                made = max(record.occurred_on - 30 * DAY, sponsorship.started_on)
                due = record.occurred_on - 10 * DAY if late else record.occurred_on + 10 * DAY
                story.append(_kept(record, made, max(due, made)))
            story.append(Commitment(
                sponsorship=sponsorship, kind=Commitment.Kind.INTRODUCTION,
                decision_maker="Dana Ruiz, VP Platform", forum="Platform leadership offsite",
                made_on=today - 20 * DAY, due_on=today + 4 * DAY, shared_with_protege=True,
                description="Introduce them to Dana before the platform team is staffed."))
            story.append(_dropped(sponsorship, Commitment.Kind.SPEAKING_OPPORTUNITY,
                                  today - 90 * DAY, today - 40 * DAY, today - 45 * DAY,
                                  DROP_REASONS[0]))
        elif sponsorship.status == RelationshipStatus.ACTIVE:
            for record in mine[:2]:
                made = max(record.occurred_on - 20 * DAY, sponsorship.started_on)
                story.append(_kept(record, made, record.occurred_on + 5 * DAY))
            # Advocacy went quiet here: a nomination promised and now overdue.
            story.append(Commitment(
                sponsorship=sponsorship, kind=Commitment.Kind.PROMOTION_NOMINATION,
                forum="Q3 promotion committee", made_on=today - 60 * DAY,
                due_on=today - 12 * DAY))
        else:
            for record in mine[:3]:
                made = max(record.occurred_on - 25 * DAY, sponsorship.started_on)
                story.append(_kept(record, made, record.occurred_on + 3 * DAY))
    return story
