"""The demo organisation, built deterministically from a seed by `manage.py seed_demo`.

Each app adds its own steps with @demo_step(order) in its `demo` module: accounts builds the
people (order 10); matching adds mentorships, sponsorships, advocacy and career events. A step
gets the shared DemoContext: the random generator, the people it may use, today's date.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.text import slugify

from .models import Department, Person, Skill, User
from .planner import refresh_planner_statistics
from .search import name_key

DEMO_PASSWORD = "demo-pass-2026"
# The four demo logins: (role, email, full name, title, level).
DEMO_PERSONAS = [
    ("employee", "employee@example.com", "Elena Employee", "Software Engineer", 2),
    ("mentor", "mentor@example.com", "Marcus Mentor", "Staff Engineer", 5),
    ("sponsor", "sponsor@example.com", "Sofia Sponsor", "VP Engineering", 8),
    ("hr", "hr@example.com", "Hana HR", "HR Business Partner", 5),
]
# A fixed TOTP secret for the demo HR admin only, so the demo and browser tests can sign in.
DEMO_HR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEPARTMENTS = ["Engineering", "Product", "Design", "Data", "Sales", "Marketing", "Finance",
               "People", "Operations", "Customer Success", "Security", "Legal"]
LOCATIONS = [("London", "Europe/London"), ("Paris", "Europe/Paris"), ("Berlin", "Europe/Berlin"),
             ("New York", "America/New_York"), ("Austin", "America/Chicago"),
             ("San Francisco", "America/Los_Angeles"), ("Toronto", "America/Toronto"),
             ("Bangalore", "Asia/Kolkata"), ("Singapore", "Asia/Singapore"),
             ("Remote", "UTC")]
SKILLS = {
    "technical": ["Python", "Go", "Rust", "TypeScript", "System design", "Distributed systems",
                  "Machine learning", "Data analysis", "SQL", "Security", "Cloud infrastructure",
                  "Testing", "Mobile development", "Accessibility"],
    "leadership": ["People management", "Hiring", "Strategy", "Decision making",
                   "Giving feedback", "Coaching", "Running meetings", "Budgeting"],
    "craft": ["Public speaking", "Writing", "Product sense", "Negotiation",
              "Stakeholder management",
              "Project management", "Design critique", "Influencing without authority",
              "Career planning", "Executive presence"],
}
FIRST = ["Ada", "Ben", "Chloé", "Dev", "Eitan", "Fatima", "Gao", "Hugo", "Ines", "Jamal", "Kaia",
         "Luis", "Mei", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tariq", "Uma", "Viktor",
         "Wen", "Xavier", "Yara", "Zoe", "Aiko", "Bruno", "Carmen", "Dara", "Emeka", "Freya"]
LAST = ["Adeyemi", "Bauer", "Chen", "Dubois", "Eriksen", "Fernández", "Gupta", "Hassan", "Ito",
        "Johansson", "Kowalski", "Lopez", "Murphy", "Nakamura", "Okafor", "Patel", "Quispe",
        "Rossi", "Schmidt", "Tanaka", "Uddin", "Varga", "Williams", "Xu", "Yilmaz", "Zhang"]
TITLES = {1: "Associate", 2: "Specialist", 3: "Senior Specialist", 4: "Lead", 5: "Staff",
          6: "Principal / Manager", 7: "Director", 8: "VP", 9: "SVP", 10: "Chief"}
GENDERS = ["woman", "man", "non-binary", ""]
ETHNICITIES = ["Asian", "Black", "Hispanic or Latino", "White", "Mixed", "Middle Eastern", ""]


@dataclass
class DemoContext:
    rng: random.Random
    people: int
    today: datetime.date
    progress: Callable[[str, int], Callable[[int], None]]
    person_ids: list[int] = field(default_factory=list)
    personas: dict[str, Person] = field(default_factory=dict)
    skill_ids: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # step name -> seconds taken


STEPS: list[tuple[int, str, Callable[[DemoContext], None]]] = []


def demo_step(order: int):
    def register(function: Callable[[DemoContext], None]):
        if function.__qualname__ not in {name for _, name, _ in STEPS}:
            STEPS.append((order, function.__qualname__, function))
        return function

    return register


def seed(*, people: int, seed: int, progress=None) -> DemoContext:
    autodiscover_modules("demo")
    context = DemoContext(
        rng=random.Random(seed), people=people, today=timezone.localdate(),
        progress=progress or (lambda label, total: lambda n: None),
    )
    with transaction.atomic():
        for _, name, step in sorted(STEPS, key=lambda s: s[0]):
            started = time.perf_counter()
            step(context)
            context.timings[name] = time.perf_counter() - started
    started = time.perf_counter()
    refresh_planner_statistics()
    context.timings["planner statistics (ANALYZE)"] = time.perf_counter() - started
    return context


def bulk_insert(model, rows: list[dict], *, batch_size: int = 10000) -> None:
    """Insert many rows fast, without returning ids: COPY on PostgreSQL, bulk_create elsewhere.

    Each row is a dict of attnames (person_id, not person); missing fields take the model's
    default (auto_now/auto_now_add fields take now). Demo steps may use this for large tables.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(rows), batch_size):
            model.objects.bulk_create([model(**row) for row in rows[start:start + batch_size]],
                                      batch_size=batch_size)
        return
    now = timezone.now()
    # The primary key too when the rows give it (ids reserved from the sequence beforehand).
    fields = [f for f in model._meta.concrete_fields
              if not f.primary_key or f.attname in rows[0]]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()  # "" for text fields, None when nullable
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    # JSON fields' lists and dicts are written as JSON text; the other values as they are.
    structured = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = [row[name] if name in row else defaults[name] for name in names]
            for i in structured:
                values[i] = _copy_value(values[i])
            copy.write_row(values)


