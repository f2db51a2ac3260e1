"""Slack direct messages for the outbox, through the official slack-sdk.

A Slack row of the outbox (accounts/notifications.py writes it beside the inbox entry, for people
who chose Slack) is delivered in three Web API calls: users.lookupByEmail finds the person's
Slack member by the row's address (cached on the Person, so later messages skip it),
conversations.open opens the direct message with the bot, and chat.postMessage posts the text.
The bot token needs the scopes users:read.email, im:write and chat:write (README, "Slack").

Every failure becomes a SlackError that tells outbox.py what to do with the row:
- Slack is busy (HTTP 429) or broken (5xx), or unreachable: try again later (at Retry-After, or
  with the outbox's backoff), and leave Slack alone for the rest of this batch;
- the address has no Slack user (users_not_found), or Slack is switched off: give up at once;
- anything else (a revoked token, a missing scope ...): the outbox's backoff, a clear error for
  HR, so fixing the token delivers what waits.
The client makes one attempt per call (no retry handlers): the outbox is the one retry path, so
a Slack outage never holds a worker.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from accounts.models import OutboxMessage, Person

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
RETRY_AFTER_MAX = datetime.timedelta(hours=1)

NOT_CONFIGURED = "Slack is switched off (SLACK_BOT_TOKEN is not set): not sent."
NO_SLACK_USER = ("Slack has no user with the address {address} (users_not_found): not sent. "
                 "The person can turn Slack off on their profile or use the address Slack knows.")
RATE_LIMITED = "Slack asked us to slow down (HTTP 429, retry after {seconds} s) at {method}."
SERVER_ERROR = "Slack answered HTTP {status} at {method}: {error}."
UNREACHABLE = "Slack could not be reached at {method}: {error}"
REFUSED = "Slack refused {method}: {error}."
TOKEN_REFUSED = ("Slack refused the bot token at {method} ({error}): check SLACK_BOT_TOKEN "
                 "and the app's scopes (users:read.email, im:write, chat:write).")
TOKEN_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired",
                "account_inactive", "missing_scope", "not_allowed_token_type"}


class SlackError(Exception):
    """A message Slack did not take; `give_up`: never try it again; `retry_after`: when to try
    again (None: the outbox's backoff); `pause`: Slack itself is unwell, try no more this batch."""

    def __init__(self, message: str, *, give_up: bool = False,
                 retry_after: datetime.timedelta | None = None, pause: bool = False):
        super().__init__(message)
        self.give_up = give_up
        self.retry_after = retry_after
        self.pause = pause


def slack_client() -> WebClient:
    if not settings.SLACK_BOT_TOKEN:
        raise SlackError(NOT_CONFIGURED, give_up=True)
    return WebClient(token=settings.SLACK_BOT_TOKEN, base_url=settings.SLACK_API_URL,
                     timeout=TIMEOUT_SECONDS, retry_handlers=[])


def slack_escape(text: str) -> str:
    """Slack reads <...> as links and mentions (<!channel> pings everyone) even in plain text:
    its three control characters are sent escaped, as its API asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_deliver(client: WebClient, row: OutboxMessage) -> None:
    """Post the row's text to its recipient's direct message with the bot, or raise SlackError."""
    person = row.recipient
    address = row.address.strip().lower()
    cached = (person is not None and person.slack_user_id
              and person.slack_user_email.lower() == address)
    user_id = person.slack_user_id if cached else _lookup(client, row.address, person)
    try:
        channel = _call(client.conversations_open, "conversations.open",
                        users=user_id)["channel"]["id"]
    except SlackError:
        if cached:  # the member may be gone: look them up again next time
            Person.objects.filter(pk=person.pk).update(slack_user_id="", slack_user_email="")
        raise
    _call(client.chat_postMessage, "chat.postMessage", channel=channel,
          text=slack_escape(row.text or row.subject), mrkdwn=False, unfurl_links=False,
          unfurl_media=False)


def _lookup(client: WebClient, address: str, person: Person | None) -> str:
    user_id = _call(client.users_lookupByEmail, "users.lookupByEmail",
                    email=address)["user"]["id"]
    if person is not None:
        Person.objects.filter(pk=person.pk).update(slack_user_id=user_id,
                                                   slack_user_email=address.strip().lower())
    return user_id


def _call(method, name: str, **arguments):
    """One Web API call; its failure as a SlackError that says what happened."""
    try:
        return method(**arguments)
    except SlackApiError as error:
        raise _api_failure(name, error, arguments) from error
    except (SlackClientError, OSError) as error:  # timeouts, refused connections, DNS
        raise SlackError(UNREACHABLE.format(method=name, error=error), pause=True) from error


def _api_failure(name: str, error: SlackApiError, arguments: dict) -> SlackError:
    response = error.response
    status = response.status_code
    code = (response.data.get("error") if isinstance(response.data, dict) else "") or "unknown"
    if status == 429:
        seconds = _seconds(response.headers)
        return SlackError(RATE_LIMITED.format(seconds=seconds, method=name), pause=True,
                          retry_after=min(datetime.timedelta(seconds=seconds), RETRY_AFTER_MAX))
    if status >= 500:
        return SlackError(SERVER_ERROR.format(status=status, method=name, error=code[:200]),
                          pause=True)
    if code == "users_not_found":
        return SlackError(NO_SLACK_USER.format(address=arguments.get("email", "")),
                          give_up=True)
    if code in TOKEN_ERRORS:
        return SlackError(TOKEN_REFUSED.format(method=name, error=code))
    return SlackError(REFUSED.format(method=name, error=code[:200]))


def _seconds(headers) -> int:
    """Retry-After in whole seconds (Slack sends an integer); 60 when it is missing or odd."""
    value = next((v for k, v in (headers or {}).items() if k.lower() == "retry-after"), "")
    if isinstance(value, list):
        value = value[0] if value else ""
    try:
        return max(1, int(str(value).strip()))
    except ValueError:
        return 60
