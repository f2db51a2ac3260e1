"""The filters of accounts/wording.py, built into every template (settings TEMPLATES builtins)."""

from django import template
from django.conf import settings

from . import wording

register = template.Library()
register.filter("days_from_today", wording.days_from_today)
register.filter("time_ago", wording.time_ago)
register.filter("relationship_word", wording.relationship_word)


@register.filter
def count(n, noun: str) -> str:
    return wording.count(n, noun)


@register.simple_tag
def app_languages():
    """The languages the app speaks, each named in itself and never translated (a French
    reader looks for "Español" to switch to Spanish): {% app_languages as languages %}."""
    return settings.LANGUAGES
