"""Import kinds owned by accounts: people (the organisation) and career events."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.db import connection
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from .demo import bulk_insert
from .importing import (
    Column,
    Duplicates,
    Importer,
    Problem,
    among,
    bulk_update,
    parse_choice,
    parse_date,
    parse_int,
    parse_list,
    register,
    reserve_ids,
    text_column,
)
from .models import CareerEvent, Department, Person, Skill
from .search import name_key
from .services import career_event_problems


def _parse_email(value: str) -> str:
    value = value.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise ValueError(gettext("{value} is not an email address").format(value=repr(value)))
    return value


def _parse_level(value: str) -> int:
    level = parse_int(value)
    if not 1 <= level <= 20:
        raise ValueError(gettext("level {level} is outside 1-20 (1 = entry level)").format(
            level=level))
    return level


def _parse_timezone(value: str) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(gettext("{value} is not a time zone name such as Europe/Paris").format(
            value=repr(value))) from None
    return value


def _parse_skills(value: str) -> list[str]:
    names = parse_list(value)
    longest = Skill._meta.get_field("name").max_length
    for name in names:
        if len(name) > longest:
            raise ValueError(gettext("the skill {name}... is longer than {longest} characters")
                             .format(name=repr(name[:40]), longest=longest))
    return names


def skills_by_name(names: set[str]) -> dict[str, Skill]:
    """The shared vocabulary, adding names HR has not used before. Keyed by slug."""
    wanted = {slugify(name): name for name in names if slugify(name)}
    found = {skill.slug: skill for skill in Skill.objects.filter(slug__in=wanted)}
    missing = [Skill(name=wanted[slug], slug=slug) for slug in wanted if slug not in found]
    Skill.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        found = {skill.slug: skill for skill in Skill.objects.filter(slug__in=wanted)}
    return found


PEOPLE_FIELDS = ["email", "full_name", "title", "level", "location", "timezone", "hire_date",
                 "termination_date", "gender", "ethnicity"]
# Rows written per batch, and employee ids per lookup query.
PEOPLE_BATCH = 5000


@dataclass
class _PeopleSeen:
    """What the people checks keep of a file (collect()), instead of every row: per readable
    row its number, employee id, email and manager, plus the problems found without the
    database, by kind, in the order the checks report them."""

    entries: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)
    own_rows: list[Problem] = field(default_factory=list)
    existing: int = 0  # rows whose employee_id is already stored (check() counts them)


@register
class PeopleImporter(Importer):
    kind = "people"
    label = gettext_lazy("people")
    description = "The organisation: one row per person; re-importing updates by employee_id."
    columns = [
        text_column(Person, "employee_id"),
        Column("email", _parse_email, max_length=Person._meta.get_field("email").max_length),
        text_column(Person, "full_name"),
        text_column(Person, "title", required=False, optional_header=True),
        Column("level", _parse_level),
        text_column(Department, "name", "department", required=False, optional_header=True),
        text_column(Person, "location", required=False, optional_header=True),
        Column("timezone", _parse_timezone, required=False, optional_header=True,
               max_length=Person._meta.get_field("timezone").max_length),
        text_column(Person, "employee_id", "manager_employee_id", required=False,
                    optional_header=True),
        Column("hire_date", parse_date, required=False, optional_header=True),
        Column("termination_date", parse_date, required=False, optional_header=True),
        text_column(Person, "gender", required=False, optional_header=True),
        text_column(Person, "ethnicity", required=False, optional_header=True),
        Column("skills", _parse_skills, required=False, optional_header=True),
        Column("development_goals", _parse_skills, required=False, optional_header=True),
    ]
    # A file of 100,000 people is checked and written a batch at a time (about 150 MB less
    # than holding every row and every Person at once).
    streaming = True

    def collect(self, rows) -> _PeopleSeen:
        """One pass over the rows: the checks that need no database, row by row."""
        seen = _PeopleSeen()
        by_id, by_email = Duplicates("employee_id"), Duplicates("email")
        duplicate_ids, duplicate_emails = [], []
        for row in rows:
            if row["_row"] in self._unreadable:
                continue
            for duplicates, found in ((by_id, duplicate_ids), (by_email, duplicate_emails)):
                problem = duplicates.problem(row)
                if problem is not None:
                    found.append(problem)
            number, employee_id = row["_row"], row["employee_id"]
            hired, left = row.get("hire_date"), row.get("termination_date")
            if hired and left and left < hired:
                seen.own_rows.append(Problem(number, "termination_date",
                                             gettext("{left} is before the hire date {hired}")
                                             .format(left=left, hired=hired)))
            manager = row.get("manager_employee_id")
            if manager == employee_id:
                seen.own_rows.append(Problem(number, "manager_employee_id",
                                             gettext("a person cannot manage themself")))
            seen.entries.append((number, employee_id, row["email"], manager))
        seen.duplicates = duplicate_ids + duplicate_emails
        return seen

    def check(self, seen: _PeopleSeen) -> None:
        self.problems += seen.duplicates
        # Emails stored for someone else, and which rows update a stored person: one query per
        # batch, for both.
        self._stored_ids: set[str] = set()  # the file's employee ids already stored
        for batch in itertools.batched(seen.entries, PEOPLE_BATCH):
            ids = [employee_id for _, employee_id, _, _ in batch]
            owners = {}
            for email, employee_id in Person.objects.filter(
                    among(Person, "email", [email for _, _, email, _ in batch])
                    | among(Person, "employee_id", ids)).values_list("email", "employee_id"):
                owners[email] = employee_id
                self._stored_ids.add(employee_id)
            for number, employee_id, email, _ in batch:
                owner = owners.get(email)
                if owner is not None and owner != employee_id:
                    self.problem(number, "email",
                                 gettext("{email} already belongs to employee {owner}").format(
                                     email=email, owner=owner))
        self._stored_ids.intersection_update(employee_id for _, employee_id, _, _ in seen.entries)
        self.problems += seen.own_rows
        self._check_managers(seen.entries)
        existing = len(self._stored_ids)
        self._planned = (len(seen.entries) - existing, existing)

    def _check_managers(self, entries: list[tuple[int, str, str, str | None]]) -> None:
        # The reporting tree after this import: the file's rows override what is stored.
        in_file = {employee_id: manager for _, employee_id, _, manager in entries}
        stored = _stored_managers(in_file)
        # The stored managers' ids, for write() (the rows' own are known once written).
        self._stored_managers = {employee_id: pk for employee_id, (_, pk) in stored.items()}
        stored = {employee_id: manager for employee_id, (manager, _) in stored.items()}
        for number, _, _, manager in entries:
            if manager and manager not in in_file and manager not in stored:
                self.problem(number, "manager_employee_id",
                             gettext("no person has employee_id {manager} (in this file or "
                                     "already imported)").format(manager=repr(manager)))

        def manager_of(employee_id: str) -> str | None:
            return in_file[employee_id] if employee_id in in_file else stored.get(employee_id)

        rooted: set[str] = set()  # people whose reporting line ends at the top, loop-free
        for number, employee_id, _, _ in entries:
            seen, current = [employee_id], manager_of(employee_id)
            while current and current not in rooted:
                if current == employee_id:
                    chain = " -> ".join([*seen, current])
                    self.problem(number, "manager_employee_id",
                                 gettext("the reporting line loops back to this person "
                                         "({chain})").format(chain=chain))
                    break
                if current in seen:
                    break  # a loop further up: reported on the rows that are in it
                seen.append(current)
                current = manager_of(current)
            else:
                rooted.update(seen)

    def plan(self, rows) -> tuple[int, int]:
        """The dry run: rows whose employee_id exists are updated, the others created (as
        check() counted them)."""
        return self._planned

    def write(self, rows) -> tuple[int, int]:
        departments = dict(Department.objects.values_list("name", "pk"))
        skills: dict[str, int] = {}  # slug -> Skill pk, filled as names appear
        slugs: dict[str, str] = {}  # name -> slug
        written: dict[str, int] = {}  # employee_id -> pk, for the rows written so far
        later: list[tuple[str, str]] = []  # (employee_id, manager) of a later row
        created = updated = 0
        for batch in itertools.batched(rows, PEOPLE_BATCH):
            names = {row["department"] for row in batch if row.get("department")}
            if names - departments.keys():
                Department.objects.bulk_create([Department(name=name)
                                                for name in names - departments.keys()])
                departments.update(Department.objects.filter(name__in=names)
                                   .values_list("name", "pk"))
            ids = [row["employee_id"] for row in batch if row["employee_id"] in self._stored_ids]
            existing = {person.employee_id: person
                        for person in Person.objects.filter(among(Person, "employee_id", ids))
                        } if ids else {}
            to_create, to_update = [], []
            for row in batch:
                person = existing.get(row["employee_id"])
                values = {name: row.get(name) for name in PEOPLE_FIELDS}
                for name in ("title", "location", "gender", "ethnicity"):
                    values[name] = values[name] or ""
                values["timezone"] = values["timezone"] or (person and person.timezone) or "UTC"
                values["search_name"] = name_key(values["full_name"])
                values["department_id"] = departments.get(row.get("department") or "")
                manager = row.get("manager_employee_id")
                values["manager_id"] = written.get(manager) or self._stored_managers.get(manager)
                if manager and values["manager_id"] is None:
                    later.append((row["employee_id"], manager))
                if person is None:
                    values["employee_id"] = row["employee_id"]
                    to_create.append(values)  # a dict: no Person built per new row
                else:
                    for name, value in values.items():
                        setattr(person, name, value)
                    to_update.append(person)
            # New people are COPYed (PostgreSQL, with ids taken from the table's sequence first;
            # elsewhere bulk_create, then their ids read).
            if connection.vendor == "postgresql":
                for values, pk in zip(to_create, reserve_ids(Person, len(to_create)),
                                      strict=True):
                    values["id"] = pk
                bulk_insert(Person, to_create)
                written.update((values["employee_id"], values["id"]) for values in to_create)
            elif to_create:
                bulk_insert(Person, to_create)
                written.update(Person.objects.filter(
                    employee_id__in=[values["employee_id"] for values in to_create])
                    .values_list("employee_id", "pk"))
            bulk_update(to_update, [*PEOPLE_FIELDS, "search_name", "department", "manager"])
            written.update((person.employee_id, person.pk) for person in to_update)
            self._write_skills(batch, written, skills, slugs,
                               replace=[person.pk for person in to_update])
            created, updated = created + len(to_create), updated + len(to_update)
        bulk_update([Person(pk=written[employee_id], manager_id=written[manager])
                     for employee_id, manager in later], ["manager"])
        return created, updated

    def _write_skills(self, batch, written: dict[str, int], skills: dict[str, int],
                      slugs: dict[str, str], *, replace: list[int]) -> None:
        """Each row's skills and goals, where the row gives them (a blank cell keeps what is
        stored): the stored links of the batch's people already there replaced."""
        names = {n for row in batch for key in ("skills", "development_goals")
                 for n in (row.get(key) or [])}
        for name in names - slugs.keys():
            slugs[name] = slugify(name)
        missing = {name for name in names if slugs[name] and slugs[name] not in skills}
        if missing:
            skills.update((slug, skill.pk) for slug, skill in skills_by_name(missing).items())
        for column, through in (("skills", Person.skills.through),
                                ("development_goals", Person.development_goals.through)):
            rows_with = [row for row in batch if row.get(column) is not None]
            if replace:
                people = {written[row["employee_id"]] for row in rows_with}
                through.objects.filter(person_id__in=people & set(replace)).delete()
            bulk_insert(through,  # COPY on PostgreSQL: no model instance per link
                        [{"person_id": written[row["employee_id"]], "skill_id": skills[slug]}
                         for row in rows_with
                         for slug in {slugs[name] for name in row[column]} if slug in skills])


