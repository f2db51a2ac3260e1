"""Personal data rights: what the app holds about one person, and anonymising people who left.

person_data(person) is everything a person may download about themselves: their HR record and
profile, their relationships (with the check-ins and touchpoints THEY wrote, never the other
person's), surveys they answered, their notifications, their career events, and advocacy about
them only where the sponsor shared it with them (advocacy they wrote as a sponsor is theirs).

person_anonymise() removes what names a person who has left (name, email, employee id, title,
location, their account's address, the free text they wrote) and keeps what the reports count
(dates, level, department, relationships, statuses, surveys' scores, career events), so the
outcome report's figures do not change. The other person's own notes stay theirs.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import CareerEvent, MentorProfile, Notification, Person, SponsorProfile, User
from matching.cohorts.models import CohortEnrolment
from matching.mentorship.models import CheckIn, Goal, MentorRequest, Mentorship
from matching.relationships.models import SurveyResponse
from matching.sponsorship.models import (
    AdvocacyRecord,
    Sponsorship,
    SponsorshipInterest,
    Touchpoint,
)

NOT_LEFT = ("{name} is still employed (no leaving date in the past): only people who have left "
            "are anonymised.")
ALREADY_ANONYMISED = "This person was anonymised already."
ANONYMOUS_NAME = "Former employee {pk}"


def _row(obj: models.Model, *, without: tuple[str, ...] = ()) -> dict:
    """A record's own columns (foreign keys as ids), minus `without`."""
    return {field.attname: getattr(obj, field.attname)
            for field in obj._meta.concrete_fields if field.name not in without}


def person_data(person: Person) -> dict:
    mentorships = Mentorship.objects.filter(Q(mentee=person) | Q(mentor=person))
    sponsorships = Sponsorship.objects.filter(Q(sponsor=person) | Q(protege=person))
    advocacy = AdvocacyRecord.objects.filter(
        Q(sponsorship__sponsor=person)
        | Q(sponsorship__protege=person, shared_with_protege=True))
    return {
        "generated_at": timezone.now(),
        "person": {**_row(person, without=("user",)),
                   "department": person.department.name if person.department else "",
                   "skills": list(person.skills.values_list("name", flat=True)),
                   "development_goals": list(person.development_goals.values_list("name",
                                                                                  flat=True))},
        "account": ({"email": person.user.email, "date_joined": person.user.date_joined,
                     "last_login": person.user.last_login} if person.user else None),
        "mentor_profile": [_row(p) for p in MentorProfile.objects.filter(person=person)],
        "sponsor_profile": [_row(p) for p in SponsorProfile.objects.filter(person=person)],
        "mentor_requests": [_row(r) for r in MentorRequest.objects.filter(
            Q(mentee=person) | Q(mentor=person))],
        "mentorships": [_row(m) for m in mentorships],
        "goals": [_row(g) for g in Goal.objects.filter(mentorship__in=mentorships)],
        "check_ins_written": [_row(c) for c in CheckIn.objects.filter(author=person)],
        "sponsorship_interests": [_row(i) for i in SponsorshipInterest.objects.filter(
            person=person)],
        "sponsorships": [_row(s) for s in sponsorships],
        "touchpoints_written": [_row(t) for t in Touchpoint.objects.filter(author=person)],
        "advocacy": [_row(a) for a in advocacy],
        "surveys": [_row(s) for s in SurveyResponse.objects.filter(respondent=person)],
        "career_events": [_row(e) for e in CareerEvent.objects.filter(person=person)],
        "cohort_enrolments": [_row(e) for e in CohortEnrolment.objects.filter(person=person)],
        "notifications": [_row(n) for n in Notification.objects.filter(recipient=person)],
    }


def is_anonymised(person: Person) -> bool:
    return person.full_name == ANONYMOUS_NAME.format(pk=person.pk)


@transaction.atomic
def person_anonymise(*, person: Person, by: User, request=None,
                     today: datetime.date | None = None) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    today = today or timezone.localdate()
    if is_anonymised(person):
        raise ValidationError(ALREADY_ANONYMISED)
    if person.termination_date is None or person.termination_date > today:
        raise ValidationError(NOT_LEFT.format(name=person.full_name))
    # Free text they wrote; the other person's notes and the counted facts stay.
    MentorRequest.objects.filter(mentee=person).update(message="")
    MentorRequest.objects.filter(mentor=person).update(decline_note="")
    for meetings in (CheckIn.objects, Touchpoint.objects):
        meetings.filter(author=person).update(discussed="", private_notes="")
    SponsorshipInterest.objects.filter(person=person).update(aspirations="")
    AdvocacyRecord.objects.filter(sponsorship__sponsor=person).update(description="",
                                                                      outcome_note="")
    MentorProfile.objects.filter(person=person).update(how_i_can_help="")
    Notification.objects.filter(recipient=person).delete()  # messages to them, naming others
    user = person.user
    if user is not None:
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.email = f"anonymised-{user.pk}@invalid"
        user.is_active = False
        user.set_unusable_password()
        user.save()
    person.full_name = ANONYMOUS_NAME.format(pk=person.pk)
    person.email = f"anonymised-{person.pk}@invalid"
    person.employee_id = f"anonymised-{person.pk}"
    person.title = person.location = person.interests = ""
    person.slack_user_id = person.slack_user_email = ""
    person.user = None
    person.save()
    audit_record(request or by, "person.anonymise", target=person,
                 summary=f"Anonymised {person.full_name}")
    return person
