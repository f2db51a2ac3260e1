"""Demo mentoring: mentor profiles, requests in every state, and two years of mentorships with
goals, check-ins and surveys. Deterministic: only ctx.rng decides."""

from __future__ import annotations

import datetime

from django.urls import reverse

from accounts.demo import DemoContext, demo_step
from accounts.models import MentorProfile, Notification, Person, Skill
from accounts.notifications import notify
from matching.mentorship.models import CheckIn, Goal, MentorRequest, Mentorship
from matching.relationships.capacity import room
from matching.relationships.models import CloseReason, RelationshipStatus, SurveyResponse
from matching.relationships.services import add_months

MENTOR_SHARE = 0.12  # of people at level 3 and above
MENTORSHIP_SHARE = 0.08  # mentorships per person over two years
TOPICS = ["Prepared for the design review", "Talked through a difficult stakeholder",
          "Practised the conference talk", "Reviewed the promotion packet together",
          "Planned the next quarter's learning", "Role-played a feedback conversation",
          "Went through a system design exercise", "Discussed how to say no to more work",
          "Mapped out a career path into management", "Reviewed a draft of the strategy memo"]
PRIVATE = ["Seems more confident than last time.", "Follow up on the hiring question.",
           "I should share my own promotion story next time.", ""]
MESSAGES = ["I'd love help getting better at {goal}. Could we meet every couple of weeks?",
            "Your talk on {goal} stuck with me. Would you mentor me for a few months?",
            "I'm working on {goal} this half and would value your perspective."]


