"""A check-in's (or touchpoint's) author corrects or deletes it within MEETING_EDIT_DAYS of
recording it; the relationship's last meeting and next due date follow."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Person
from matching.relationships.models import Meeting, relationship_models
from matching.relationships.services import meeting_validate

MEETING_EDIT_DAYS = 14
MEETING_NOT_YOURS = _("Only the person who recorded it can change or delete it.")
MEETING_TOO_OLD = _(
    "It was recorded more than {days} days ago, so it can no longer be changed or deleted."
)


def meeting_models() -> dict[str, type[Meeting]]:
    """The meeting model of each kind of relationship: {"mentorship": CheckIn, ...}."""
    found = {}
    for kind, model in relationship_models().items():
        for related in model._meta.related_objects:
            if issubclass(related.related_model, Meeting):
                found[kind] = related.related_model
    return found


def meeting_editable(meeting: Meeting, person: Person | None,
                     now: datetime.datetime | None = None) -> bool:
    """Whether `person` may still change `meeting` (pages use it to show the link)."""
    now = now or timezone.now()
    return (person is not None and meeting.author_id == person.pk
            and now - meeting.created_at <= datetime.timedelta(days=MEETING_EDIT_DAYS))


def _own(meeting: Meeting, by: Person, kind: str) -> tuple[Meeting, object]:
    model = type(meeting)
    meeting = model.objects.select_for_update().get(pk=meeting.pk)
    if meeting.author_id != by.pk:
        raise ValidationError(MEETING_NOT_YOURS)
    if not meeting_editable(meeting, by):
        raise ValidationError(MEETING_TOO_OLD.format(days=MEETING_EDIT_DAYS))
    relationship = type(getattr(meeting, kind)).objects.select_for_update().get(
        pk=getattr(meeting, f"{kind}_id"))
    return meeting, relationship


def _reschedule(relationship, kind: str) -> None:
    """The last meeting date and the next due date, from the meetings that remain."""
    meetings = meeting_models()[kind].objects.filter(**{kind: relationship})
    relationship.last_met_on = meetings.aggregate(last=Max("occurred_on"))["last"]
    if relationship.is_active:
        relationship.next_check_in_schedule()
    relationship.save(update_fields=["last_met_on", "next_due_on"])


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: Person, occurred_on: datetime.date, discussed: str,
                   private_notes: str = "", progress_rating: int | None = None) -> Meeting:
    kind = next(k for k, m in meeting_models().items() if isinstance(meeting, m))
    meeting, relationship = _own(meeting, by, kind)
    meeting_validate(relationship=relationship, occurred_on=occurred_on, discussed=discussed,
                     progress_rating=progress_rating)
    meeting.occurred_on, meeting.discussed = occurred_on, discussed.strip()
    meeting.private_notes, meeting.progress_rating = private_notes.strip(), progress_rating
    meeting.save(update_fields=["occurred_on", "discussed", "private_notes", "progress_rating"])
    _reschedule(relationship, kind)
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting, by: Person) -> None:
    kind = next(k for k, m in meeting_models().items() if isinstance(meeting, m))
    meeting, relationship = _own(meeting, by, kind)
    meeting.delete()
    _reschedule(relationship, kind)
