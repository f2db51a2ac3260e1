"""HR's lists: what each shows, search, filters, sort, pagination, CSV, and the query budget.

Personas (tests/conftest.py): Hana is an HR admin and sees every list; Alice (employee) and Sam
(sponsor) get 403 (tests/program/reports/test_hr_pages.py walks every /hr/ URL, these included).
"""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from matching.mentorship.models import Mentorship
from matching.relationships.models import RelationshipStatus
from matching.sponsorship.models import SponsorshipInterest
from program.console.views import PER_PAGE
from tests import factories


def build(size: int, today: datetime.date, cohort=None) -> None:
    """`size` of everything every list shows, in two departments and several level bands."""
    sales = factories.DepartmentFactory(name="Sales")
    for i in range(size):
        mentee = factories.PersonFactory(level=1 + i % 8, department=sales if i % 2 else None)
        factories.MentorshipFactory(
            mentee=mentee, cohort=cohort if i % 3 == 0 else None,
            next_due_on=today - datetime.timedelta(days=1 + i) if i % 2 else today,
            inactive_since=today if i % 3 == 1 else None,
            last_met_on=today - datetime.timedelta(days=10))
        factories.SponsorshipFactory(protege=mentee, cohort=cohort)
        factories.SponsorshipFactory(protege=mentee, status=RelationshipStatus.PROPOSED,
                                     started_on=None, planned_end_on=None, cohort=cohort)
        factories.MentorRequestFactory(mentee=mentee,
                                       created_at=timezone.now() - datetime.timedelta(days=i))
        SponsorshipInterest.objects.create(person=mentee, aspirations="Lead a team.",
                                           created_at=timezone.now() - datetime.timedelta(days=i))


def names_in(response) -> list[list]:
    return [[cell["value"] for cell in row] for row in response.context["rows"]]


@pytest.mark.parametrize("listing", ["mentorships", "sponsorships", "requests", "proposals",
                                     "interests", "people"])
def test_every_list_runs_a_fixed_number_of_queries(listing, hana, login,
                                                   django_assert_max_num_queries):
    client = login(hana)
    today = timezone.localdate()
    cohort = factories.CohortFactory()
    build(3, today, cohort)
    url = f"/hr/console/{listing}/?department=&level_band=3-4&sort=-level"
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/hr/console/{listing}/export.csv").status_code == 200
    build(60, today, cohort)  # more rows than a page
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"/hr/console/{listing}/?page=2")
    assert len(response.context["rows"]) > 0


def test_the_mentorship_list_shows_each_pair_with_its_dates_and_flags(hana, login):
    today = timezone.localdate()
    cohort = factories.CohortFactory(name="Spring 2026")
    alice = factories.PersonFactory(full_name="Alice Mentee", level=2,
                                    department=factories.DepartmentFactory(name="Sales"))
    bob = factories.PersonFactory(full_name="Bob Mentor", level=6)
    factories.MentorshipFactory(mentor=bob, mentee=alice, cohort=cohort,
                                started_on=datetime.date(2026, 1, 5),
                                last_met_on=datetime.date(2026, 2, 1),
                                next_due_on=today - datetime.timedelta(days=3),
                                inactive_since=None)
    response = login(hana).get("/hr/console/mentorships/")
    assert [h["column"].label for h in response.context["headers"]] == [
        "Status", "Mentor", "Mentee", "Department", "Level", "Cohort", "Started",
        "Last meeting", "Next due", "Overdue", "Inactive"]
    assert names_in(response) == [["Active", "Bob Mentor", "Alice Mentee", "Sales", 2,
                                   "Spring 2026", datetime.date(2026, 1, 5),
                                   datetime.date(2026, 2, 1), today - datetime.timedelta(days=3),
                                   True, False]]
    page = response.content.decode()
    assert f'href="/hr/people/{alice.pk}/"' in page and f'href="/hr/people/{bob.pk}/"' in page


