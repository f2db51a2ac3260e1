"""The outcome report's contract, end to end: CSV imports -> `outcome_report --json` -> numbers.

A population of about 1,300 people is written as CSV files and loaded with
`manage.py import_csv` (people, mentorships, sponsorships, career events, surveys), with known
promotion rates per group. Every count in the printed JSON is checked exactly against a plain
per-person recount in this file, and every interval against statsmodels / scipy.
"""

import csv
import datetime
import io
import json
import random
from dataclasses import dataclass, field

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from scipy import stats as scipy_stats
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from tests.program.reports.test_stats import _statsmodels_restricted_mean

AS_OF = datetime.date(2026, 6, 30)
WINDOW = 12
DAYS_PER_MONTH = 365.25 / 12
EVENT_KINDS = {"promotion": "promotion", "high_visibility": "high_visibility_assignment",
               "leadership": "leadership_role"}


@dataclass
class Someone:
    employee_id: str
    hire_date: datetime.date = datetime.date(2018, 1, 8)
    termination_date: datetime.date | None = None
    mentored_from: datetime.date | None = None
    sponsored_from: datetime.date | None = None
    events: list = field(default_factory=list)  # (kind, date)
    surveys: list = field(default_factory=list)  # (kind, phase, date, confidence, goal_progress)


def _day(start: datetime.date, rng: random.Random, span: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(span))


