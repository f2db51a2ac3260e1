"""Match a whole cohort: load it, score every pair, apply the hard rules, solve, explain.

Read-only: `cohort_match` is what the preview shows, what `match_cohort --dry-run` prints, and
what `cohort_publish` turns into relationships. The database work is a fixed number of queries
whatever the cohort's size (enrolments, two `load_candidates` calls, pair rules, existing pairs);
the rest is arrays (matching/cohort_scores.py) and the solver (matching/solver.py).

Receivers are mentees (or protégés), givers mentors (or sponsors). The hard rules, in the order
an unmatched receiver's reason names them: someone is enrolled to give at all; never in the same
reporting line; not already in an open relationship of this kind together; the receiver's
must-haves; pairs HR forbade; capacity. Pins are kept first.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import MentorProfile, SponsorProfile
from accounts.program_settings import setting
from matching.cohorts import solver
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.cohorts.scores import (
    MUST_HAVES,
    PairFeatures,
    blocked_matrix,
    cohort_weights,
    must_have_failures,
    score_matrix,
)
from matching.mentorship.models import Mentorship
from matching.relationships.capacity import rooms_for
from matching.relationships.models import RelationshipStatus
from matching.scoring import Candidate, load_candidates, score_pair
from matching.sponsorship.models import Sponsorship

ROLES = {  # kind: (receiver role, giver role)
    Cohort.Kind.MENTORSHIP: (CohortEnrolment.Role.MENTEE, CohortEnrolment.Role.MENTOR),
    Cohort.Kind.SPONSORSHIP: (CohortEnrolment.Role.PROTEGE, CohortEnrolment.Role.SPONSOR),
}
# Column headings of the cohort pages.
GIVER_WORD = {Cohort.Kind.MENTORSHIP: pgettext_lazy("cohort role", "mentor"),
              Cohort.Kind.SPONSORSHIP: pgettext_lazy("cohort role", "sponsor")}
RECEIVER_WORD = {Cohort.Kind.MENTORSHIP: pgettext_lazy("cohort role", "mentee"),
                 Cohort.Kind.SPONSORSHIP: pgettext_lazy("cohort role", "protégé")}
PINNED_REASON = _("pinned by HR")
# Group names in the match rates: kept untranslated as keys, translated when shown.
EVERYONE = gettext_noop("Everyone")
NOT_STATED = gettext_noop("Not stated")
NO_DEPARTMENT = gettext_noop("No department")

# Unmatched reasons, one whole sentence per kind of cohort.
_M, _S = Cohort.Kind.MENTORSHIP, Cohort.Kind.SPONSORSHIP
NOBODY_GIVES = {_M: _("nobody has enrolled as a mentor in this cohort"),
                _S: _("nobody has enrolled as a sponsor in this cohort")}
ALL_IN_LINE = {_M: _("every mentor enrolled is in their reporting line"),
               _S: _("every sponsor enrolled is in their reporting line")}
ALREADY_PAIRED = {
    _M: _("they already have a mentorship with every mentor outside their reporting line"),
    _S: _("they already have a sponsorship with every sponsor outside their reporting line")}
MUST_HAVE_RULES_OUT = {_M: _("must-have '{label}' rules out every mentor"),
                       _S: _("must-have '{label}' rules out every sponsor")}
MUST_HAVES_RULE_OUT = {_M: _("must-haves {labels} together rule out every mentor"),
                       _S: _("must-haves {labels} together rule out every sponsor")}
ALL_FORBIDDEN = {_M: _("HR forbade every mentor left after their must-haves"),
                 _S: _("HR forbade every sponsor left after their must-haves")}
NO_GOAL_WITH_ROOM = {_M: _("no mentor offers {goals} with capacity left"),
                     _S: _("no sponsor offers {goals} with capacity left")}
NO_GOAL_AT_ALL = {
    _M: _("no allowed mentor offers {goals}, and every other allowed mentor is full"),
    _S: _("no allowed sponsor offers {goals}, and every other allowed sponsor is full")}
ALL_FULL = {_M: _("every allowed mentor is full"), _S: _("every allowed sponsor is full")}
FULL_FOR_SCORE = _("{reason} (their places went to pairs that score higher; 'most people "
                   "matched' may place them)")
STALE_PIN = _("The pin {receiver} → {giver} is ignored: {why}.")
PIN_NOW_BREAKS_RULE = _("it now breaks a hard rule")
PIN_PERSON_TWICE = _("this person is already pinned to someone else")
PIN_CAPACITY_USED = _("the capacity is used up by other pins")
PIN_NOT_BOTH_ENROLLED = _("both people must be enrolled in this cohort, one on each side")
PIN_SAME_LINE = _("they are in the same reporting line")
PIN_BREAKS_MUST_HAVE = _("it breaks {name}'s must-have '{label}'")


@dataclass(frozen=True)
class ProposedPair:
    receiver: Candidate
    giver: Candidate
    score: float
    reasons: list[str]
    pinned: bool = False


@dataclass(frozen=True)
class Unmatched:
    receiver: Candidate
    reason: str


@dataclass(frozen=True)
class Rate:
    """A group's match rate; `matched` is None when the group is too small to show."""

    label: str
    enrolled: int
    matched: int | None

    @property
    def suppressed(self) -> bool:
        return self.matched is None

    @property
    def percent(self) -> float | None:
        if self.matched is None or not self.enrolled:
            return None
        return round(100 * self.matched / self.enrolled, 1)


