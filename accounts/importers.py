"""Import kinds owned by accounts: people (the organisation) and career events."""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext

from .demo import bulk_insert
from .importing import (
    Column,
    Importer,
    bulk_update,
    existing_values,
    find_duplicates,
    parse_choice,
    parse_date,
    parse_int,
    parse_list,
    register,
    text_column,
)
from .models import CareerEvent, Department, Person, Skill
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


@register
class PeopleImporter(Importer):
    kind = "people"
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

    def check(self, rows: list[dict]) -> None:
        find_duplicates(self, rows, "employee_id")
        find_duplicates(self, rows, "email")
        ids_in_file = {row["employee_id"] for row in rows}
        emails = {row["email"]: row for row in rows if row["email"]}
        existing = dict(
            Person.objects.filter(email__in=list(emails)).values_list("email", "employee_id")
        )
        for email, owner in existing.items():
            row = emails[email]
            if owner != row["employee_id"]:
                self.problem(row["_row"], "email",
                             gettext("{email} already belongs to employee {owner}").format(
                                 email=email, owner=owner))
        for row in rows:
            hired, left = row.get("hire_date"), row.get("termination_date")
            if hired and left and left < hired:
                self.problem(row["_row"], "termination_date",
                             gettext("{left} is before the hire date {hired}").format(
                                 left=left, hired=hired))
            if row.get("manager_employee_id") == row["employee_id"]:
                self.problem(row["_row"], "manager_employee_id",
                             gettext("a person cannot manage themself"))
        self._check_managers(rows, ids_in_file)

    def _check_managers(self, rows: list[dict], ids_in_file: set[str]) -> None:
        wanted = {row["manager_employee_id"] for row in rows if row.get("manager_employee_id")}
        in_db = dict(
            Person.objects.filter(employee_id__in=wanted - ids_in_file)
            .values_list("employee_id", "manager__employee_id")
        )
        for row in rows:
            manager = row.get("manager_employee_id")
            if manager and manager not in ids_in_file and manager not in in_db:
                self.problem(row["_row"], "manager_employee_id",
                             gettext("no person has employee_id {manager} (in this file or "
                                     "already imported)").format(manager=repr(manager)))
        # The reporting tree after this import: the file's rows override what is stored.
        graph = dict(
            Person.objects.exclude(employee_id__in=ids_in_file)
            .filter(manager__isnull=False).values_list("employee_id", "manager__employee_id")
        )
        graph.update({row["employee_id"]: row.get("manager_employee_id") for row in rows})
        for row in rows:
            seen, current = [row["employee_id"]], graph.get(row["employee_id"])
            while current:
                if current == row["employee_id"]:
                    chain = " -> ".join([*seen, current])
                    self.problem(row["_row"], "manager_employee_id",
                                 gettext("the reporting line loops back to this person "
                                         "({chain})").format(chain=chain))
                    break
                if current in seen:
                    break  # a loop further up: reported on the rows that are in it
                seen.append(current)
                current = graph.get(current)

    def plan(self, rows: list[dict]) -> tuple[int, int]:
        """The dry run: rows whose employee_id exists are updated, the others created."""
        existing = existing_values(Person, "employee_id", (row["employee_id"] for row in rows))
        return len(rows) - len(existing), len(existing)

    def write(self, rows: list[dict]) -> tuple[int, int]:
        departments = {d.name: d for d in Department.objects.all()}
        new_departments = {row["department"] for row in rows if row.get("department")}
        Department.objects.bulk_create(
            [Department(name=name) for name in new_departments - set(departments)]
        )
        departments = {d.name: d for d in Department.objects.all()}
        existing = {p.employee_id: p for p in
                    Person.objects.filter(employee_id__in=[r["employee_id"] for r in rows])}
        to_create, to_update = [], []
        for row in rows:
            person = existing.get(row["employee_id"]) or Person(employee_id=row["employee_id"])
            for name in PEOPLE_FIELDS:
                value = row.get(name)
                if value is None and name in ("title", "location", "gender", "ethnicity"):
                    value = ""
                if value is None and name == "timezone":
                    value = person.timezone or "UTC"
                setattr(person, name, value)
            person.department = departments.get(row.get("department") or "")
            (to_update if person.pk else to_create).append(person)
        Person.objects.bulk_create(to_create, batch_size=2000)
        bulk_update(to_update, PEOPLE_FIELDS + ["department"])
        by_id = {p.employee_id: p for p in
                 Person.objects.filter(employee_id__in=[r["employee_id"] for r in rows])}
        managers = {row.get("manager_employee_id") for row in rows} - {None}
        by_id.update({p.employee_id: p for p in
                      Person.objects.filter(employee_id__in=managers - set(by_id))})
        for row in rows:
            manager_id = row.get("manager_employee_id")
            by_id[row["employee_id"]].manager = by_id[manager_id] if manager_id else None
        bulk_update([by_id[r["employee_id"]] for r in rows], ["manager"])
        self._write_skills(rows, by_id)
        return len(to_create), len(to_update)

    def _write_skills(self, rows: list[dict], by_id: dict[str, Person]) -> None:
        names = {n for row in rows for key in ("skills", "development_goals")
                 for n in (row.get(key) or [])}
        skills = skills_by_name(names)
        for field, through in (("skills", Person.skills.through),
                               ("development_goals", Person.development_goals.through)):
            rows_with = [row for row in rows if row.get(field) is not None]
            people = [by_id[row["employee_id"]].pk for row in rows_with]
            through.objects.filter(person_id__in=people).delete()
            bulk_insert(through,  # COPY on PostgreSQL: no model instance per link
                        [{"person_id": by_id[row["employee_id"]].pk, "skill_id": skills[slug].pk}
                         for row in rows_with
                         for slug in {slugify(name) for name in row[field]} if slug in skills])


@register
class CareerEventImporter(Importer):
    kind = "career_events"
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
