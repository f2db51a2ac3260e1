"""HR sees an email that failed on the reminders page, with its error, at 360 px wide, and
retries it once the mail server is back. Hana (HR admin) watches; Alice's email failed."""

import re

import pytest

from accounts import notifications
from accounts.models import OutboxMessage
from accounts.notifications import Notice, notify_many
from program.delivery.outbox import MAX_ATTEMPTS, outbox_deliver
from tests.e2e.conftest import give_totp, sign_in
from tests.program.delivery.backends import DISK_FULL, delivered

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_sees_a_failed_email_and_retries_it_at_360_px(
        new_page, shots, settings, tmp_path, hana, alice, monkeypatch):
    # allauth remembers used TOTP codes in the cache; a shared Redis would remember them across
    # runs (same user id, same 30 s window) and refuse the code.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MAILERS = {"default": {"BACKEND": "tests.program.delivery.backends.FileEachBackend",
                                    "OPTIONS": {"file_path": str(tmp_path)}}}
    monkeypatch.setattr(notifications, "_delivery_starters", [])
    notify_many([Notice(recipient=alice, kind="mentor_request_expired",
                        template="mentor-request-expired",
                        context={"mentor_request": None, "mentor": alice, "mentee": alice})])
    (tmp_path / "BROKEN").touch()
    for _ in range(MAX_ATTEMPTS):  # a day of failures, compressed
        outbox_deliver(now=OutboxMessage.objects.get().next_attempt_at)
    assert OutboxMessage.objects.get().status == "failed"
    (tmp_path / "BROKEN").unlink()

    page = sign_in(new_page(), hana.email, totp_secret=give_totp(hana.user))
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/hr/reminders/")
    panel = page.locator(".delivery-summary")
    assert "alice@example.com" in panel.inner_text() and DISK_FULL in panel.inner_text()
    # Nothing sticks out of the page at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shots(page, "narrow-360-failed-email")

    monkeypatch.setattr(notifications, "_delivery_starters", [outbox_deliver])
    page.get_by_role("button", name=re.compile("Retry the 1 failed email")).click()
    page.wait_for_url(re.compile(r"/hr/reminders/$"))
    assert "1 failed email will be tried again now." in page.content()
    shots(page, "narrow-360-retried")
    assert delivered(tmp_path) == ["alice@example.com"]
    assert OutboxMessage.objects.get().status == "sent"
