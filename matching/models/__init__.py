from .cohorts import Cohort, CohortEnrolment, CohortPairRule
from .mentorship import CheckIn, Goal, MentorRequest, Mentorship
from .sponsorship import AdvocacyRecord, Sponsorship, SponsorshipInterest, Touchpoint
from .surveys import SurveyResponse

__all__ = [
    "AdvocacyRecord",
    "CheckIn",
    "Cohort",
    "CohortEnrolment",
    "CohortPairRule",
    "Goal",
    "MentorRequest",
    "Mentorship",
    "Sponsorship",
    "SponsorshipInterest",
    "SurveyResponse",
    "Touchpoint",
]
