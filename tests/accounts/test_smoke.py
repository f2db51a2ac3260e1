from accounts.importing import run_import
from accounts.models import Person

PEOPLE = (
    "employee_id,email,full_name,title,level,department,location,timezone,manager_employee_id,"
    "hire_date,termination_date,gender,ethnicity,skills,development_goals\n"
    "E1,ceo@example.com,Cara Chief,CEO,10,Leadership,London,Europe/London,,2015-01-01,,,,"
    "Strategy,Public speaking\n"
    "E2,dev@example.com,Dev Eloper,Engineer,2,Engineering,Paris,Europe/Paris,E1,2022-03-01,,,,"
    "Python;Go,System design;Public speaking\n"
)


def test_it_imports_people_with_their_manager_and_skills(db):
    result = run_import("people", PEOPLE.encode())
    assert result.ok, result.problems
    dev = Person.objects.get(employee_id="E2")
    assert dev.manager.employee_id == "E1"
    assert sorted(s.name for s in dev.development_goals.all()) == ["Public speaking",
                                                                   "System design"]


def test_the_home_page_sends_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_login_page_renders_in_the_app_layout(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Grow" in response.content


def test_a_signed_in_employee_sees_their_home(login, alice):
    response = login(alice).get("/")
    assert response.status_code == 200
    assert "Alice Employee" in response.content.decode()
