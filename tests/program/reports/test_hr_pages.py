"""The HR pages: who may open them, what they show, their CSV exports and their query budgets.

Personas (tests/conftest.py): Hana is an HR admin and sees every HR page; Alice (employee) and
Sam (sponsor) get 403 on every one of them.
"""

import csv
import datetime
import io
import re

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from program.core.urls import hr_urlpatterns
from program.reports import tables
from program.reports.models import ReportSnapshot
from program.reports.outcome import outcome_report
from tests import factories


def every_hr_url() -> list[str]:
    urls = []
    for pattern in hr_urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: {"page": "report", "slug": "outcomes"}.get(name, "1")
                  for name in pattern.pattern.converters}
        urls.append(reverse(f"hr:{pattern.name}", kwargs=kwargs))
    return urls


def test_every_hr_url_is_listed():
    urls = every_hr_url()
    assert {"/hr/dashboard/", "/hr/report/", "/hr/report/recompute/", "/hr/equity/",
            "/hr/report/export/outcomes.csv"} <= set(urls)


@pytest.mark.parametrize("persona", ["alice", "sam"])
def test_employees_and_sponsors_get_403_on_every_hr_page(persona, request, login):
    client = login(request.getfixturevalue(persona))
    for url in every_hr_url():
        # A POST-only action may answer a GET with 405 before asking who is there.
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url).status_code == 403, url
    for url in ("/hr/dashboard/", "/hr/report/", "/hr/equity/", "/hr/report/export/outcomes.csv"):
        assert client.get(url).status_code == 403, url
    assert not ReportSnapshot.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for url in every_hr_url():
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def build_program(size: int, today: datetime.date):
    """`size` mentorships and sponsorships with overdue, inactive, advocacy and requests."""
    mentor = factories.PersonFactory(level=5)
    factories.MentorProfileFactory(person=mentor, capacity=size)
    sponsor = factories.PersonFactory(level=8)
    factories.SponsorProfileFactory(person=sponsor, capacity=size * 2)
    for i in range(size):
        mentorship = factories.MentorshipFactory(
            mentor=mentor, started_on=today - datetime.timedelta(days=20 + i),
            next_due_on=today - datetime.timedelta(days=1) if i % 2 else today,
            inactive_since=today if i % 5 == 0 else None)
        sponsorship = factories.SponsorshipFactory(sponsor=sponsor,
                                                   started_on=today - datetime.timedelta(days=3))
        factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=today,
                                        outcome="succeeded" if i % 3 == 0 else "pending")
        factories.MentorRequestFactory(mentee=mentorship.mentee, mentor=mentor,
                                       created_at=timezone.now() - datetime.timedelta(days=i))