def _copy_value(value):
    return json.dumps(value) if isinstance(value, list | dict) else value


@demo_step(10)
def create_people(ctx: DemoContext) -> None:
    rng = ctx.rng
    skills = [Skill(name=name, slug=slugify(name), category=category)
              for category, names in SKILLS.items() for name in names]
    Skill.objects.bulk_create(skills, ignore_conflicts=True)
    ctx.skill_ids = list(Skill.objects.order_by("id").values_list("id", flat=True))
    Department.objects.bulk_create([Department(name=n) for n in DEPARTMENTS],
                                   ignore_conflicts=True)
    departments = list(Department.objects.filter(name__in=DEPARTMENTS).order_by("name"))
    slugs = {name: slugify(name) for name in FIRST + LAST}

    # Build top-down, level by level, so every manager already has a primary key.
    total = max(ctx.people, len(DEMO_PERSONAS) + len(departments) + 1)
    sizes = _level_sizes(total)
    tick = ctx.progress("people", total)
    number = 0
    managers_by_dept: dict[int, list[int]] = {}
    ceo_id: int | None = None
    for level in sorted(sizes, reverse=True):
        batch = []
        first_number = number + 1
        for _ in range(sizes[level]):
            number += 1
            department = departments[rng.randrange(len(departments))]
            pool = managers_by_dept.get(department.pk) or ([ceo_id] if ceo_id else [])
            location, tz = LOCATIONS[rng.randrange(len(LOCATIONS))]
            first, last = rng.choice(FIRST), rng.choice(LAST)
            hired = ctx.today - datetime.timedelta(days=rng.randint(30, 12 * 365))
            batch.append({
                "employee_id": f"E{number:06d}",
                "email": f"{slugs[first]}.{slugs[last]}.{number}@example.com",
                "full_name": f"{first} {last}", "search_name": name_key(f"{first} {last}"),
                "title": f"{TITLES.get(level, 'Leader')} {department.name}".strip(),
                "level": level, "department_id": department.pk, "location": location,
                "timezone": tz, "manager_id": rng.choice(pool) if pool else None,
                "hire_date": hired,
                "gender": rng.choice(GENDERS), "ethnicity": rng.choice(ETHNICITIES),
                "languages": ["en"] + ([rng.choice(["fr", "de", "es"])] if rng.random() < 0.3
                                       else []),
            })
        bulk_insert(Person, batch)
        tick(len(batch))
        # The people at this level manage the next level down, within their department.
        created = list(
            Person.objects.filter(employee_id__gte=f"E{first_number:06d}",
                                  employee_id__lte=f"E{number:06d}")
            .order_by("id").values_list("id", "department_id")
        )
        managers_by_dept = {}
        for pk, department_id in created:
            managers_by_dept.setdefault(department_id, []).append(pk)
        if ceo_id is None:
            ceo_id = created[0][0]
    ctx.person_ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    _add_profiles(ctx)
    _create_personas(ctx)


