"""HR's cohort pages and the employee enrolment pages: who may see what, and query budgets.

Hana (HR) sees every cohort page; Alice and Eve (employees) get 403 on them, and see only
cohorts open to all or that they are enrolled in (an invite-only cohort is a 404 to others).
"""

import pytest
from django.urls import reverse

from accounts.models import Notification
from matching.cohorts.match import cohort_match
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.mentorship.models import Mentorship
from tests import factories


@pytest.fixture
def hr(login, hana):
    return login(hana)


HR_PAGES = ["cohorts:list", "cohorts:new"]
HR_COHORT_PAGES = ["cohorts:detail", "cohorts:edit", "cohorts:preview"]
HR_POSTS = ["cohorts:weights", "cohorts:invite", "cohorts:rule_add", "cohorts:publish"]


def test_every_hr_cohort_page_is_forbidden_to_employees(login, alice, cohort):
    client = login(alice)
    urls = [reverse(name) for name in HR_PAGES]
    urls += [reverse(name, args=[cohort.slug]) for name in HR_COHORT_PAGES]
    for url in urls:
        assert client.get(url).status_code == 403, url
    for name in HR_POSTS:
        assert client.post(reverse(name, args=[cohort.slug])).status_code == 403, name


def test_hr_creates_a_cohort_from_the_form(hr):
    response = hr.post(reverse("cohorts:new"), {
        "name": "Spring 2027", "slug": "spring-2027", "kind": "mentorship",
        "open_to_all": "on", "length_months": 6, "cadence_days": 14})

    cohort = Cohort.objects.get(slug="spring-2027")
    assert response.url == reverse("cohorts:detail", args=[cohort.slug])
    assert hr.get(response.url).status_code == 200


def test_the_create_form_shows_the_services_message_beside_the_field(hr, cohort):
    response = hr.post(reverse("cohorts:new"), {
        "name": "Again", "slug": cohort.slug, "kind": "mentorship", "length_months": 6,
        "cadence_days": 14})

    assert response.status_code == 200
    assert "already exists; choose another" in response.content.decode()


def test_hr_invites_by_employee_id_and_sets_the_weights(hr, cohort, bob):
    hr.post(reverse("cohorts:invite", args=[cohort.slug]),
            {"person": bob.employee_id, "role": "mentor", "capacity": 3})
    hr.post(reverse("cohorts:weights", args=[cohort.slug]), {
        "objective": "coverage", "goals": 50, "preferences": 0, "level_gap": 10,
        "department": 10, "language": 10, "timezone": 0})

    cohort.refresh_from_db()
    enrolment = CohortEnrolment.objects.get(cohort=cohort, person=bob)
    assert (enrolment.role, enrolment.capacity, enrolment.invited) == ("mentor", 3, True)
    assert cohort.objective == "coverage" and cohort.weights["goals"] == 50


def test_inviting_someone_twice_tells_them_once_and_says_so(hr, cohort, bob):
    url = reverse("cohorts:invite", args=[cohort.slug])
    first = hr.post(url, {"person": bob.email, "role": "mentor", "capacity": 2}, follow=True)
    second = hr.post(url, {"person": bob.email, "role": "mentor", "capacity": 2}, follow=True)

    assert "Bob Mentor is invited and enrolled." in first.content.decode()
    assert ("Bob Mentor was already enrolled in this role, so they were not invited again."
            in second.content.decode())
    assert Notification.objects.filter(recipient=bob, kind="cohort_invited").count() == 1


def test_the_preview_shows_pairs_reasons_unmatched_and_the_greedy_baseline(hr, small_round):
    page = hr.get(reverse("cohorts:preview", args=[small_round.slug])).content.decode()

    assert "Alice Employee" in page and "Bob Mentor" in page
    assert "can help with your goal: Rust" in page
    assert "greedy baseline" in page
    assert "Everyone who enrolled is matched." in page


def test_the_preview_of_an_empty_cohort_says_there_is_nothing_to_publish(hr, cohort):
    page = hr.get(reverse("cohorts:preview", args=[cohort.slug])).content.decode()

    assert "No pair can be made yet." in page
    assert "Publish 0 pairs" in page and "disabled" in page