@demo_step(30)
def create_mentoring(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    people = {row[0]: row for row in Person.objects.values_list(
        "pk", "level", "manager_id", "languages", "termination_date")}
    personas = {p.pk for p in ctx.personas.values()}
    mentor_persona, employee = ctx.personas["mentor"], ctx.personas["employee"]
    skills_of: dict[int, list[int]] = {}
    for pk, skill in Person.skills.through.objects.values_list("person_id", "skill_id"):
        skills_of.setdefault(pk, []).append(skill)
    goals_of: dict[int, list[int]] = {}
    for pk, skill in Person.development_goals.through.objects.values_list("person_id",
                                                                         "skill_id"):
        goals_of.setdefault(pk, []).append(skill)

    # Mentor profiles. The mentor persona can help with the employee persona's goals.
    eligible = [pk for pk, (_, level, *_rest) in people.items()
                if level >= 3 and pk not in personas and people[pk][4] is None]
    mentor_ids = sorted(rng.sample(eligible, int(len(eligible) * MENTOR_SHARE)))
    mentor_ids.append(mentor_persona.pk)
    profiles = []
    for pk in mentor_ids:
        persona = pk == mentor_persona.pk
        profiles.append(MentorProfile(
            person_id=pk, capacity=3 if persona else rng.choice([1, 2, 2, 3, 4]),
            how_i_can_help=("Career conversations, design reviews and getting your ideas "
                            "heard. I like concrete goals and honest feedback."
                            if persona else rng.choice([
                                "Happy to talk through career moves and tricky situations.",
                                "I can help with technical growth and code review habits.",
                                "Ask me about presenting, writing and influencing.",
                                "I moved from individual contributor to manager; ask me "
                                "anything about that path."])),
            cadence_days=14 if persona else rng.choice([14, 14, 21, 30]),
            languages=list(people[pk][3] or ["en"]),
            is_paused=not persona and rng.random() < 0.08,
        ))
    MentorProfile.objects.bulk_create(profiles, batch_size=5000)
    profile_of = {p.person_id: p for p in MentorProfile.objects.filter(person_id__in=mentor_ids)}
    through = MentorProfile.skills.through
    links = []
    for pk, profile in profile_of.items():
        chosen = set(skills_of.get(pk, [])[:4]) | set(rng.sample(ctx.skill_ids, 2))
        if pk == mentor_persona.pk:
            chosen |= set(goals_of.get(employee.pk, []))
        links += [through(mentorprofile_id=profile.pk, skill_id=s) for s in chosen]
    through.objects.bulk_create(links, batch_size=10000, ignore_conflicts=True)

    def line(pk: int) -> set[int]:
        above, current = set(), people[pk][2]
        while current is not None and current not in above:
            above.add(current)
            current = people[current][2]
        return above

    def allowed(mentor: int, mentee: int) -> bool:
        return (mentor != mentee and mentor not in line(mentee)
                and people[mentor][2] != mentee and people[mentor][1] > people[mentee][1])

    # Mentorships over the last two years; recent ones are still active while there is room.
    mentees = [pk for pk, row in people.items() if row[1] <= 4 and pk not in personas]
    active_count = dict.fromkeys(mentor_ids, 0)
    active_pairs: set[tuple[int, int]] = set()
    planned = []
    tick = ctx.progress("mentorships", int(len(people) * MENTORSHIP_SHARE))
    for _ in range(int(len(people) * MENTORSHIP_SHARE)):
        mentee, mentor = rng.choice(mentees), rng.choice(mentor_ids)
        if not allowed(mentor, mentee) or mentor == mentor_persona.pk:
            continue
        started = today - datetime.timedelta(days=rng.randint(5, 730))
        age = (today - started).days
        profile = profile_of[mentor]
        active = (age < 170 and room(capacity=profile.capacity, taken=active_count[mentor]) > 0
                  and (mentor, mentee) not in active_pairs)
        if active:
            active_count[mentor] += 1
            active_pairs.add((mentor, mentee))
            planned.append((mentor, mentee, started, None, RelationshipStatus.ACTIVE, ""))
        else:
            early = rng.random() < 0.25
            length = rng.randint(40, 150) if early else rng.randint(150, 200)
            ended = min(started + datetime.timedelta(days=length), today)
            status = RelationshipStatus.ENDED_EARLY if early else RelationshipStatus.COMPLETED
            reason = rng.choice(CloseReason.values) if early else ""
            planned.append((mentor, mentee, started, ended, status, reason))
        tick(1)
    # The demo personas, as README.md tells their story: Elena has no mentor yet (her
    # suggestions put Marcus first); Marcus mentors two people, six and thirteen weeks in, and
    # keeps a place free.
    marcus_mentees = [pk for pk in mentees if allowed(mentor_persona.pk, pk)
                      and not any(p[1] == pk and p[4] == RelationshipStatus.ACTIVE
                                  for p in planned)][:2]
    for weeks, mentee in zip((6, 13), marcus_mentees, strict=False):
        planned.append((mentor_persona.pk, mentee, today - datetime.timedelta(weeks=weeks), None,
                        RelationshipStatus.ACTIVE, ""))
        active_pairs.add((mentor_persona.pk, mentee))

    requests = [MentorRequest(mentee_id=mentee, mentor_id=mentor, status="accepted",
                              message=rng.choice(MESSAGES).format(goal="this"),
                              created_at=_at(started - datetime.timedelta(days=3)),
                              answered_at=_at(started))
                for mentor, mentee, started, *_ in planned]
    MentorRequest.objects.bulk_create(requests, batch_size=5000)
    mentorships = []
    for request, (mentor, mentee, started, ended, status, reason) in zip(requests, planned,
                                                                          strict=True):
        cadence = profile_of[mentor].cadence_days
        mentorships.append(Mentorship(
            mentor_id=mentor, mentee_id=mentee, request=request, status=status,
            started_on=started, planned_end_on=add_months(started, 6), ended_on=ended,
            cadence_days=cadence, close_reason=reason,
            agreement="Meet every few weeks; work on the goals below; be honest about "
                      "what is and isn't working.",
            created_at=_at(started),
        ))
    Mentorship.objects.bulk_create(mentorships, batch_size=5000)
    _fill_mentorships(ctx, mentorships, goals_of, mentor_persona.pk)
    _other_requests(ctx, mentees, mentor_ids, allowed, active_pairs, mentor_persona.pk,
                    employee.pk)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def _fill_mentorships(ctx: DemoContext, mentorships: list[Mentorship],
                      goals_of: dict[int, list[int]], mentor_persona_id: int) -> None:
    """Goals, check-ins every cadence (with some gaps) and the surveys."""
    rng, today = ctx.rng, ctx.today
    goals, check_ins, surveys, updates = [], [], [], []
    names = dict(Skill.objects.values_list("pk", "name"))
    for m in mentorships:
        closed = m.status != RelationshipStatus.ACTIVE
        wanted = goals_of.get(m.mentee_id) or rng.sample(ctx.skill_ids, 1)
        for skill in wanted[:3]:
            if closed:
                status = rng.choice(["achieved", "achieved", "in_progress", "dropped"])
            else:
                status = rng.choice(["not_started", "in_progress", "in_progress"])
            goals.append(Goal(mentorship=m, title=names[skill], skill_id=skill, status=status))
        end = m.ended_on or today
        day, last = m.started_on, None
        persona_pair = m.mentor_id == mentor_persona_id
        while True:
            day = day + datetime.timedelta(days=m.cadence_days + rng.randint(-3, 6))
            if day > end:
                break
            if not persona_pair and rng.random() < 0.15:
                continue  # a missed check-in
            author = m.mentee_id if rng.random() < 0.6 else m.mentor_id
            check_ins.append(CheckIn(
                mentorship=m, occurred_on=day, author_id=author, discussed=rng.choice(TOPICS),
                private_notes=rng.choice(PRIVATE), progress_rating=rng.randint(2, 5),
                created_at=_at(day)))
            last = day
        m.last_met_on = last
        if not closed:
            m.next_check_in_schedule()
            if (today - (last or m.started_on)).days > 90:
                m.inactive_since = (last or m.started_on) + datetime.timedelta(days=90)
        updates.append(m)
        baseline = rng.randint(1, 4)
        if persona_pair or rng.random() < 0.85:
            surveys.append(SurveyResponse(
                respondent_id=m.mentee_id, relationship_kind="mentorship", mentorship=m,
                phase="baseline", answered_on=m.started_on + datetime.timedelta(days=2),
                confidence=baseline, goal_progress=rng.randint(1, 3)))
        if closed and rng.random() < 0.7:
            lift = 1 if m.status == RelationshipStatus.COMPLETED else 0
            surveys.append(SurveyResponse(
                respondent_id=m.mentee_id, relationship_kind="mentorship", mentorship=m,
                phase="closing", answered_on=m.ended_on,
                confidence=min(5, baseline + lift + rng.randint(0, 1)),
                goal_progress=rng.randint(2 + lift, 5), usefulness=rng.randint(2 + lift, 5)))
    Goal.objects.bulk_create(goals, batch_size=5000)
    CheckIn.objects.bulk_create(check_ins, batch_size=5000)
    SurveyResponse.objects.bulk_create(surveys, batch_size=5000)
    Mentorship.objects.bulk_update(updates, ["last_met_on", "next_due_on", "inactive_since"],
                                   batch_size=2000)


def _other_requests(ctx: DemoContext, mentees, mentor_ids, allowed, active_pairs,
                    mentor_persona_id: int, employee_id: int) -> None:
    """Requests in every other state: open (fresh and old), declined, withdrawn, expired."""
    rng, now = ctx.rng, _at(ctx.today)
    skill_ids = list(Skill.objects.values_list("pk", flat=True))
    made, open_pairs = [], set()
    count = max(12, len(mentees) // 25)
    for _ in range(count):
        mentee, mentor = rng.choice(mentees), rng.choice(mentor_ids)
        if not allowed(mentor, mentee) or (mentor, mentee) in active_pairs:
            continue
        status = ["open", "declined", "withdrawn", "expired", "open"][len(made) % 5]
        age = rng.randint(1, 12) if status == "open" else rng.randint(15, 700)
        if status == "open" and ((mentor, mentee) in open_pairs or mentor == mentor_persona_id):
            continue  # Marcus's one waiting request is made below: the story says one
        open_pairs.add((mentor, mentee))
        request = MentorRequest(
            mentee_id=mentee, mentor_id=mentor, status=status,
            message=rng.choice(MESSAGES).format(goal="my goals"),
            created_at=now - datetime.timedelta(days=age))
        if status != "open":
            request.answered_at = request.created_at + datetime.timedelta(
                days=14 if status == "expired" else rng.randint(1, 10))
        if status == "declined":
            request.decline_reason = rng.choice(MentorRequest.DeclineReason.values)
        made.append(request)
    # Marcus has a request waiting for him, so the mentor persona has something to answer.
    waiting = next(pk for pk in mentees if allowed(mentor_persona_id, pk)
                   and pk != employee_id and (mentor_persona_id, pk) not in open_pairs
                   and (mentor_persona_id, pk) not in active_pairs)
    made.append(MentorRequest(
        mentee_id=waiting, mentor_id=mentor_persona_id, status="open",
        message="Hi Marcus, I'm preparing for my first tech-lead role and would love your "
                "advice on running design reviews.",
        created_at=now - datetime.timedelta(days=2)))
    MentorRequest.objects.bulk_create(made, batch_size=5000)
    through = MentorRequest.goals.through
    through.objects.bulk_create(
        [through(mentorrequest_id=r.pk, skill_id=rng.choice(skill_ids)) for r in made],
        batch_size=5000, ignore_conflicts=True)
    _tell_marcus(made[-1])


def _tell_marcus(waiting: MentorRequest) -> None:
    """The waiting request is in Marcus's inbox (and var/mail), as a real one would be."""
    goals = list(waiting.goals.all())
    notification = notify(
        recipient=waiting.mentor, kind="mentor_request_received",
        template="mentor-request-received",
        context={"mentor_request": waiting, "mentee": waiting.mentee, "goals": goals},
        url=reverse("mentorship:request_detail", args=[waiting.pk]))
    Notification.objects.filter(pk=notification.pk).update(created_at=waiting.created_at)