def test_the_dashboard_shows_the_programs_numbers(hana, login):
    today = timezone.localdate()
    build_program(6, today)
    response = login(hana).get("/hr/dashboard/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["active_mentorships"], summary["active_sponsorships"]) == (6, 6)
    assert (summary["overdue"], summary["inactive"], summary["open_requests"]) == (3, 2, 6)
    assert summary["mentor_places_used"] == 1.0 and summary["sponsor_places_used"] == 0.5
    tables = {t.slug: t for t in response.context["tables"]}
    assert tables["advocacy"].rows == [["Promotion nomination", 6, 2, 4, 1.0]]
    # Started 20-25 and 3 days ago: six of each, all within the last twelve months.
    assert [sum(row[i] for row in tables["new"].rows) for i in (1, 2)] == [6, 6]
    assert len(tables["new"].rows) == 12
    html = response.content.decode()
    assert 'data-chart="chart-data-new"' in html and 'id="chart-data-new"' in html
    assert "No outcome report has been stored yet" in html


def test_dashboard_filters_narrow_to_the_mentees_department(hana, login):
    today = timezone.localdate()
    build_program(4, today)
    sales = factories.DepartmentFactory(name="Sales")
    factories.MentorshipFactory(mentee=factories.PersonFactory(department=sales))
    response = login(hana).get("/hr/dashboard/", {"department": sales.pk})
    assert response.context["summary"]["active_mentorships"] == 1
    response = login(hana).get("/hr/dashboard/", {"level_band": "7+"})
    assert response.context["summary"]["active_mentorships"] == 0


def test_a_backwards_date_range_is_explained(hana, login):
    response = login(hana).get("/hr/dashboard/", {"date_from": "2026-05-01",
                                                  "date_to": "2026-01-01"})
    assert "The start of the date range is after its end" in response.content.decode()


@pytest.mark.parametrize("size", [5, 50])
def test_the_dashboard_runs_a_fixed_number_of_queries(size, hana, login,
                                                      django_assert_max_num_queries):
    build_program(size, timezone.localdate())
    ReportSnapshot.objects.create(as_of=timezone.localdate(), window_months=12,
                                  data=outcome_report(as_of=timezone.localdate()))
    client = login(hana)
    with django_assert_max_num_queries(20):
        assert client.get("/hr/dashboard/").status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_the_report_page_runs_a_fixed_number_of_queries(size, hana, login,
                                                        django_assert_max_num_queries):
    build_program(size, timezone.localdate())
    client = login(hana)
    # 14: the like-for-like query and the filter form's locations came with issue 19.
    with django_assert_max_num_queries(14):
        assert client.get("/hr/report/", {"as_of": "2026-01-01",
                                           "window_months": 6}).status_code == 200


def test_recompute_stores_a_snapshot_the_dashboard_then_shows(hana, login):
    client = login(hana)
    assert client.get("/hr/report/recompute/").status_code == 405
    response = client.post("/hr/report/recompute/", follow=True)
    assert ReportSnapshot.objects.count() == 1
    assert "The outcome report was recomputed" in response.content.decode()
    assert response.context["snapshot"] == ReportSnapshot.objects.get()
    response = client.post("/hr/report/recompute/", {"next": "report"})
    assert response["Location"] == "/hr/report/"


def test_the_report_page_shows_the_latest_snapshot_with_its_summary_and_caveat(hana, login):
    data = outcome_report(as_of=datetime.date(2025, 1, 1))
    data["groups"]["sponsorship_only"]["outcomes"]["promotion"] = {
        "count": 31, "n": 100, "rate": 0.31, "ci95": [0.23, 0.40]}
    ReportSnapshot.objects.create(as_of=datetime.date(2025, 1, 1), window_months=12, data=data)
    html = login(hana).get("/hr/report/").content.decode()
    assert "As of <strong>1 January 2025</strong>" in html
    assert "31% (23%–40%) of employees with only a sponsor" in html
    assert "not randomly assigned" in html
    assert "How every number is defined" in html


def test_the_report_page_refuses_a_future_date(hana, login):
    html = login(hana).get("/hr/report/", {"as_of": "2999-01-01",
                                           "window_months": 12}).content.decode()
    assert "can only be as of today or an earlier date" in html


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_table_on_every_page_exports_as_csv(hana, login):
    build_program(6, timezone.localdate())
    client = login(hana)
    for page in ("dashboard", "report", "equity"):
        tables = client.get(f"/hr/{page}/").context["tables"]
        assert tables
        for table in tables:
            rows = _csv(client.get(f"/hr/{page}/export/{table.slug}.csv"))
            if page == "report":  # the report's CSVs start with what they are, then a blank row
                assert rows[0][0] == "Outcome report as of", table.slug
                rows = rows[rows.index([]) + 1:]
            assert len(rows) == len(table.rows) + 1, (page, table.slug)
    rows = _csv(client.get("/hr/dashboard/export/relationships.csv"))
    assert rows[0] == ["Kind", "Active", "Overdue (check-in past due)", "Inactive (flagged)"]
    assert rows[1] == ["Mentorship", "6", "3", "2"]
    rows = _csv(client.get("/hr/report/export/outcomes.csv"))
    assert [row[0] for row in rows[:4]] == ["Outcome report as of", "Window", "Filters",
                                            "Minimum group size"]
    assert rows[4] == []
    assert rows[1:3] == [["Window", "12 months"], ["Filters", "none (everyone)"]]
    assert rows[5][-2:] == ["95% interval (low)", "95% interval (high)"]


def test_the_csv_headers_of_an_interval_or_a_share_are_translated(monkeypatch):
    """The CSV splits an interval into two columns and a count into count and share; the words
    it adds go through the catalogue like the label ("95% interval (low)" was English in every
    language)."""
    french = {"%(label)s (low)": "%(label)s (borne basse)",
              "%(label)s (high)": "%(label)s (borne haute)",
              "%(label)s (share)": "%(label)s (part)"}
    monkeypatch.setattr(tables, "_", lambda message: french.get(message, message))

    assert tables.Column("Intervalle à 95 %", "pct_ci").pair == (
        "Intervalle à 95 % (borne basse)", "Intervalle à 95 % (borne haute)")
    assert tables.Column("Personnes", "count_share").pair == ("Personnes", "Personnes (part)")


def test_an_unknown_export_is_404(hana, login):
    client = login(hana)
    assert client.get("/hr/nowhere/export/outcomes.csv").status_code == 404
    assert client.get("/hr/report/export/nothing.csv").status_code == 404


def test_the_pages_carry_no_inline_script_or_style(hana, login):
    client = login(hana)
    for url in ("/hr/dashboard/", "/hr/report/", "/hr/equity/"):
        html = client.get(url).content.decode()
        assert "style=" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag


def test_the_location_filter_lists_each_location_once_and_narrows_to_it(hana, login):
    for location in ("Paris", "London", "Paris", "Berlin", ""):
        factories.MentorshipFactory(mentee=factories.PersonFactory(location=location))
    response = login(hana).get("/hr/dashboard/", {"location": "Paris"})
    choices = [value for value, _ in response.context["form"].fields["location"].choices]
    assert choices == ["", "Berlin", "London", "Paris"]
    assert response.context["summary"]["active_mentorships"] == 2
