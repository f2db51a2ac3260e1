"""SCIM 2.0 Groups (RFC 7643 section 4.2, RFC 7644) mapped onto the program's roles: what they
are and how they read (the changes are in group_changes.py).

The program has one role an identity provider can sensibly own: HR admin. Its group (fixed id
"hr-admins", named "HR admins" until the provider renames it) has as members exactly the
people who hold the role, and adding or removing a member goes through the HR console's own
service (accounts.services.hr_admin_role_set): the same rules (an account is needed; the last
HR admin stays), the same audit row, and the person is told.

Mentors and sponsors are not groups: both are things a person offers (mentoring capacity and
what they help with; a sponsor's commitment, which they accept themselves and HR approves below
the sponsor level), so a provider cannot sensibly switch them on or off.

Any other group a provider pushes (Entra ID pushes every group assigned to the application) is
kept with its members, so the provider reads back what it sent and stops retrying, but it
grants nothing.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import Person
from program.scim.models import ROLE_GROUPS, ScimGroup, ScimGroupMember
from program.scim.users import (
    LIST_RESPONSE,
    ScimError,
    bounds,
    location,
    people,
    projected,
    user_id,
)

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
NAME_MAX = 256


def group_location(group_id: str) -> str:
    return settings.SITE_URL + reverse("scim:group", args=[group_id])


def role_groups() -> dict[str, ScimGroup]:
    """The role groups, created on first use (so they exist whatever the database went
    through: a flushed test database, a restored dump)."""
    found = {group.role: group for group in ScimGroup.objects.exclude(role="")}
    for role, (pk, name) in ROLE_GROUPS.items():
        if role not in found:
            try:
                with transaction.atomic():
                    found[role], _created = ScimGroup.objects.get_or_create(
                        pk=pk, defaults={"role": role, "display_name": name})
            except IntegrityError:  # created by a request running at the same moment
                found[role] = ScimGroup.objects.get(pk=pk)
    return found


def role_holders(role: str):
    """The people holding a role, as SCIM sees people."""
    if role == ScimGroup.Role.HR_ADMIN:
        return people().filter(user__is_hr_admin=True)
    raise ValueError(role)  # pragma: no cover - every role in ScimGroup.Role is mapped above


def groups_of(persons: list[Person]) -> dict[int, list[dict]]:
    """Each person's groups, for the read-only `groups` attribute of Users: two queries for
    any number of people."""
    result: dict[int, list[dict]] = {p.pk: [] for p in persons}
    admins = [p for p in persons if p.user_id and p.user.is_hr_admin]
    if admins:  # the role group as stored, or as it starts (a read creates nothing)
        pk, name = ROLE_GROUPS[ScimGroup.Role.HR_ADMIN]
        hr = (ScimGroup.objects.filter(role=ScimGroup.Role.HR_ADMIN).first()
              or ScimGroup(pk=pk, role=ScimGroup.Role.HR_ADMIN, display_name=name))
        for person in admins:
            result[person.pk].append(_group_reference(hr))
    memberships = (ScimGroupMember.objects.filter(person__in=[p.pk for p in persons])
                   .select_related("group").order_by("group__created_at", "group_id"))
    for membership in memberships:
        result[membership.person_id].append(_group_reference(membership.group))
    return result


def _group_reference(group: ScimGroup) -> dict:
    return {"value": group.pk, "$ref": group_location(group.pk), "display": group.display_name,
            "type": "direct"}


# Reading.


def group_or_404(pk) -> ScimGroup:
    role_groups()
    group = ScimGroup.objects.filter(pk=str(pk)).first()
    if group is None:
        raise ScimError(404, f"No group with id {pk}.")
    return group


def _members(groups: list[ScimGroup]) -> dict[str, list[dict]]:
    """The members of each group: one query per role present, one for the others."""
    result: dict[str, list[dict]] = {g.pk: [] for g in groups}
    for group in groups:
        if group.role:
            result[group.pk] = [_member(p, p.full_name)
                                for p in role_holders(group.role).order_by("pk")]
    plain = [g.pk for g in groups if not g.role]
    if plain:
        visible = people().values("pk")
        for membership in (ScimGroupMember.objects.filter(group__in=plain, person__in=visible)
                           .select_related("person").order_by("pk")):
            result[membership.group_id].append(
                _member(membership.person, membership.display or membership.person.full_name))
    return result


def _member(person: Person, display: str) -> dict:
    return {"value": str(person.pk), "$ref": location(person.pk), "type": "User",
            "display": display}


def group_document(group: ScimGroup, members: list[dict] | None) -> dict:
    """members None: left out (excludedAttributes=members, which Entra ID asks for)."""
    doc = {"schemas": [GROUP], "id": group.pk, "displayName": group.display_name}
    if group.external_id:
        doc["externalId"] = group.external_id
    if members:
        doc["members"] = members
    doc["meta"] = {"resourceType": "Group", "location": group_location(group.pk),
                   "created": group.created_at.isoformat(),
                   "lastModified": group.updated_at.isoformat(),
                   "version": f'W/"{int(group.updated_at.timestamp() * 1000)}"'}
    return doc


def documents(groups: list[ScimGroup], attributes=None, excluded=None) -> list[dict]:
    wanted = _wants_members(attributes, excluded)
    members = _members(groups) if wanted else {}
    return [projected(group_document(g, members.get(g.pk) if wanted else None),
                      attributes, excluded) for g in groups]


def _wants_members(attributes: str | None, excluded: str | None) -> bool:
    def names(text):
        return {n.strip().lower().removeprefix(GROUP.lower() + ":").split(".")[0]
                for n in (text or "").split(",")}

    if attributes:
        return "members" in names(attributes)
    return "members" not in names(excluded)


def groups():
    role_groups()
    return ScimGroup.objects.order_by("created_at", "pk")


# Filters: `eq` on displayName, id or externalId, and a member test, joined by `and`, as Entra
# ID asks 'id eq "…" and members[value eq "…"]' before it adds or removes someone.

CLAUSE = re.compile(
    r'\s*(?:members\[\s*value\s+eq\s+"(?P<member>(?:[^"\\]|\\.)*)"\s*\]'
    r'|(?P<attribute>[\w.:]+)\s+eq\s+"(?P<value>(?:[^"\\]|\\.)*)")\s*', re.IGNORECASE)
AND = re.compile(r"and\b", re.IGNORECASE)


def filtered(queryset, expression: str):
    position, text = 0, expression or ""
    while True:
        match = CLAUSE.match(text, position)
        if not match:
            raise ScimError(400, f"Unsupported filter {expression!r}: use 'displayName eq \"…\"', "
                            "id, externalId or members[value eq \"…\"], joined by and.",
                            "invalidFilter")
        queryset = _clause(queryset, match)
        position = match.end()
        if position == len(text):
            return queryset
        joined = AND.match(text, position)
        if not joined:
            raise ScimError(400, f"Unsupported filter {expression!r}: only and joins clauses.",
                            "invalidFilter")
        position = joined.end()


def _clause(queryset, match):
    if match.group("member") is not None:
        return queryset.filter(_has_member(match.group("member").replace('\\"', '"')))
    attribute = match.group("attribute").lower().removeprefix(GROUP.lower() + ":")
    value = match.group("value").replace('\\"', '"')
    if "\x00" in value:  # no stored text holds NUL (and PostgreSQL cannot be asked)
        return queryset.none()
    if attribute == "displayname":
        return queryset.filter(display_name__iexact=value)
    if attribute == "id":
        return queryset.filter(pk=value)
    if attribute == "externalid":
        return queryset.filter(external_id=value)
    if attribute == "members.value":
        return queryset.filter(_has_member(value))
    raise ScimError(400, f"Filtering groups on {match.group('attribute')!r} is not supported.",
                    "invalidFilter")


def _has_member(value: str) -> Q:
    pk = user_id(value)
    if pk is None:
        return Q(pk__in=[])
    roles = [role for role in ScimGroup.Role.values
             if role_holders(role).filter(pk=pk).exists()]
    return Q(role__in=roles) | Q(memberships__person_id=pk,
                                 memberships__person__in=people().values("pk"))


def page(queryset, start_index, count, attributes=None, excluded=None) -> dict:
    start, size = bounds(start_index, count)
    queryset = queryset.distinct()
    total = queryset.count()
    found = list(queryset[start - 1:start - 1 + size]) if size else []
    return {"schemas": [LIST_RESPONSE], "totalResults": total, "startIndex": start,
            "itemsPerPage": len(found), "Resources": documents(found, attributes, excluded)}