def build_population(seed: int = 6) -> tuple[list[Someone], list[Someone], list[Someone]]:
    """(employees, mentors, sponsors). Rates per group are fixed by construction."""
    rng = random.Random(seed)
    people: list[Someone] = []
    number = 0

    def new(**kwargs) -> Someone:
        nonlocal number
        number += 1
        person = Someone(employee_id=f"C{number:05d}", **kwargs)
        people.append(person)
        return person

    specs = {
        # group: (size, promoted, high visibility, leadership, exits, index start)
        "mentorship_only": (300, 45, 30, 20, 25, datetime.date(2024, 1, 10)),
        "sponsorship_only": (250, 80, 60, 35, 15, datetime.date(2024, 2, 5)),
        "both": (200, 50, 40, 25, 10, datetime.date(2024, 3, 1)),
        "neither": (400, 36, 12, 8, 40, datetime.date(2025, 6, 30)),
    }
    for group, (size, promoted, visible, leading, exits, start) in specs.items():
        members = []
        for _ in range(size):
            index = start if group == "neither" else _day(start, rng, 200)
            person = new()
            if group in ("mentorship_only", "both"):
                person.mentored_from = index if group == "mentorship_only" else (
                    index + datetime.timedelta(days=rng.randrange(0, 60)))
            if group in ("sponsorship_only", "both"):
                person.sponsored_from = index
            members.append((person, index))
        for i, (person, index) in enumerate(members):
            inside = index + datetime.timedelta(days=rng.randrange(1, 330))
            if i < promoted:
                person.events.append(("promotion", inside))
            elif i < promoted + (100 if group == "sponsorship_only" else 30):
                # Promoted after the window closed: not in the rate, but in time-to-promotion.
                late = index + datetime.timedelta(days=400 + rng.randrange(60))
                if late <= AS_OF:
                    person.events.append(("promotion", late))
            if i % 7 == 0 and i // 7 < visible:
                person.events.append(("high_visibility_assignment", inside))
            if i % 5 == 1 and i // 5 < leading:
                person.events.append(("leadership_role", inside))
            if size - exits <= i:
                left = index + datetime.timedelta(days=rng.randrange(30, 300))
                person.events.append(("exit", left))
                if i % 2:
                    person.termination_date = left
        # Survey pairs for some members of each relationship group.
        for person, index in members[: {"mentorship_only": 120, "sponsorship_only": 90,
                                        "both": 70, "neither": 0}[group]]:
            kinds = {"mentorship_only": ["mentorship"], "sponsorship_only": ["sponsorship"],
                     "both": ["mentorship", "sponsorship"]}[group]
            for kind in kinds:
                base = (rng.randint(1, 4), rng.randint(1, 4))
                closing = (max(1, min(5, base[0] + rng.choice([0, 0, 1, 1, 2, -1]))),
                           max(1, min(5, base[1] + rng.choice([0, 1, 1, 2, -1]))))
                person.surveys.append((kind, "baseline", index + datetime.timedelta(days=3),
                                       *base))
                person.surveys.append((kind, "closing", index + datetime.timedelta(days=180),
                                       *closing))
    # Edge cases the definitions name explicitly.
    for _ in range(12):  # hired after their mentorship started: not employed at the index date
        new(hire_date=datetime.date(2024, 9, 1), mentored_from=datetime.date(2024, 3, 1),
            events=[("promotion", datetime.date(2024, 10, 1))])
    for _ in range(14):  # relationship started recently: the window has not ended yet
        new(sponsored_from=datetime.date(2026, 1, 15),
            events=[("promotion", datetime.date(2026, 3, 1))])
    for _ in range(15):  # left before the neither window opened: not in any group
        new(termination_date=datetime.date(2025, 3, 1))
    for _ in range(9):  # hired after as_of: not in any group
        new(hire_date=datetime.date(2026, 8, 1))
    mentors = [Someone(employee_id=f"M{n:03d}", hire_date=datetime.date(2015, 1, 5))
               for n in range(60)]
    sponsors = [Someone(employee_id=f"S{n:03d}", hire_date=datetime.date(2012, 1, 5))
                for n in range(60)]
    return people, mentors, sponsors


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def import_population(tmp_path, people, mentors, sponsors) -> None:
    everyone = people + mentors + sponsors
    files = {
        "people": [{"employee_id": p.employee_id, "email": f"{p.employee_id.lower()}@example.com",
                    "full_name": f"Person {p.employee_id}",
                    "level": 8 if p in sponsors else (5 if p in mentors else 2),
                    "department": "Engineering", "location": "London",
                    "hire_date": p.hire_date.isoformat(),
                    "termination_date": p.termination_date.isoformat()
                    if p.termination_date else ""} for p in everyone],
        "mentorships": [
            {"mentor_employee_id": mentors[i % len(mentors)].employee_id,
             "mentee_employee_id": p.employee_id, "started_on": p.mentored_from.isoformat(),
             "ended_on": (p.mentored_from + datetime.timedelta(days=180)).isoformat(),
             "status": "completed"}
            for i, p in enumerate(x for x in people if x.mentored_from)],
        "sponsorships": [
            {"sponsor_employee_id": sponsors[i % len(sponsors)].employee_id,
             "protege_employee_id": p.employee_id, "started_on": p.sponsored_from.isoformat(),
             "ended_on": "", "status": "active"}
            for i, p in enumerate(x for x in people if x.sponsored_from)],
        "career_events": [{"employee_id": p.employee_id, "kind": kind,
                           "occurred_on": day.isoformat()}
                          for p in people for kind, day in p.events],
        "surveys": [{"employee_id": p.employee_id, "relationship_kind": kind, "phase": phase,
                     "answered_on": day.isoformat(), "confidence": confidence,
                     "goal_progress": goal, "usefulness": 4 if phase == "closing" else ""}
                    for p in people for kind, phase, day, confidence, goal in p.surveys],
    }
    for kind, rows in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(_csv(rows))
        call_command("import_csv", kind, str(path), stdout=io.StringIO())


# The independent recount: one person at a time, straight from the definitions.