def test_search_finds_either_person_by_name_or_email(hana, login):
    alice = factories.PersonFactory(full_name="Alice Mentee", email="alice.m@example.com")
    factories.MentorshipFactory(mentee=alice)
    factories.MentorshipFactory(mentor=factories.PersonFactory(full_name="Zed Mentor"))
    client = login(hana)
    assert [r[2] for r in names_in(client.get("/hr/console/mentorships/?q=ALICE.M@"))] == [
        "Alice Mentee"]
    assert [r[1] for r in names_in(client.get("/hr/console/mentorships/?q=zed"))] == [
        "Zed Mentor"]
    assert names_in(client.get("/hr/console/mentorships/?q=nobody")) == []


def test_search_finds_a_name_however_it_is_typed(hana, login):
    """As the mentor directory does: no accents, any case, surname first."""
    chloe = factories.PersonFactory(full_name="Chloé Fernández", email="cf@example.com")
    factories.MentorshipFactory(mentee=chloe)
    factories.MentorshipFactory(mentee=factories.PersonFactory(full_name="Zed Fernandes"))
    client = login(hana)
    for typed in ("fernandez", "FERNÁNDEZ", "fernandez chloe", "Fernández, Chloé"):
        assert [r[2] for r in names_in(client.get("/hr/console/mentorships/",
                                                  {"q": typed}))] == ["Chloé Fernández"], typed


def test_filters_narrow_by_status_flag_department_level_band_and_cohort(hana, login):
    today = timezone.localdate()
    sales = factories.DepartmentFactory(name="Sales")
    cohort = factories.CohortFactory()
    rows = {
        "overdue": factories.MentorshipFactory(next_due_on=today - datetime.timedelta(days=2)),
        "inactive": factories.MentorshipFactory(next_due_on=today, inactive_since=today),
        "closed": factories.MentorshipFactory(status=RelationshipStatus.COMPLETED,
                                              next_due_on=today - datetime.timedelta(days=9)),
        "sales": factories.MentorshipFactory(mentee=factories.PersonFactory(department=sales,
                                                                            level=7),
                                             next_due_on=today, cohort=cohort),
    }
    client = login(hana)

    def shown(query):
        response = client.get(f"/hr/console/mentorships/?{query}")
        return {key for key, m in rows.items() if m in response.context["page"].object_list}

    assert shown("flag=overdue") == {"overdue"}  # the closed one is not overdue any more
    assert shown("flag=inactive") == {"inactive"}
    assert shown("status=completed") == {"closed"}
    assert shown(f"department={sales.pk}") == {"sales"}
    assert shown("level_band=7%2B") == {"sales"}
    assert shown(f"cohort={cohort.pk}") == {"sales"}
    assert shown("") == set(rows)


def test_a_bad_filter_says_what_is_wrong_and_shows_everything(hana, login):
    factories.MentorshipFactory()
    response = login(hana).get("/hr/console/mentorships/?status=nonsense")
    assert "status" in response.context["form"].errors
    assert len(response.context["rows"]) == 1


def test_every_column_sorts_both_ways(hana, login):
    today = timezone.localdate()
    for i, name in enumerate(["Carol", "Anna", "Bea"]):
        factories.MentorshipFactory(mentee=factories.PersonFactory(full_name=name, level=i + 1),
                                    started_on=today - datetime.timedelta(days=40 + i))
    client = login(hana)
    response = client.get("/hr/console/mentorships/?sort=mentee")
    assert [r[2] for r in names_in(response)] == ["Anna", "Bea", "Carol"]
    assert [r[2] for r in names_in(client.get("/hr/console/mentorships/?sort=-mentee"))] == [
        "Carol", "Bea", "Anna"]
    assert [r[4] for r in names_in(client.get("/hr/console/mentorships/?sort=-level"))] == [
        3, 2, 1]
    for header in response.context["headers"]:
        for sort in (header["column"].key, "-" + header["column"].key):
            assert client.get(f"/hr/console/mentorships/?sort={sort}").status_code == 200


