"""SCIM 2.0 Users (RFC 7643/7644) mapped onto the program's Person records.

One path writes a person: user_save(), for create, replace and (after patch_apply() has applied
the operations to the current document) patch. It checks the document, maps it onto Person
(employee id, name, email, title, department, manager, active) and keeps the identity provider's
own attributes that the program does not use, so they read back as they were sent.

Deactivation (active false, or DELETE) follows the people import's rule for leavers: the Person
gets a termination date (today) and their account is switched off; reactivation undoes what SCIM
did and nothing else.
"""

from __future__ import annotations

import copy
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Department, Person
from program.scim.models import ScimIdentity

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
WRITE_ONLY = ("password",)
READ_ONLY = ("groups",)  # a person's groups are read from the groups (program/scim/groups.py)
MAX_COUNT = 200


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    def document(self) -> dict:
        body = {"schemas": [ERROR], "status": str(self.status), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def location(person_id: int) -> str:
    return settings.SITE_URL + reverse("scim:user", args=[person_id])


# Reading.


def people():
    """Every person SCIM can see: all Person records but those the provider deleted."""
    return (Person.objects.filter(Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True))
            .select_related("scim", "department", "user").order_by("pk"))


def user_id(value) -> int | None:
    """A User's SCIM id as a primary key, or None for what cannot be one (a number past the
    database's integer would be an error, not a miss)."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def person_or_404(pk) -> Person:
    try:
        return people().get(pk=user_id(pk))
    except Person.DoesNotExist:
        raise ScimError(404, f"No user with id {pk}.") from None


def _identity(person: Person) -> ScimIdentity | None:
    try:
        return person.scim
    except ScimIdentity.DoesNotExist:
        return None


def _active(person: Person, identity: ScimIdentity | None) -> bool:
    if identity is not None and identity.deactivated_on is not None:
        return False
    return person.is_employed and (person.user is None or person.user.is_active)


def user_document(person: Person, groups: list[dict] | None = None) -> dict:
    """The person as a SCIM User. The mapped attributes carry the Person's values; which of
    them appear follows the document the provider last sent (an attribute it removed stays
    removed), and people it never provisioned (imported by HR) show every mapped attribute.
    `groups`: the person's groups (groups.groups_of), read-only."""
    identity = _identity(person)
    stored = copy.deepcopy(identity.document) if identity else {}
    for key in ("schemas", "id", "meta", *WRITE_ONLY, *READ_ONLY):
        stored.pop(key, None)

    def has(container: dict, key: str) -> bool:
        return identity is None or key in container

    doc = stored
    doc["schemas"] = [CORE, ENTERPRISE]
    doc["id"] = str(person.pk)
    doc["userName"] = identity.user_name if identity else person.email
    if identity and identity.external_id:
        doc["externalId"] = identity.external_id
    if has(stored, "name"):
        doc["name"] = {**(stored.get("name") or {}), "formatted": person.full_name}
    if identity is None:
        doc["displayName"] = person.full_name
    if has(stored, "title") and person.title:
        doc["title"] = person.title
    else:
        doc.pop("title", None)
    if has(stored, "active"):
        doc["active"] = _active(person, identity)
    emails = [dict(e) for e in doc.get("emails") or [] if isinstance(e, dict)]
    chosen = next((e for e in emails if e.get("primary")), emails[0] if emails else None)
    if chosen is None:
        emails = [{"value": person.email, "type": "work", "primary": True}]
    else:
        chosen["value"] = person.email
    doc["emails"] = emails
    if has(stored, ENTERPRISE):
        sent = stored.get(ENTERPRISE) or {}
        enterprise = dict(sent)
        if has(sent, "employeeNumber"):
            enterprise["employeeNumber"] = person.employee_id
        if has(sent, "department") and person.department_id:
            enterprise["department"] = person.department.name
        else:
            enterprise.pop("department", None)
        if has(sent, "manager") and person.manager_id:
            enterprise["manager"] = {**(sent.get("manager") or {}),
                                     "value": str(person.manager_id),
                                     "$ref": location(person.manager_id)}
        else:
            enterprise.pop("manager", None)
        doc[ENTERPRISE] = enterprise
    if groups:
        doc["groups"] = groups
    created = identity.created_at if identity else None
    modified = identity.updated_at if identity else None
    doc["meta"] = {"resourceType": "User", "location": location(person.pk)}
    if created:
        doc["meta"].update(created=created.isoformat(), lastModified=modified.isoformat(),
                           version=f'W/"{int(modified.timestamp() * 1000)}"')
    return doc