@dataclass
class MatchResult:
    cohort: Cohort
    objective: str
    pairs: list[ProposedPair]
    unmatched: list[Unmatched]
    total_score: float
    greedy_total_score: float
    greedy_matched: int
    givers: int
    places: int
    overall: Rate
    by_department: list[Rate]
    by_gender: list[Rate]
    warnings: list[str] = field(default_factory=list)
    candidates: list[tuple[Candidate, Candidate, float]] | None = None

    @property
    def receivers(self) -> int:
        return len(self.pairs) + len(self.unmatched)

    @property
    def fingerprint(self) -> str:
        """Identifies this proposal: publishing checks HR saw the same pairs it will create."""
        text = self.objective + ";" + ";".join(
            f"{p.receiver.person_id}>{p.giver.person_id}" for p in self.pairs)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def as_json(self) -> dict:
        """The `match_cohort --json` contract (employee ids; receiver under "mentee")."""
        data = {
            "objective": self.objective,
            "total_score": round(self.total_score, 1),
            "pairs": [{"mentee": p.receiver.employee_id, "mentor": p.giver.employee_id,
                       "score": p.score, "reasons": p.reasons} for p in self.pairs],
            "unmatched": [{"employee_id": u.receiver.employee_id, "reason": u.reason}
                          for u in self.unmatched],
            "greedy_total_score": round(self.greedy_total_score, 1),
        }
        if self.candidates is not None:
            data["candidates"] = [{"mentee": r.employee_id, "mentor": g.employee_id, "score": s}
                                  for r, g, s in self.candidates]
        return data


@dataclass
class _Side:
    ids: list[int]
    candidates: list[Candidate]
    capacity: list[int]
    preferred: list[list[int]]
    must_haves: list[list[str]]
    gender: list[str]


def _load_sides(cohort: Cohort) -> tuple[_Side, _Side, list[str]]:
    receiver_role, giver_role = ROLES[cohort.kind]
    today = timezone.localdate()
    rows = (CohortEnrolment.objects.filter(cohort=cohort, role__in=[receiver_role, giver_role])
            .order_by("person__full_name", "person_id")
            .values_list("person_id", "role", "capacity", "preferred", "must_haves",
                         "person__gender", "person__termination_date"))
    raw: dict[str, list] = {receiver_role: [], giver_role: []}
    left = 0
    for row in rows:
        if row[6] is not None and row[6] <= today:
            left += 1
            continue
        raw[row[1]].append(row)
    warnings = [f"{left} enrolled people have left the company and are not matched."] \
        if left else []
    # Subqueries rather than thousands of ids as query parameters.
    enrolled = CohortEnrolment.objects.filter(cohort=cohort).values_list("person_id", flat=True)
    receivers = load_candidates(enrolled.filter(role=receiver_role))
    givers = load_candidates(enrolled.filter(role=giver_role),
                             mentors=cohort.kind == Cohort.Kind.MENTORSHIP)

    def side(rows, found: dict[int, Candidate]) -> _Side:
        rows = [r for r in rows if r[0] in found]
        return _Side(ids=[r[0] for r in rows], candidates=[found[r[0]] for r in rows],
                     capacity=[max(0, r[2]) for r in rows],
                     preferred=[list(r[3] or []) for r in rows],
                     must_haves=[[k for k in (r[4] or []) if k in MUST_HAVES] for r in rows],
                     gender=[(r[5] or "").strip() for r in rows])

    giver_side = side(raw[giver_role], givers)
    warnings += _registered_places(cohort, giver_side)
    return side(raw[receiver_role], receivers), giver_side, warnings


