"""The like-for-like comparison (`adjusted`), on populations loaded through `import_csv`.

Each population is a list of plain records written to CSV and imported with
`manage.py import_csv`; `expected_adjusted` below recomputes every comparison from those records,
one person at a time, straight from docs/metrics.md (level on the index date, department, whole
years of service, then direct standardisation to group a), and the printed JSON must agree.
"""

import csv
import datetime
import io
import json
import math
import random
from dataclasses import dataclass, field

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command

from program.reports.models import ReportSnapshot
from program.reports.page import report_tables

AS_OF = datetime.date(2026, 6, 30)
WINDOW = 12
NEITHER_INDEX = AS_OF - relativedelta(months=WINDOW)
OUTCOME_KINDS = {"promotion": "promotion", "high_visibility": "high_visibility_assignment",
                 "leadership": "leadership_role"}
PAIRS = [("sponsorship_only", "mentorship_only"), ("sponsorship_only", "neither"),
         ("mentorship_only", "neither")]


@dataclass
class Employee:
    employee_id: str
    level: int  # today's level, as HR's people file gives it
    department: str
    hire_date: datetime.date
    mentored_from: datetime.date | None = None
    sponsored_from: datetime.date | None = None
    termination_date: datetime.date | None = None
    events: list = field(default_factory=list)  # (kind, date)


def _write(tmp_path, kind: str, rows: list[dict]) -> None:
    if not rows:
        return
    path = tmp_path / f"{kind}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    call_command("import_csv", kind, str(path), stdout=io.StringIO())


def import_and_report(tmp_path, people: list[Employee]) -> dict:
    mentor = Employee("MENTOR", 9, "Board", datetime.date(2010, 1, 4))
    sponsor = Employee("SPONSOR", 9, "Board", datetime.date(2010, 1, 4))
    everyone = [*people, mentor, sponsor]
    _write(tmp_path, "people", [
        {"employee_id": p.employee_id, "email": f"{p.employee_id.lower()}@example.com",
         "full_name": f"Person {p.employee_id}", "level": p.level, "department": p.department,
         "location": "Leeds", "hire_date": p.hire_date.isoformat(),
         "termination_date": p.termination_date.isoformat() if p.termination_date else ""}
        for p in everyone])
    _write(tmp_path, "mentorships", [
        {"mentor_employee_id": "MENTOR", "mentee_employee_id": p.employee_id,
         "started_on": p.mentored_from.isoformat(), "ended_on": "", "status": "active"}
        for p in people if p.mentored_from])
    _write(tmp_path, "sponsorships", [
        {"sponsor_employee_id": "SPONSOR", "protege_employee_id": p.employee_id,
         "started_on": p.sponsored_from.isoformat(), "ended_on": "", "status": "active"}
        for p in people if p.sponsored_from])
    _write(tmp_path, "career_events", [
        {"employee_id": p.employee_id, "kind": kind, "occurred_on": day.isoformat()}
        for p in people for kind, day in p.events])
    out = io.StringIO()
    call_command("outcome_report", "--json", "--as-of", AS_OF.isoformat(),
                 "--window-months", str(WINDOW), stdout=out)
    report = json.loads(out.getvalue())
    report["_everyone"] = everyone
    return report


# The independent calculation: per person, from the definitions.


def _group_and_index(p: Employee) -> tuple[str, datetime.date] | None:
    if p.mentored_from and p.sponsored_from:
        return "both", min(p.mentored_from, p.sponsored_from)
    if p.mentored_from:
        return "mentorship_only", p.mentored_from
    if p.sponsored_from:
        return "sponsorship_only", p.sponsored_from
    if p.termination_date and p.termination_date <= NEITHER_INDEX:
        return None
    return "neither", NEITHER_INDEX


def _band(level: int) -> str:
    return "1-2" if level <= 2 else "3-4" if level <= 4 else "5-6" if level <= 6 else "7+"


def _tenure(hire: datetime.date, index: datetime.date) -> str:
    years = relativedelta(index, hire).years
    return "<1" if years < 1 else "1-2" if years <= 2 else "3-4" if years <= 4 else "5+"