def test_the_list_pages_fifty_rows_at_a_time(hana, login):
    for _ in range(PER_PAGE + 3):
        factories.MentorshipFactory()
    client = login(hana)
    assert len(client.get("/hr/console/mentorships/").context["rows"]) == PER_PAGE
    assert len(client.get("/hr/console/mentorships/?page=2").context["rows"]) == 3


def test_the_csv_holds_what_the_filters_show_on_every_page(hana, login):
    today = timezone.localdate()
    for i in range(PER_PAGE + 2):
        factories.MentorshipFactory(next_due_on=today - datetime.timedelta(days=1 + i % 2))
    factories.MentorshipFactory(next_due_on=today,
                                mentee=factories.PersonFactory(full_name="On Time"))
    response = login(hana).get("/hr/console/mentorships/export.csv?flag=overdue&sort=mentee")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()
                                       .lstrip("\ufeff"))))
    assert rows[0][:3] == ["Status", "Mentor", "Mentee"]
    assert len(rows) == 1 + PER_PAGE + 2
    assert all(row[9] == "True" for row in rows[1:])
    assert "On Time" not in {row[2] for row in rows}
    assert [row[2] for row in rows[1:]] == sorted(row[2] for row in rows[1:])


def test_requests_proposals_and_interests_show_how_long_they_have_waited(hana, login):
    now = timezone.now()
    factories.MentorRequestFactory(created_at=now - datetime.timedelta(days=12))
    factories.MentorRequestFactory(created_at=now - datetime.timedelta(days=3))
    factories.MentorRequestFactory(status="accepted")
    factories.SponsorshipFactory(status=RelationshipStatus.PROPOSED, started_on=None,
                                 planned_end_on=None)
    SponsorshipInterest.objects.create(person=factories.PersonFactory(), aspirations="Lead.",
                                       created_at=now - datetime.timedelta(days=5))
    client = login(hana)
    assert [r[-1] for r in names_in(client.get("/hr/console/requests/"))] == [12, 3]
    assert [r[-1] for r in names_in(client.get("/hr/console/requests/?sort=age"))] == [3, 12]
    assert len(names_in(client.get("/hr/console/proposals/"))) == 1
    assert [r[-1] for r in names_in(client.get("/hr/console/interests/"))] == [5]


def test_the_dashboards_numbers_link_to_the_lists_they_count(hana, login):
    today = timezone.localdate()
    sales = factories.DepartmentFactory(name="Sales")
    build(7, today)
    factories.MentorshipFactory(status=RelationshipStatus.COMPLETED)
    client = login(hana)
    dashboard = client.get(f"/hr/dashboard/?department={sales.pk}")
    summary, page = dashboard.context["summary"], dashboard.content.decode()
    links = {
        "active_mentorships": f"/hr/console/mentorships/?department={sales.pk}&amp;status=active",
        "active_sponsorships":
            f"/hr/console/sponsorships/?department={sales.pk}&amp;status=active",
        "open_requests": f"/hr/console/requests/?department={sales.pk}",
    }
    for key, link in links.items():
        assert f'href="{link}"' in page, key
        listed = client.get(link.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == summary[key] > 0, key
    overdue = sum(client.get(f"/hr/console/{kind}/?department={sales.pk}&flag=overdue")
                  .context["page"].paginator.count for kind in ("mentorships", "sponsorships"))
    assert overdue == summary["overdue"] > 0
    assert f'href="/hr/console/mentorships/?department={sales.pk}&amp;flag=overdue"' in page
    inactive = client.get(f"/hr/console/mentorships/?department={sales.pk}&flag=inactive")
    assert inactive.context["page"].paginator.count == summary["inactive"] > 0


def test_an_unknown_list_is_not_found(hana, login):
    assert login(hana).get("/hr/console/goals/").status_code == 404


@pytest.mark.parametrize("persona", ["alice", "sam"])
def test_nobody_but_hr_sees_a_list_or_its_csv(persona, request, login):
    Mentorship.objects.all()
    client = login(request.getfixturevalue(persona))
    assert client.get("/hr/console/mentorships/").status_code == 403
    assert client.get("/hr/console/mentorships/export.csv").status_code == 403
