"""The directory, suggestions and mentorship pages hold the same query count at 100 and at
10,000 people (bulk-created: a tenth are mentors, each with a mentee and check-ins)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import MentorProfile, Person
from matching.mentorship.models import CheckIn, Mentorship
from tests import factories

TODAY = timezone.localdate()


def _organisation(size: int, department) -> None:
    skills = [factories.SkillFactory(name=f"Scale skill {n}") for n in range(8)]
    Person.objects.bulk_create(
        [Person(employee_id=f"S{n:06d}", email=f"scale{n}@example.com", full_name=f"Scale {n}",
                level=1 + n % 7, department=department, location=["London", "Paris"][n % 2],
                languages=["en"]) for n in range(size)], batch_size=5000)
    ids = list(Person.objects.filter(employee_id__startswith="S").values_list("pk", flat=True))
    through = Person.skills.through
    through.objects.bulk_create([through(person_id=pk, skill_id=skills[i % 8].pk)
                                 for i, pk in enumerate(ids)], batch_size=5000)
    goals = Person.development_goals.through
    goals.objects.bulk_create([goals(person_id=pk, skill_id=skills[(i + 1) % 8].pk)
                               for i, pk in enumerate(ids)], batch_size=5000)
    mentors = ids[::10]
    MentorProfile.objects.bulk_create([MentorProfile(person_id=pk, capacity=3, languages=["en"])
                                       for pk in mentors], batch_size=5000)
    profile_skills = MentorProfile.skills.through
    profile_skills.objects.bulk_create(
        [profile_skills(mentorprofile_id=p, skill_id=skills[i % 8].pk)
         for i, p in enumerate(MentorProfile.objects.values_list("pk", flat=True))],
        batch_size=5000)
    started = TODAY - datetime.timedelta(days=30)
    Mentorship.objects.bulk_create(
        [Mentorship(mentor_id=pk, mentee_id=pk + 1, started_on=started, status="active",
                    next_due_on=TODAY) for pk in mentors if pk + 1 in set(ids)],
        batch_size=5000)
    CheckIn.objects.bulk_create(
        [CheckIn(mentorship_id=m, author_id=mentor, occurred_on=TODAY, discussed="Talk")
         for m, mentor in Mentorship.objects.values_list("pk", "mentor_id")], batch_size=5000)


@pytest.mark.parametrize("size", [100, 10_000])
def test_directory_suggestions_and_the_mentorship_page_cost_the_same_at_100_and_10000_people(
        size, login, alice, bob, django_assert_max_num_queries):
    _organisation(size, alice.department)
    alice.development_goals.add(factories.SkillFactory(name="Scale skill 1"))
    mentorship = factories.MentorshipFactory(mentor=bob, mentee=alice)
    factories.CheckInFactory.create_batch(3, mentorship=mentorship)
    client = login(alice)
    for url, budget in [("/mentoring/mentors/", 12), ("/mentoring/mentors/?page=3", 12),
                        ("/mentoring/suggestions/", 20), (f"/mentoring/{mentorship.pk}/", 12)]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