def counted_members(everyone: list[Employee]) -> dict[str, list[tuple[tuple, dict]]]:
    """Per group: (stratum, outcomes) of each member the rates count."""
    groups: dict[str, list] = {g: [] for g in ("mentorship_only", "sponsorship_only", "both",
                                               "neither")}
    for p in everyone:
        found = _group_and_index(p)
        if found is None:
            continue
        group, index = found
        end = AS_OF if group == "neither" else index + relativedelta(months=WINDOW)
        employed = p.hire_date <= index and not (p.termination_date
                                                 and p.termination_date <= index)
        if end > AS_OF or not employed:
            continue
        inside = {kind for kind, day in p.events if index <= day <= end}
        later = sum(1 for kind, day in p.events if kind == "promotion" and index < day <= AS_OF)
        outcomes = {key: kind in inside for key, kind in OUTCOME_KINDS.items()}
        outcomes["retention"] = "exit" not in inside and not (
            p.termination_date and p.termination_date <= end)
        stratum = (_band(max(1, p.level - later)), p.department, _tenure(p.hire_date, index))
        groups[group].append((stratum, outcomes))
    return groups


def expected_adjusted(everyone: list[Employee]) -> dict[tuple, dict]:
    members = counted_members(everyone)
    expected = {}
    for a, b in PAIRS:
        for metric in ("promotion", "high_visibility", "leadership", "retention"):
            a_strata = {s for s, _ in members[a]}
            b_strata = {s for s, _ in members[b]}
            shared = a_strata & b_strata
            n_a_matched = sum(1 for s, _ in members[a] if s in shared)
            a_rate = b_rate = variance = 0.0
            for s in shared:
                in_a = [o[metric] for t, o in members[a] if t == s]
                in_b = [o[metric] for t, o in members[b] if t == s]
                p_a, p_b = sum(in_a) / len(in_a), sum(in_b) / len(in_b)
                w = len(in_a) / n_a_matched
                a_rate += w * p_a
                b_rate += w * p_b
                variance += w ** 2 * (p_a * (1 - p_a) / len(in_a) + p_b * (1 - p_b) / len(in_b))
            half = 1.959964 * math.sqrt(variance)
            with_a = sum(o[metric] for s, o in members[a] if s in shared)
            with_b = sum(o[metric] for s, o in members[b] if s in shared)
            n_b_used = sum(1 for s, _ in members[b] if s in shared)
            if any(0 < k < 5 for k in (with_a, n_a_matched - with_a, with_b, n_b_used - with_b)):
                expected[(metric, a, b)] = dict(EMPTY)  # a count of 1-4 would show
                continue
            expected[(metric, a, b)] = {
                "a_rate": a_rate, "b_standardised_rate": b_rate, "difference": a_rate - b_rate,
                "ci95": [a_rate - b_rate - half, a_rate - b_rate + half],
                "n_a_matched": n_a_matched,
                "n_a_unmatched": sum(1 for s, _ in members[a] if s not in shared),
                "n_b_used": sum(1 for s, _ in members[b] if s in shared)}
    return expected


def _adjusted_rows(report: dict) -> dict[tuple, dict]:
    return {(c["metric"], c["a"], c["b"]): c for c in report["adjusted"]["comparisons"]}


def _raw(report: dict, metric: str, a: str, b: str) -> dict:
    return next(c for c in report["comparisons"]
                if (c["metric"], c["a"], c["b"]) == (metric, a, b))


EMPTY = dict.fromkeys(("a_rate", "b_standardised_rate", "difference", "ci95", "n_a_matched",
                       "n_a_unmatched", "n_b_used"))


def _numbers(row: dict) -> dict:
    return {key: row[key] for key in EMPTY}


def _flat(row: dict) -> dict:
    """The numbers with the interval as two of them (pytest.approx compares flat dicts)."""
    numbers = _numbers(row)
    numbers["ci_low"], numbers["ci_high"] = numbers.pop("ci95")
    return numbers


# Populations.


