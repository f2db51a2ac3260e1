"""Django loads an app's models from `<app>.models`: matching's live in its domain folders.

Import a model from its domain (`matching.mentorship.models`), not from here.
"""

from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.mentorship.models import CheckIn, Goal, MentorRequest, Mentorship
from matching.pairs.models import (
    CalendarFeed,
    ClosingReflection,
    MeetingProposal,
    Message,
    ThreadRead,
)
from matching.relationships.models import Meeting, Relationship, SurveyResponse
from matching.sponsorship.models import (
    AdvocacyRecord,
    Commitment,
    Sponsorship,
    SponsorshipInterest,
    Touchpoint,
)

__all__ = [
    "AdvocacyRecord", "CalendarFeed", "CheckIn", "ClosingReflection", "Cohort", "CohortEnrolment",
    "CohortPairRule", "Commitment", "Goal", "Meeting", "MeetingProposal", "MentorRequest",
    "Message", "Mentorship", "Relationship", "Sponsorship", "SponsorshipInterest",
    "SurveyResponse", "ThreadRead", "Touchpoint",
]
