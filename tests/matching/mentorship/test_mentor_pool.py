"""The suggestions' mentor pool is cached (matching/mentorship/pool.py), and every change to what
it holds shows on the employee's next suggestions page: profile, skills, person, capacity,
relationships, requests, imports. The cache is not a stale copy anyone can see."""

import pytest
from django.core.cache import cache

from accounts.importing import run_import
from accounts.models import Skill
from matching.mentorship import pool
from tests.factories import MentorProfileFactory, MentorRequestFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(alice):
    skill = Skill.objects.create(name="Public speaking", slug="public-speaking")
    alice.development_goals.add(skill)
    return skill


@pytest.fixture
def mentor(goal):
    profile = MentorProfileFactory(person__full_name="Pat Pooled", capacity=1)
    profile.skills.add(goal)
    return profile


def _page(client) -> str:
    response = client.get("/mentoring/suggestions/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_pool_is_built_once_then_read_from_the_cache(login, alice, mentor,
                                                         django_assert_max_num_queries):
    client = login(alice)
    assert "Pat Pooled" in _page(client)
    with django_assert_max_num_queries(100) as first:
        pool.mentor_pool_reset()
        _page(client)
    with django_assert_max_num_queries(100) as again:
        _page(client)
    # Rebuilding reads the mentors, their profile skills and the skill names (and people's own
    # skills for profiles that list none): queries the cached pool does not run.
    assert len(again) == len(first) - 3
    assert pool.mentor_pool() is pool.mentor_pool()


def test_pausing_editing_and_deleting_a_profile_show_at_once(login, alice, mentor, goal):
    client = login(alice)
    assert "Public speaking" in _page(client)
    mentor.is_paused = True
    mentor.save()
    assert "Pat Pooled" not in _page(client)
    mentor.is_paused = False
    mentor.save()
    mentor.skills.remove(goal)
    page = _page(client)
    assert "Pat Pooled" not in page or "Public speaking" not in page.split("Pat Pooled")[1]
    mentor.skills.add(goal)
    mentor.person.full_name = "Pat Renamed"
    mentor.person.save()
    page = _page(client)
    assert "Pat Renamed" in page and "Pat Pooled" not in page
    mentor.delete()
    assert "Pat Renamed" not in _page(client)


def test_a_new_mentor_and_a_renamed_skill_show_at_once(login, alice, mentor, goal):
    client = login(alice)
    assert "Nia New" not in _page(client)
    newcomer = MentorProfileFactory(person__full_name="Nia New", capacity=2)
    newcomer.skills.add(goal)
    assert "Nia New" in _page(client)
    goal.name = "Speaking in public"
    goal.save()
    assert "Speaking in public" in _page(client)


def test_a_full_mentor_and_a_mentor_already_asked_leave_at_once(login, alice, mentor, eve):
    client = login(alice)
    assert "Pat Pooled" in _page(client)
    MentorshipFactory(mentor=mentor.person, mentee=eve)  # capacity 1: now full
    assert "Pat Pooled" not in _page(client)
    other = MentorProfileFactory(person__full_name="Ola Other", capacity=3)
    other.skills.add(*alice.development_goals.all())
    assert "Ola Other" in _page(client)
    MentorRequestFactory(mentor=other.person, mentee=alice)
    assert "Ola Other" not in _page(client)


def test_an_import_and_a_commit_elsewhere_give_the_pool_a_new_version(
        django_capture_on_commit_callbacks, mentor):
    pool.mentor_pool()
    before = cache.get(pool.VERSION_KEY)
    result = run_import("people", "employee_id,email,full_name,level\n"
                        f"{mentor.person.employee_id},{mentor.person.email},Imported Name,5\n")
    assert result.ok
    assert cache.get(pool.VERSION_KEY) != before
    assert pool.mentor_pool()[mentor.person_id].name == "Imported Name"
    # Another process may rebuild between the change and the commit: the version moves again
    # once the transaction commits, so that rebuild is not kept.
    with django_capture_on_commit_callbacks(execute=True):
        mentor.is_paused = True
        mentor.save()
        during = cache.get(pool.VERSION_KEY)
    assert cache.get(pool.VERSION_KEY) != during
    assert mentor.person_id not in pool.mentor_pool()


def test_the_directory_filters_follow_a_mentor_moving(login, alice, mentor):
    client = login(alice)
    assert "Reykjavik" not in client.get("/mentoring/mentors/").content.decode()
    mentor.person.location = "Reykjavik"
    mentor.person.save()
    assert "Reykjavik" in client.get("/mentoring/mentors/").content.decode()