def _registered_places(cohort: Cohort, givers: _Side) -> list[str]:
    """Cap each giver's places for the round (typed at enrolment) by what their registration
    has left: capacity minus the relationships they are in or have been proposed. A sponsor
    who is not approved, or has paused, has none; a mentor without a mentor profile keeps what
    was typed. Publishing proposes through the same rule, so the preview is what it creates."""
    if cohort.kind == Cohort.Kind.MENTORSHIP:
        profiles, missing = MentorProfile.objects.all(), None
    else:
        profiles, missing = SponsorProfile.objects.filter(
            status=SponsorProfile.Status.APPROVED, is_paused=False), 0
    rooms = rooms_for(profiles, givers.ids)
    capped = 0
    for j, pk in enumerate(givers.ids):
        left = rooms.get(pk, missing)
        if left is not None and left < givers.capacity[j]:
            givers.capacity[j] = left
            capped += 1
    if not capped:
        return []
    if cohort.kind == Cohort.Kind.MENTORSHIP:
        warning = ngettext(
            "%(count)s mentor has fewer places than typed for this round: their registered "
            "capacity minus the relationships they are in or have been proposed.",
            "%(count)s mentors have fewer places than typed for this round: their registered "
            "capacity minus the relationships they are in or have been proposed.", capped)
    else:
        warning = ngettext(
            "%(count)s sponsor has fewer places than typed for this round: their registered "
            "capacity minus the relationships they are in or have been proposed.",
            "%(count)s sponsors have fewer places than typed for this round: their registered "
            "capacity minus the relationships they are in or have been proposed.", capped)
    return [warning % {"count": capped}]


def _open_pairs(cohort: Cohort) -> set[tuple[int, int]]:
    """(receiver, giver) person ids already in a waiting or active relationship of this kind."""
    enrolled = CohortEnrolment.objects.filter(cohort=cohort).values("person_id")
    open_status = [RelationshipStatus.PROPOSED, RelationshipStatus.ACTIVE]
    if cohort.kind == Cohort.Kind.MENTORSHIP:
        pairs = Mentorship.objects.filter(mentee_id__in=enrolled, mentor_id__in=enrolled,
                                          status__in=open_status).values_list("mentee_id",
                                                                              "mentor_id")
    else:
        pairs = Sponsorship.objects.filter(protege_id__in=enrolled, sponsor_id__in=enrolled,
                                           status__in=open_status).values_list("protege_id",
                                                                               "sponsor_id")
    return set(pairs)


