"""No 500 from a filter: every HR page's filter and date field answers a bad value with a
message, and the cohort filter works on every page and CSV.

Hana is an HR admin.
"""

import datetime

import pytest
from django.urls import reverse

from matching.cohorts import services as cohorts
from program.reports.forms import DATE_TOO_EARLY, EARLIEST_DATE
from tests import factories


@pytest.fixture
def cohort(db, sam, alice):
    leaders = cohorts.cohort_create(name="Leaders", slug="leaders", kind="sponsorship")
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice, cohort=leaders)
    factories.AdvocacyRecordFactory(sponsorship=sponsorship)
    factories.SponsorshipFactory(sponsor=sam)  # outside the cohort
    return leaders


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["relationships", "requests", "capacity", "advocacy", "new"])
def test_the_dashboard_and_each_csv_filter_by_cohort(client, login, hana, cohort, slug):
    login(hana)
    page = client.get(reverse("hr:dashboard"), {"cohort": cohort.pk})
    assert page.status_code == 200
    csv = client.get(reverse("hr:export", args=["dashboard", slug]), {"cohort": cohort.pk})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_the_cohort_filter_counts_only_the_cohorts_relationships(client, login, hana, cohort):
    login(hana)
    everyone = client.get(reverse("hr:export", args=["dashboard", "advocacy"])).text
    only = client.get(reverse("hr:export", args=["dashboard", "advocacy"]),
                      {"cohort": cohort.pk}).text
    assert everyone == only  # the one advocacy record is in the cohort
    relationships = client.get(reverse("hr:export", args=["dashboard", "relationships"]),
                               {"cohort": cohort.pk}).text
    assert "Sponsorship,1,0,0" in relationships  # of the two active, one is in the cohort
    assert "Sponsorship,2,0,0" in client.get(
        reverse("hr:export", args=["dashboard", "relationships"])).text


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "params", "message"), [
    ("hr:dashboard", {"date_from": "0001-01-01"}, DATE_TOO_EARLY.format(earliest=EARLIEST_DATE)),
    ("hr:dashboard", {"date_to": "9999-12-31"}, "no more than a year from today"),
    ("hr:dashboard", {"date_from": "1991-01-01", "date_to": "2025-01-01"}, "at most 10 years"),
    ("hr:dashboard", {"date_from": "31/12/2024"}, "Enter a valid date."),
    ("hr:dashboard", {"cohort": "999999"}, "Select a valid choice."),
    ("hr:dashboard", {"cohort": "abc", "department": "x"}, "Select a valid choice."),
    ("hr:report", {"as_of": "0001-01-01", "window_months": "12"},
     DATE_TOO_EARLY.format(earliest=EARLIEST_DATE)),
    ("hr:report", {"as_of": "9999-12-31", "window_months": "99999"}, "only be as of today"),
    ("hr:equity", {"as_of": "0001-01-01"}, DATE_TOO_EARLY.format(earliest=EARLIEST_DATE)),
    ("hr:equity", {"as_of": "9999-12-31"}, "only be as of today"),
])
def test_a_bad_filter_value_is_a_message_not_a_500(client, login, hana, page, params, message):
    login(hana)
    response = client.get(reverse(page), params)
    assert response.status_code == 200
    assert message in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "slug", "params"), [
    ("dashboard", "new", {"date_from": "0001-01-01"}),
    ("dashboard", "relationships", {"cohort": "abc"}),
    ("equity", "by-department", {"as_of": "9999-12-31"}),
    ("report", "promotion", {"as_of": "0001-01-01", "window_months": "12"}),
])
def test_a_csv_with_a_bad_filter_says_so_and_exports_nothing(client, login, hana, page, slug,
                                                              params):
    login(hana)
    response = client.get(reverse("hr:export", args=[page, slug]), params)
    assert response.status_code == 400
    assert response.text.startswith("Nothing exported:")


@pytest.mark.django_db
def test_the_earliest_and_latest_accepted_dates_work(client, login, hana):
    login(hana)
    today = datetime.date.today()
    assert client.get(reverse("hr:dashboard"), {
        "date_from": "2016-01-01", "date_to": today.isoformat()}).status_code == 200
    assert client.get(reverse("hr:report"), {
        "as_of": EARLIEST_DATE.isoformat(), "window_months": "120"}).status_code == 200
    assert client.get(reverse("hr:equity"), {"as_of": EARLIEST_DATE.isoformat()}).status_code \
        == 200
