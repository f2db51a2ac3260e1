"""Words for days, times, counts and shares, said one way everywhere (accounts/wording.py)."""

import datetime

import pytest

from accounts.wording import count, days_from_today, percent, time_ago

TODAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(("offset", "words"), [
    (0, "today"), (1, "tomorrow"), (-1, "yesterday"), (2, "in 2 days"), (-2, "2 days ago"),
    (-30, "30 days ago"),
])
def test_a_day_is_named_from_today(offset, words):
    assert days_from_today(TODAY + datetime.timedelta(days=offset), TODAY) == words


@pytest.mark.parametrize(("seconds", "words"), [
    (0, "just now"), (59, "just now"), (60, "1 minute ago"), (150, "2 minutes ago"),
    (3600, "1 hour ago"), (7300, "2 hours ago"), (86400 * 3, "3 days ago"),
])
def test_a_moment_is_named_from_now_never_zero_minutes(seconds, words, settings):
    settings.TIME_ZONE = "UTC"
    assert time_ago(NOW - datetime.timedelta(seconds=seconds), NOW) == words


@pytest.mark.parametrize(("n", "noun", "words"), [
    (1, "mentee", "1 mentee"), (2, "mentee", "2 mentees"), (0, "pair", "0 pairs"),
    (1, "pair", "1 pair"), (1, "day", "1 day"), (1, "person", "1 person"),
    (3, "person", "3 people"),
])
def test_a_count_takes_the_right_form_of_its_noun(n, noun, words):
    assert count(n, noun) == words


@pytest.mark.parametrize(("value", "words"), [
    (None, "–"), (0.0, "0%"), (0.0019, "0.2%"), (0.0004, "<0.1%"), (0.125, "12%"), (1.0, "100%"),
])
def test_a_share_never_shows_zero_when_it_is_not(value, words):
    assert percent(value) == words