def cohort_match(*, cohort: Cohort, objective: str | None = None,
                 with_candidates: bool = False) -> MatchResult:
    """The optimal proposal for the cohort as it stands, with reasons, rates and the baseline."""
    objective = objective or cohort.objective or solver.SCORE
    if objective not in solver.OBJECTIVES:
        raise ValueError(solver.UNKNOWN_OBJECTIVE.format(objective=objective))
    receivers, givers, warnings = _load_sides(cohort)
    n, m = len(receivers.ids), len(givers.ids)
    row_of = {pk: i for i, pk in enumerate(receivers.ids)}
    col_of = {pk: j for j, pk in enumerate(givers.ids)}

    ranks = np.zeros((n, m), dtype=np.int64)
    for i, preferred in enumerate(receivers.preferred):
        for rank, pk in enumerate(preferred[:5], start=1):
            if pk in col_of and ranks[i, col_of[pk]] == 0:
                ranks[i, col_of[pk]] = rank
    weights = cohort_weights(cohort.weights)
    features = PairFeatures(receivers.candidates, givers.candidates)
    scores = score_matrix(features, weights, ranks)
    blocked = blocked_matrix(receivers.candidates, givers.candidates)
    already = np.zeros((n, m), dtype=bool)
    for receiver_id, giver_id in _open_pairs(cohort):
        if receiver_id in row_of and giver_id in col_of:
            already[row_of[receiver_id], col_of[giver_id]] = True
    failures = must_have_failures(features, receivers.must_haves)
    fails_any = np.zeros((n, m), dtype=bool)
    for failed in failures.values():
        fails_any |= failed
    forbidden = np.zeros((n, m), dtype=bool)
    pin_rules = []
    for giver_id, receiver_id, rule in CohortPairRule.objects.filter(cohort=cohort).order_by(
            "created_at", "id").values_list("giver_id", "receiver_id", "rule"):
        if receiver_id in row_of and giver_id in col_of:
            cell = (row_of[receiver_id], col_of[giver_id])
            if rule == CohortPairRule.Rule.FORBID:
                forbidden[cell] = True
            else:
                pin_rules.append(cell)
    allowed = ~blocked & ~already & ~fails_any & ~forbidden
    pins = _usable_pins(pin_rules, allowed, givers, receivers, warnings)

    best = solver.solve(scores, allowed, givers.capacity, objective=objective, pins=pins)
    baseline = solver.greedy(scores, allowed, givers.capacity, pins=pins)

    pinned = set(pins)
    pairs = []
    for i, j in best.pairs:
        _score, reasons = score_pair(receivers.candidates[i], givers.candidates[j], weights,
                                preference_rank=int(ranks[i, j]) or None)
        if (i, j) in pinned:
            reasons = [str(PINNED_REASON), *reasons]
        pairs.append(ProposedPair(receivers.candidates[i], givers.candidates[j],
                                  float(scores[i, j]), reasons, (i, j) in pinned))
    pairs.sort(key=lambda p: (p.receiver.name, p.receiver.person_id))
    matched_rows = {i for i, _ in best.pairs}
    context = _Explain(cohort, objective, givers, blocked, already, failures, allowed,
                       features, best.remaining)
    unmatched = [Unmatched(receivers.candidates[i], context.reason(i, receivers))
                 for i in range(n) if i not in matched_rows]

    result = MatchResult(
        cohort=cohort, objective=objective, pairs=pairs, unmatched=unmatched,
        total_score=best.total_score, greedy_total_score=baseline.total_score,
        greedy_matched=baseline.matched, givers=m, places=int(sum(givers.capacity)),
        overall=Rate(gettext(EVERYONE), n, len(matched_rows)),
        by_department=_rates([c.department_name or NO_DEPARTMENT
                              for c in receivers.candidates], matched_rows),
        by_gender=_rates([g or NOT_STATED for g in receivers.gender], matched_rows),
        warnings=warnings,
    )
    if with_candidates:
        rows, cols = np.nonzero(allowed)
        result.candidates = [(receivers.candidates[i], givers.candidates[j], float(scores[i, j]))
                             for i, j in zip(rows.tolist(), cols.tolist(), strict=True)]
    return result


def _usable_pins(cells: list[tuple[int, int]], allowed: np.ndarray, givers: _Side,
                 receivers: _Side, warnings: list[str]) -> list[tuple[int, int]]:
    """Pins still possible: the service checked them when made, but people change."""
    pins, rows, load = [], set(), defaultdict(int)
    for i, j in cells:
        why = None
        if not allowed[i, j]:
            why = PIN_NOW_BREAKS_RULE
        elif i in rows:
            why = PIN_PERSON_TWICE
        elif load[j] >= givers.capacity[j]:
            why = PIN_CAPACITY_USED
        if why:
            warnings.append(STALE_PIN.format(receiver=receivers.candidates[i].name,
                                             giver=givers.candidates[j].name, why=why))
            continue
        pins.append((i, j))
        rows.add(i)
        load[j] += 1
    return pins