def senior_sponsored_population() -> list[Employee]:
    """Sponsors pick senior, long-serving people; within each stratum every group does the same.

    Seniors (level 6 on the index date, Sales, hired 2014) are promoted 40% of the time and
    juniors (level 2, Engineering, hired 2022) 10%, whoever they are. Most protégés are senior
    and most mentees and non-participants junior, so the raw difference is large and the
    like-for-like difference is zero. A promotion raises today's level, so a promoted junior
    is level 3 today: counting today's level instead of the index date's would move them into
    another band and break the zero. Five protégés at level 8 in Legal have nobody like them.
    """
    people: list[Employee] = []

    def add(group: str, count: int, promoted: int, level: int, department: str,
            hired: datetime.date) -> None:
        for i in range(count):
            index = NEITHER_INDEX if group == "neither" else datetime.date(2024, 9, 2)
            p = Employee(f"{group[:2].upper()}{level}{i:03d}", level, department, hired)
            if group == "mentorship_only":
                p.mentored_from = index
            if group == "sponsorship_only":
                p.sponsored_from = index
            if i < promoted:
                p.events.append(("promotion", index + datetime.timedelta(days=100)))
                p.level += 1
            people.append(p)

    senior, junior = (6, "Sales", datetime.date(2014, 5, 1)), (2, "Engineering",
                                                                 datetime.date(2022, 5, 1))
    add("sponsorship_only", 40, 16, *senior)
    add("sponsorship_only", 10, 1, *junior)
    add("sponsorship_only", 5, 0, 8, "Legal", datetime.date(2012, 1, 2))
    add("mentorship_only", 10, 4, *senior)
    add("mentorship_only", 60, 6, *junior)
    add("neither", 20, 8, *senior)
    # The neither group's index date is a year later (as_of − 12 months): hired a year later,
    # they too have 1–2 whole years of service on it.
    add("neither", 100, 10, 2, "Engineering", datetime.date(2023, 5, 1))
    return people


def mixed_population(seed: int = 19) -> list[Employee]:
    """Several hundred people with random levels, departments, hire dates and outcomes, some of
    them too recent to count, hired after their index date or gone before it."""
    rng = random.Random(seed)
    people = []
    for i in range(600):
        group = rng.choice(["mentorship_only", "sponsorship_only", "both", "neither", "neither"])
        hired = datetime.date(2010, 1, 4) + datetime.timedelta(days=rng.randrange(5200))
        p = Employee(f"X{i:04d}", rng.choice([1, 2, 3, 4, 5, 6, 7, 8]),
                     rng.choice(["Sales", "Engineering", "Finance"]), hired)
        start = datetime.date(2023, 6, 1) + datetime.timedelta(days=rng.randrange(900))
        if group in ("mentorship_only", "both"):
            p.mentored_from = start
        if group in ("sponsorship_only", "both"):
            p.sponsored_from = start + datetime.timedelta(days=rng.randrange(2) * 30)
        index = NEITHER_INDEX if group == "neither" else start
        for key, kind in OUTCOME_KINDS.items():
            chance = {"promotion": 0.25, "high_visibility": 0.15, "leadership": 0.1}[key]
            if rng.random() < chance + (0.1 if group == "sponsorship_only" else 0):
                p.events.append((kind, index + datetime.timedelta(days=rng.randrange(1, 360))))
                if key == "promotion":
                    p.level += 1
        if rng.random() < 0.08:
            left = index + datetime.timedelta(days=rng.randrange(-30, 300))
            if left <= AS_OF and left > hired:
                p.events.append(("exit", left))
                p.termination_date = left
        people.append(p)
    return people


