"""Words for numbers and days, said once for the whole app: "today", "tomorrow", "in 3 days",
"2 days ago", "1 mentee", never "0 minutes ago" or "1 days".

Every template has them as filters (a builtin library, accounts/templatetags.py):
`day|days_from_today`, `moment|time_ago`, `n|count:"mentee"`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext_lazy


def days_from_today(day: datetime.date, today: datetime.date | None = None) -> str:
    """'today', 'tomorrow', 'yesterday', 'in 3 days' or '3 days ago'."""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    today = today or timezone.localdate()
    delta = (day - today).days
    if delta == 0:
        return gettext("today")
    if delta == 1:
        return gettext("tomorrow")
    if delta == -1:
        return gettext("yesterday")
    if delta > 0:
        return ngettext("in %(n)d day", "in %(n)d days", delta) % {"n": delta}
    return ngettext("%(n)d day ago", "%(n)d days ago", -delta) % {"n": -delta}


def time_ago(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """'just now', '5 minutes ago', '2 hours ago', then days_from_today ('yesterday', ...)."""
    now = now or timezone.now()
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        minutes = int(seconds // 60)
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", minutes) % {"n": minutes}
    if seconds < 86400:
        hours = int(seconds // 3600)
        return ngettext("%(n)d hour ago", "%(n)d hours ago", hours) % {"n": hours}
    return days_from_today(timezone.localtime(moment).date(), timezone.localtime(now).date())


# Nouns the templates count. Each pair is written out so translators see both forms.
NOUNS = {
    "mentee": lambda n: ngettext("%(n)d mentee", "%(n)d mentees", n),
    "protégé": lambda n: ngettext("%(n)d protégé", "%(n)d protégés", n),
    "pair": lambda n: ngettext("%(n)d pair", "%(n)d pairs", n),
    "day": lambda n: ngettext("%(n)d day", "%(n)d days", n),
    "month": lambda n: ngettext("%(n)d month", "%(n)d months", n),
    "record": lambda n: ngettext("%(n)d record", "%(n)d records", n),
    "request": lambda n: ngettext("%(n)d request", "%(n)d requests", n),
    "person": lambda n: ngettext("%(n)d person", "%(n)d people", n),
    "goal": lambda n: ngettext("%(n)d goal", "%(n)d goals", n),
    "award": lambda n: ngettext("%(n)d award", "%(n)d awards", n),
    "check-in": lambda n: ngettext("%(n)d check-in", "%(n)d check-ins", n),
    "place": lambda n: ngettext("%(n)d place", "%(n)d places", n),
}


# The two kinds of relationship, as a sentence says them ("your mentorship"); the code says
# "mentorship" or "sponsorship" (relationships.kind_name).
RELATIONSHIP_WORDS = {
    "mentorship": pgettext_lazy("relationship kind, in a sentence", "mentorship"),
    "sponsorship": pgettext_lazy("relationship kind, in a sentence", "sponsorship"),
}


def relationship_word(kind: str) -> str:
    """'mentorship' or 'sponsorship' in the reader's language."""
    return str(RELATIONSHIP_WORDS.get(kind, kind))


def count(n: int, noun: str) -> str:
    """'1 mentee', '2 mentees': the number and the noun in the right form."""
    n = int(n or 0)
    return NOUNS[noun](n) % {"n": n}


def percent(value: float | None) -> str:
    """A share as people read it: '12%'; under 1% keeps a decimal ('0.2%', never a '0%' that is
    not zero); '–' when there is nothing to measure."""
    if value is None:
        return "–"
    pct = value * 100
    if pct == 0 or pct >= 1:
        number = number_format(round(pct), 0)
    elif pct >= 0.05:
        number = number_format(round(pct, 1), 1)
    else:
        return gettext("<%(number)s%%") % {"number": number_format(0.1, 1)}
    # The number and the sign as the language writes them: "12%", "12 %", "0,2 %".
    return gettext("%(number)s%%") % {"number": number}

# Django 6.1's own Spanish catalogue lacks the label of a model field's blank choice
# (django.db.models.fields.BLANK_CHOICE_LABEL); listed here so ours answers for it.
gettext_noop("- Select an option -")
