"""SCIM 2.0 Groups (RFC 7643 section 4.2, RFC 7644) mapped onto the program's roles.

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
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Person
from accounts.services import hr_admin_role_set
from program.scim.models import ROLE_GROUPS, ScimGroup, ScimGroupMember
from program.scim.users import (
    LIST_RESPONSE,
    ScimError,
    bounds,
    invalid,
    location,
    patch_operations,
    people,
    projected,
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
    if not value.isdigit():
        return Q(pk__in=[])
    roles = [role for role in ScimGroup.Role.values
             if role_holders(role).filter(pk=int(value)).exists()]
    return Q(role__in=roles) | Q(memberships__person_id=int(value),
                                 memberships__person__in=people().values("pk"))


def page(queryset, start_index, count, attributes=None, excluded=None) -> dict:
    start, size = bounds(start_index, count)
    queryset = queryset.distinct()
    total = queryset.count()
    found = list(queryset[start - 1:start - 1 + size]) if size else []
    return {"schemas": [LIST_RESPONSE], "totalResults": total, "startIndex": start,
            "itemsPerPage": len(found), "Resources": documents(found, attributes, excluded)}


# Writing: every write works out the wanted state (name, externalId, members), then _apply()
# makes the difference, through the role's service for a role group.


def _name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("displayName is required (a group's name).")
    value = value.strip()
    if len(value) > NAME_MAX or "\x00" in value:
        raise invalid(f"displayName is longer than {NAME_MAX} characters or holds a NUL.")
    return value


def _external_id(value) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 254 or "\x00" in value:
        raise invalid("externalId is a string of up to 254 characters.")
    return value


def _member_list(value) -> dict[int, str]:
    """[{value, display, type, $ref}] -> {person id: display}, every id a person SCIM knows."""
    if value is None:
        return {}
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise invalid("members is a list of {value, display, type}.")
    wanted: dict[int, str] = {}
    for member in value:
        if str(member.get("type") or "User").lower() == "group":
            raise invalid("A group cannot be a member of a group here; list its people.")
        raw = str(member.get("value") or "").strip()
        if not raw.isdigit():
            raise invalid(f"members: no user with id {raw!r}.")
        display = member.get("display")
        wanted[int(raw)] = (display.replace("\x00", "").strip()[:NAME_MAX]
                            if isinstance(display, str) else "")
    known = set(people().filter(pk__in=list(wanted)).values_list("pk", flat=True))
    unknown = [str(pk) for pk in wanted if pk not in known]
    if unknown:
        raise invalid(f"members: no user with id {', '.join(unknown)}.")
    return wanted


class _State:
    def __init__(self, group: ScimGroup, members: dict[int, str]):
        self.name, self.external_id, self.members = (group.display_name, group.external_id,
                                                      dict(members))


def _current_members(group: ScimGroup) -> dict[int, str]:
    if group.role:
        return dict.fromkeys(role_holders(group.role).values_list("pk", flat=True), "")
    visible = people().values("pk")
    return dict(group.memberships.filter(person__in=visible)
                .values_list("person_id", "display"))


def _apply(group: ScimGroup, state: _State, *, token, action: str, creating: bool = False):
    before = {} if creating else _current_members(group)
    added = [pk for pk in state.members if pk not in before]
    removed = [pk for pk in before if pk not in state.members]
    clash = (ScimGroup.objects.filter(display_name__iexact=state.name)
             .exclude(pk=group.pk).exists())
    if clash:
        raise ScimError(409, f"Another group is called {state.name!r}.", "uniqueness")
    group.display_name, group.external_id = state.name, state.external_id
    group.updated_at = timezone.now()
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:  # the same name created at the same moment
        raise ScimError(409, f"Another group is called {state.name!r}.", "uniqueness") from None
    source = f"SCIM token {getattr(token, 'name', '')!r}".strip()
    if group.role:
        _role_change(group, added, removed, source)
    else:
        group.memberships.filter(person_id__in=removed).delete()
        ScimGroupMember.objects.bulk_create(
            [ScimGroupMember(group=group, person_id=pk, display=state.members[pk])
             for pk in added], ignore_conflicts=True)
        for pk, display in state.members.items():
            if pk in before and before[pk] != display:
                group.memberships.filter(person_id=pk).update(display=display)
    audit_record(None, action, target=group, summary=f"{group.display_name} via SCIM",
                 token=getattr(token, "name", ""), role=group.role, added=added,
                 removed=removed)


def _role_change(group: ScimGroup, added: list[int], removed: list[int], source: str) -> None:
    """The HR console's service, once per person whose role changes (granted first, so
    swapping the last HR admin for another in one request works)."""
    reason = _("Your membership of the group %(group)s in the company's identity provider "
               "changed.") % {"group": group.display_name}
    changes = [(pk, True) for pk in added] + [(pk, False) for pk in removed]
    persons = Person.objects.select_related("user").in_bulk([pk for pk, _grant in changes])
    for pk, grant in changes:
        try:
            hr_admin_role_set(person=persons[pk], is_hr_admin=grant, by=None, reason=reason,
                              source=source)
        except ValidationError as error:
            raise invalid(" ".join(error.messages)) from None


@transaction.atomic
def group_create(doc: dict, *, token) -> ScimGroup:
    """POST /Groups. The name of a role group adopts it (Okta creates the group it pushes;
    Entra ID finds it by name first): it takes the externalId sent and gains the members
    listed, and loses none, since a provider creating a group never means "take the role from
    everyone else". Any other name the program has is a conflict."""
    name, external_id = _name(doc.get("displayName")), _external_id(doc.get("externalId"))
    members = _member_list(doc.get("members"))
    role_groups()  # they exist before any other group can take their names
    existing = (ScimGroup.objects.select_for_update().filter(display_name__iexact=name)
                .first())
    if existing is not None:
        if not existing.role:
            raise ScimError(409, f"A group called {name!r} exists already (id {existing.pk}).",
                            "uniqueness")
        state = _State(existing, _current_members(existing))
        state.external_id = external_id or existing.external_id
        state.members.update(members)
        _apply(existing, state, token=token, action="scim.group_adopt")
        return existing
    group = ScimGroup(pk=str(uuid.uuid4()), created_at=timezone.now())
    state = _State(group, members)
    state.name, state.external_id = name, external_id
    _apply(group, state, token=token, action="scim.group_create", creating=True)
    return group