def _stored_managers(in_file: dict[str, str | None]) -> dict[str, tuple[str | None, int]]:
    """employee_id -> (manager's employee_id, pk) of the stored people the file's reporting
    lines reach (its managers not in the file, then theirs ...), a level per round of queries."""
    stored: dict[str, tuple[str | None, int]] = {}
    wanted = {manager for manager in in_file.values() if manager and manager not in in_file}
    while wanted:
        found = {}
        for batch in itertools.batched(sorted(wanted), PEOPLE_BATCH):
            found.update((employee_id, (manager, pk)) for employee_id, manager, pk in
                         Person.objects.filter(among(Person, "employee_id", batch))
                         .values_list("employee_id", "manager__employee_id", "pk"))
        stored.update(found)
        wanted = {manager for manager, _ in found.values()
                  if manager and manager not in in_file and manager not in stored}
    return stored


@register
class CareerEventImporter(Importer):
    kind = "career_events"
    label = gettext_lazy("career events")
    description = "What happened to people's careers: promotions, assignments, exits ..."
    columns = [
        Column("employee_id"),
        Column("kind", parse_choice(CareerEvent.Kind.values)),
        Column("occurred_on", parse_date),
        text_column(CareerEvent, "description", required=False, optional_header=True),
    ]

    def check(self, rows: list[dict]) -> None:
        self.people = self.person_ids(rows, "employee_id")
        hired = dict(Person.objects.filter(pk__in=self.people.values())
                     .values_list("pk", "hire_date"))
        for row in rows:
            person = self.people.get(row["employee_id"])
            if person is None:
                continue
            for column, message in career_event_problems(
                    kind=row["kind"], occurred_on=row["occurred_on"],
                    hire_date=hired[person]).items():
                self.problem(row["_row"], column, message)

    def write(self, rows: list[dict]) -> tuple[int, int]:
        existing = set(
            CareerEvent.objects.filter(person_id__in=self.people.values())
            .values_list("person_id", "kind", "occurred_on")
        )
        new = []
        for row in rows:
            key = (self.people[row["employee_id"]], row["kind"], row["occurred_on"])
            if key in existing:
                continue  # re-importing the same file adds nothing twice
            existing.add(key)
            new.append(CareerEvent(person_id=key[0], kind=key[1], occurred_on=key[2],
                                   description=row.get("description") or ""))
        CareerEvent.objects.bulk_create(new, batch_size=5000)
        return len(new), 0