@pytest.mark.django_db
def test_the_like_for_like_difference_is_zero_where_the_raw_one_is_large(tmp_path):
    report = import_and_report(tmp_path, senior_sponsored_population())
    assert report["adjusted"]["strata"] == ["level_band", "department", "tenure_band"]
    rows = _adjusted_rows(report)
    assert len(rows) == 12
    raw = _raw(report, "promotion", "sponsorship_only", "mentorship_only")
    # 17 of 55 protégés against 10 of 70 mentees: 17 points apart.
    assert raw["difference"] == pytest.approx(17 / 55 - 10 / 70)
    main = rows[("promotion", "sponsorship_only", "mentorship_only")]
    assert main["a_rate"] == pytest.approx(17 / 50)  # the five unmatched protégés are left out
    assert main["b_standardised_rate"] == pytest.approx(0.4 * 40 / 50 + 0.1 * 10 / 50)
    assert main["difference"] == pytest.approx(0, abs=1e-12)
    assert main["ci95"][0] < 0 < main["ci95"][1]
    assert (main["n_a_matched"], main["n_a_unmatched"], main["n_b_used"]) == (50, 5, 70)
    versus_neither = rows[("promotion", "sponsorship_only", "neither")]
    assert versus_neither["difference"] == pytest.approx(0, abs=1e-12)
    assert versus_neither["n_b_used"] == 120  # the mentor and sponsor are in no shared stratum
    for key, expected in expected_adjusted(report["_everyone"]).items():
        assert _flat(rows[key]) == pytest.approx(_flat(expected), abs=1e-6), key


@pytest.mark.django_db
def test_every_like_for_like_number_matches_an_independent_calculation(tmp_path):
    report = import_and_report(tmp_path, mixed_population())
    rows = _adjusted_rows(report)
    expected = expected_adjusted(report["_everyone"])
    assert set(rows) == set(expected)
    shown = 0
    for key, want in expected.items():
        if want == EMPTY:
            assert _numbers(rows[key]) == EMPTY, key
            continue
        shown += 1
        assert rows[key]["n_a_matched"] >= 5, key
        assert _flat(rows[key]) == pytest.approx(_flat(want), abs=1e-6), key
    assert shown >= 8  # most comparisons are shown and checked number by number
    # The counted members (matched or not) are the rate's n.
    for (metric, a, _), row in rows.items():
        if row["n_a_matched"] is None:
            continue
        assert row["n_a_matched"] + row["n_a_unmatched"] == \
            report["groups"][a]["outcomes"][metric]["n"] or \
            report["groups"][a]["outcomes"][metric]["n"] is None


def _finance(prefix: str, count: int, **relationship) -> list[Employee]:
    return [Employee(f"{prefix}{i:03d}", 4, "Finance", datetime.date(2019, 1, 7), **relationship)
            for i in range(count)]


@pytest.mark.django_db
def test_a_comparison_with_fewer_matched_people_than_the_minimum_has_no_numbers(tmp_path):
    # Ten protégés in Legal have nobody like them; four in Finance do: 4 matched, under 5.
    people = [Employee(f"L{i:03d}", 8, "Legal", datetime.date(2012, 1, 2),
                       sponsored_from=datetime.date(2024, 9, 2)) for i in range(10)]
    people += _finance("S", 4, sponsored_from=datetime.date(2024, 9, 2))
    people += _finance("M", 8, mentored_from=datetime.date(2024, 9, 2))
    people += _finance("N", 30)
    report = import_and_report(tmp_path, people)
    rows = _adjusted_rows(report)
    for metric in ("promotion", "high_visibility", "leadership", "retention"):
        assert _numbers(rows[(metric, "sponsorship_only", "neither")]) == EMPTY
        assert _numbers(rows[(metric, "sponsorship_only", "mentorship_only")]) == EMPTY
        shown = rows[(metric, "mentorship_only", "neither")]
        assert (shown["n_a_matched"], shown["n_a_unmatched"], shown["n_b_used"]) == (8, 0, 30)
    assert report["groups"]["sponsorship_only"]["outcomes"]["retention"]["n"] == 14


