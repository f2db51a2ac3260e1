"""Every key page, opened as its persona, runs at most 25 queries, on a small and on a larger demo
organisation (seed_demo's steps: people, mentorships, sponsorships, advocacy, career events, a
cohort, a stored report). The pages are the ones `make bench` times (tests/bench/pages.py), so the
benchmark table and this guard cannot drift apart; the benchmark adds 100,000 people."""

import pytest

from accounts import demo
from tests.bench.pages import _client, pages

BUDGET = 25
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("people", [150, 600])
def test_each_key_page_stays_within_its_query_budget(people, django_assert_max_num_queries):
    demo.seed(people=people, seed=1)
    seen = []
    for name, user, url in pages():
        client = _client(user)
        with django_assert_max_num_queries(BUDGET, info=f"{name} ({url}), {people} people"):
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        seen.append(name)
    assert {"equity", "HR dashboard", "outcome report", "suggestions", "mentor directory",
            "cohort preview", "inbox", "protégé page", "sponsor page"} <= set(seen)
