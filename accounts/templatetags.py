"""The filters of accounts/wording.py, built into every template (settings TEMPLATES builtins)."""

from django import template

from . import wording

register = template.Library()
register.filter("days_from_today", wording.days_from_today)
register.filter("time_ago", wording.time_ago)
register.filter("relationship_word", wording.relationship_word)


@register.filter
def count(n, noun: str) -> str:
    return wording.count(n, noun)
