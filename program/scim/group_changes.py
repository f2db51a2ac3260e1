"""Changes to SCIM Groups: create (or adopt a role group by its name), replace, patch and
delete. Every write works out the wanted state (name, externalId, members), then _apply() makes
the difference: for a role group through the HR console's own service, once per person whose
role changes; for any other group in its member rows. One transaction per request: a refused
member refuses the whole request."""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import Person
from accounts.services import hr_admin_role_set
from program.scim.groups import GROUP, NAME_MAX, role_groups, role_holders
from program.scim.models import ScimGroup, ScimGroupMember
from program.scim.users import ScimError, invalid, patch_operations, people, user_id


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
        if user_id(raw) is None:
            raise invalid(f"members: no user with id {raw!r}.")
        display = member.get("display")
        wanted[user_id(raw)] = (display.replace("\x00", "").strip()[:NAME_MAX]
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
        state.members.pop(user_id(raw), None)
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
    return [pk for m in items if (pk := user_id(m.get("value"))) is not None]


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
