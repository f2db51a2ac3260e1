"""The pair panel on a mentorship's or sponsorship's page: how to reach the other person, the
next agreed meeting and unread messages (two queries, whatever the thread's length)."""

from django import template
from django.utils import timezone

from matching.pairs import services
from matching.relationships import services as relationships

register = template.Library()


@register.inclusion_tag("pairs/_panel.html", takes_context=True)
def pair_panel(context, relationship):
    person = getattr(context.get("request"), "person", None)
    if (person is None
            or person.pk not in (p.pk for p in relationships.participants(relationship))):
        return {"show": False}  # HR reads the record, not the pair's channel
    if not relationship.is_active:
        return {"show": False, "reflection_url": services.reflection_url(relationship)
                if services.reflection_due(relationship, person) else "",
                "other": services.other_side(relationship, person)}
    other = services.other_side(relationship, person)
    accepted = services.meetings_accepted(relationship)
    upcoming = services.meeting_upcoming(accepted)
    held = services.meeting_held_unlogged(relationship, accepted)
    return {
        "show": True,
        "other": other,
        "other_now": services.local(timezone.now(), other),
        "unread": services.unread_count(relationship, person),
        "thread_url": services.thread_url(relationship),
        "upcoming": upcoming,
        "upcoming_local": services.local(upcoming.starts_at, person) if upcoming else None,
        "held_local": services.local(held.starts_at, person) if held else None,
    }
