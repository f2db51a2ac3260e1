"""Mentorship reads, scoped to the person asking, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import MentorProfile, Person, Skill
from accounts.search import name_matches
from matching import scoring
from matching.mentorship import pool
from matching.mentorship.models import MentorRequest, Mentorship
from matching.relationships.capacity import with_places, with_room
from matching.relationships.models import RelationshipStatus


def mentor_ids_with_room(*, exclude: Person | None = None) -> list[int]:
    """Person ids of mentors taking requests (not paused, with room), in one query."""
    profiles = MentorProfile.objects.all()
    if exclude is not None:
        profiles = profiles.exclude(person=exclude)
    return list(with_room(profiles).values_list("person_id", flat=True))


def directory(*, query: str = "", skill: Skill | None = None, department=None,
              location: str = "", level: int | None = None, language: str = "",
              has_capacity: bool = False, exclude: Person | None = None
              ) -> QuerySet[MentorProfile]:
    """Every mentor, filtered; each row knows its active mentee count and skills (prefetched)."""
    profiles = (with_places(MentorProfile.objects.all())
                .select_related("person", "person__department")
                .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
                .order_by("person__full_name", "pk"))
    if exclude is not None:
        profiles = profiles.exclude(person=exclude)
    if query:
        # A skill typed in the box ("budgeting") finds the mentors who list it, as the Skill
        # filter would; a subquery, so a mentor with two matching skills is listed once.
        with_skill = MentorProfile.skills.through.objects.filter(
            skill__name__icontains=query).values("mentorprofile_id")
        profiles = profiles.filter(name_matches(query, prefix="person__")
                                   | Q(person__title__icontains=query)
                                   | Q(how_i_can_help__icontains=query)
                                   | Q(pk__in=with_skill))
    if skill is not None:
        profiles = profiles.filter(skills=skill)
    if department is not None:
        profiles = profiles.filter(person__department=department)
    if location:
        profiles = profiles.filter(person__location=location)
    if level is not None:
        profiles = profiles.filter(person__level=level)
    if language:
        # JSON list membership, written so SQLite and PostgreSQL agree: '"fr"' inside the text.
        profiles = profiles.filter(Q(languages__icontains=f'"{language}"')
                                   | Q(person__languages__icontains=f'"{language}"'))
    if has_capacity:
        profiles = with_room(profiles)
    return profiles


@dataclass(frozen=True)
class Suggestion:
    profile: MentorProfile
    score: float
    reasons: list[str]


def suggestions_for(person: Person, *, limit: int = 10) -> list[Suggestion]:
    """The best mentors for `person`, explained. Blocked, paused and full mentors never appear.

    Queries: five for the mentee, one for who has room, one for mentors already paired or
    asked, the mentor pool (cached, pool.py: four queries when it is rebuilt), one for the
    winners' profiles: fixed, whatever the number of people.
    """
    mentee = scoring.load_candidates([person.pk])[person.pk]
    with_room = set(mentor_ids_with_room(exclude=person))
    mentors = pool.mentor_pool()
    # Mentors already paired with this person, or already asked, are not suggested again: two
    # index lookups by mentee, not a scan of every person.
    taken = set(
        Mentorship.objects.filter(mentee=person, status=RelationshipStatus.ACTIVE)
        .order_by().values_list("mentor_id", flat=True)
        .union(MentorRequest.objects.filter(mentee=person, status=MentorRequest.Status.OPEN)
               .order_by().values_list("mentor_id", flat=True)).order_by())
    mentors = [mentor for pk, mentor in mentors.items() if pk in with_room and pk not in taken]
    best = scoring.rank(mentee, mentors, scoring.SUGGESTION_WEIGHTS, limit=limit)
    profiles = {profile.person_id: profile for profile in
                MentorProfile.objects.filter(person_id__in=[m.person_id for m, _, _ in best])
                .select_related("person", "person__department")}
    return [Suggestion(profiles[mentor.person_id], score, reasons)
            for mentor, score, reasons in best if mentor.person_id in profiles]


def mentorships_for(person: Person) -> QuerySet[Mentorship]:
    return (Mentorship.objects.for_person(person)
            .select_related("mentor", "mentee", "mentor__department", "mentee__department"))


def requests_for(person: Person) -> QuerySet[MentorRequest]:
    return (MentorRequest.objects.for_person(person)
            .select_related("mentor", "mentee", "mentee__department", "mentor__department")
            .prefetch_related(Prefetch("goals", queryset=Skill.objects.order_by("name"))))


@dataclass
class MentoringOverview:
    as_mentee: list[Mentorship]
    as_mentor: list[Mentorship]
    received: list[MentorRequest]
    sent: list[MentorRequest]
    next_check_in: Mentorship | None


def overview_for(person: Person) -> MentoringOverview:
    """Active mentorships both ways and open requests both ways, in three queries."""
    active = list(mentorships_for(person).active().order_by("next_due_on", "pk"))
    open_requests = list(requests_for(person).open())
    due = [m for m in active if m.next_due_on]
    return MentoringOverview(
        as_mentee=[m for m in active if m.mentee_id == person.pk],
        as_mentor=[m for m in active if m.mentor_id == person.pk],
        received=[r for r in open_requests if r.mentor_id == person.pk],
        sent=[r for r in open_requests if r.mentee_id == person.pk],
        next_check_in=min(due, key=lambda m: m.next_due_on) if due else None,
    )


def directory_choices() -> dict:
    """Filter options: locations and levels that mentors actually have (two queries, cached
    with the mentor pool: they change only when a profile or a mentor's record does)."""
    return pool.cached("directory_choices", _directory_choices)


def _directory_choices() -> dict:
    people = Person.objects.filter(mentor_profile__isnull=False)
    return {
        "locations": list(people.exclude(location="").order_by("location")
                          .values_list("location", flat=True).distinct()),
        "levels": list(people.order_by("level").values_list("level", flat=True).distinct()),
    }
