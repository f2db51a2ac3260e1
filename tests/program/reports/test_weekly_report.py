"""The weekly outcome report task: stored once, emailed to HR admins once, a readable summary."""

import pytest
from django.core import mail
from django.urls import reverse

from program.reminders.models import ReminderLog
from program.reports import tasks
from program.reports.mail import report_lines
from program.reports.models import ReportSnapshot

pytestmark = pytest.mark.django_db


def test_the_weekly_report_is_stored_and_emailed_to_hr_admins_once(
        hana, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.outcome_report_snapshot.delay("2026-03-09").get()
        again = tasks.outcome_report_snapshot.delay("2026-03-09").get()
    assert ReportSnapshot.objects.count() == 1
    assert first["snapshot"] == again["snapshot"]
    assert first["emailed"] == 1 and again["emailed"] == 0
    assert [m.to for m in mail.outbox] == [["hana@example.com"]]
    message = mail.outbox[0]
    assert "Outcome report as of 9 March 2026" in message.subject
    report_url = "http://testserver" + reverse("hr:report")
    assert report_url in message.body
    assert ReminderLog.objects.get().kind == "outcome_report"


def test_the_report_summary_names_each_group_and_hides_small_ones():
    data = {"groups": {
        "sponsorship_only": {"suppressed": False, "outcomes": {
            "promotion": {"count": 62, "n": 200, "rate": 0.31, "ci95": [0.25, 0.378]}}},
        "both": {"suppressed": True, "outcomes": {"promotion": {"rate": None}}},
    }}
    assert report_lines(data) == ["Sponsorship only: promoted 31% (25%–38%), n=200",
                                  "Both: too few people to show"]
