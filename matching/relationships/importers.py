"""Import kinds both relationship kinds share: `surveys` (answers from a mentee or protégé).

All-or-nothing like every import (accounts/importing.py): each problem is reported with its row
and column, and a file with any problem writes nothing. Re-importing the same file changes
nothing: rows are matched to what is already stored.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.importing import Column, Importer, parse_choice, parse_date, parse_rating, register
from matching.relationships.models import (
    NEVER_STARTED,
    SurveyResponse,
    relationship_models,
)


def covering(relationships: list, day):
    """The relationship running on `day`, else the most recent one started by then, else the
    most recent of all. `relationships` is sorted newest start first."""
    for relationship in relationships:
        started, ended = relationship.started_on, relationship.ended_on
        if started and started <= day and (ended is None or day <= ended):
            return relationship
    for relationship in relationships:
        if relationship.started_on and relationship.started_on <= day:
            return relationship
    return relationships[0] if relationships else None


@register
class SurveyImporter(Importer):
    kind = "surveys"
    label = gettext_lazy("survey answers")
    description = ("Survey answers from the mentee or protégé, linked to their relationship of "
                   "that kind running on answered_on (else their most recent).")
    columns = [
        Column("employee_id"),
        Column("relationship_kind", parse_choice(SurveyResponse.Kind.values)),
        Column("phase", parse_choice(SurveyResponse.Phase.values)),
        Column("answered_on", parse_date),
        Column("confidence", parse_rating),
        Column("goal_progress", parse_rating),
        Column("usefulness", parse_rating, required=False),
    ]

    def check(self, rows: list[dict]) -> None:
        people = self.person_ids(rows, "employee_id")
        ids = list(people.values())
        relationships: dict[tuple[str, int], list] = defaultdict(list)
        for kind, model in relationship_models().items():
            for relationship in (model.objects.filter(**{f"{model.RECEIVER}_id__in": ids})
                                 .exclude(status__in=NEVER_STARTED)
                                 .order_by("-started_on", "-id")):
                relationships[(kind, getattr(relationship, f"{model.RECEIVER}_id"))].append(
                    relationship)
        today = timezone.localdate()
        self.links: dict[int, object] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            number, phase, kind = row["_row"], row["phase"], row["relationship_kind"]
            if row["answered_on"] and row["answered_on"] > today:
                self.problem(number, "answered_on",
                             _("%(day)s is in the future") % {"day": row["answered_on"]})
            if phase == SurveyResponse.Phase.CLOSING and row.get("usefulness") is None:
                self.problem(number, "usefulness",
                             _("the closing survey asks how useful it was (1-5)"))
            if phase == SurveyResponse.Phase.BASELINE and row.get("usefulness") is not None:
                self.problem(number, "usefulness", _("usefulness is asked at the close only; "
                                                     "leave it blank for a baseline answer"))
            person = people.get(row["employee_id"])
            if person is None or kind is None or row["answered_on"] is None:
                continue
            relationship = covering(relationships.get((kind, person), []), row["answered_on"])
            if relationship is None:
                missing = (_("%(employee_id)s has no mentorship as mentee; import mentorships "
                             "first") if kind == "mentorship" else
                           _("%(employee_id)s has no sponsorship as protégé; import sponsorships "
                             "first"))
                self.problem(number, "relationship_kind",
                             missing % {"employee_id": row["employee_id"]})
                continue
            key = (kind, relationship.pk, phase)
            if key in seen:
                self.problem(number, "phase", _("the same %(kind)s already has a %(phase)s "
                                                "answer on row %(row)s")
                             % {"kind": kind, "phase": phase, "row": seen[key]})
            seen.setdefault(key, number)
            self.links[number] = relationship

    def write(self, rows: list[dict]) -> tuple[int, int]:
        stored = {}
        linked = Q()
        for kind, model in relationship_models().items():
            linked |= Q(**{f"{kind}_id__in": [r.pk for r in self.links.values()
                                              if isinstance(r, model)]})
        for response in SurveyResponse.objects.filter(linked):
            kind = response.relationship_kind
            stored[(kind, response.mentorship_id or response.sponsorship_id,
                    response.phase)] = response
        new, changed = [], []
        fields = ["answered_on", "confidence", "goal_progress", "usefulness"]
        for row in rows:
            relationship, kind = self.links[row["_row"]], row["relationship_kind"]
            values = {name: row.get(name) for name in fields}
            current = stored.get((kind, relationship.pk, row["phase"]))
            if current is not None:
                if any(getattr(current, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(current, name, value)
                    changed.append(current)
                continue
            respondent = getattr(relationship, f"{relationship.RECEIVER}_id")
            new.append(SurveyResponse(respondent_id=respondent, relationship_kind=kind,
                                      phase=row["phase"], **{kind: relationship}, **values))
        SurveyResponse.objects.bulk_create(new, batch_size=5000)
        SurveyResponse.objects.bulk_update(changed, fields, batch_size=5000)
        return len(new), len(changed)
