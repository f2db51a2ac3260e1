"""Data health: each check finds what it describes, links to the people or pairs concerned, and
the page runs a fixed number of queries.

Personas (tests/conftest.py): Hana (HR admin) reads it; Alice gets 403."""

import datetime

from django.utils import timezone

from accounts.models import CareerEvent
from matching.relationships.models import RelationshipStatus
from matching.relationships.services import add_months
from tests import factories


def items(client) -> dict:
    return {item.title: item for item in client.get("/hr/data-health/").context["items"]}


def test_people_with_no_career_event_for_two_years_are_counted_and_listed(hana, login):
    today = timezone.localdate()
    old = datetime.date(2015, 1, 1)
    stale = factories.PersonFactory(full_name="Stan Stale", hire_date=old)
    factories.CareerEventFactory(person=stale, occurred_on=today - datetime.timedelta(days=900))
    fresh = factories.PersonFactory(full_name="Fran Fresh", hire_date=old)
    factories.CareerEventFactory(person=fresh, occurred_on=today - datetime.timedelta(days=30))
    factories.PersonFactory(full_name="Nina New", hire_date=today - datetime.timedelta(days=90))
    factories.PersonFactory(full_name="Lee Left", hire_date=old,
                            termination_date=today - datetime.timedelta(days=5))
    hana.hire_date = today - datetime.timedelta(days=10)
    hana.save()
    client = login(hana)
    item = items(client)["No career event for 2 years"]
    assert item.count == 1
    listed = client.get(item.links[0][1])
    assert [row[0] for row in (
        [c["value"] for c in r] for r in listed.context["rows"])] == ["Stan Stale"]


def test_a_department_whose_promotions_stopped_is_named_with_a_link(hana, login):
    today = timezone.localdate()
    sales = factories.DepartmentFactory(name="Sales")
    data = factories.DepartmentFactory(name="Data")
    for department in (sales, data):
        for months in (10, 12):
            factories.CareerEventFactory(person=factories.PersonFactory(department=department),
                                         occurred_on=add_months(today, -months))
    factories.CareerEventFactory(person=factories.PersonFactory(department=data),
                                 occurred_on=add_months(today, -1))
    item = items(login(hana))["Departments whose promotions stopped being recorded"]
    assert item.count == 1
    assert item.links == [("Sales (2 before, none since)",
                           f"/hr/console/people/?department={sales.pk}&sort=-last_event")]


def test_a_month_with_far_fewer_recorded_events_is_flagged(hana, login):
    today = timezone.localdate()
    base = add_months(today.replace(day=1), -5)
    for i in range(3):
        for _ in range(6):
            factories.CareerEventFactory(occurred_on=add_months(base, i),
                                         kind=CareerEvent.Kind.AWARD,
                                         person=factories.PersonFactory())
    factories.CareerEventFactory(occurred_on=add_months(base, 3), kind=CareerEvent.Kind.AWARD)
    item = items(login(hana))["Months with a drop in recorded career events"]
    assert f"{add_months(base, 3):%Y-%m}: 1 against about 6" in [label for label, _ in item.links]


def test_relationships_without_meetings_or_surveys_link_to_the_flagged_lists(hana, login):
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=60)
    silent = factories.MentorshipFactory(started_on=long_ago, last_met_on=None)
    factories.MentorshipFactory(started_on=long_ago, last_met_on=today)
    factories.SponsorshipFactory(started_on=today - datetime.timedelta(days=3), last_met_on=None)
    answered = factories.MentorshipFactory(started_on=long_ago, last_met_on=today)
    factories.SurveyResponseFactory(respondent=answered.mentee, mentorship=answered)
    closed = factories.SponsorshipFactory(status=RelationshipStatus.COMPLETED,
                                          started_on=long_ago, ended_on=today
                                          - datetime.timedelta(days=20))
    client = login(hana)
    health = items(client)
    meeting = health["Relationships with no meeting logged"]
    assert meeting.count == 1
    assert meeting.links[0] == ("1 mentorships", "/hr/console/mentorships/?flag=no_meeting")
    assert list(client.get(meeting.links[0][1]).context["page"].object_list) == [silent]
    surveys = health["Surveys not answered"]
    assert surveys.count == 3  # two mentorships without a baseline, one closed sponsorship
    listed = client.get("/hr/console/sponsorships/?flag=no_survey").context["page"]
    assert list(listed.object_list) == [closed]


def test_the_panel_runs_a_fixed_number_of_queries(hana, login, django_assert_max_num_queries):
    client = login(hana)
    with django_assert_max_num_queries(12) as small:
        assert client.get("/hr/data-health/").status_code == 200
    today = timezone.localdate()
    for i in range(30):
        department = factories.DepartmentFactory(name=f"Department {i % 5}")
        person = factories.PersonFactory(department=department, hire_date=datetime.date(2010, 1, 1))
        factories.CareerEventFactory(person=person, occurred_on=add_months(today, -(i % 14) - 1))
        factories.MentorshipFactory(mentee=person, started_on=today - datetime.timedelta(days=60),
                                    last_met_on=None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/hr/data-health/").status_code == 200


def test_only_hr_reads_it(alice, login):
    assert login(alice).get("/hr/data-health/").status_code == 403