def _level_sizes(total: int) -> dict[int, int]:
    """A pyramid: roughly 30% at level 1 down to a handful at level 9-10."""
    shares = {1: 0.26, 2: 0.24, 3: 0.18, 4: 0.12, 5: 0.08, 6: 0.06, 7: 0.035, 8: 0.02,
              9: 0.004, 10: 0.001}
    sizes = {level: max(1, int(total * share)) for level, share in shares.items()}
    sizes[10] = 1
    sizes[1] += total - sum(sizes.values())
    return sizes


def _add_profiles(ctx: DemoContext) -> None:
    rng, skill_ids = ctx.rng, ctx.skill_ids
    skills_through = Person.skills.through
    goals_through = Person.development_goals.through
    tick = ctx.progress("profiles", len(ctx.person_ids))
    for start in range(0, len(ctx.person_ids), 20000):
        chunk = ctx.person_ids[start:start + 20000]
        have, want = [], []
        for pk in chunk:
            for skill in rng.sample(skill_ids, rng.randint(2, 5)):
                have.append({"person_id": pk, "skill_id": skill})
            for skill in rng.sample(skill_ids, rng.randint(1, 3)):
                want.append({"person_id": pk, "skill_id": skill})
        bulk_insert(skills_through, have)
        bulk_insert(goals_through, want)
        tick(len(chunk))


def _create_personas(ctx: DemoContext) -> None:
    """Give four people demo logins, placed believably in the tree."""
    engineering = Department.objects.get(name="Engineering")
    used: set[int] = set()
    for role, email, name, title, level in DEMO_PERSONAS:
        person = (Person.objects.filter(level=level, user__isnull=True)
                  .exclude(pk__in=used).order_by("id").first())
        person.email, person.full_name, person.title = email, name, title
        if role != "hr":
            person.department = engineering
        person.termination_date = None
        person.save()
        used.add(person.pk)
        user = User.objects.filter(email=email).first() or User(email=email)
        user.set_password(DEMO_PASSWORD)
        user.is_hr_admin = role == "hr"
        user.save()
        person.user = user
        person.save(update_fields=["user"])
        ctx.personas[role] = person
    _keep_out_of_line(ctx.personas["employee"],
                      {ctx.personas["mentor"].pk, ctx.personas["sponsor"].pk})
    _verify_demo_emails([p.user for p in ctx.personas.values()])
    _demo_hr_totp(ctx.personas["hr"].user)


def _keep_out_of_line(employee: Person, bosses: set[int]) -> None:
    """The employee reports, directly or not, to none of `bosses` (the mentor and the sponsor),
    or they could never be suggested to her: she moves under the first manager clear of them."""
    managers = dict(Person.objects.values_list("pk", "manager_id"))

    def line(pk):
        seen = []
        while (pk := managers.get(pk)) is not None and pk not in seen:
            seen.append(pk)
        return seen

    if not bosses & set(line(employee.pk)):
        return
    clear = (pk for pk in Person.objects.filter(level__gt=employee.level, level__lte=6)
             .exclude(pk__in=bosses).order_by("level", "pk").values_list("pk", flat=True)
             if not bosses & set(line(pk)) and employee.pk not in line(pk))
    employee.manager_id = next(clear, None)
    employee.save(update_fields=["manager"])


def _verify_demo_emails(users) -> None:
    from allauth.account.models import EmailAddress

    for user in users:
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )


def _demo_hr_totp(user) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    Authenticator.objects.update_or_create(
        user=user, type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(DEMO_HR_TOTP_SECRET)}},
    )
