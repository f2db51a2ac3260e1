"""Slack at 360 px: Alice chooses Slack on her profile; her first Slack message fails (Slack does
not know her address) and Hana (HR admin) sees it on the delivery panel, marked Slack."""

import pytest

from accounts import notifications
from accounts.models import OutboxMessage
from program.delivery.outbox import outbox_deliver
from tests.e2e.conftest import give_totp, sign_in
from tests.fakeslack import TOKEN, FakeSlack
from tests.program.delivery.notices import notify_each

pytestmark = pytest.mark.django_db(transaction=True)


def test_alice_chooses_slack_and_hr_sees_the_message_slack_refused_at_360_px(
        new_page, shots, settings, tmp_path, hana, alice, monkeypatch):
    # allauth remembers used TOTP codes in the cache; a shared Redis would remember them across
    # runs (same user id, same 30 s window) and refuse the code.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MAILERS = {"default": {"BACKEND": "tests.program.delivery.backends.FileEachBackend",
                                    "OPTIONS": {"file_path": str(tmp_path)}}}
    monkeypatch.setattr(notifications, "_delivery_starters", [])
    with FakeSlack(users={"bob@example.com": "U0BOB"}) as slack:
        settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL = TOKEN, slack.url

        page = sign_in(new_page(), alice.email)
        page.set_viewport_size({"width": 360, "height": 780})
        page.goto("/me/profile/")
        box = page.get_by_label("Also send me every notification as a Slack direct message")
        assert not box.is_checked()
        box.check()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shots(page, "narrow-360-profile-slack")
        page.get_by_role("button", name="Save profile").click()
        page.wait_for_url("**/me/profile/")
        assert "Your profile is saved." in page.content()
        alice.refresh_from_db()
        assert alice.notify_by_slack is True

        notify_each(alice)
        outbox_deliver()
        assert slack.methods() == ["users.lookupByEmail"]  # Slack does not know her address

    page = sign_in(new_page(), hana.email, totp_secret=give_totp(hana.user))
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/hr/reminders/")
    problem = page.locator(".delivery-problems li")
    assert problem.count() == 1
    text = problem.inner_text()
    assert text.startswith("Slack Alice Employee") and "users_not_found" in text
    assert "Failed after 1 attempt" in text
    assert OutboxMessage.objects.get(channel="email").status == "sent"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shots(page, "narrow-360-failed-slack-message")
