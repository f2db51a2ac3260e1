"""Each token has its own fixed window of API_RATE_LIMIT_PER_MINUTE requests a minute; past it,
429 with Retry-After (the seconds left in the minute), and the next minute it works again."""

import pytest
from django.core.cache import cache

from program.api import auth
from program.api.models import HrApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The API's clock, set by the test: 40 s into a minute."""
    now = {"t": 1_800_000_000 - 1_800_000_000 % 60 + 40.0}
    monkeypatch.setattr(auth, "_clock", lambda: now["t"])
    return now


def test_past_the_limit_a_token_waits_for_the_next_minute(api, read_token, settings, clock):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    cache.clear()
    assert [api("GET", "mentorships", read_token)[0] for _ in range(3)] == [200, 200, 200]
    status, body, response = api("GET", "mentorships", read_token)
    assert status == 429 and response["Retry-After"] == "20"
    assert body["detail"] == ("Too many requests for this token: at most 3 a minute. "
                              "Retry after 20 s.")
    _, other = HrApiToken.issue(name="Another tool", scopes=["read"], created_by=None)
    assert api("GET", "mentorships", other)[0] == 200  # each token counts for itself
    clock["t"] += 20  # the next minute
    assert api("GET", "mentorships", read_token)[0] == 200


def test_refused_requests_count_too_and_no_token_is_not_counted(api, read_token, settings,
                                                                clock):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    cache.clear()
    assert api("GET", "mentorships")[0] == 401  # no token: nothing to count against
    assert api("GET", "mentorships", read_token, limit=0)[0] == 400
    assert api("GET", "mentorships", read_token)[0] == 200
    assert api("GET", "dashboard", read_token)[0] == 429  # the window is per token, all paths


@pytest.mark.services
def test_with_redis_stopped_the_api_answers_and_still_limits(own_redis, api, read_token,
                                                             settings, clock):
    import redis

    settings.API_RATE_LIMIT_PER_MINUTE = 2
    assert api("GET", "mentorships", read_token)[0] == 200
    url = settings.CACHES["default"]["LOCATION"]
    assert redis.Redis.from_url(url).keys("*api-rate:*")  # counted in Redis, for every process
    own_redis.stop()
    # This process counts in its own memory now: the API keeps answering, and limiting.
    assert [api("GET", "mentorships", read_token)[0] for _ in range(3)] == [200, 200, 429]
