"""The command-line contract: cohort_create, cohort_enrol, match_cohort."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Notification
from matching.cohorts.models import Cohort, CohortEnrolment
from matching.mentorship.models import Mentorship
from tests import factories


@pytest.fixture
def people(db, rust):
    """Two mentees who want Rust, two mentors; Nia's only fit is Omar."""
    engineering = factories.DepartmentFactory(name="Engineering")
    product = factories.DepartmentFactory(name="Product")
    make = factories.PersonFactory
    ana = make(employee_id="E1", full_name="Ana", level=2, department=engineering)
    nia = make(employee_id="E2", full_name="Nia", level=2, department=product)
    omar = make(employee_id="E3", full_name="Omar", level=4, department=product)
    lu = make(employee_id="E4", full_name="Lu", level=5, department=engineering, manager=None)
    for person in (ana, nia):
        person.development_goals.set([rust])
    omar.skills.set([rust])
    return {"ana": ana, "nia": nia, "omar": omar, "lu": lu}


def write_csv(tmp_path, text: str):
    path = tmp_path / "enrol.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_cohort_is_created_enrolled_from_a_file_and_matched_as_json(db, people, tmp_path):
    run("cohort_create", "autumn", "--kind", "mentorship", "--name", "Autumn round")
    path = write_csv(tmp_path, "employee_id,role,capacity,preferred_employee_ids\n"
                               "E1,mentee,,E4;E3\n"
                               "E2,mentee,,\n"
                               "E3,mentor,1,\n"
                               "E4,mentor,2,\n")
    enrolled = run("cohort_enrol", "autumn", str(path))

    data = json.loads(run("match_cohort", "autumn", "--dry-run", "--json"))

    assert "Created 4 and updated 0" in enrolled
    assert CohortEnrolment.objects.get(person=people["ana"]).preferred == [
        people["lu"].pk, people["omar"].pk]
    assert data["objective"] == "score"
    # Ana with Omar (her goal, her #2) 96 + Nia with Lu 36.25 beats Ana-Lu + Nia-Omar (116.25).
    assert {(p["mentee"], p["mentor"]): p["score"] for p in data["pairs"]} == {
        ("E1", "E3"): 96.0, ("E2", "E4"): 36.2}
    assert all(p["reasons"] for p in data["pairs"])
    assert data["unmatched"] == []
    assert data["total_score"] >= data["greedy_total_score"]
    assert "candidates" not in data
    assert not Mentorship.objects.exists()  # --dry-run writes nothing
    assert Cohort.objects.get(slug="autumn").status == "enrolling"


def test_candidates_lists_every_allowed_pair_with_its_score(db, people, tmp_path):
    run("cohort_create", "autumn", "--kind", "mentorship")
    run("cohort_enrol", "autumn", str(write_csv(
        tmp_path, "employee_id,role,capacity,preferred_employee_ids\nE1,mentee,,\n"
                  "E2,mentee,,\nE3,mentor,1,\nE4,mentor,1,\n")))

    data = json.loads(run("match_cohort", "autumn", "--dry-run", "--json", "--candidates",
                          "--objective", "coverage"))

    assert data["objective"] == "coverage"
    assert len(data["candidates"]) == 4
    assert set(data["candidates"][0]) == {"mentee", "mentor", "score"}


def test_without_dry_run_the_matching_is_published(db, people, tmp_path):
    run("cohort_create", "autumn", "--kind", "mentorship")
    run("cohort_enrol", "autumn", str(write_csv(
        tmp_path, "employee_id,role,capacity,preferred_employee_ids\nE1,mentee,,\n"
                  "E3,mentor,1,\n")))

    output = run("match_cohort", "autumn")

    assert "Published 1 pair(s) of 1" in output
    assert Mentorship.objects.get().mentee == people["ana"]
    assert Notification.objects.filter(kind="cohort_matched").count() == 2
    with pytest.raises(CommandError, match="published already"):
        run("match_cohort", "autumn")


def test_a_bad_enrolment_file_names_each_problem_and_writes_nothing(db, people, tmp_path):
    run("cohort_create", "autumn", "--kind", "mentorship")
    path = write_csv(tmp_path, "employee_id,role,capacity,preferred_employee_ids\n"
                               "E1,mentee,,E2\n"
                               "E9,mentee,,\n"
                               "E3,sponsor,1,\n"
                               "E4,mentor,50,\n"
                               "E4,mentor,1,\n")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("cohort_enrol", "autumn", str(path), stdout=StringIO(), stderr=err)
    errors = err.getvalue()

    assert "row 2, column preferred_employee_ids: 'E2' is not enrolled as a mentor" in errors
    assert "row 3, column employee_id: no person has employee id 'E9'" in errors
    assert "row 4, column role: this is a mentorship cohort: use mentee or mentor" in errors
    assert "row 6, column employee_id: E4 is enrolled as mentor on row 5 already" in errors
    assert not CohortEnrolment.objects.exists()


def test_a_service_rule_broken_while_writing_refuses_the_whole_file(db, people, tmp_path):
    run("cohort_create", "autumn", "--kind", "mentorship")
    path = write_csv(tmp_path, "employee_id,role,capacity,preferred_employee_ids\n"
                               "E3,mentor,1,\n"
                               "E4,mentor,50,\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("cohort_enrol", "autumn", str(path), stdout=err, stderr=err)

    assert "row 3, column capacity: Capacity is how many people" in err.getvalue()
    assert not CohortEnrolment.objects.exists()


def test_an_unknown_cohort_or_a_taken_slug_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No cohort has the short name 'nope'"):
        run("match_cohort", "nope", "--dry-run")
    run("cohort_create", "taken", "--kind", "sponsorship")
    with pytest.raises(CommandError, match="already exists"):
        run("cohort_create", "taken", "--kind", "mentorship")


def test_publishing_with_candidates_lists_the_pairs_as_they_were_before_publishing(db, people,
                                                                                   tmp_path):
    run("cohort_create", "autumn", "--kind", "mentorship")
    run("cohort_enrol", "autumn", str(write_csv(
        tmp_path, "employee_id,role,capacity,preferred_employee_ids\nE1,mentee,,\n"
                  "E3,mentor,1,\n")))

    data = json.loads(run("match_cohort", "autumn", "--json", "--candidates"))

    assert data["pairs"][0]["mentee"] == "E1"
    assert [(c["mentee"], c["mentor"]) for c in data["candidates"]] == [("E1", "E3")]
    assert Mentorship.objects.count() == 1
