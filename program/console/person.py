"""Everything HR may know about one person, on one page, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from accounts.models import CareerEvent, Notification, Person
from matching.mentorship.models import MentorRequest, Mentorship
from matching.relationships.models import RelationshipStatus, SurveyResponse
from matching.sponsorship.models import AdvocacyRecord, Sponsorship, SponsorshipInterest

RECENT = 50  # notifications and requests shown; the page says when there are more


@dataclass
class PersonFile:
    person: Person
    mentorships: list[Mentorship]
    sponsorships: list[Sponsorship]
    requests: list[MentorRequest]
    interests: list[SponsorshipInterest]
    career_events: list[CareerEvent]
    advocacy: list[AdvocacyRecord]
    surveys: list[SurveyResponse]
    notifications: list[Notification]
    mentees_now: int
    proteges_now: int


def person_file(pk: int, *, user) -> PersonFile | None:
    """One person for an HR admin (`user`): ten queries whatever they have done. Advocacy about
    them is what AdvocacyRecord.objects.visible_to lets `user` see; check-in and touchpoint notes
    are never read."""
    person = (Person.objects.select_related("department", "manager", "user", "mentor_profile",
                                            "sponsor_profile", "sponsor_profile__decided_by")
              .filter(pk=pk).first())
    if person is None:
        return None
    mentorships = list(Mentorship.objects.for_person(person)
                       .select_related("mentor", "mentee", "cohort")
                       .order_by("-created_at", "-pk"))
    sponsorships = list(Sponsorship.objects.for_person(person)
                        .select_related("sponsor", "protege", "cohort")
                        .annotate(advocacy_count=Count("advocacy_records"))
                        .order_by("-created_at", "-pk"))
    active = RelationshipStatus.ACTIVE
    return PersonFile(
        person=person,
        mentorships=mentorships,
        sponsorships=sponsorships,
        requests=list(MentorRequest.objects.for_person(person).select_related("mentor", "mentee")
                      .order_by("-created_at", "-pk")[:RECENT]),
        interests=list(SponsorshipInterest.objects.filter(person=person)
                       .select_related("sponsorship__sponsor").order_by("-created_at")),
        career_events=list(CareerEvent.objects.filter(person=person)
                           .select_related("recorded_by").order_by("-occurred_on", "-pk")),
        advocacy=list(AdvocacyRecord.objects.visible_to(None, user)
                      .filter(sponsorship__protege=person)
                      .select_related("sponsorship__sponsor").order_by("-occurred_on", "-pk")),
        surveys=list(SurveyResponse.objects.filter(respondent=person)
                     .order_by("-answered_on", "-pk")),
        notifications=list(Notification.objects.filter(recipient=person)
                           .order_by("-created_at", "-pk")[:RECENT]),
        mentees_now=sum(m.mentor_id == person.pk and m.status == active for m in mentorships),
        proteges_now=sum(s.sponsor_id == person.pk and s.status == active for s in sponsorships),
    )
