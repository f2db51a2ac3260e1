"""The sweep with the services around it: recording a meeting, and the HR dashboard."""

import re

import pytest
from django.utils import timezone

from matching.relationships.services import meeting_record
from program.reminders.models import ReminderLog
from program.reminders.sweep import reminders_sweep

from .conftest import days

pytestmark = pytest.mark.django_db


def test_recording_a_check_in_stops_the_reminders_for_the_old_due_date(mentorship_due, alice):
    today = timezone.localdate()
    mentorship = mentorship_due(today - days(1))
    meeting_record(relationship=mentorship, author=alice, occurred_on=today,
                   discussed="Planned the conference talk.")
    result = reminders_sweep(as_of=today)
    assert sum(result.counts().values()) == 0
    assert not ReminderLog.objects.exists()


def test_a_meeting_after_the_inactive_flag_makes_the_pair_active_again(mentorship_due, alice):
    today = timezone.localdate()
    mentorship = mentorship_due(today - days(76), cadence=14)
    reminders_sweep(as_of=today, kinds=["inactive"])
    mentorship.refresh_from_db()
    assert mentorship.inactive_since == today
    meeting_record(relationship=mentorship, author=alice, occurred_on=today,
                   discussed="Agreed to carry on, monthly.")
    mentorship.refresh_from_db()
    assert mentorship.inactive_since is None


def test_a_pair_flagged_inactive_shows_on_the_hr_dashboard(mentorship_due, hana, login):
    today = timezone.localdate()
    mentorship_due(today - days(76), cadence=14)
    client = login(hana)

    def inactive_count():
        page = client.get("/hr/dashboard/").content.decode()
        match = re.search(r'stat-value">(\d+)</span> <span class="stat-label">inactive', page)
        return int(match.group(1))

    assert inactive_count() == 0
    reminders_sweep(as_of=today, kinds=["inactive"])
    assert inactive_count() == 1