def test_pinning_from_the_preview_re_runs_it_with_the_pin(hr, small_round, eve, bob):
    response = hr.post(reverse("cohorts:rule_add", args=[small_round.slug]), {
        "receiver": eve.employee_id, "giver": bob.employee_id, "rule": "pin",
        "objective": "coverage"})

    assert response.url == reverse("cohorts:preview", args=[small_round.slug]) + \
        "?objective=coverage"
    assert CohortPairRule.objects.get().rule == "pin"
    page = hr.get(response.url).content.decode()
    assert "pinned by HR" in page


def test_publishing_from_the_preview_makes_the_pairs(hr, small_round):
    fingerprint = cohort_match(cohort=small_round).fingerprint

    response = hr.post(reverse("cohorts:publish", args=[small_round.slug]),
                       {"fingerprint": fingerprint, "objective": "score"})

    assert response.url == reverse("cohorts:detail", args=[small_round.slug])
    assert Mentorship.objects.filter(cohort=small_round).count() == 2
    page = hr.get(response.url).content.decode()
    assert "Relationships made" in page


def test_a_stale_preview_is_not_published(hr, small_round):
    response = hr.post(reverse("cohorts:publish", args=[small_round.slug]),
                       {"fingerprint": "stale", "objective": "score"}, follow=True)

    assert "changed since your preview" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_an_employee_sees_open_cohorts_and_enrols_with_a_ranking(login, alice, cohort, enrol,
                                                                 bob):
    enrol(cohort, bob, "mentor")
    client = login(alice)

    listing = client.get(reverse("cohort_enrolment:list")).content.decode()
    response = client.post(reverse("cohort_enrolment:enrol", args=[cohort.slug]), {
        "role": "mentee", "preferred_1": bob.pk, "must_haves": ["same_language"]})

    assert cohort.name in listing
    assert response.status_code == 302
    enrolment = CohortEnrolment.objects.get(cohort=cohort, person=alice)
    assert enrolment.preferred == [bob.pk] and enrolment.must_haves == ["same_language"]


def test_an_invite_only_cohort_is_not_found_for_someone_not_invited(login, eve, cohort):
    cohort.open_to_all = False
    cohort.save()
    client = login(eve)

    assert cohort.name not in client.get(reverse("cohort_enrolment:list")).content.decode()
    assert client.get(reverse("cohort_enrolment:enrol", args=[cohort.slug])).status_code == 404


def test_an_employee_leaves_a_cohort(login, alice, cohort, enrol):
    enrol(cohort, alice, "mentee")

    login(alice).post(reverse("cohort_enrolment:withdraw", args=[cohort.slug]))

    assert not CohortEnrolment.objects.exists()


def make_round(cohort, size: int):
    department = factories.DepartmentFactory(name="Engineering")
    for _ in range(size):
        mentee = factories.PersonFactory(department=department, gender="woman")
        mentor = factories.PersonFactory(level=5, department=department)
        CohortEnrolment.objects.create(cohort=cohort, person=mentee, role="mentee",
                                       preferred=[mentor.pk], must_haves=["same_language"])
        CohortEnrolment.objects.create(cohort=cohort, person=mentor, role="mentor", capacity=2)
    CohortPairRule.objects.create(cohort=cohort, giver=mentor, receiver=mentee, rule="forbid")


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(("page", "budget"), [("cohorts:preview", 21), ("cohorts:detail", 9)])
def test_the_preview_and_cohort_page_run_a_fixed_number_of_queries(
        hr, cohort, size, page, budget, django_assert_max_num_queries):
    make_round(cohort, size)

    with django_assert_max_num_queries(budget):
        response = hr.get(reverse(page, args=[cohort.slug]))

    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_the_cohort_list_runs_a_fixed_number_of_queries(hr, login, alice, size,
                                                        django_assert_max_num_queries):
    for _ in range(size):
        cohort = factories.CohortFactory()
        CohortEnrolment.objects.create(cohort=cohort, person=alice, role="mentee")

    with django_assert_max_num_queries(6):
        assert hr.get(reverse("cohorts:list")).status_code == 200
    employee = login(alice)
    with django_assert_max_num_queries(6):
        assert employee.get(reverse("cohort_enrolment:list")).status_code == 200
