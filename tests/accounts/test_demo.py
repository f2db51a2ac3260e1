"""seed_demo: a believable organisation, the same one for the same seed, with four demo logins."""

import io

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from accounts import demo
from accounts.models import Person, User


def fingerprint():
    """The organisation without database ids: who, where, reporting to whom, with which skills."""
    people = Person.objects.values_list(
        "employee_id", "email", "full_name", "title", "level", "department__name", "location",
        "timezone", "manager__employee_id", "hire_date", "gender", "ethnicity", "languages",
        "user__email")
    skills = Person.skills.through.objects.values_list("person__employee_id", "skill__slug")
    goals = Person.development_goals.through.objects.values_list("person__employee_id",
                                                                 "skill__slug")
    return sorted(people), sorted(skills), sorted(goals)


def seeded(seed, people=120):
    with transaction.atomic():
        call_command("seed_demo", "--people", str(people), "--seed", str(seed), "--quiet",
                     stdout=io.StringIO())
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_builds_the_same_organisation(db):
    first = seeded(7)
    assert len(first[0]) == 120
    assert seeded(7) == first


def test_a_different_seed_builds_a_different_organisation(db):
    assert seeded(7)[0] != seeded(8)[0]


def test_the_organisation_is_a_tree_with_one_top_and_a_pyramid_of_levels(db):
    call_command("seed_demo", "--people", "400", "--seed", "1", "--quiet", stdout=io.StringIO())
    tops = Person.objects.filter(manager__isnull=True).exclude(email__in=[
        email for _, email, *_ in demo.DEMO_PERSONAS])
    assert tops.count() == 1
    assert tops.get().level == 10
    levels = dict(Person.objects.values_list("level").annotate(n=Count("id")))
    assert levels[1] > levels[3] > levels[6] > levels[9]
    managers = Person.objects.filter(manager__isnull=False).select_related("manager")
    assert all(p.manager.level > p.level for p in managers if p.user_id is None)
    assert Person.objects.filter(skills__isnull=False).distinct().count() == 400


def test_the_four_demo_logins_work_and_the_hr_admin_has_two_factor(db, client):
    call_command("seed_demo", "--people", "60", "--seed", "1", "--quiet", stdout=io.StringIO())
    for role, email, name, title, level in demo.DEMO_PERSONAS:
        user = User.objects.get(email=email)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user, email=email).verified
        person = Person.objects.get(user=user)
        assert (person.full_name, person.title, person.level) == (name, title, level)
        assert user.is_hr_admin == (role == "hr")
    hr = User.objects.get(email="hr@example.com")
    assert Authenticator.objects.filter(user=hr, type="totp").exists()
    employee = Person.objects.get(email="employee@example.com")
    assert employee.manager is None or employee.manager.email not in (
        "mentor@example.com", "sponsor@example.com")


def test_seeding_refuses_a_database_that_already_has_people(db):
    call_command("seed_demo", "--people", "40", "--quiet", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already has people"):
        call_command("seed_demo", "--people", "40", "--quiet", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--people", "40", "--quiet", "--if-empty", stdout=out)
    assert "not seeding" in out.getvalue()
    assert Person.objects.count() == 40


def test_too_small_an_organisation_is_refused(db):
    with pytest.raises(CommandError, match="at least 20"):
        call_command("seed_demo", "--people", "5")