def _rates(groups: list[str], matched_rows: set[int]) -> list[Rate]:
    """Match rate per group, hiding any group smaller than REPORT_MIN_GROUP_SIZE."""
    enrolled: dict[str, int] = defaultdict(int)
    matched: dict[str, int] = defaultdict(int)
    for i, group in enumerate(groups):
        enrolled[group] += 1
        matched[group] += i in matched_rows
    minimum = setting("REPORT_MIN_GROUP_SIZE")
    unnamed = (NOT_STATED, NO_DEPARTMENT)
    return [Rate(gettext(label) if label in unnamed else label, enrolled[label],
                 matched[label] if enrolled[label] >= minimum else None)
            for label in sorted(enrolled, key=lambda g: (g in unnamed, g))]


@dataclass
class _Explain:
    """Why a receiver is unmatched: the first hard rule that leaves nobody, else capacity."""

    cohort: Cohort
    objective: str
    givers: _Side
    blocked: np.ndarray
    already: np.ndarray
    failures: dict[str, np.ndarray]
    allowed: np.ndarray
    features: PairFeatures
    remaining: np.ndarray

    def reason(self, i: int, receivers: _Side) -> str:
        kind = self.cohort.kind
        if not self.givers.ids:
            return str(NOBODY_GIVES[kind])
        open_ = ~self.blocked[i]
        if not open_.any():
            return str(ALL_IN_LINE[kind])
        open_ &= ~self.already[i]
        if not open_.any():
            return str(ALREADY_PAIRED[kind])
        asked = [k for k in receivers.must_haves[i] if k in self.failures]
        survivors = open_.copy()
        for key in asked:
            survivors &= ~self.failures[key][i]
        if not survivors.any():
            alone = [k for k in asked if not (open_ & ~self.failures[k][i]).any()]
            if alone:
                return MUST_HAVE_RULES_OUT[kind].format(label=MUST_HAVES[alone[0]])
            labels = get_text_list([f"'{MUST_HAVES[k]}'" for k in asked], gettext("and"))
            return MUST_HAVES_RULE_OUT[kind].format(labels=labels)
        allowed = self.allowed[i]
        if not allowed.any():
            return str(ALL_FORBIDDEN[kind])
        reason = self._capacity_reason(i, receivers.candidates[i], allowed)
        return FULL_FOR_SCORE.format(reason=reason) if self.objective == solver.SCORE else reason

    def _capacity_reason(self, i: int, receiver: Candidate, allowed: np.ndarray) -> str:
        kind = self.cohort.kind
        if receiver.goals:
            names = sorted(receiver.skill_names.get(pk, str(pk)) for pk in receiver.goals)
            goals = get_text_list(names, gettext("or"))
            offering = allowed & (self.features.overlap[i] > 0)
            template = NO_GOAL_WITH_ROOM if offering.any() else NO_GOAL_AT_ALL
            return template[kind].format(goals=goals)
        return str(ALL_FULL[kind])


def pin_problem(*, cohort: Cohort, giver_id: int, receiver_id: int) -> str | None:
    """Why HR may not pin this pair (a hard rule it breaks), or None. Used by the rule service."""
    receiver_role, giver_role = ROLES[cohort.kind]
    enrolled = dict(CohortEnrolment.objects.filter(
        Q(person_id=receiver_id, role=receiver_role) | Q(person_id=giver_id, role=giver_role),
        cohort=cohort).values_list("role", "must_haves"))
    if receiver_role not in enrolled or giver_role not in enrolled:
        return str(PIN_NOT_BOTH_ENROLLED)
    receiver = load_candidates([receiver_id])[receiver_id]
    giver = load_candidates([giver_id], mentors=cohort.kind == Cohort.Kind.MENTORSHIP)[giver_id]
    if blocked_matrix([receiver], [giver])[0, 0]:
        return str(PIN_SAME_LINE)
    failures = must_have_failures(PairFeatures([receiver], [giver]),
                                  [[k for k in enrolled[receiver_role] or [] if k in MUST_HAVES]])
    broken = [MUST_HAVES[k] for k, failed in failures.items() if failed[0, 0]]
    if broken:
        return PIN_BREAKS_MUST_HAVE.format(name=receiver.name, label=broken[0])
    return None