def recount(people: list[Someone], mentors, sponsors) -> dict:
    window_start = AS_OF - relativedelta(months=WINDOW)
    groups = {g: {"n": 0, "eligible": 0, "promotion": 0, "high_visibility": 0, "leadership": 0,
                  "retention": 0, "km": [], "survey": {"confidence": [], "goal_progress": []}}
              for g in ("mentorship_only", "sponsorship_only", "both", "neither")}

    def employed(p, day):
        return p.hire_date <= day and (p.termination_date is None or p.termination_date > day)

    for p in people + mentors + sponsors:
        m = p.mentored_from if p.mentored_from and p.mentored_from <= AS_OF else None
        s = p.sponsored_from if p.sponsored_from and p.sponsored_from <= AS_OF else None
        if m and s:
            group, index = "both", min(m, s)
        elif m or s:
            group, index = ("mentorship_only", m) if m else ("sponsorship_only", s)
        else:
            if p.hire_date > AS_OF or (p.termination_date and p.termination_date <= window_start):
                continue
            group, index = "neither", window_start
        end = AS_OF if group == "neither" else index + relativedelta(months=WINDOW)
        g = groups[group]
        g["n"] += 1

        def happened(kind, start, stop, p=p):
            return [d for k, d in p.events if k == kind and start <= d <= stop]

        if end <= AS_OF and employed(p, index):
            g["eligible"] += 1
            for key, kind in EVENT_KINDS.items():
                g[key] += bool(happened(kind, index, end))
            left = happened("exit", index, end) or (
                p.termination_date and p.termination_date <= end)
            g["retention"] += not left
        if employed(p, index):
            exits = [d for k, d in p.events if k == "exit" and d >= index]
            if p.termination_date:
                exits.append(p.termination_date)
            stop = min([AS_OF, *exits])
            promotions = happened("promotion", index, stop)
            if promotions:
                g["km"].append(((min(promotions) - index).days, 1))
            else:
                g["km"].append(((stop - index).days, 0))
        kinds = {"mentorship_only": {"mentorship"}, "sponsorship_only": {"sponsorship"},
                 "both": {"mentorship", "sponsorship"}, "neither": set()}[group]
        changes = {"confidence": [], "goal_progress": []}
        for kind in kinds:
            answers = [r for r in p.surveys if r[0] == kind and r[2] <= AS_OF]
            base = [r for r in answers if r[1] == "baseline"]
            close = [r for r in answers if r[1] == "closing"]
            if base and close:
                for position, measure in ((3, "confidence"), (4, "goal_progress")):
                    changes[measure].append(np.mean([r[position] for r in close])
                                            - np.mean([r[position] for r in base]))
        for measure, values in changes.items():
            if values:
                g["survey"][measure].append(float(np.mean(values)))
    return groups


@pytest.fixture
def population(db, tmp_path):
    """(printed report, independent recount). About 1,300 people: a few seconds to import."""
    people, mentors, sponsors = build_population()
    import_population(tmp_path, people, mentors, sponsors)
    out = io.StringIO()
    call_command("outcome_report", "--json", "--as-of", AS_OF.isoformat(),
                 "--window-months", str(WINDOW), stdout=out)
    return json.loads(out.getvalue()), recount(people, mentors, sponsors)


def _check_the_report_prints_the_documented_shape(population):
    report, _ = population
    assert set(report) == {"as_of", "window_months", "min_group_size", "groups", "comparisons",
                           "adjusted", "time_to_promotion", "filters"}
    assert set(report["filters"].values()) == {None}
    assert (report["as_of"], report["window_months"], report["min_group_size"]) == (
        "2026-06-30", 12, 5)
    assert list(report["groups"]) == ["mentorship_only", "sponsorship_only", "both", "neither"]
    for group in report["groups"].values():
        assert set(group) == {"n", "outcomes", "median_months_to_promotion",
                              "restricted_mean_months_to_promotion", "survey_change",
                              "who_is_counted", "suppressed"}
        assert set(group["outcomes"]) == {"promotion", "high_visibility", "leadership",
                                          "retention"}
        assert set(group["survey_change"]) == {"confidence", "goal_progress"}
        for cell in group["outcomes"].values():
            assert set(cell) == {"count", "n", "rate", "ci95"}
    for comparison in report["comparisons"]:
        assert set(comparison) == {"metric", "a", "b", "difference", "ci95"}


def _check_every_group_count_matches_a_per_person_recount(population):
    report, expected = population
    for name, group in report["groups"].items():
        assert group["suppressed"] is False
        assert group["n"] == expected[name]["n"], name
        for key, cell in group["outcomes"].items():
            assert (cell["count"], cell["n"]) == (expected[name][key],
                                                  expected[name]["eligible"]), (name, key)


