"""Demo data for sponsorship: career events for everyone (order 20), then sponsors, sponsorships,
advocacy with outcomes, touchpoints and surveys (order 40).

Promotions happen to everyone; sponsored people get extra ones when their sponsor's nominations
succeed, so the outcome report has something true (and modest) to say.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoContext, demo_step
from accounts.models import CareerEvent, Department, Person, SponsorProfile
from matching.relationships.models import NEVER_STARTED, RelationshipStatus, SurveyResponse
from matching.relationships.services import add_months
from matching.sponsorship.models import AdvocacyRecord, Sponsorship, SponsorshipInterest, Touchpoint
from matching.sponsorship.services import BELOW_LEVEL_REASON, CAREER_EVENT_FOR_KIND

DAY = datetime.timedelta(days=1)
# Nominations are what sponsors do most; introductions and endorsements follow.
KIND_WEIGHTS_BY_KIND = {
    "promotion_nomination": 4, "stretch_assignment": 2, "high_visibility_project": 2,
    "leadership_nomination": 1, "introduction": 2, "talent_review_endorsement": 2,
    "speaking_opportunity": 1,
}
KIND_WEIGHTS = list(KIND_WEIGHTS_BY_KIND.values())
# Yearly chance of each career event, for everyone, inside or outside the program.
YEARLY_RATES = {
    CareerEvent.Kind.PROMOTION: 0.07,
    CareerEvent.Kind.HIGH_VISIBILITY: 0.06,
    CareerEvent.Kind.LATERAL: 0.05,
    CareerEvent.Kind.AWARD: 0.04,
}
LEADERSHIP_RATE = 0.05  # level 4 and above
EXIT_RATE = 0.02
HISTORY_DAYS = 730
FORUMS = ["Q1 promotion committee", "Q3 promotion committee", "Quarterly talent review",
          "Staffing review", "Leadership offsite", "Engineering all-hands", "Exec staff meeting",
          "Calibration session"]
DESCRIPTIONS = {
    "promotion_nomination": "Nominated them for promotion to the next level, with examples of "
                            "impact across teams.",
    "stretch_assignment": "Put them forward to lead the migration workstream.",
    "high_visibility_project": "Recommended them for the customer launch project the CEO "
                               "tracks.",
    "leadership_nomination": "Nominated them to lead the new platform team.",
    "introduction": "Introduced them to the VP who owns next year's roadmap.",
    "talent_review_endorsement": "Argued for them as a top-tier performer in the talent review.",
    "speaking_opportunity": "Gave them my slot to present the quarterly results.",
}


def _random_day(ctx: DemoContext, start: datetime.date, end: datetime.date) -> datetime.date:
    span = max((end - start).days, 0)
    return start + datetime.timedelta(days=ctx.rng.randint(0, span))


@demo_step(20)
def create_career_events(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    persona_ids = {p.pk for p in ctx.personas.values()}
    rows = list(Person.objects.order_by("id").values_list("id", "hire_date", "level"))
    tick = ctx.progress("career events", len(rows))
    events, leavers = [], {}
    years = HISTORY_DAYS / 365
    for pk, hired, level in rows:
        first = max(hired or today - HISTORY_DAYS * DAY, today - HISTORY_DAYS * DAY)
        for kind, rate in YEARLY_RATES.items():
            if rng.random() < rate * years:
                events.append(CareerEvent(person_id=pk, kind=kind,
                                          occurred_on=_random_day(ctx, first, today)))
        if level >= 4 and rng.random() < LEADERSHIP_RATE * years:
            events.append(CareerEvent(person_id=pk, kind=CareerEvent.Kind.LEADERSHIP,
                                      occurred_on=_random_day(ctx, first, today)))
        if pk not in persona_ids and level < 9 and rng.random() < EXIT_RATE:
            left = _random_day(ctx, max(first, today - 365 * DAY), today - DAY)
            leavers[pk] = left
            events.append(CareerEvent(person_id=pk, kind=CareerEvent.Kind.EXIT, occurred_on=left))
    for event in events:
        event.description = f"{event.get_kind_display()} (demo)"
    CareerEvent.objects.bulk_create(events, batch_size=5000)
    # An exit is a termination on the HR record too.
    people = list(Person.objects.filter(pk__in=leavers))
    for person in people:
        person.termination_date = leavers[person.pk]
    Person.objects.bulk_update(people, ["termination_date"], batch_size=5000)
    tick(len(rows))


@demo_step(40)
def create_sponsorships(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    now = timezone.now()
    hr_user = ctx.personas["hr"].user
    current = Person.objects.current().order_by("id")
    managers = dict(Person.objects.values_list("id", "manager_id"))

    def in_line(sponsor_id: int, protege_id: int) -> bool:
        """The sponsor is the protégé's manager or above, or the protégé is the sponsor's
        manager (the rules sponsorship shares with mentorship)."""
        if managers.get(sponsor_id) == protege_id:
            return True
        current_id, seen = managers.get(protege_id), set()
        while current_id and current_id not in seen:
            if current_id == sponsor_id:
                return True
            seen.add(current_id)
            current_id = managers.get(current_id)
        return False

    # Sponsors: the persona plus about a third of the current leaders at level 7 and above.
    star = ctx.personas["sponsor"]
    leaders = [pk for pk in current.filter(level__gte=7).values_list("id", flat=True)
               if pk != star.pk and rng.random() < 0.35]
    sponsor_ids = [star.pk, *leaders]
    departments = list(Department.objects.order_by("id"))
    opportunity_kinds = SponsorProfile.Opportunity.values
    profiles = [SponsorProfile(
        person_id=pk, capacity=3 if pk == star.pk else rng.randint(1, 3),
        opportunity_kinds=rng.sample(opportunity_kinds, rng.randint(2, 4)),
        commitment_accepted_at=now - rng.randint(30, 600) * DAY,
        status=SponsorProfile.Status.APPROVED, decided_at=now) for pk in sponsor_ids]
    SponsorProfile.objects.bulk_create(profiles)
    through = SponsorProfile.departments.through
    through.objects.bulk_create([
        through(sponsorprofile_id=profile.pk, department_id=dept.pk)
        for profile in profiles for dept in rng.sample(departments, min(2, len(departments)))
    ])
    # One leader below the sponsor level waits in the HR approval queue.
    waiting = (current.filter(level=5).exclude(pk__in=[p.pk for p in ctx.personas.values()])
               .first())
    if waiting is not None:
        profile = SponsorProfile.objects.create(
            person=waiting, capacity=2, opportunity_kinds=["stretch_assignment", "speaking"],
            commitment_accepted_at=now - 2 * DAY, status=SponsorProfile.Status.PENDING,
            status_reason=BELOW_LEVEL_REASON.format(level=5, minimum=6))
        if departments:
            profile.departments.set(departments[:1])

    # Protégés: levels 2-5, current, never the sponsors themselves.
    pool = [pk for pk in current.filter(level__range=(2, 5)).values_list("id", flat=True)
            if pk not in set(sponsor_ids)]
    rng.shuffle(pool)
    employee = ctx.personas["employee"]
    sponsorships: list[Sponsorship] = []
    taken: set[int] = set()

    def pair(sponsor_id: int, protege_id: int, status: str, started: datetime.date,
             origin: str) -> None:
        ended = None
        if status in (RelationshipStatus.COMPLETED, RelationshipStatus.ENDED_EARLY):
            ended = min(add_months(started, 12) if status == RelationshipStatus.COMPLETED
                        else started + rng.randint(60, 250) * DAY, today - DAY)
        sponsorships.append(Sponsorship(
            sponsor_id=sponsor_id, protege_id=protege_id, status=status, origin=origin,
            started_on=started if status != RelationshipStatus.PROPOSED else None,
            planned_end_on=add_months(started, 12), ended_on=ended, cadence_days=30,
            next_due_on=started + 30 * DAY if status == RelationshipStatus.ACTIVE else None,
            created_at=now - (today - started).days * DAY,
            close_reason="role_change" if status == RelationshipStatus.ENDED_EARLY else "",
        ))
        taken.add(protege_id)

    # The sponsor persona: the employee persona (active, with shared records), one protégé
    # whose advocacy has gone quiet (the nudge), and one who finished last year.
    pair(star.pk, employee.pk, RelationshipStatus.ACTIVE, today - 150 * DAY, "hr")
    star_others = [pk for pk in pool if not in_line(star.pk, pk)][:3]
    if len(star_others) >= 1:
        pair(star.pk, star_others[0], RelationshipStatus.ACTIVE, today - 200 * DAY, "sponsor")
    if len(star_others) >= 2:
        pair(star.pk, star_others[1], RelationshipStatus.COMPLETED, today - 500 * DAY, "interest")
    origins = ["hr", "sponsor", "interest", "cohort"]
    for sponsor_id, profile in zip(sponsor_ids[1:], profiles[1:], strict=True):
        for _ in range(rng.randint(1, profile.capacity)):
            candidates = [pk for pk in pool[:200] if pk not in taken
                          and not in_line(sponsor_id, pk)]
            if not candidates:
                break
            protege = rng.choice(candidates)
            roll = rng.random()
            if roll < 0.55:
                pair(sponsor_id, protege, RelationshipStatus.ACTIVE,
                     today - rng.randint(20, 330) * DAY, rng.choice(origins))
            elif roll < 0.85:
                pair(sponsor_id, protege, RelationshipStatus.COMPLETED,
                     today - rng.randint(380, 700) * DAY, rng.choice(origins))
            elif roll < 0.95:
                pair(sponsor_id, protege, RelationshipStatus.ENDED_EARLY,
                     today - rng.randint(200, 600) * DAY, rng.choice(origins))
            else:
                pair(sponsor_id, protege, RelationshipStatus.PROPOSED, today - 3 * DAY, "hr")
    Sponsorship.objects.bulk_create(sponsorships)
    tick = ctx.progress("sponsorships", len(sponsorships))
    _advocacy_touchpoints_surveys(ctx, sponsorships, quiet_protege=star_others[:1],
                                  hr_user=hr_user)
    # A few employees have told HR they would like a sponsor.
    askers = [pk for pk in pool if pk not in taken][:max(3, ctx.people // 200)]
    SponsorshipInterest.objects.bulk_create([SponsorshipInterest(
        person_id=pk, created_at=now - rng.randint(1, 40) * DAY,
        aspirations=rng.choice([
            "I want to lead a team within two years.",
            "I'd like to move into product strategy and need someone to open doors.",
            "Aiming for staff engineer; I need visibility beyond my own team.",
        ])) for pk in askers])
    tick(len(sponsorships))


def _random_plan(ctx: DemoContext, first: datetime.date, last: datetime.date) -> tuple:
    """(day, kind, visibility, shared, outcome, outcome_on) for one random act of advocacy."""
    rng, today = ctx.rng, ctx.today
    day = _random_day(ctx, first, last)
    kind = rng.choices(list(KIND_WEIGHTS_BY_KIND), weights=KIND_WEIGHTS)[0]
    outcome, outcome_on = AdvocacyRecord.Outcome.PENDING, None
    if (today - day).days > 45:  # older records mostly have an outcome by now
        roll = rng.random()
        if roll < 0.4:
            outcome = AdvocacyRecord.Outcome.SUCCEEDED
        elif roll < 0.75:
            outcome = AdvocacyRecord.Outcome.NOT_SUCCEEDED
        if outcome != AdvocacyRecord.Outcome.PENDING:
            outcome_on = min(day + rng.randint(14, 90) * DAY, today)
    return (day, kind, rng.choice(["open", "open", "closed_doors"]), rng.random() < 0.5,
            outcome, outcome_on)


def _persona_plans(today: datetime.date) -> list[tuple]:
    """The demo employee's story with the demo sponsor: a succeeded high-visibility project (and
    its career event), a private endorsement, and a promotion nomination still pending."""
    return [
        (today - 120 * DAY, "high_visibility_project", "open", True,
         AdvocacyRecord.Outcome.SUCCEEDED, today - 100 * DAY),
        (today - 60 * DAY, "talent_review_endorsement", "closed_doors", False,
         AdvocacyRecord.Outcome.PENDING, None),
        (today - 2 * DAY, "promotion_nomination", "open", True,
         AdvocacyRecord.Outcome.PENDING, None),
    ]


def _advocacy_touchpoints_surveys(ctx: DemoContext, sponsorships: list[Sponsorship], *,
                                  quiet_protege: list[int], hr_user) -> None:
    rng, today = ctx.rng, ctx.today
    records, touchpoints, surveys = [], [], []
    events: list[tuple[int, CareerEvent]] = []
    for s in sponsorships:
        if s.status in NEVER_STARTED:
            continue
        end = s.ended_on or today
        quiet = s.protege_id in quiet_protege
        last_advocacy = None
        last_advocacy_end = end - 100 * DAY if quiet else end
        if s.protege_id == ctx.personas["employee"].pk:
            plans = _persona_plans(today)
        else:
            plans = []
            for _ in range(0 if quiet and rng.random() < 0.5 else rng.randint(1, 6)):
                if last_advocacy_end <= s.started_on:
                    break
                plans.append(_random_plan(ctx, s.started_on, last_advocacy_end))
        for day, kind, visibility, shared, outcome, outcome_on in plans:
            record = AdvocacyRecord(
                sponsorship=s, kind=kind, occurred_on=day, forum=rng.choice(FORUMS),
                visibility=visibility, description=DESCRIPTIONS[kind],
                shared_with_protege=shared, outcome=outcome, outcome_on=outcome_on,
                created_at=timezone.now() - (today - day).days * DAY)
            if outcome == AdvocacyRecord.Outcome.SUCCEEDED and kind in CAREER_EVENT_FOR_KIND:
                events.append((len(records), CareerEvent(
                    person_id=s.protege_id, kind=CAREER_EVENT_FOR_KIND[kind],
                    occurred_on=outcome_on, recorded_by=hr_user,
                    description=f"{record.get_kind_display()} ({record.forum})")))
            records.append(record)
            last_advocacy = max(last_advocacy or day, day)
        s.last_advocacy_on = last_advocacy
        # Touchpoints roughly every cadence, the last one recent for active pairs.
        day = s.started_on + rng.randint(5, 30) * DAY
        while day <= end and day <= today:
            touchpoints.append(Touchpoint(
                sponsorship=s, occurred_on=day, author_id=rng.choice([s.sponsor_id, s.protege_id]),
                discussed=rng.choice(["Upcoming promotion round and what evidence to gather.",
                                      "Which leaders should know their work next quarter.",
                                      "Feedback from the talent review.",
                                      "Preparing the pitch for the stretch assignment."]),
                progress_rating=rng.randint(2, 5)))
            s.last_met_on = day
            day += rng.randint(20, 45) * DAY
        if s.status == RelationshipStatus.ACTIVE:
            s.next_check_in_schedule()
        if rng.random() < 0.85:
            surveys.append(SurveyResponse(
                respondent_id=s.protege_id, relationship_kind="sponsorship", sponsorship=s,
                phase="baseline", answered_on=s.started_on + rng.randint(0, 7) * DAY,
                confidence=rng.randint(1, 4), goal_progress=rng.randint(1, 3)))
        if s.ended_on and rng.random() < 0.75:
            surveys.append(SurveyResponse(
                respondent_id=s.protege_id, relationship_kind="sponsorship", sponsorship=s,
                phase="closing", answered_on=min(s.ended_on + rng.randint(0, 10) * DAY, today),
                confidence=rng.randint(2, 5), goal_progress=rng.randint(2, 5),
                usefulness=rng.randint(3, 5)))
    with transaction.atomic():
        CareerEvent.objects.bulk_create([event for _, event in events], batch_size=5000)
        for index, event in events:
            records[index].career_event = event
        AdvocacyRecord.objects.bulk_create(records, batch_size=5000)
        Touchpoint.objects.bulk_create(touchpoints, batch_size=5000)
        SurveyResponse.objects.bulk_create(surveys, batch_size=5000)
        Sponsorship.objects.bulk_update(
            sponsorships, ["last_advocacy_on", "last_met_on", "next_due_on"], batch_size=5000)
