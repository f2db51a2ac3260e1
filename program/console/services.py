"""HR's bulk action: remind every overdue pair on a list, in one go, through notify_many."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.notifications import Notice, notify_many
from matching.relationships.models import RelationshipStatus
from matching.relationships.services import participants, relationship_url

REMIND_LIMIT = 2000
NOTHING_OVERDUE = _("No pair on this list is overdue: nobody was reminded.")
TOO_MANY = ("{count} overdue pairs match; narrow the list (a cohort, a department) to at most "
            "{limit} and remind them in parts.")
REASON_REQUIRED = _("Say why HR is reminding them; both people will read it.")


@transaction.atomic
def overdue_pairs_remind(*, relationships: QuerySet, by, reason: str, today: datetime.date,
                         request=None) -> int:
    """Tell both people of every active, overdue relationship in `relationships` that their
    check-in is overdue, with HR's note; one audit row for the whole action. Returns the number
    of pairs reminded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    model = relationships.model
    overdue = (relationships.filter(status=RelationshipStatus.ACTIVE, next_due_on__lt=today)
               .select_related(model.GIVER, model.RECEIVER).order_by("pk"))
    pairs = list(overdue[:REMIND_LIMIT + 1])
    if not pairs:
        raise ValidationError(NOTHING_OVERDUE)
    if len(pairs) > REMIND_LIMIT:
        raise ValidationError(TOO_MANY.format(count=overdue.count(), limit=REMIND_LIMIT))
    notices = []
    for relationship in pairs:
        giver, receiver = participants(relationship)
        for person, other in ((giver, receiver), (receiver, giver)):
            notices.append(Notice(
                recipient=person, kind="hr_overdue_reminder", template="hr-action",
                url=relationship_url(relationship),
                context={"reason": reason, "by": by, "headline": (
                    f"HR reminds you: your check-in with {other.full_name} was due on "
                    f"{relationship.next_due_on:%-d %B %Y}.")}))
    notify_many(notices)
    audit_record(request or by, f"hr.{model.KIND}_remind_overdue",
                 summary=f"Reminded {len(pairs)} overdue {model.KIND} pair(s)", reason=reason,
                 relationship_ids=[r.pk for r in pairs][:200])
    return len(pairs)
