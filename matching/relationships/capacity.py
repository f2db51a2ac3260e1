"""Mentor and sponsor capacity, written once: a place is taken by an active relationship, and a
mentor or sponsor has room while fewer places are taken than their capacity.

The bounds of a capacity live with the profile models (accounts.models: MENTOR_CAPACITY,
SPONSOR_CAPACITY). Everything that asks "is there room?" comes here: the request and accept
services (one profile, under its row lock), the directory and suggestions (querysets of
profiles), the HR dashboard (aggregates) and the demo data (counts it keeps in memory).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import ngettext

from accounts.models import MentorProfile, SponsorProfile
from matching.relationships.models import RelationshipStatus, relationship_models


def _taken_by(profile_model) -> tuple[type, str]:
    """The relationship model whose active rows take `profile_model`'s places, and its giver
    column: each kind names its giver's profile (Mentorship.GIVER_PROFILE = MentorProfile)."""
    for model in relationship_models().values():
        if model.GIVER_PROFILE is profile_model:
            return model, f"{model.GIVER}_id"
    raise TypeError(f"No relationship takes places of {profile_model.__name__}")


def room(*, capacity: int, taken: int) -> int:
    """Places left (0 or fewer: full)."""
    return capacity - taken


# A proposal waiting for its answer holds a place too: it may be accepted at any moment, so
# nobody is proposed a place that is already promised to someone else.
PROMISED_STATUSES = (RelationshipStatus.ACTIVE, RelationshipStatus.PROPOSED)


def _active(profile_model, person_id, statuses=(RelationshipStatus.ACTIVE,)) -> QuerySet:
    model, giver = _taken_by(profile_model)
    return model.objects.filter(**{giver: person_id}, status__in=statuses)


def places_taken(profile: MentorProfile | SponsorProfile) -> int:
    """How many active relationships one mentor or sponsor is in (one query). Lock the profile
    row first when about to take a place, so concurrent acceptances count one after the other."""
    return _active(type(profile), profile.person_id).count()


def places_left(profile: MentorProfile | SponsorProfile) -> int:
    return room(capacity=profile.capacity, taken=places_taken(profile))


def capacity_below_taken(taken: int) -> str:
    return ngettext(
        "You are in {taken} active relationship now, so your capacity cannot be below {taken}. "
        "Pause to take nobody new.",
        "You are in {taken} active relationships now, so your capacity cannot be below {taken}. "
        "Pause to take nobody new.", taken).format(taken=taken)


def capacity_not_below_taken(profile_model, person_id: int, capacity: int) -> None:
    """A capacity may not be set below the places already taken ("2 of 1 places taken")."""
    taken = _active(profile_model, person_id).count()
    if capacity < taken:
        raise ValidationError({"capacity": capacity_below_taken(taken)})


def places_promised(profile: MentorProfile | SponsorProfile) -> tuple[int, int]:
    """(active, proposed) relationships of one mentor or sponsor, in one query: what a new
    proposal must leave room for."""
    model, giver = _taken_by(type(profile))
    counts = model.objects.filter(**{giver: profile.person_id},
                                  status__in=PROMISED_STATUSES).aggregate(
        active=Count("pk", filter=Q(status=RelationshipStatus.ACTIVE)),
        proposed=Count("pk", filter=Q(status=RelationshipStatus.PROPOSED)))
    return counts["active"], counts["proposed"]


def rooms_for(profiles: QuerySet, person_ids) -> dict[int, int]:
    """Places each profile in `profiles` has left for a new proposal (capacity minus active and
    proposed relationships, never below 0), keyed by person id, in one query. People whose
    profile is not in `profiles` are absent."""
    _, giver = _taken_by(profiles.model)
    promised = (_active(profiles.model, OuterRef("person_id"), PROMISED_STATUSES).order_by()
                .values(giver).annotate(n=Count("pk")).values("n"))
    rows = (profiles.filter(person_id__in=person_ids)
            .annotate(promised=Coalesce(Subquery(promised, output_field=IntegerField()), 0))
            .values_list("person_id", "capacity", "promised"))
    return {pk: max(0, room(capacity=capacity, taken=taken)) for pk, capacity, taken in rows}


def places_taken_expression(profile_model):
    """places_taken as an expression over a queryset of `profile_model`: a correlated count per
    profile, not a join, so it can be filtered on, annotated and summed in one query."""
    _, giver = _taken_by(profile_model)
    counts = (_active(profile_model, OuterRef("person_id")).order_by().values(giver)
              .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def has_room_q(profile_model, taken=None) -> Q:
    """Profiles with fewer places taken than their capacity (paused or not). `taken`: the
    places taken when the query has them already (F("taken") of an annotation), so the count
    is not made twice per profile."""
    return Q(capacity__gt=places_taken_expression(profile_model) if taken is None else taken)


def with_room(profiles: QuerySet) -> QuerySet:
    """The profiles taking someone new: not paused, and with room."""
    return profiles.filter(has_room_q(profiles.model), is_paused=False)


class _WithRoom(ModelIterable):
    """Profiles as fetched, each given `room` from its capacity and `active_count`."""

    def __iter__(self):
        for profile in super().__iter__():
            profile.room = room(capacity=profile.capacity, taken=profile.active_count)
            yield profile


def with_places(profiles: QuerySet) -> QuerySet:
    """Each profile annotated with `active_count` (places taken) and given `room` (places
    left). The room is worked out as each profile is read: as a second annotation the database
    would count each profile's places twice (an expression is repeated, not reused)."""
    profiles = profiles.annotate(active_count=places_taken_expression(profiles.model))
    profiles._iterable_class = _WithRoom
    return profiles
