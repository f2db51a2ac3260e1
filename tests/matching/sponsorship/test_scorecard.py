"""The sponsor scorecard, checked against an independent count.

A seeded random organisation (sponsors, protégés, sponsorships open and closed, advocacy,
commitments in every state, career events before and after each start) is written as CSV files
and loaded with `manage.py import_csv`, as HR would. The expected figures are counted in plain
Python from the generated rows, never from the database, and must equal every scorecard figure.

Who sees what: Sam sees his own scorecard; Hana (HR) every sponsor's; Alice, Bob and Eve no
scorecard page of anyone.
"""

import csv
import datetime
import random
import re
import statistics
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import CareerEvent, Person
from matching.sponsorship.commitments import ADVOCACY_KIND_FOR
from matching.sponsorship.models import AdvocacyRecord, Commitment
from matching.sponsorship.scorecard import scorecards, scorecards_sorted
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def _write(folder, name, header, rows):
    path = folder / f"{name}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


class Organisation:
    """The generated rows, and the figures a person would count from them by hand."""

    def __init__(self, seed: int):
        rng = random.Random(seed)
        self.sponsors = [f"S{n}" for n in range(4)]
        self.proteges = [f"P{n}" for n in range(12)]
        self.pairs = []  # (sponsor, protege, started, ended, status)
        self.advocacy = []  # (sponsor, protege, kind, occurred_on, description)
        self.commitments = []  # dicts
        self.events = []  # (protege, kind, occurred_on)
        used_pairs = set()
        for protege in self.proteges:
            for sponsor in rng.sample(self.sponsors, rng.choice([1, 1, 2])):
                if (sponsor, protege) in used_pairs:
                    continue
                used_pairs.add((sponsor, protege))
                started = day(rng.randint(150, 400))
                closed = rng.random() < 0.3
                ended = day(rng.randint(10, 60)) if closed else None
                self.pairs.append((sponsor, protege, started, ended,
                                   "completed" if closed else "active"))
        for n, (sponsor, protege, started, ended, _status) in enumerate(self.pairs):
            last = ended or TODAY
            span = (last - started).days
            for m in range(rng.randint(0, 3)):
                kind = rng.choice(AdvocacyRecord.Kind.values)
                self.advocacy.append((sponsor, protege, kind,
                                      started + datetime.timedelta(days=rng.randint(0, span)),
                                      f"Advocacy {n}.{m}"))
            for m in range(rng.randint(0, 4)):
                kind = rng.choice(Commitment.Kind.values)
                made = started + datetime.timedelta(days=rng.randint(0, span - 5))
                due = made + datetime.timedelta(days=rng.randint(5, 90))
                state = rng.choice(["open", "kept", "kept", "dropped"])
                row = {"sponsor": sponsor, "protege": protege, "kind": kind, "made_on": made,
                       "due_on": due, "state": state, "kept_on": None, "dropped_on": None}
                if state == "kept":
                    row["kept_on"] = made + datetime.timedelta(
                        days=rng.randint(0, min((TODAY - made).days, 120)))
                    self.advocacy.append((sponsor, protege, ADVOCACY_KIND_FOR[kind],
                                          row["kept_on"], f"Keeps commitment {n}.{m}"))
                elif state == "dropped":
                    row["dropped_on"] = made + datetime.timedelta(
                        days=rng.randint(0, (TODAY - made).days))
                self.commitments.append(row)
        for protege in self.proteges:
            for _ in range(rng.randint(0, 3)):
                self.events.append((protege, rng.choice(CareerEvent.Kind.values),
                                    day(rng.randint(0, 500))))

    def write(self, folder):
        people = [(sid, f"{sid.lower()}@example.com", f"Sponsor {sid}", 8)
                  for sid in self.sponsors]
        people += [(pid, f"{pid.lower()}@example.com", f"Protege {pid}", 3)
                   for pid in self.proteges]
        return [
            ("people", _write(folder, "people", ["employee_id", "email", "full_name", "level"],
                              people)),
            ("sponsorships", _write(
                folder, "sponsorships",
                ["sponsor_employee_id", "protege_employee_id", "started_on", "ended_on",
                 "status"], [(s, p, a, e or "", st) for s, p, a, e, st in self.pairs])),
            ("advocacy", _write(
                folder, "advocacy",
                ["sponsor_employee_id", "protege_employee_id", "kind", "occurred_on",
                 "visibility", "outcome", "outcome_on", "description"],
                [(s, p, k, d, "open", "", "", text) for s, p, k, d, text in self.advocacy])),
            ("commitments", _write(
                folder, "commitments",
                ["sponsor_employee_id", "protege_employee_id", "kind", "made_on", "due_on",
                 "state", "decision_maker", "kept_on", "dropped_on", "drop_reason"],
                [(c["sponsor"], c["protege"], c["kind"], c["made_on"], c["due_on"], c["state"],
                  "Dana Ruiz, VP" if c["kind"] == "introduction" else "",
                  c["kept_on"] or "", c["dropped_on"] or "",
                  "Cancelled" if c["state"] == "dropped" else "")
                 for c in self.commitments])),
            ("career_events", _write(folder, "career_events",
                                     ["employee_id", "kind", "occurred_on"], self.events)),
        ]

    def expected(self, sponsor: str) -> dict:
        pairs = [p for p in self.pairs if p[0] == sponsor]
        mine = [c for c in self.commitments if c["sponsor"] == sponsor]
        kept = [c for c in mine if c["state"] == "kept"]
        starts = {p[1]: p[2] for p in pairs}
        outcomes = Counter(kind for protege, kind, on in self.events
                           if protege in starts and on >= starts[protege])
        first = defaultdict(list)
        for s, p, _kind, on, _text in self.advocacy:
            if s == sponsor:
                first[p].append(on)
        gaps = [(min(first[p]) - starts[p]).days for p in starts if first[p]]
        return {
            "proteges": len(starts),
            "made": len(mine),
            "kept_on_time": sum(c["kept_on"] <= c["due_on"] for c in kept),
            "kept_late": sum(c["kept_on"] > c["due_on"] for c in kept),
            "dropped": sum(c["state"] == "dropped" for c in mine),
            "overdue": sum(c["state"] == "open" and c["due_on"] < TODAY for c in mine),
            "advocacy_by_kind": dict(Counter(a[2] for a in self.advocacy if a[0] == sponsor)),
            "outcomes_by_kind": dict(outcomes),
            "median": statistics.median(gaps) if gaps else None,
        }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_scorecard_figure_matches_a_count_of_the_imported_rows(tmp_path, seed):
    organisation = Organisation(seed)
    for kind, path in organisation.write(tmp_path):
        call_command("import_csv", kind, str(path))
    assert Commitment.objects.count() == len(organisation.commitments)
    cards = {card.sponsor.employee_id: card for card in scorecards(today=TODAY)}
    assert set(cards) == {p[0] for p in organisation.pairs}
    for sponsor, card in cards.items():
        expected = organisation.expected(sponsor)
        assert {
            "proteges": card.proteges, "made": card.made, "kept_on_time": card.kept_on_time,
            "kept_late": card.kept_late, "dropped": card.dropped, "overdue": card.overdue,
            "advocacy_by_kind": card.advocacy_by_kind, "outcomes_by_kind": card.outcomes_by_kind,
            "median": card.median_days_to_first_advocacy,
        } == expected, sponsor