def _locked(group: ScimGroup) -> ScimGroup:
    return ScimGroup.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def group_replace(group: ScimGroup, doc: dict, *, token) -> ScimGroup:
    """PUT: the name, externalId and the whole member list as sent."""
    group = _locked(group)
    state = _State(group, _member_list(doc.get("members")))
    state.name, state.external_id = _name(doc.get("displayName")), _external_id(
        doc.get("externalId"))
    _apply(group, state, token=token, action="scim.group_replace")
    return group


@transaction.atomic
def group_patch(group: ScimGroup, body: dict, *, token) -> ScimGroup:
    """PATCH (RFC 7644 3.5.2), in the shapes Entra ID and Okta send: add / remove / replace
    on members (remove with a value list, or with a path 'members[value eq "…"]'), and on
    displayName and externalId, with or without a path."""
    operations = patch_operations(body)
    group = _locked(group)
    state = _State(group, _current_members(group))
    for op, path, value in operations:
        if path:
            _patch_one(state, op, path, value)
        else:
            for key, item in value.items():
                if key.lower() not in ("id", "schemas", "meta"):  # Okta repeats the id
                    _patch_one(state, op, key, item)
    _apply(group, state, token=token, action="scim.group_patch")
    return group


MEMBER_PATH = re.compile(r'^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$', re.IGNORECASE)


def _patch_one(state: _State, op: str, path: str, value) -> None:
    name = path.lower().removeprefix(GROUP.lower() + ":")
    one = MEMBER_PATH.match(path)
    if one:
        if op != "remove":
            raise ScimError(400, f"{op} on {path!r} is not supported: add members with "
                            "path members and a list of {value}.", "invalidPath")
        raw = one.group(1)
        state.members.pop(int(raw) if raw.isdigit() else -1, None)
    elif name == "members":
        if op == "remove":
            if value in (None, [], {}):  # no value: every member goes (RFC 7644 3.5.2.2)
                state.members.clear()
            else:
                for pk in _member_ids(value):
                    state.members.pop(pk, None)
        elif op == "replace":
            state.members = _member_list(value)
        else:
            state.members.update(_member_list(value))
    elif name == "displayname":
        if op == "remove":
            raise ScimError(400, "displayName is required and cannot be removed.", "mutability")
        state.name = _name(value)
    elif name == "externalid":
        state.external_id = "" if op == "remove" else _external_id(value)
    else:
        raise ScimError(400, f"Groups here have displayName, externalId and members, not "
                        f"{path!r}.", "invalidPath")


def _member_ids(value) -> list[int]:
    """The ids of a remove's value list; an id SCIM does not know is already not a member."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(m, dict) for m in items):
        raise invalid("members is a list of {value}.")
    return [int(str(m.get("value"))) for m in items if str(m.get("value") or "").isdigit()]


@transaction.atomic
def group_delete(group: ScimGroup, *, token) -> None:
    """A group with no role goes (its members lose nothing). A role group is the role itself:
    it cannot be deleted, so an IdP tidying up its assignments never takes HR away."""
    group = _locked(group)
    if group.role:
        raise ScimError(400, f"{group.display_name} is the program's {group.get_role_display()} "
                        "role and cannot be deleted; remove its members instead.",
                        "mutability")
    audit_record(None, "scim.group_delete", target=group,
                 summary=f"{group.display_name} via SCIM", token=getattr(token, "name", ""),
                 members=sorted(_current_members(group)))
    group.delete()