ALWAYS = ("id", "schemas", "meta", "userName")


def projected(doc: dict, attributes: str | None, excluded: str | None) -> dict:
    """RFC 7644 3.9: `attributes` keeps only the named ones (and id, schemas, meta, userName);
    `excludedAttributes` drops them. Names may be dotted ("name.givenName") or carry a schema
    URN ("urn:...:enterprise:2.0:User:department")."""

    def paths(text: str | None) -> list[tuple[str, ...]]:
        result = []
        for raw in (text or "").split(","):
            raw = raw.strip()
            if not raw:
                continue
            for prefix in (ENTERPRISE, CORE):
                if raw.lower() == prefix.lower():
                    result.append((prefix,))
                    break
                if raw.lower().startswith(prefix.lower() + ":"):
                    rest = tuple(raw[len(prefix) + 1:].split("."))
                    result.append((prefix, *rest) if prefix == ENTERPRISE else rest)
                    break
            else:
                result.append(tuple(raw.split(".")))
        return result

    def find(container: dict, name: str) -> str | None:
        return next((k for k in container if k.lower() == name.lower()), None)

    if attributes:
        kept: dict = {k: doc[k] for k in ALWAYS if k in doc}
        for path in paths(attributes):
            source, target = doc, kept
            for index, part in enumerate(path):
                key = find(source, part) if isinstance(source, dict) else None
                if key is None:
                    break
                if index == len(path) - 1:
                    target[key] = copy.deepcopy(source[key])
                else:
                    if not isinstance(source[key], dict):
                        target[key] = copy.deepcopy(source[key])
                        break
                    target = target.setdefault(key, {})
                    source = source[key]
        doc = kept
    for path in paths(excluded):
        if len(path) == 1 and path[0] in ALWAYS:
            continue
        container = doc
        for part in path[:-1]:
            key = find(container, part)
            container = container.get(key) if key else None
            if not isinstance(container, dict):
                break
        else:
            key = find(container, path[-1])
            if key:
                container.pop(key)
    return doc


# Filters: the forms identity providers send (RFC 7644 3.4.2.2, "eq" on one attribute).

