"""The sponsorship card on the home page (the home view belongs to accounts, so the card loads
its own data, scoped to the signed-in person)."""

from django import template
from django.utils import timezone

from accounts.models import SponsorProfile
from matching.sponsorship.models import SponsorshipInterest
from matching.sponsorship.selectors import protege_page, sponsor_page

register = template.Library()


@register.inclusion_tag("sponsorship/_card.html", takes_context=True)
def sponsorship_card(context):
    roles = context.get("roles")
    person = getattr(roles, "person", None)
    if person is None:
        return {"card": {}}
    profile = SponsorProfile.objects.filter(person=person).first()
    card = {
        "profile": profile,
        "sponsor": (sponsor_page(person, timezone.localdate())
                    if roles.is_sponsor else None),
        "protege": protege_page(person),
        "open_interest": SponsorshipInterest.objects.filter(
            person=person, resolved_at__isnull=True).first(),
    }
    return {"card": card}
