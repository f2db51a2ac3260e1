"""factory_boy factories for every model, in one module. Areas add theirs below."""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import (
    CareerEvent,
    Department,
    MentorProfile,
    Notification,
    Person,
    Skill,
    SponsorProfile,
    User,
)
from matching.cohorts.models import Cohort, CohortEnrolment
from matching.mentorship.models import CheckIn, Goal, MentorRequest, Mentorship
from matching.relationships.models import SurveyResponse
from matching.sponsorship.models import AdvocacyRecord, Commitment, Sponsorship

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.django.Password(PASSWORD)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    employee_id = factory.Sequence(lambda n: f"T{n:05d}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    title = "Engineer"
    level = 3
    department = factory.SubFactory(DepartmentFactory, name="Engineering")
    location = "London"
    timezone = "Europe/London"
    hire_date = datetime.date(2020, 1, 1)
    languages = factory.LazyFunction(lambda: ["en"])

    class Params:
        with_user = factory.Trait(
            user=factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))
        )


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    person = factory.SubFactory(PersonFactory)
    capacity = 2
    how_i_can_help = "Career conversations and code reviews."
    languages = factory.LazyFunction(lambda: ["en"])


class SponsorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SponsorProfile

    person = factory.SubFactory(PersonFactory, level=8)
    capacity = 2
    commitment_accepted_at = factory.LazyFunction(timezone.now)
    status = SponsorProfile.Status.APPROVED


class CareerEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerEvent

    person = factory.SubFactory(PersonFactory)
    kind = CareerEvent.Kind.PROMOTION
    occurred_on = factory.LazyFunction(timezone.localdate)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(PersonFactory)
    kind = "test"
    subject = "Something happened"
    body = "Details."


class MentorRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorRequest

    mentee = factory.SubFactory(PersonFactory)
    mentor = factory.SubFactory(PersonFactory, level=5)
    message = "Would you mentor me?"


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(PersonFactory, level=5)
    mentee = factory.SubFactory(PersonFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    planned_end_on = factory.LazyAttribute(lambda o: o.started_on + datetime.timedelta(days=182))
    cadence_days = 14


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    mentorship = factory.SubFactory(MentorshipFactory)
    title = "Give a talk at the engineering all-hands"


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    mentorship = factory.SubFactory(MentorshipFactory)
    author = factory.SelfAttribute("mentorship.mentee")
    occurred_on = factory.LazyFunction(timezone.localdate)
    discussed = "Talked through the design review."
    progress_rating = 3


class SponsorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsorship

    sponsor = factory.SubFactory(PersonFactory, level=8)
    protege = factory.SubFactory(PersonFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    planned_end_on = factory.LazyAttribute(lambda o: o.started_on + datetime.timedelta(days=365))
    cadence_days = 30


class AdvocacyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvocacyRecord

    sponsorship = factory.SubFactory(SponsorshipFactory)
    kind = AdvocacyRecord.Kind.PROMOTION_NOMINATION
    occurred_on = factory.LazyFunction(timezone.localdate)
    forum = "Q3 promotion committee"
    description = "Put them forward for senior engineer."


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    respondent = factory.SubFactory(PersonFactory)
    relationship_kind = SurveyResponse.Kind.MENTORSHIP
    phase = SurveyResponse.Phase.BASELINE
    confidence = 3
    goal_progress = 3


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    kind = Cohort.Kind.MENTORSHIP


class CohortEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortEnrolment

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)
    role = CohortEnrolment.Role.MENTEE


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.Touchpoint"

    sponsorship = factory.SubFactory(SponsorshipFactory)
    author = factory.SelfAttribute("sponsorship.protege")
    occurred_on = factory.LazyFunction(timezone.localdate)
    discussed = "Talked through the next promotion round."


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    sponsorship = factory.SubFactory(SponsorshipFactory)
    kind = Commitment.Kind.PROMOTION_NOMINATION
    forum = "Q3 promotion committee"
    made_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.made_on + datetime.timedelta(days=30))
