"""The mentorship card on the home page (the home view belongs to accounts, so the card loads its
own data, scoped to the signed-in person)."""

from django import template
from django.utils.translation import gettext

from accounts.models import MentorProfile
from matching import scoring
from matching.mentorship.selectors import overview_for

register = template.Library()


@register.inclusion_tag("mentorship/_card.html", takes_context=True)
def mentorship_card(context):
    roles = context.get("roles")
    person = getattr(roles, "person", None)
    if person is None:
        return {"overview": None}
    return {"overview": overview_for(person), "person": person,
            "profile": MentorProfile.objects.filter(person=person).first()}


@register.filter
def stars(value):
    """A 1-5 rating as text a screen reader and an eye both understand: '4/5'."""
    return f"{value}/5" if value else gettext("no rating")


@register.filter
def language_names(codes):
    """Spoken-language codes as names in the reader's language: "English, French"."""
    return ", ".join(scoring.language_name(code) for code in codes or ())