@pytest.mark.django_db
def test_a_like_for_like_rate_that_would_show_a_count_of_one_to_four_is_hidden(tmp_path):
    # 1 of 8 matched mentees promoted: 1/8 would name one person, as the raw rate would.
    people = _finance("M", 8, mentored_from=datetime.date(2024, 9, 2))
    people[0].events.append(("promotion", datetime.date(2024, 12, 2)))
    people[0].level += 1
    people += _finance("N", 30)
    for person in people[8:18]:  # 10 of the 30 colleagues promoted in the neither window
        person.events.append(("promotion", datetime.date(2025, 9, 1)))
        person.level += 1
    report = import_and_report(tmp_path, people)
    assert report["groups"]["mentorship_only"]["outcomes"]["promotion"]["rate"] is None
    rows = _adjusted_rows(report)
    assert _numbers(rows[("promotion", "mentorship_only", "neither")]) == EMPTY
    # Nobody had a leadership role: 0 of 8 names nobody, and is shown.
    assert rows[("leadership", "mentorship_only", "neither")]["a_rate"] == 0


@pytest.mark.django_db
def test_a_comparison_with_a_hidden_group_has_no_numbers(tmp_path):
    people = _finance("S", 10, sponsored_from=datetime.date(2024, 9, 2))
    people += _finance("M", 3, mentored_from=datetime.date(2024, 9, 2))
    people += _finance("N", 30)
    report = import_and_report(tmp_path, people)
    groups = report["groups"]
    # Three mentees are hidden, and so is the next smallest group (ten protégés).
    assert groups["mentorship_only"]["suppressed"] and groups["sponsorship_only"]["suppressed"]
    for row in report["adjusted"]["comparisons"]:
        assert _numbers(row) == EMPTY


def test_the_report_page_says_it_in_plain_words_and_exports_it(tmp_path, hana, login):
    import_and_report(tmp_path, senior_sponsored_population())
    client = login(hana)
    query = {"as_of": AS_OF.isoformat(), "window_months": WINDOW}
    html = client.get("/hr/report/", query).content.decode()
    assert "Compared with employees like them" in html
    assert ("Compared with employees like them (same level band, department and years of "
            "service) who had only a mentor, employees with only a sponsor were promoted 34% of "
            "the time against 34%: +0 points") in html
    assert "5 had nobody like them and are left out" in html
    response = client.get("/hr/report/export/adjusted.csv", query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows.index(["Comparison", "Outcome", "First group", "Second group, standardised",
                         "Difference", "95% interval (low)", "95% interval (high)",
                         "First group, matched", "Without a match", "Second group, used"])
    assert rows[header + 1][:5] == ["Sponsorship only − Mentorship only", "Promoted", "0.3400",
                                    "0.3400", "0.0000"]


@pytest.mark.django_db
def test_the_chart_sets_raw_and_like_for_like_differences_side_by_side(tmp_path):
    report = import_and_report(tmp_path, senior_sponsored_population())
    table = next(t for t in report_tables(report) if t.slug == "adjusted")
    chart = table.chart
    assert chart["labels"][:2] == ["Sponsorship only − Mentorship only, raw",
                                   "Sponsorship only − Mentorship only, like for like"]
    intervals, points = chart["datasets"][0]["data"], chart["datasets"][1]["data"]
    raw = _raw(report, "promotion", "sponsorship_only", "mentorship_only")
    adjusted = _adjusted_rows(report)[("promotion", "sponsorship_only", "mentorship_only")]
    assert (points[0], intervals[0]) == (raw["difference"], raw["ci95"])
    assert (points[1], intervals[1]) == (adjusted["difference"], adjusted["ci95"])
    assert len(points) == 6  # three comparisons, raw and like for like


def test_a_snapshot_stored_before_these_figures_still_shows(tmp_path, hana, login):
    report = import_and_report(tmp_path, senior_sponsored_population())
    del report["_everyone"]
    for key in ("adjusted", "time_to_promotion", "filters"):
        del report[key]
    for group in report["groups"].values():
        del group["who_is_counted"], group["restricted_mean_months_to_promotion"]
        del group["median_months_to_promotion"]["status"]
    ReportSnapshot.objects.create(as_of=AS_OF, window_months=WINDOW, data=report)
    client = login(hana)
    for url in ("/hr/report/", "/hr/dashboard/", "/hr/report/export/time_to_promotion.csv"):
        assert client.get(url).status_code == 200, url
