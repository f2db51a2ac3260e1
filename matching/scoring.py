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
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import apnumber
from django.db import connection
from django.db.models import QuerySet
from django.utils.text import get_text_list
from django.utils.translation import get_language, get_language_info, gettext, ngettext

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

# Above this many ids, the reporting lines come from one read of the whole manager map instead
# of a recursive query seeded with the ids.
_LINE_BY_CTE_MAX_IDS = 2000


class Reason(str):
    """One reason in plain words; `against` when the criterion earned no points (it counts
    against the pair: "no language in common"), so pages list reasons for and against apart."""

    against: bool

    def __new__(cls, text: str, *, against: bool = False) -> Reason:
        reason = super().__new__(cls, text)
        reason.against = against
        return reason


@dataclass(frozen=True, slots=True)
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
    with_lines: bool = True, with_goals: bool = True,
) -> dict[int, Candidate]:
    """Candidates by person id, in at most six queries whatever their number.

    `person_ids` may be a list or a `values("person_id")` / `values_list("id", flat=True)`
    queryset (used as a subquery, so 100,000 ids never become 100,000 query parameters).
    None loads everyone.
    With `mentors=True`, skills are what the MentorProfile says they can help with (falling back to
    the person's own skills when the profile lists none) and languages include the profile's.
    `with_lines=False` skips the reporting lines (`line` is empty) and `with_goals=False` the
    goals: `score_pair` reads only the mentee's goals and `blocked_reason` only the mentee's
    line, so a long list of mentors to score needs neither (suggestions load them that way).
    """
    if person_ids is not None and not isinstance(person_ids, QuerySet):
        person_ids = list(person_ids)
    people = Person.objects.all()
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    fields = ["pk", "employee_id", "full_name", "level", "department_id", "department__name",
              "timezone", "languages", "manager_id"]
    rows = list(people.values_list(*fields, *(["mentor_profile__languages"] if mentors else [])))
    ids = [row[0] for row in rows]

    skill_names = dict(Skill.objects.values_list("pk", "name"))
    goals = (_pairs(Person.development_goals.through.objects, "person_id", person_ids)
             if with_goals else {})
    if mentors:
        skills = _pairs(MentorProfile.skills.through.objects, "mentorprofile__person_id",
                        person_ids)
        # Mentors who listed no skills on their profile: fall back to their own skills.
        missing = [pk for pk in ids if pk not in skills]
        if missing:
            skills.update(_pairs(Person.skills.through.objects, "person_id", missing))
    else:
        skills = _pairs(Person.skills.through.objects, "person_id", person_ids)
    lines = (_reporting_lines(ids, everyone=person_ids is None or len(ids) > _LINE_BY_CTE_MAX_IDS)
             if with_lines else {})

    candidates = {}
    for pk, employee_id, name, level, dept_id, dept_name, tz, languages, manager_id, *extra in rows:
        spoken = frozenset(languages or ()) | frozenset((extra[0] if extra else None) or ())
        candidates[pk] = Candidate(
            person_id=pk, employee_id=employee_id, name=name, level=level,
            department_id=dept_id, department_name=dept_name or "", timezone=tz or "UTC",
            languages=spoken, skills=frozenset(skills.get(pk, ())),
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


def _shares(mentee: Candidate, mentor: Candidate, preference_rank: int | None,
            hours: float) -> tuple[float, float, float, float, float, float]:
    """The share (0-1) of each criterion's points, in CRITERIA order. The rules live here only."""
    goals = len(mentee.goals & mentor.skills) / len(mentee.goals) if mentee.goals else 0.0
    if preference_rank is not None and 1 <= preference_rank <= MAX_PREFERENCE_RANK:
        preferences = (MAX_PREFERENCE_RANK + 1 - preference_rank) / MAX_PREFERENCE_RANK
    else:
        preferences = 0.0
    gap = mentor.level - mentee.level
    level = LEVEL_GAP_SHARE.get(gap, LEVEL_GAP_FAR_SHARE if gap > 0 else 0.0)
    same_department = (mentee.department_id is not None
                       and mentee.department_id == mentor.department_id)
    department = 0.0 if same_department else 1.0
    language = 1.0 if mentee.languages & mentor.languages else 0.0
    if hours == 0:
        zone = 1.0
    elif hours <= NEAR_TIMEZONE_HOURS:
        zone = 0.5
    else:
        zone = 0.0
    return goals, preferences, level, department, language, zone


def _weight_vector(weights: Mapping[str, int] | None) -> tuple[tuple[int, ...], int]:
    weights = DEFAULT_WEIGHTS if weights is None else weights
    vector = tuple(max(0, weights.get(name, 0)) for name in CRITERIA)
    return vector, sum(vector)


def _score(shares, vector: tuple[int, ...], available: int) -> float:
    if available == 0:
        return 0.0
    return round(100 * sum(w * share for w, share in zip(vector, shares, strict=True))
                 / available, 1)


def score_pair(
    mentee: Candidate,
    mentor: Candidate,
    weights: Mapping[str, int] | None = None,
    *,
    preference_rank: int | None = None,
) -> tuple[float, list[str]]:
    """(score 0-100, reasons in plain words). Pure: no database access.

    Reasons are given for every criterion whose weight is above 0 (preferences only when the
    mentee ranked the mentor; goals only when the mentee has some)."""
    vector, available = _weight_vector(weights)
    if available == 0:
        return 0.0, []
    hours = timezone_hours_apart(mentee.timezone, mentor.timezone)
    shares = _shares(mentee, mentor, preference_rank, hours)
    on = dict(zip(CRITERIA, vector, strict=True))
    goals, _, level, department, language, zone = shares
    reasons: list[Reason] = []
    # Each reason is one whole sentence in the language of the page being rendered.
    if on["goals"] and mentee.goals:
        matched = mentee.goals & mentor.skills
        names = sorted((mentor.skill_names.get(pk) or mentee.skill_names.get(pk, "")
                        for pk in matched), key=str.lower)
        if not matched:
            reasons.append(Reason(gettext("cannot help with your goals"), against=True))
        elif len(mentee.goals) > 1:
            reasons.append(Reason(ngettext(
                "can help with %(count)s of your goals: %(names)s",
                "can help with %(count)s of your goals: %(names)s", len(matched))
                % {"count": len(matched), "names": ", ".join(names)}))
        else:
            reasons.append(Reason(gettext("can help with your goal: %(name)s")
                                  % {"name": names[0]}))
    if on["preferences"] and shares[1]:
        reasons.append(Reason(gettext("you ranked them #%(rank)s") % {"rank": preference_rank}))
    if on["level_gap"]:
        reasons.append(Reason(level_gap_words(mentor.level - mentee.level), against=not level))
    if on["department"]:
        reasons.append(Reason(gettext("other department") if department
                              else gettext("same department"), against=not department))
    if on["language"]:
        shared = mentee.languages & mentor.languages
        reasons.append(Reason(gettext("speaks %(languages)s with you")
                              % {"languages": _language_list(shared)})
                       if language else Reason(gettext("no language in common"), against=True))
    if on["timezone"]:
        reasons.append(Reason(gettext("same time zone") if hours == 0 else _hours_apart(hours),
                              against=not zone))
    return _score(shares, vector, available), reasons


def with_goals(candidate: Candidate, goals: Iterable[Skill]) -> Candidate:
    """The mentee as one request sees them: scored on that request's goals, not every goal in
    their profile (a request about Go is not helped by a mentor for Negotiation)."""
    goals = list(goals)
    return replace(candidate, goals=frozenset(g.pk for g in goals),
                   skill_names={**candidate.skill_names, **{g.pk: g.name for g in goals}})


def level_gap_words(gap: int) -> str:
    """'two levels above you', 'same level as you', 'one level below you'."""
    if gap == 0:
        return gettext("same level as you")
    words = {"count": apnumber(abs(gap))}
    if gap > 0:
        return ngettext("%(count)s level above you", "%(count)s levels above you", gap) % words
    return ngettext("%(count)s level below you", "%(count)s levels below you", -gap) % words


def language_name(code: str) -> str:
    """The name Django knows for a language code, in the active language ("fr" -> "French",
    "français" on a French page), else the code."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    # French and Spanish write language names in lower case inside a sentence ("anglais").
    return name if (get_language() or "en").startswith("en") else name.lower()


def _language_list(codes: Iterable[str]) -> str:
    # English is the company default: name the others first, where there are any.
    others = [code for code in codes if code != "en"] or list(codes)
    return get_text_list(sorted(language_name(code) for code in others), gettext("and"))


def _hours_apart(hours: float) -> str:
    whole = int(hours) if float(hours).is_integer() else hours
    # A fraction of an hour ("1.5 hours") reads as a plural.
    return ngettext("%(hours)s hour apart", "%(hours)s hours apart",
                    whole if isinstance(whole, int) else 2) % {"hours": whole}


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
    """Score every allowed mentor for a mentee, best first (ties: the name, then the id).

    Scores all of them with the numbers only, then writes the reasons for the `limit` kept:
    thousands of mentors cost one cheap pass, not thousands of sentences.
    """
    vector, available = _weight_vector(weights)
    scored = []
    for mentor in mentors:
        if blocked_reason(mentee, mentor) is not None:
            continue
        hours = timezone_hours_apart(mentee.timezone, mentor.timezone)
        score = _score(_shares(mentee, mentor, None, hours), vector, available)
        scored.append((-score, mentor.name, mentor.person_id, mentor))
    scored.sort(key=lambda item: item[:3])
    kept = scored[:limit] if limit is not None else scored
    return [(mentor, *score_pair(mentee, mentor, weights)) for *_, mentor in kept]