def _check_who_is_counted_matches_the_recount(population):
    report, expected = population
    for name, group in report["groups"].items():
        employed = len(expected[name]["km"])  # follow-up is for members employed on the index
        assert group["who_is_counted"] == {
            "counted": expected[name]["eligible"],
            "too_recent": employed - expected[name]["eligible"],
            "not_employed_on_index_date": expected[name]["n"] - employed}, name
    # The edge cases built in: 12 mentees hired after their mentorship started, 14 protégés
    # whose sponsorship started in January 2026.
    assert report["groups"]["mentorship_only"]["who_is_counted"] == {
        "counted": 300, "too_recent": 0, "not_employed_on_index_date": 12}
    assert report["groups"]["sponsorship_only"]["who_is_counted"] == {
        "counted": 250, "too_recent": 14, "not_employed_on_index_date": 0}


def _check_the_known_promotion_rates_come_out(population):
    report, _ = population
    rates = {name: group["outcomes"]["promotion"] for name, group in report["groups"].items()}
    # Built as 45/300, 80/250, 50/200 promoted in their windows; plus edge-case people who
    # are in a group but not eligible (hired after the index, window still open).
    assert (rates["mentorship_only"]["count"], rates["mentorship_only"]["n"]) == (45, 300)
    assert (rates["sponsorship_only"]["count"], rates["sponsorship_only"]["n"]) == (80, 250)
    assert (rates["both"]["count"], rates["both"]["n"]) == (50, 200)
    assert rates["sponsorship_only"]["rate"] == pytest.approx(0.32)
    assert report["groups"]["mentorship_only"]["n"] == 312
    assert report["groups"]["sponsorship_only"]["n"] == 264


def _check_every_rate_interval_matches_statsmodels_wilson(population):
    report, _ = population
    for group in report["groups"].values():
        for cell in group["outcomes"].values():
            low, high = proportion_confint(cell["count"], cell["n"], method="wilson")
            assert cell["rate"] == pytest.approx(cell["count"] / cell["n"])
            assert cell["ci95"] == pytest.approx([low, high], abs=1e-12)


def _check_every_rate_comparison_matches_statsmodels_newcombe(population):
    report, _ = population
    groups = report["groups"]
    rate_rows = [c for c in report["comparisons"] if not c["metric"].startswith("survey")]
    assert {(c["a"], c["b"]) for c in rate_rows} == {
        ("sponsorship_only", "mentorship_only"), ("sponsorship_only", "neither"),
        ("mentorship_only", "neither")}
    assert len(rate_rows) == 12
    for row in rate_rows:
        a, b = groups[row["a"]]["outcomes"][row["metric"]], groups[row["b"]]["outcomes"][
            row["metric"]]
        low, high = confint_proportions_2indep(a["count"], a["n"], b["count"], b["n"],
                                               method="newcomb", compare="diff")
        assert row["difference"] == pytest.approx(a["count"] / a["n"] - b["count"] / b["n"])
        assert row["ci95"] == pytest.approx([low, high], abs=1e-12)


def _check_time_to_promotion_matches_an_independent_kaplan_meier(population):
    report, expected = population
    for name, group in report["groups"].items():
        rows = expected[name]["km"]
        reference = SurvfuncRight(np.array([t for t, _ in rows], float),
                                  np.array([e for _, e in rows], float))
        median = reference.quantile(0.5)
        low, high = reference.quantile_ci(0.5, method="cloglog")
        value = group["median_months_to_promotion"]
        if np.isnan(median):
            assert value["value"] is None
        else:
            assert value["value"] == pytest.approx(median / DAYS_PER_MONTH)
        if np.isnan(low):
            assert value["ci95"] is None
        else:
            assert value["ci95"][0] == pytest.approx(low / DAYS_PER_MONTH)
            assert value["ci95"][1] == (None if np.isinf(high) or np.isnan(high)
                                        else pytest.approx(high / DAYS_PER_MONTH))
    assert report["groups"]["sponsorship_only"]["median_months_to_promotion"]["value"] is not None


