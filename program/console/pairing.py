"""Finding a sponsor for someone, for HR: every approved sponsor taking protégés, ranked with the
same scorer and explanations as the employee's mentor suggestions (matching/scoring.py), the
reporting-line rules applied, with their areas of influence and free places. Fixed queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Department, Person, SponsorProfile
from matching import scoring
from matching.relationships.capacity import with_places, with_room
from matching.sponsorship.models import Sponsorship

LIMIT = 25


@dataclass(frozen=True)
class SponsorCandidate:
    profile: SponsorProfile
    score: float
    reasons: list[str]
    influence_here: bool  # one of their areas of influence is the protégé's department


def sponsor_candidates(protege: Person, *, query: str = "", department: Department | None = None,
                       min_level: int | None = None, limit: int = LIMIT
                       ) -> list[SponsorCandidate]:
    """The best sponsors for `protege`, explained: approved, not paused, with a free place, not
    already proposed to or sponsoring them, never in their reporting line or their report."""
    profiles = with_room(SponsorProfile.objects.filter(status=SponsorProfile.Status.APPROVED)
                         .exclude(person=protege)
                         .exclude(person__in=Sponsorship.objects.open().filter(protege=protege)
                                  .values("sponsor")))
    if query:
        profiles = profiles.filter(Q(person__full_name__icontains=query)
                                   | Q(person__email__icontains=query)
                                   | Q(person__title__icontains=query))
    if department is not None:  # an area of influence
        profiles = profiles.filter(departments=department)
    if min_level is not None:
        profiles = profiles.filter(person__level__gte=min_level)
    wanted = scoring.load_candidates([protege.pk])[protege.pk]
    sponsors = scoring.load_candidates(profiles.values("person_id"), with_lines=False,
                                       with_goals=False)
    best = scoring.rank(wanted, sponsors.values(), scoring.SUGGESTION_WEIGHTS, limit=limit)
    by_person = {profile.person_id: profile for profile in
                 with_places(SponsorProfile.objects.filter(
                     person_id__in=[sponsor.person_id for sponsor, _, _ in best]))
                 .select_related("person", "person__department")
                 .prefetch_related("departments")}
    return [SponsorCandidate(profile, score, reasons, influence_here=any(
                d.pk == protege.department_id for d in profile.departments.all()))
            for sponsor, score, reasons in best
            if (profile := by_person.get(sponsor.person_id)) is not None]
