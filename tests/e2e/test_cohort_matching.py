"""HR builds a small cohort, previews the matching, pins one pair, publishes; a mentee then sees
their new mentorship and the message telling them about it."""

import re

import pytest
from playwright.sync_api import expect

from matching.cohorts.models import Cohort
from matching.mentorship.models import Mentorship
from tests import factories
from tests.e2e.conftest import give_totp, sign_in


@pytest.fixture
def priya(db, product):
    return factories.PersonFactory(full_name="Priya Patel", email="priya@example.com", level=5,
                                   title="Staff Engineer", department=product, with_user=True)


def test_hr_matches_a_cohort_pins_a_pair_and_publishes(new_page, shots, hana, alice, eve, bob,
                                                       priya):
    rust, python = factories.SkillFactory(name="Rust"), factories.SkillFactory(name="Python")
    alice.development_goals.set([rust])
    eve.development_goals.set([python])
    bob.skills.set([rust])
    priya.skills.set([python])

    hr = sign_in(new_page(), hana.email, totp_secret=give_totp(hana.user))
    hr.get_by_role("link", name="Cohorts", exact=True).click()
    shots(hr, "cohorts-empty")
    hr.get_by_role("link", name="New cohort").click()
    hr.get_by_role("textbox", name="Name", exact=True).fill("Spring 2027")
    hr.get_by_label("Short name").fill("spring-2027")
    hr.get_by_label("Mentorship").check()
    hr.get_by_label("Meet every (days)").fill("21")
    shots(hr, "new-cohort-form")
    hr.get_by_role("button", name="Create and open enrolment").click()
    expect(hr.get_by_role("heading", name=re.compile("Spring 2027"))).to_be_visible()

    for person, role, capacity in [(alice, "Mentee", 1), (eve, "Mentee", 1),
                                   (bob, "Mentor", 1), (priya, "Mentor", 1)]:
        hr.get_by_label("Person").fill(person.employee_id)
        hr.get_by_label("Role").select_option(label=role)
        hr.get_by_label("Capacity").fill(str(capacity))
        hr.get_by_role("button", name="Invite and enrol").click()
        expect(hr.get_by_text(f"{person.full_name} is invited and enrolled.")).to_be_visible()
    shots(hr, "cohort-with-four-enrolled")

    # The optimum gives each mentee the mentor who offers their goal.
    hr.get_by_role("link", name="Preview the matching").click()
    pairs = hr.get_by_role("table").first
    expect(pairs.get_by_role("row", name=re.compile("Alice Employee.*Bob Mentor"))).to_be_visible()
    expect(pairs.get_by_role("row", name=re.compile("Eve Outsider.*Priya Patel"))).to_be_visible()
    shots(hr, "preview")

    # HR pins Eve with Bob: the preview re-runs around the pin.
    hr.get_by_text("Pin or forbid another pair").click()
    hr.get_by_label("Mentee or protégé").fill(eve.email)
    hr.get_by_label("Mentor or sponsor").fill(bob.email)
    hr.get_by_role("button", name="Add the rule and re-run").click()
    expect(hr.get_by_text("Eve Outsider and Bob Mentor: pinned.")).to_be_visible()
    pairs = hr.get_by_role("table").first
    assert pairs.get_by_role("row", name=re.compile("Eve Outsider.*Bob Mentor.*pinned by HR"))\
        .is_visible()
    expect(pairs.get_by_role("row", name=re.compile("Alice Employee.*Priya Patel"))).to_be_visible()
    shots(hr, "preview-after-pin")

    hr.once("dialog", lambda dialog: dialog.accept())
    hr.get_by_role("button", name="Publish 2 pairs").click()
    expect(hr.get_by_text("Published: 2 pairs made and told.")).to_be_visible()
    expect(hr.get_by_role("heading", name="Relationships made")).to_be_visible()
    shots(hr, "published")
    assert Cohort.objects.get(slug="spring-2027").status == "published"
    assert set(Mentorship.objects.values_list("mentee__full_name", "mentor__full_name")) == {
        ("Eve Outsider", "Bob Mentor"), ("Alice Employee", "Priya Patel")}

    # Eve sees her new mentor.
    page = sign_in(new_page(), eve.email)
    page.get_by_role("link", name=re.compile("Inbox")).click()
    expect(page.get_by_text(re.compile("Spring 2027: your mentor is Bob Mentor"))).to_be_visible()
    shots(page, "mentee-inbox")
    page.get_by_text(re.compile("Spring 2027: your mentor is Bob Mentor")).click()
    expect(page.get_by_text("Bob Mentor").first).to_be_visible()
    shots(page, "mentee-mentorship")
    page.goto("/mentoring/")
    expect(page.get_by_text("Bob Mentor").first).to_be_visible()
    shots(page, "mentee-mentoring-home")


def test_an_employee_enrols_in_an_open_cohort_ranking_two_mentors(new_page, shots, alice, bob,
                                                                  priya):
    from matching.cohorts.models import CohortEnrolment

    cohort = factories.CohortFactory(name="Spring 2027", slug="spring-2027",
                                     description="Six months of mentoring, matched at once.")
    for mentor in (bob, priya):
        CohortEnrolment.objects.create(cohort=cohort, person=mentor, role="mentor", capacity=2)

    page = sign_in(new_page(), alice.email)
    page.goto("/cohorts/")
    shots(page, "open-cohorts")
    page.get_by_role("link", name="Enrol").click()
    page.get_by_label("Mentee").check()
    page.get_by_label("Choice 1").select_option(label="Priya Patel")
    page.get_by_label("Choice 2").select_option(label="Bob Mentor")
    page.get_by_label("same language").check()
    shots(page, "enrol-form")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled in Spring 2027.")).to_be_visible()
    shots(page, "enrolled")
    enrolment = CohortEnrolment.objects.get(cohort=cohort, person=alice)
    assert enrolment.preferred == [priya.pk, bob.pk]
    assert enrolment.must_haves == ["same_language"]