def _check_restricted_means_match_statsmodels_kaplan_meier(population):
    report, expected = population
    tau = (AS_OF - (AS_OF - relativedelta(months=WINDOW))).days
    assert report["time_to_promotion"]["restricted_to_months"] == pytest.approx(
        tau / DAYS_PER_MONTH)
    reference = {}
    for name, group in report["groups"].items():
        rows = expected[name]["km"]
        area, variance = _statsmodels_restricted_mean([t for t, _ in rows],
                                                      [e for _, e in rows], tau)
        reference[name] = (area, variance)
        cell = group["restricted_mean_months_to_promotion"]
        half = 1.959964 * np.sqrt(variance)
        assert cell["status"] == "shown"
        assert cell["value"] == pytest.approx(area / DAYS_PER_MONTH)
        assert cell["ci95"] == pytest.approx([(area - half) / DAYS_PER_MONTH,
                                              (area + half) / DAYS_PER_MONTH], rel=1e-6)
    for row in report["time_to_promotion"]["comparisons"]:
        (area_a, var_a), (area_b, var_b) = reference[row["a"]], reference[row["b"]]
        half = 1.959964 * np.sqrt(var_a + var_b)
        assert row["difference"] == pytest.approx((area_a - area_b) / DAYS_PER_MONTH)
        assert row["ci95"] == pytest.approx([(area_a - area_b - half) / DAYS_PER_MONTH,
                                             (area_a - area_b + half) / DAYS_PER_MONTH], rel=1e-6)
    # Fewer than half of the mentees were promoted: their median is "not reached", not hidden.
    median = report["groups"]["mentorship_only"]["median_months_to_promotion"]
    assert (median["value"], median["status"]) == (None, "not_reached")


def _check_survey_changes_match_scipy_t_intervals(population):
    report, expected = population
    for name, group in report["groups"].items():
        for measure, cell in group["survey_change"].items():
            values = np.array(expected[name]["survey"][measure])
            if name == "neither":
                assert cell == {"mean": None, "n": None, "ci95": None}
                continue
            assert cell["n"] == len(values) == {"mentorship_only": 120,
                                                 "sponsorship_only": 90, "both": 70}[name]
            assert cell["mean"] == pytest.approx(values.mean())
            expected_ci = scipy_stats.t.interval(0.95, len(values) - 1, loc=values.mean(),
                                                 scale=scipy_stats.sem(values))
            assert cell["ci95"] == pytest.approx(list(expected_ci))


def _check_survey_change_comparisons_match_welch_in_scipy(population):
    report, expected = population
    rows = {(c["metric"], c["a"], c["b"]): c for c in report["comparisons"]}
    for measure in ("confidence", "goal_progress"):
        row = rows[(f"survey_change.{measure}", "sponsorship_only", "mentorship_only")]
        a = np.array(expected["sponsorship_only"]["survey"][measure])
        b = np.array(expected["mentorship_only"]["survey"][measure])
        ci = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
        assert row["difference"] == pytest.approx(a.mean() - b.mean())
        assert row["ci95"] == pytest.approx([ci.low, ci.high])
        # Nobody in "neither" has a relationship to survey, so there is nothing to compare.
        assert rows[(f"survey_change.{measure}", "sponsorship_only", "neither")][
            "difference"] is None


def test_the_imported_population_gives_the_documented_shape_and_exact_counts(population):
    _check_the_report_prints_the_documented_shape(population)
    _check_every_group_count_matches_a_per_person_recount(population)
    _check_who_is_counted_matches_the_recount(population)
    _check_the_known_promotion_rates_come_out(population)


def test_every_interval_matches_statsmodels_and_scipy(population):
    _check_every_rate_interval_matches_statsmodels_wilson(population)
    _check_every_rate_comparison_matches_statsmodels_newcombe(population)
    _check_time_to_promotion_matches_an_independent_kaplan_meier(population)
    _check_restricted_means_match_statsmodels_kaplan_meier(population)
    _check_survey_changes_match_scipy_t_intervals(population)
    _check_survey_change_comparisons_match_welch_in_scipy(population)
