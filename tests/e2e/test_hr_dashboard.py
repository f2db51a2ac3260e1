"""HR in a real browser: the dashboard, the outcome report and equity pages, charts and tables
render, CSV downloads, the report prints cleanly; an employee is turned away."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_HR_TOTP_SECRET, DEMO_PASSWORD
from program.reports.outcome import outcome_report_snapshot_create
from tests.e2e.conftest import sign_in


@pytest.fixture
def demo_org(live_server, transactional_db):
    call_command("seed_demo", "--people", "400", "--seed", "1", "--quiet")
    outcome_report_snapshot_create(as_of=timezone.localdate(), window_months=12)


def _watch_console(page) -> list[str]:
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def _charts_drawn(page) -> int:
    """How many chart canvases Chart.js has drawn on (each has its Chart instance)."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".filter(c => c.chart && c.width > 0 && c.height > 0).length")


def test_hr_reads_the_dashboard_and_report_and_downloads_csv(demo_org, new_page, shots,
                                                             tmp_path):
    page = sign_in(new_page(), "hr@example.com", password=DEMO_PASSWORD,
                   totp_secret=DEMO_HR_TOTP_SECRET)
    problems = _watch_console(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Program health", level=1)).to_be_visible()
    canvases = page.locator("canvas[data-chart]").count()
    assert canvases >= 5
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length === "
                           "Array.from(document.querySelectorAll('canvas[data-chart]'))"
                           ".filter(c => c.chart).length")
    assert _charts_drawn(page) == canvases
    table = page.get_by_role("table", name="Active, overdue and inactive relationships")
    expect(table.get_by_role("rowheader", name="Mentorship")).to_be_visible()
    expect(page.get_by_role("heading", name="Latest outcome report")).to_be_visible()
    shots(page, "dashboard")
    page.screenshot(path=str(shots.folder / "viewport-dashboard.png"))  # for the README

    page.get_by_label("Level band").select_option("1-2")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"level_band=1-2"))
    shots(page, "dashboard-filtered")

    page.get_by_role("button", name="Recompute now").click()
    expect(page.get_by_text("The outcome report was recomputed")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outcome report").click()
    expect(page.get_by_role("heading", name="Mentorship and sponsorship outcomes")).to_be_visible()
    expect(page.get_by_role("heading", name="In plain words")).to_be_visible()
    expect(page.get_by_text("not randomly assigned").first).to_be_visible()
    outcomes = page.get_by_role("table", name=re.compile("^Outcomes within 12 months"))
    assert outcomes.get_by_role("row").count() == 17  # header + 4 groups x 4 outcomes
    page.wait_for_function("Array.from(document.querySelectorAll('canvas[data-chart]'))"
                           ".every(c => c.chart)")
    assert _charts_drawn(page) == page.locator("canvas[data-chart]").count() >= 3
    shots(page, "report")
    page.screenshot(path=str(shots.folder / "viewport-report.png"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download CSV of outcomes within")).click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    # The CSV says what it is before the table: as-of date, window, filters, minimum size.
    assert rows[0] == ["Outcome report as of", timezone.localdate().isoformat()]
    assert [row[0] for row in rows[1:4]] == ["Window", "Filters", "Minimum group size"]
    rows = rows[rows.index([]) + 1:]
    assert rows[0] == ["Group", "Outcome", "People with it", "People counted", "Rate",
                       "95% interval (low)", "95% interval (high)"]
    assert len(rows) == 17
    assert download.suggested_filename.startswith("report-outcomes-")

    expect(page.get_by_role("table", name="Compared with employees like them")).to_be_visible()
    expect(page.get_by_text("Confidential")).to_be_hidden()
    page.set_viewport_size({"width": 700, "height": 1000})  # about an A4 page's printed width
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("heading", name="How every number is defined")).to_be_visible()
    confidential = page.locator(".print-header")
    expect(confidential).to_be_visible()
    assert f"printed {timezone.localtime():%-d %B %Y}" in confidential.inner_text()
    assert "Filters: none (everyone)" in confidential.inner_text()
    shots(page, "report-print")
    # Every column of every table is on the paper: no table is wider than its figure.
    cut = page.evaluate(
        "Array.from(document.querySelectorAll('.hr-figure')).filter(f => {"
        " const t = f.querySelector('table'); return t &&"
        " t.getBoundingClientRect().right > f.getBoundingClientRect().right + 1;"
        "}).map(f => [f.querySelector('h2').textContent, f.getBoundingClientRect().right,"
        " f.querySelector('table').getBoundingClientRect().right])")
    assert cut == []
    page.pdf(path=str(tmp_path / "report.pdf"))  # prints without error
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Equity of access").first.click()
    expect(page.get_by_role("heading", name="Equity of access", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Access and outcomes by department")).to_be_visible()
    shots(page, "equity")
    assert problems == []


def test_an_employee_is_turned_away_from_the_hr_pages(demo_org, new_page, shots):
    page = sign_in(new_page(), "employee@example.com", password=DEMO_PASSWORD)
    assert page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Dashboard").count() == 0
    for url in ("/hr/dashboard/", "/hr/report/", "/hr/equity/"):
        response = page.goto(url)
        assert response.status == 403, url
    shots(page, "employee-403")