FILTER = re.compile(r'^\s*([\w.:\[\]" ]+?)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


def filtered(queryset, expression: str):
    match = FILTER.match(expression or "")
    if not match:
        raise ScimError(400, f"Unsupported filter {expression!r}: use "
                        '\'userName eq "…"\', externalId, emails.value or id with eq.',
                        "invalidFilter")
    attribute, value = match.group(1).strip().lower(), match.group(2).replace('\\"', '"')
    attribute = attribute.removeprefix(CORE.lower() + ":")
    if "\x00" in value:  # no stored text holds NUL (and PostgreSQL cannot be asked)
        return queryset.none()
    if attribute == "username":
        return queryset.filter(Q(scim__user_name__iexact=value)
                               | Q(scim__isnull=True, email__iexact=value))
    if attribute == "externalid":
        return queryset.filter(scim__external_id=value)
    if attribute in ("emails.value", 'emails[type eq "work"].value', "emails"):
        return queryset.filter(email__iexact=value)
    if attribute == "id":
        return queryset.filter(pk=user_id(value)) if user_id(value) else queryset.none()
    if attribute == (ENTERPRISE + ":employeeNumber").lower():
        return queryset.filter(employee_id=value)
    raise ScimError(400, f"Filtering on {match.group(1).strip()!r} is not supported.",
                    "invalidFilter")


def bounds(start_index, count) -> tuple[int, int]:
    """startIndex (1-based) and count of a list request, as (start, size)."""
    try:
        start = max(int(start_index or 1), 1)
        size = min(max(int(count if count not in (None, "") else 100), 0), MAX_COUNT)
    except (ValueError, TypeError):
        raise ScimError(400, "startIndex and count are whole numbers.", "invalidValue") from None
    return start, size


def page(queryset, start_index, count, attributes=None, excluded=None,
         groups_of=lambda persons: {}) -> dict:
    start, size = bounds(start_index, count)
    total = queryset.count()
    people_page = list(queryset[start - 1:start - 1 + size]) if size else []
    groups = groups_of(people_page)
    return {"schemas": [LIST_RESPONSE], "totalResults": total, "startIndex": start,
            "itemsPerPage": len(people_page),
            "Resources": [projected(user_document(p, groups.get(p.pk)), attributes, excluded)
                          for p in people_page]}


# Writing.


def _boolean(value, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"  # Entra ID sends "False" as a string
    raise invalid(f"{where} must be true or false.")


def _text(doc: dict, key: str, limit: int, where: str | None = None) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid(f"{where or key} must be a string.")
    value = value.strip()
    if len(value) > limit:
        raise invalid(f"{where or key} is longer than {limit} characters.")
    if "\x00" in value:
        raise invalid(f"{where or key} contains a NUL character.")
    return value


def _email(doc: dict) -> str:
    emails = doc.get("emails") or []
    if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
        raise invalid("emails must be a list of {value, type, primary}.")
    chosen = next((e for e in emails if e.get("primary") in (True, "true", "True")),
                  emails[0] if emails else None)
    value = chosen.get("value") if chosen else doc.get("userName")
    if not isinstance(value, str):
        raise invalid("emails: a work email address is needed.")
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise invalid(f"emails: {value!r} is not an email address "
                      "(give one in emails, or a userName that is one).") from None
    return value.lower()


def _manager(enterprise: dict, person: Person | None) -> Person | None:
    manager = enterprise.get("manager")
    if manager in (None, "", {}):
        return None
    value = manager.get("value") if isinstance(manager, dict) else manager
    if value in (None, ""):
        return None
    try:
        found = people().get(pk=user_id(value))
    except Person.DoesNotExist:
        raise invalid(f"manager: no user with id {value!r}.") from None
    if person is not None and found.pk == person.pk:
        raise invalid("manager: a person cannot be their own manager.")
    return found


@transaction.atomic
def user_save(doc: dict, *, person: Person | None = None, token=None,
              action: str = "scim.user_replace") -> Person:
    """Create (person None) or replace a person from a SCIM User document."""
    if not isinstance(doc, dict):
        raise ScimError(400, "The body is a JSON object.", "invalidSyntax")
    user_name = _text(doc, "userName", 254)
    if not user_name:
        raise invalid("userName is required.")
    email = _email(doc)
    name = doc.get("name") or {}
    if not isinstance(name, dict):
        raise invalid("name must be an object.")
    full_name = (_text(name, "formatted", 200, "name.formatted")
                 or " ".join(p for p in (_text(name, "givenName", 100, "name.givenName"),
                                         _text(name, "familyName", 100, "name.familyName"))
                             if p)
                 or _text(doc, "displayName", 200) or user_name)[:200]
    title = _text(doc, "title", 200)
    active = _boolean(doc.get("active", True), "active")
    external_id = _text(doc, "externalId", 254)
    enterprise = doc.get(ENTERPRISE) or {}
    if not isinstance(enterprise, dict):
        raise invalid("The enterprise extension must be an object.")
    employee_number = _text(enterprise, "employeeNumber", 40, "employeeNumber")
    department_name = _text(enterprise, "department", 100, "department")

    identity = None
    if person is None:
        # An identity the provider deleted comes back under the same userName; a person HR
        # imported by CSV is adopted by email rather than duplicated.
        identity = (ScimIdentity.objects.select_for_update().select_related("person")
                    .filter(user_name__iexact=user_name).first())
        if identity is not None and identity.deleted_at is None:
            raise ScimError(409, f"userName {user_name!r} is already provisioned.", "uniqueness")
        if identity is not None:
            person = identity.person
        else:
            person = (Person.objects.select_for_update(of=("self",))
                      .filter(email__iexact=email, scim__isnull=True).first())
        action = "scim.user_create"
    else:
        person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        identity = _identity(person)
        clash = ScimIdentity.objects.filter(user_name__iexact=user_name).exclude(person=person)
        if clash.exists():
            raise ScimError(409, f"userName {user_name!r} belongs to another user.", "uniqueness")
    creating = person is None
    if creating:
        person = Person(level=1)
    if Person.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise ScimError(409, f"Another person has the email {email}.", "uniqueness")
    employee_id = (employee_number or person.employee_id or external_id[:40]
                   or f"scim-{secrets.token_hex(6)}")
    if Person.objects.filter(employee_id=employee_id).exclude(pk=person.pk).exists():
        raise ScimError(409, f"Another person has the employee number {employee_id}.",
                        "uniqueness")
    manager = _manager(enterprise, None if creating else person)

    person.employee_id, person.email, person.full_name = employee_id, email, full_name
    person.title = title
    person.department = (Department.objects.get_or_create(name=department_name)[0]
                         if department_name else None)
    person.manager = manager
    person.save()
    now = timezone.now()
    if identity is None:
        identity = ScimIdentity(person=person, created_at=now)
    stored = copy.deepcopy(doc)
    for key in ("schemas", "id", "meta", *WRITE_ONLY, *READ_ONLY):
        stored.pop(key, None)
    identity.user_name, identity.external_id, identity.document = user_name, external_id, stored
    identity.deleted_at, identity.updated_at = None, now
    _set_active(person, identity, active)
    identity.save()
    audit_record(None, action, target=person, summary=f"{user_name} via SCIM",
                 token=getattr(token, "name", ""), active=active)
    return person


def _set_active(person: Person, identity: ScimIdentity, active: bool) -> None:
    """The leaver rule of the people import: a termination date (today) and no more sign-in.
    Reactivation clears only the date SCIM itself set."""
    today = timezone.localdate()
    if not active and identity.deactivated_on is None:
        identity.deactivated_on = today
        if person.termination_date is None or person.termination_date > today:
            person.termination_date = today
            person.save(update_fields=["termination_date"])
        if person.user_id:
            type(person.user).objects.filter(pk=person.user_id).update(is_active=False)
    elif active and identity.deactivated_on is not None:
        if person.termination_date == identity.deactivated_on:
            person.termination_date = None
            person.save(update_fields=["termination_date"])
        identity.deactivated_on = None
        if person.user_id:
            type(person.user).objects.filter(pk=person.user_id).update(is_active=True)


@transaction.atomic
def user_delete(person: Person, *, token=None) -> None:
    """Deprovision: deactivated as a leaver and gone for SCIM (404); the record stays."""
    person = (Person.objects.select_for_update(of=("self",)).select_related("user")
              .get(pk=person.pk))
    identity = _identity(person) or ScimIdentity(person=person, user_name=person.email)
    _set_active(person, identity, False)
    identity.deleted_at = identity.updated_at = timezone.now()
    identity.save()
    audit_record(None, "scim.user_delete", target=person, summary=f"{identity.user_name} via SCIM",
                 token=getattr(token, "name", ""))


# PATCH (RFC 7644 3.5.2): the operations are applied to the current document, which is then
# saved through user_save like a replace.

ATTRIBUTES = {name.lower(): name for name in (
    "userName", "name", "displayName", "nickName", "title", "active", "emails", "externalId",
    "phoneNumbers", "addresses", "preferredLanguage", "locale", "timezone", "userType",
    "profileUrl", "formatted", "givenName", "familyName", "middleName", "honorificPrefix",
    "honorificSuffix", "value", "type", "primary", "display", "employeeNumber", "department",
    "manager", "costCenter", "organization", "division")}
ELEMENT = re.compile(r'^(\w+)\[(\w+)\s+eq\s+"([^"]*)"\](?:\.(\w+))?$', re.IGNORECASE)


def _key(container: dict, name: str) -> str:
    for existing in container:
        if existing.lower() == name.lower():
            return existing
    return ATTRIBUTES.get(name.lower(), name)


def _set(doc: dict, path: str, value, op: str) -> None:
    for prefix in (ENTERPRISE, CORE):
        if path.lower() == prefix.lower():
            if op == "remove" and prefix == ENTERPRISE:
                doc.pop(_key(doc, ENTERPRISE), None)
                return
            if op == "remove" or not isinstance(value, dict):
                raise invalid(f"{path} takes an object of attributes.")
            target = doc if prefix == CORE else doc.setdefault(ENTERPRISE, {})
            for key, item in value.items():
                _set(target, key, item, op)
            return
        if path.lower().startswith(prefix.lower() + ":"):
            target = doc if prefix == CORE else doc.setdefault(ENTERPRISE, {})
            _set(target, path[len(prefix) + 1:], value, op)
            return
    element = ELEMENT.match(path)
    if element:
        name, sub, wanted, leaf = element.groups()
        items = doc.setdefault(_key(doc, name), [])
        if not isinstance(items, list):
            raise invalid(f"{name} is not multi-valued.")
        matches = [i for i in items if isinstance(i, dict)
                   and str(i.get(_key(i, sub), "")).lower() == wanted.lower()]
        if op == "remove":
            for item in matches:
                if leaf:
                    item.pop(_key(item, leaf), None)
                else:
                    items.remove(item)
            return
        if not matches:
            matches = [{sub: wanted}]
            items.append(matches[0])
        for item in matches:
            if leaf:
                item[_key(item, leaf)] = value
            elif isinstance(value, dict):
                item.update(value)
        return
    if "." in path:
        head, rest = path.split(".", 1)
        child = doc.setdefault(_key(doc, head), {})
        if not isinstance(child, dict):
            raise invalid(f"{head} is not an object.")
        _set(child, rest, value, op)
        return
    key = _key(doc, path)
    if op == "remove":
        doc.pop(key, None)
    elif op == "add" and isinstance(doc.get(key), list):
        doc[key] = doc[key] + (value if isinstance(value, list) else [value])
    elif key == "manager" and not isinstance(value, dict):
        doc[key] = {"value": value}  # Entra ID sends the manager's id alone
    else:
        doc[key] = value


def patch_operations(body: dict) -> list[tuple[str, str | None, object]]:
    """A PATCH body's operations as (op, path, value), checked: op is add, replace or remove
    (any case: Entra ID writes "Replace"); a path is a string; remove has one; an operation
    without a path carries an object of attributes. Users and Groups both read them here."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise ScimError(400, "A PATCH body has a list of Operations.", "invalidSyntax")
    result = []
    for operation in body["Operations"]:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation is an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, f"Unknown operation {operation.get('op')!r}.", "invalidSyntax")
        path, value = operation.get("path"), operation.get("value")
        if path:
            if not isinstance(path, str):
                raise ScimError(400, "path is a string.", "invalidPath")
            result.append((op, path.strip(), value))
        elif op == "remove":
            raise ScimError(400, "remove needs a path.", "noTarget")
        elif isinstance(value, dict):
            result.append((op, None, value))
        else:
            raise invalid("An operation without a path takes an object of attributes.")
    return result


def patch_apply(document: dict, body: dict) -> dict:
    doc = copy.deepcopy(document)
    for op, path, value in patch_operations(body):
        if path:
            _set(doc, path, value, op)
        else:
            for key, item in value.items():
                _set(doc, key, item, op)
    return doc
