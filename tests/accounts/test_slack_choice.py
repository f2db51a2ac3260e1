"""Choosing Slack on the profile page: offered only when the program has a Slack bot token.

Alice edits her own profile."""

import re

import pytest

pytestmark = pytest.mark.django_db

LABEL = "Also send me every notification as a Slack direct message"


def _checkbox(page: str) -> str:
    return re.search(r'<input[^>]*name="notify_by_slack"[^>]*>', page).group(0)


def test_without_slack_configured_the_profile_offers_no_slack_and_ignores_a_forged_choice(
        settings, login, alice):
    settings.SLACK_BOT_TOKEN = ""
    client = login(alice)
    page = client.get("/me/profile/").content.decode()
    assert "Slack" not in page and LABEL not in page
    client.post("/me/profile/", {"preferred_language": "en", "notify_by_slack": "on"})
    alice.refresh_from_db()
    assert alice.notify_by_slack is False


def test_with_slack_configured_a_person_turns_slack_messages_on_and_off(settings, login, alice):
    settings.SLACK_BOT_TOKEN = "xoxb-test"
    client = login(alice)
    page = client.get("/me/profile/").content.decode()
    assert "<legend>Slack</legend>" in page and LABEL in page
    assert "checked" not in _checkbox(page)

    response = client.post("/me/profile/", {"preferred_language": "en",
                                            "notify_requests": "email",
                                            "notify_by_slack": "on"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.notify_by_slack is True and alice.notify_requests == "email"
    page = client.get("/me/profile/").content.decode()
    assert "checked" in _checkbox(page)

    client.post("/me/profile/", {"preferred_language": "en", "notify_requests": "email"})
    alice.refresh_from_db()
    assert alice.notify_by_slack is False
