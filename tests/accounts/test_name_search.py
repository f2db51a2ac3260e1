"""People search names as they type them: accents and case never matter (accounts/search.py).

Chloé Fernández and Zoë Ødegaard are mentors; Eve searches the directory and Hana HR's career
events, by every spelling a person might type.
"""

import pytest
from django.db import connection

from accounts.importing import run_import
from accounts.models import Person
from accounts.search import name_key
from tests import factories


@pytest.mark.parametrize(("typed", "key"), [
    ("Fernández", "fernandez"), ("FERNÁNDEZ", "fernandez"),
    ("  Chloé   Fernández ", "chloe fernandez"),
    ("Zoë Ødegaard", "zoe odegaard"), ("Straße", "strasse"), ("ÇAĞLAR", "caglar"),
])
def test_a_name_is_folded_to_lower_case_without_accents(typed, key):
    assert name_key(typed) == key


@pytest.fixture
def chloe(db):
    return factories.MentorProfileFactory(person__full_name="Chloé Fernández").person


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["fernandez", "FERNÁNDEZ", "Fernández", "fernández", "chloe",
                                   "CHLOÉ", "Chloe Fern", "chloé fernandez", "fernandez chloe",
                                   "Fernández, Chloé", "  chloe   FERN "])
def test_the_mentor_directory_finds_a_name_however_it_is_typed(login, eve, bob, chloe, typed):
    page = login(eve).get("/mentoring/mentors/", {"q": typed}).content.decode()
    assert "Chloé Fernández" in page
    assert "Bob Mentor" not in page


@pytest.mark.django_db
def test_the_mentor_directory_still_finds_nothing_for_a_name_nobody_has(login, eve, chloe):
    page = login(eve).get("/mentoring/mentors/", {"q": "fernandes"}).content.decode()
    assert "Chloé Fernández" not in page


@pytest.mark.django_db
def test_hr_finds_career_events_by_a_name_typed_without_accents(login, hana, chloe):
    factories.CareerEventFactory(person=chloe, kind="promotion")
    page = login(hana).get("/sponsorship/hr/career-events/", {"q": "FERNANDEZ"}).content.decode()
    assert "Chloé Fernández" in page


@pytest.mark.django_db
def test_a_renamed_person_is_found_by_the_new_name_only(chloe):
    chloe.full_name = "Chloé Núñez"
    chloe.save(update_fields=["full_name"])
    assert Person.objects.filter(search_name__contains="nunez").get() == chloe
    assert not Person.objects.filter(search_name__contains="fernandez").exists()


@pytest.mark.django_db
def test_bulk_writes_keep_the_search_name_in_step(db):
    created = Person.objects.bulk_create([Person(employee_id="B1", email="b1@example.com",
                                                 full_name="Renée Ólafsdóttir")])
    assert Person.objects.get(employee_id="B1").search_name == "renee olafsdottir"
    created[0].full_name = "Renée Åberg"
    Person.objects.bulk_update(created, ["full_name"])
    assert Person.objects.get(employee_id="B1").search_name == "renee aberg"


@pytest.mark.django_db
def test_an_imported_person_is_found_without_typing_the_accents(db):
    header = ("employee_id,email,full_name,title,level,department,location,timezone,"
              "manager_employee_id,hire_date,termination_date,gender,ethnicity,skills,"
              "development_goals")
    row = "E9,jose@acme.com,José Muñoz,Engineer,2,Engineering,Madrid,Europe/Madrid,,,,,,,"
    result = run_import("people", f"{header}\n{row}\n".encode())
    assert result.ok, result.problems
    assert Person.objects.get(search_name__contains="jose munoz").email == "jose@acme.com"


@pytest.mark.django_db
def test_postgresql_searches_names_through_the_trigram_index(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = "
                       "'person_search_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition
