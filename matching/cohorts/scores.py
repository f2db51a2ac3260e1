"""Every pair of a cohort at once: the score matrix, the pairs the rules block, the must-haves.

`matching.scoring.score_pair` is the one definition of a score. Calling it two million times
(2,000 mentees x 1,000 mentors) takes about half a minute in Python, so this module computes the
same numbers with numpy, criterion by criterion in the same order and with the same arithmetic,
and rounds them with Python's `round` so the results are identical, not merely close
(tests/matching/cohorts/test_cohort_scores.py compares every pair with `score_pair`). The reasons
for a pair still come from `score_pair`, called only for the pairs shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from matching import scoring
from matching.scoring import Candidate

# Criteria a mentee may insist on. Keys are stored in CohortEnrolment.must_haves.
MUST_HAVES: dict[str, str] = {
    "same_language": _("same language"),
    "other_department": _("other department"),
    "same_timezone": _("same time zone"),
    "near_timezone": format_lazy(_("time zone at most {hours} hours apart"),
                                 hours=scoring.NEAR_TIMEZONE_HOURS),
    "helps_with_goals": _("helps with at least one of my goals"),
    "more_senior": _("more senior than me"),
}


def cohort_weights(weights: Mapping[str, int] | None) -> dict[str, int]:
    """The cohort's points per criterion over the defaults; unknown keys are ignored."""
    merged = dict(scoring.DEFAULT_WEIGHTS)
    for name, points in (weights or {}).items():
        if name in merged:
            merged[name] = max(0, int(points))
    return merged


class PairFeatures:
    """Both sides of the cohort as arrays, aligned with the receiver and giver lists."""

    def __init__(self, receivers: Sequence[Candidate], givers: Sequence[Candidate]):
        self.shape = (len(receivers), len(givers))
        people = [*receivers, *givers]
        skills = sorted({pk for c in people for pk in c.skills | c.goals})
        skill_col = {pk: i for i, pk in enumerate(skills)}
        self.goals = _membership(receivers, "goals", skill_col)
        self.skills = _membership(givers, "skills", skill_col)
        self.goal_count = self.goals.sum(axis=1)
        self.overlap = self.goals @ self.skills.T  # goals each giver can help with

        self.gap = (np.array([c.level for c in givers])[None, :]
                    - np.array([c.level for c in receivers])[:, None])

        r_dept = np.array([c.department_id or -1 for c in receivers])
        g_dept = np.array([c.department_id or -1 for c in givers])
        self.same_department = (r_dept[:, None] == g_dept[None, :]) & (r_dept[:, None] != -1)

        languages = sorted({code for c in people for code in c.languages})
        bit = {code: 1 << i for i, code in enumerate(languages)}
        if len(languages) <= 63:
            r_lang = np.array([sum(bit[x] for x in c.languages) for c in receivers], np.int64)
            g_lang = np.array([sum(bit[x] for x in c.languages) for c in givers], np.int64)
            self.shared_language = (r_lang[:, None] & g_lang[None, :]) != 0
        else:  # more languages than bits: the plain way
            self.shared_language = np.array(
                [[bool(r.languages & g.languages) for g in givers] for r in receivers],
                dtype=bool).reshape(len(receivers), len(givers))

        zones = sorted({c.timezone for c in people})
        zone_index = {name: i for i, name in enumerate(zones)}
        apart = np.array([[scoring.timezone_hours_apart(a, b) for b in zones] for a in zones])
        apart = apart.reshape(len(zones), len(zones))
        r_zone = np.array([zone_index[c.timezone] for c in receivers], dtype=int)
        g_zone = np.array([zone_index[c.timezone] for c in givers], dtype=int)
        self.hours_apart = apart[np.ix_(r_zone, g_zone)]


def _membership(people: Sequence[Candidate], attribute: str, column: dict[int, int]) -> np.ndarray:
    matrix = np.zeros((len(people), len(column)), dtype=np.float64)
    for row, person in enumerate(people):
        cols = [column[pk] for pk in getattr(person, attribute)]
        matrix[row, cols] = 1.0
    return matrix


def score_matrix(f: PairFeatures, weights: Mapping[str, int] | None = None,
                 ranks: np.ndarray | None = None) -> np.ndarray:
    """score_pair(receiver, giver, weights, preference_rank=ranks[i, j] or None) for all pairs.

    `ranks` holds the receiver's rank for each giver (1-5), 0 where unranked.
    """
    weights = scoring.DEFAULT_WEIGHTS if weights is None else weights
    shape = f.shape

    def points(name: str) -> int:
        return max(0, weights.get(name, 0))

    available = sum(points(name) for name in scoring.CRITERIA)
    if available == 0 or 0 in shape:
        return np.zeros(shape)
    # The same additions in the same order as score_pair, so every float is bit-for-bit equal.
    with np.errstate(invalid="ignore", divide="ignore"):
        goal_share = np.where(f.goal_count[:, None] > 0, f.overlap / f.goal_count[:, None], 0.0)
    earned = np.zeros(shape) + points("goals") * goal_share

    if ranks is not None:
        ranked = (ranks >= 1) & (ranks <= scoring.MAX_PREFERENCE_RANK)
        share = np.where(ranked, (scoring.MAX_PREFERENCE_RANK + 1 - ranks)
                         / scoring.MAX_PREFERENCE_RANK, 0.0)
        earned = earned + points("preferences") * share
    else:
        earned = earned + points("preferences") * 0.0

    low, high = int(f.gap.min()), int(f.gap.max())
    table = np.array([scoring.LEVEL_GAP_SHARE.get(
        gap, scoring.LEVEL_GAP_FAR_SHARE if gap > 0 else 0.0) for gap in range(low, high + 1)])
    earned = earned + points("level_gap") * table[f.gap - low]

    earned = earned + points("department") * np.where(f.same_department, 0.0, 1.0)
    earned = earned + points("language") * np.where(f.shared_language, 1.0, 0.0)
    tz_share = np.where(f.hours_apart == 0, 1.0,
                        np.where(f.hours_apart <= scoring.NEAR_TIMEZONE_HOURS, 0.5, 0.0))
    earned = earned + points("timezone") * tz_share

    return round_tenths(100 * earned / available)


def round_tenths(raw: np.ndarray) -> np.ndarray:
    """Python's round(x, 1) for every element, fast.

    numpy rounds raw * 10 (itself rounded) to an integer; Python's round looks at the exact
    value (np.round(0.35, 1) is 0.4, round(0.35, 1) is 0.3). They can only disagree when
    raw * 10 sits on a half: those few are redone the Python way.
    """
    rounded = np.round(raw, 1)
    tenths = raw * 10
    halves = np.flatnonzero(np.abs(tenths - np.floor(tenths) - 0.5) < 1e-9)
    if halves.size:
        values, inverse = np.unique(raw.ravel()[halves], return_inverse=True)
        rounded.ravel()[halves] = np.array([round(float(v), 1) for v in values])[inverse]
    return rounded


def blocked_matrix(receivers: Sequence[Candidate], givers: Sequence[Candidate]) -> np.ndarray:
    """True where scoring.blocked_reason(receiver, giver) is not None."""
    blocked = np.zeros((len(receivers), len(givers)), dtype=bool)
    column: dict[int, list[int]] = {}
    for col, giver in enumerate(givers):
        column.setdefault(giver.person_id, []).append(col)
    reports_of: dict[int, list[int]] = {}
    for col, giver in enumerate(givers):
        if giver.manager_id is not None:
            reports_of.setdefault(giver.manager_id, []).append(col)
    for row, receiver in enumerate(receivers):
        cols = list(column.get(receiver.person_id, []))  # themselves
        for above in receiver.line:  # their manager and everyone above
            cols.extend(column.get(above, []))
        cols.extend(reports_of.get(receiver.person_id, []))  # their direct reports
        blocked[row, cols] = True
    return blocked


def must_have_failures(f: PairFeatures,
                       must_haves: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
    """For each must-have someone asked for: True where a giver fails it for a receiver who
    asked for it (rows that did not ask are all False). `must_haves` is one list per receiver."""
    tests = {
        "same_language": lambda: ~f.shared_language,
        "other_department": lambda: f.same_department,
        "same_timezone": lambda: f.hours_apart != 0,
        "near_timezone": lambda: f.hours_apart > scoring.NEAR_TIMEZONE_HOURS,
        "helps_with_goals": lambda: (f.overlap == 0) & (f.goal_count[:, None] > 0),
        "more_senior": lambda: f.gap <= 0,
    }
    failures = {}
    for key, test in tests.items():
        asked = np.array([key in wanted for wanted in must_haves], dtype=bool)
        if asked.any():
            failures[key] = test() & asked[:, None]
    return failures
