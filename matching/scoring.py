"""How well a mentor fits a mentee: one documented scorer for suggestions and cohort matching.

The rules (docs/scoring.md explains them to users; the "how suggestions work" page shows them):

- Some pairs are never made (`blocked_reason`): yourself, anyone in your reporting line above
  you (your manager, their manager ...), and your direct reports.
- Every other pair gets points per criterion, each worth up to `weights[criterion]` points:

  ========== =========================================================================
  goals      the share of the mentee's development goals the mentor can help with
  preferences the mentee's own ranking in a cohort (#1 full points, #5 a fifth); 0 when unranked
  level_gap  mentors two levels above fit best; one or three levels, 3/4; four, 1/2;
             the same level or five and more above, 1/4; below the mentee, nothing
  department another department gives full points (a fresh view, outside the reporting line)
  language   a language in common
  timezone   the same time zone, full points; up to three hours apart, half
  ========== =========================================================================

  The score is the points earned over the points available, as 0-100. Weights of 0 switch a
  criterion off (suggestions switch `preferences` off: there is no ranking outside cohorts).

Loading is separate from scoring: `load_candidates` reads everything a score needs in a fixed
number of queries into plain `Candidate` values, and `score_pair` is a pure function of two of
them, so scoring 10,000 mentors is a Python loop without database access.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import QuerySet

from accounts.models import MentorProfile, Person, Skill

DEFAULT_WEIGHTS: dict[str, int] = {
    "goals": 40,
    "preferences": 20,
    "level_gap": 15,
    "department": 10,
    "language": 10,
    "timezone": 5,
}
CRITERIA = tuple(DEFAULT_WEIGHTS)
# Outside cohorts nobody ranks anyone: suggestions score without the preferences criterion.
SUGGESTION_WEIGHTS: dict[str, int] = {**DEFAULT_WEIGHTS, "preferences": 0}

BLOCKED_SELF = "yourself"
BLOCKED_LINE = "your manager or above in your reporting line"
BLOCKED_REPORT = "your direct report"

# Share of the level_gap points by (mentor level - mentee level).
LEVEL_GAP_SHARE = {0: 0.25, 1: 0.75, 2: 1.0, 3: 0.75, 4: 0.5}
LEVEL_GAP_FAR_SHARE = 0.25  # five or more levels above
MAX_PREFERENCE_RANK = 5
NEAR_TIMEZONE_HOURS = 3

LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "ja": "Japanese", "zh": "Chinese",
    "hi": "Hindi", "ar": "Arabic", "ko": "Korean", "ru": "Russian", "tr": "Turkish",
    "sv": "Swedish",
}
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine"}
# Above this many ids, the reporting lines come from one read of the whole manager map instead
# of a recursive query seeded with the ids.
_LINE_BY_CTE_MAX_IDS = 2000


@dataclass(frozen=True)
class Candidate:
    """What the scorer knows about one person (a mentee, a mentor, or both)."""

    person_id: int
    employee_id: str
    name: str
    level: int
    department_id: int | None
    department_name: str
    timezone: str
    languages: frozenset[str]
    skills: frozenset[int]  # what they can help with (mentors: MentorProfile.skills first)
    goals: frozenset[int]  # their development goals
    line: frozenset[int]  # person ids above them: manager, manager's manager ...
    manager_id: int | None
    skill_names: Mapping[int, str] = field(default_factory=dict, compare=False, repr=False)


def load_candidates(
    person_ids: Iterable[int] | QuerySet | None = None, *, mentors: bool = False,
    with_lines: bool = True,
) -> dict[int, Candidate]:
    """Candidates by person id, in at most seven queries whatever their number.

    `person_ids` may be a list or a `values_list("id", flat=True)` queryset (used as a subquery,
    so 100,000 ids never become 100,000 query parameters). None loads everyone.
    With `mentors=True`, skills are what the MentorProfile says they can help with (falling back to
    the person's own skills when the profile lists none) and languages include the profile's.
    `with_lines=False` skips the reporting lines (`line` is empty): `blocked_reason` reads only
    the mentee's line, so a list of mentors to score does not need theirs.
    """
    if person_ids is not None and not isinstance(person_ids, QuerySet):
        person_ids = list(person_ids)
    people = Person.objects.all()
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    rows = list(people.values_list("pk", "employee_id", "full_name", "level", "department_id",
                                   "department__name", "timezone", "languages", "manager_id"))
    ids = [row[0] for row in rows]
    id_filter = person_ids if person_ids is not None else None

    skill_names = dict(Skill.objects.values_list("pk", "name"))
    own_skills = _pairs(Person.skills.through.objects, "person_id", id_filter)
    goals = _pairs(Person.development_goals.through.objects, "person_id", id_filter)
    profile_languages: dict[int, list[str]] = {}
    skills = own_skills
    if mentors:
        profile_skills = _pairs(MentorProfile.skills.through.objects, "mentorprofile__person_id",
                                id_filter)
        skills = {pk: profile_skills.get(pk) or own_skills.get(pk, set()) for pk in ids}
        profile_people = MentorProfile.objects.all()
        if id_filter is not None:
            profile_people = profile_people.filter(person_id__in=id_filter)
        profile_languages = dict(profile_people.values_list("person_id", "languages"))
    lines = (_reporting_lines(ids, everyone=person_ids is None or len(ids) > _LINE_BY_CTE_MAX_IDS)
             if with_lines else {})

    candidates = {}
    for pk, employee_id, name, level, dept_id, dept_name, tz, languages, manager_id in rows:
        spoken = set(languages or []) | set(profile_languages.get(pk) or [])
        candidates[pk] = Candidate(
            person_id=pk, employee_id=employee_id, name=name, level=level,
            department_id=dept_id, department_name=dept_name or "", timezone=tz or "UTC",
            languages=frozenset(spoken), skills=frozenset(skills.get(pk, ())),
            goals=frozenset(goals.get(pk, ())), line=frozenset(lines.get(pk, ())),
            manager_id=manager_id, skill_names=skill_names,
        )
    return candidates


def _pairs(manager, owner: str, id_filter) -> dict[int, set[int]]:
    """{owner id: {skill ids}} from an M2M through table, in one query."""
    rows = manager.all()
    if id_filter is not None:
        rows = rows.filter(**{f"{owner}__in": id_filter})
    result: dict[int, set[int]] = {}
    for owner_id, skill_id in rows.values_list(owner, "skill_id"):
        result.setdefault(owner_id, set()).add(skill_id)
    return result


def _reporting_lines(ids: list[int], *, everyone: bool) -> dict[int, list[int]]:
    """Everyone above each person, in one query: the whole manager map or a recursive CTE."""
    if not ids:
        return {}
    if everyone:
        manager_of = dict(Person.objects.filter(manager__isnull=False)
                          .values_list("pk", "manager_id"))
        lines = {}
        for pk in ids:
            chain, current = [], manager_of.get(pk)
            while current is not None and current not in chain and current != pk:
                chain.append(current)
                current = manager_of.get(current)
            lines[pk] = chain
        return lines
    table = Person._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    # The depth limit guards against a loop in bad data (the people import refuses loops).
    sql = f"""
        WITH RECURSIVE chain(person_id, ancestor_id, depth) AS (
            SELECT id, manager_id, 1 FROM {table}
             WHERE id IN ({placeholders}) AND manager_id IS NOT NULL
            UNION ALL
            SELECT chain.person_id, p.manager_id, chain.depth + 1
              FROM chain JOIN {table} p ON p.id = chain.ancestor_id
             WHERE p.manager_id IS NOT NULL AND chain.depth < 60
        )
        SELECT person_id, ancestor_id FROM chain ORDER BY person_id, depth
    """  # noqa: S608 - only placeholders and our own table name are formatted in
    lines: dict[int, list[int]] = {pk: [] for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for person_id, ancestor_id in cursor.fetchall():
            if ancestor_id not in lines[person_id]:
                lines[person_id].append(ancestor_id)
    return lines


def blocked_reason(mentee: Candidate, mentor: Candidate) -> str | None:
    """Why this pair may never be made, or None when it may."""
    if mentee.person_id == mentor.person_id:
        return BLOCKED_SELF
    if mentor.person_id in mentee.line:
        return BLOCKED_LINE
    if mentor.manager_id == mentee.person_id:
        return BLOCKED_REPORT
    return None


def score_pair(
    mentee: Candidate,
    mentor: Candidate,
    weights: Mapping[str, int] | None = None,
    *,
    preference_rank: int | None = None,
) -> tuple[float, list[str]]:
    """(score 0-100, reasons in plain words). Pure: no database access."""
    weights = DEFAULT_WEIGHTS if weights is None else weights
    available = sum(max(0, weights.get(name, 0)) for name in CRITERIA)
    if available == 0:
        return 0.0, []
    earned = 0.0
    reasons: list[str] = []

    def add(criterion: str, share: float, reason: str | None) -> None:
        nonlocal earned
        points = max(0, weights.get(criterion, 0))
        if points == 0:
            return
        earned += points * share
        if reason:
            reasons.append(reason)

    # Goals: the share of the mentee's goals the mentor can help with.
    matched = mentee.goals & mentor.skills
    if mentee.goals:
        names = sorted((mentor.skill_names.get(pk, "") or mentee.skill_names.get(pk, "")
                        for pk in matched), key=str.lower)
        if matched:
            reason = (f"can help with {len(matched)} of your goals: {', '.join(names)}"
                      if len(mentee.goals) > 1 else f"can help with your goal: {names[0]}")
        else:
            reason = "cannot help with your goals"
        add("goals", len(matched) / len(mentee.goals), reason)
    else:
        add("goals", 0.0, None)

    # Preferences: only in cohorts, where mentees rank mentors.
    if preference_rank is not None and 1 <= preference_rank <= MAX_PREFERENCE_RANK:
        share = (MAX_PREFERENCE_RANK + 1 - preference_rank) / MAX_PREFERENCE_RANK
        add("preferences", share, f"you ranked them #{preference_rank}")
    else:
        add("preferences", 0.0, None)

    gap = mentor.level - mentee.level
    share = LEVEL_GAP_SHARE.get(gap, LEVEL_GAP_FAR_SHARE if gap > 0 else 0.0)
    add("level_gap", share, level_gap_words(gap))

    if mentee.department_id is not None and mentee.department_id == mentor.department_id:
        add("department", 0.0, "same department")
    else:
        add("department", 1.0, "other department")

    shared = mentee.languages & mentor.languages
    if shared:
        add("language", 1.0, "speaks " + _language_list(shared) + " with you")
    else:
        add("language", 0.0, "no language in common")

    hours = timezone_hours_apart(mentee.timezone, mentor.timezone)
    if mentee.timezone == mentor.timezone or hours == 0:
        add("timezone", 1.0, "same time zone")
    elif hours <= NEAR_TIMEZONE_HOURS:
        add("timezone", 0.5, f"{_hours(hours)} apart")
    else:
        add("timezone", 0.0, f"{_hours(hours)} apart")

    return round(100 * earned / available, 1), reasons


def level_gap_words(gap: int) -> str:
    """'two levels above you', 'same level as you', 'one level below you'."""
    if gap == 0:
        return "same level as you"
    count = NUMBER_WORDS.get(abs(gap), str(abs(gap)))
    unit = "level" if abs(gap) == 1 else "levels"
    return f"{count} {unit} {'above' if gap > 0 else 'below'} you"


def _language_list(codes: Iterable[str]) -> str:
    names = sorted(LANGUAGE_NAMES.get(code, code) for code in codes)
    # English is the company default: name the others first, where there are any.
    others = [name for name in names if name != "English"]
    names = others or names
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _hours(hours: float) -> str:
    whole = int(hours) if float(hours).is_integer() else hours
    return f"{whole} hour{'s' if hours != 1 else ''}"


@lru_cache(maxsize=512)
def _utc_offset_hours(name: str) -> float:
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    # A fixed winter instant keeps scores stable across the year and daylight saving.
    moment = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
    return moment.astimezone(zone).utcoffset().total_seconds() / 3600


def timezone_hours_apart(first: str, second: str) -> float:
    difference = abs(_utc_offset_hours(first) - _utc_offset_hours(second))
    return min(difference, 24 - difference)


def rank(
    mentee: Candidate,
    mentors: Iterable[Candidate],
    weights: Mapping[str, int] | None = None,
    *,
    limit: int | None = None,
) -> list[tuple[Candidate, float, list[str]]]:
    """Score every allowed mentor for a mentee, best first (ties: the name, then the id)."""
    scored = []
    for mentor in mentors:
        if blocked_reason(mentee, mentor) is not None:
            continue
        score, reasons = score_pair(mentee, mentor, weights)
        scored.append((mentor, score, reasons))
    scored.sort(key=lambda item: (-item[1], item[0].name, item[0].person_id))
    return scored[:limit] if limit is not None else scored