def test_a_protege_sponsored_twice_by_the_same_sponsor_counts_each_event_once(sam, alice):
    factories.SponsorshipFactory(sponsor=sam, protege=alice, started_on=day(300),
                                 ended_on=day(200), status="completed")
    factories.SponsorshipFactory(sponsor=sam, protege=alice, started_on=day(100))
    factories.CareerEventFactory(person=alice, kind="promotion", occurred_on=day(50))
    factories.CareerEventFactory(person=alice, kind="award", occurred_on=day(250))
    factories.CareerEventFactory(person=alice, kind="award", occurred_on=day(400))
    card = scorecards(today=TODAY, sponsor=sam)[0]
    assert card.proteges == 1
    assert card.outcomes_by_kind == {"promotion": 1, "award": 1}


def test_sorting_puts_the_most_kept_first_and_unknown_keys_fall_back_to_names(sam):
    cards = []
    for name, kept in (("Ann", 1), ("Ben", 3), ("Cy", 2)):
        card = scorecards(today=TODAY, sponsor=factories.PersonFactory(full_name=name))[0]
        card.kept_on_time = kept
        cards.append(card)
    assert [c.name for c in scorecards_sorted(cards, "-kept_on_time")[0]] == ["Ben", "Cy", "Ann"]
    assert [c.name for c in scorecards_sorted(cards, "kept_on_time")[0]] == ["Ann", "Cy", "Ben"]
    assert scorecards_sorted(cards, "salary")[1] == "name"


# Pages and who may see them.


@pytest.fixture
def sams_record(sam, alice):
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice, started_on=day(40))
    record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=day(30))
    factories.CommitmentFactory(sponsorship=sponsorship, made_on=day(38), due_on=day(31),
                                state="kept", advocacy_record=record, kept_on=day(30))
    return sponsorship


def test_the_sponsor_reads_their_own_scorecard(sams_record, sam, login):
    page = login(sam).get(reverse("sponsorship:scorecard")).content.decode()
    assert "Your scorecard" in page
    assert "<strong>1</strong> kept late" in page
    assert "Median days from a sponsorship's start to its first advocacy: <strong>10" in page


@pytest.mark.parametrize("persona", ["alice", "bob", "eve"])
def test_people_who_are_not_sponsors_have_no_scorecard_and_no_hr_pages(
        request, sams_record, sam, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("sponsorship:scorecard")).status_code == 302  # to registering
    for name, args in (("hr_scorecards", []), ("hr_scorecard", [sam.pk]),
                       ("talent_review", [])):
        assert client.get(reverse(f"sponsorship:{name}", args=args)).status_code == 403


def test_hr_sees_every_sponsor_side_by_side_in_a_fixed_number_of_queries(
        hana, login, django_assert_max_num_queries):
    client = login(hana)

    def grow():
        sponsorship = factories.SponsorshipFactory(started_on=day(90))
        record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=day(60))
        factories.CommitmentFactory(sponsorship=sponsorship, made_on=day(80), due_on=day(50),
                                    state="kept", advocacy_record=record, kept_on=day(60))
        factories.CareerEventFactory(person=sponsorship.protege, occurred_on=day(10))

    grow()
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("sponsorship:hr_scorecards"))
    for _ in range(5):
        grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("sponsorship:hr_scorecards") + "?sort=-kept_on_time")
    assert page.status_code == 200
    assert len(re.findall(r'href="/sponsorship/hr/scorecards/\d+/"', page.content.decode())) == 6


def test_hr_opens_one_sponsors_scorecard_but_not_a_non_sponsors(sams_record, sam, eve, hana,
                                                                 login):
    client = login(hana)
    page = client.get(reverse("sponsorship:hr_scorecard", args=[sam.pk])).content.decode()
    assert "Scorecard: Sam Sponsor" in page
    assert client.get(reverse("sponsorship:hr_scorecard", args=[eve.pk])).status_code == 404
    assert Person.objects.filter(pk=eve.pk).exists()
