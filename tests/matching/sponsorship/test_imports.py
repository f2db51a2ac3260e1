import datetime

import pytest
from django.utils import timezone

from accounts.importing import run_import
from accounts.models import SponsorProfile
from matching.sponsorship.models import AdvocacyRecord, Commitment, Sponsorship
from tests import factories

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _csv(header, *rows):
    return "\n".join([header, *rows]) + "\n"


def _problems(result):
    return [(p.row, p.column) for p in result.problems]


SPONSORSHIP_HEADER = "sponsor_employee_id,protege_employee_id,started_on,ended_on,status"


@pytest.mark.django_db
def test_sponsorships_import_creates_pairs_and_reimporting_changes_nothing(sam, alice, eve):
    data = _csv(SPONSORSHIP_HEADER,
                f"{sam.employee_id},{alice.employee_id},2026-01-05,,active",
                f"{sam.employee_id},{eve.employee_id},2025-01-05,2025-12-01,completed")
    result = run_import("sponsorships", data)
    assert result.ok, result.problems
    assert (result.created, result.updated) == (2, 0)
    active = Sponsorship.objects.get(protege=alice)
    assert active.status == "active" and active.origin == "import"
    assert active.planned_end_on == datetime.date(2027, 1, 5) and active.cadence_days == 30
    again = run_import("sponsorships", data)
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.django_db
def test_an_imported_sponsor_without_a_registration_gets_an_approved_profile(alice, eve):
    leader = factories.PersonFactory(level=7)
    result = run_import("sponsorships", _csv(
        SPONSORSHIP_HEADER, f"{leader.employee_id},{eve.employee_id},2026-01-05,,active"))
    assert result.ok, result.problems
    assert SponsorProfile.objects.get(person=leader).status == "approved"


@pytest.mark.django_db
def test_a_bad_sponsorships_file_names_every_row_and_column_and_writes_nothing(
        sam, alice, eve, max_manager):
    data = _csv(
        SPONSORSHIP_HEADER,
        f"{sam.employee_id},{alice.employee_id},2026-01-05,,active",      # fine
        f"{sam.employee_id},{sam.employee_id},2026-01-05,,active",        # self
        f"{max_manager.employee_id},{alice.employee_id},2026-01-05,,active",  # manager
        f"{sam.employee_id},{eve.employee_id},2026-01-05,,completed",     # no end date
        f"{sam.employee_id},{eve.employee_id},2026-02-05,2026-01-01,ended_early",  # end < start
        f"NOPE,{eve.employee_id},2026-01-05,,active",                      # unknown
        f"{sam.employee_id},{alice.employee_id},2026-03-05,,proposed",     # second open pair
        f"{sam.employee_id},{eve.employee_id},05/01/2026,,active",         # bad date
    )
    result = run_import("sponsorships", data)
    assert not result.ok
    problems = _problems(result)
    for expected in [(3, "protege_employee_id"), (4, "sponsor_employee_id"), (5, "ended_on"),
                     (6, "ended_on"), (7, "sponsor_employee_id"), (8, "status"),
                     (9, "started_on")]:
        assert expected in problems, (expected, result.problems)
    assert (2, "sponsor_employee_id") not in problems
    assert not Sponsorship.objects.exists()


ADVOCACY_HEADER = ("sponsor_employee_id,protege_employee_id,kind,occurred_on,visibility,outcome,"
                   "outcome_on,description")


@pytest.mark.django_db
def test_advocacy_import_links_each_record_to_the_pairs_sponsorship(sponsorship, sam, alice):
    day = sponsorship.started_on + DAY
    data = _csv(ADVOCACY_HEADER,
                f"{sam.employee_id},{alice.employee_id},promotion_nomination,{day},open,"
                f"succeeded,{day + DAY},Senior engineer",
                f"{sam.employee_id},{alice.employee_id},introduction,{day},closed_doors,,,"
                "Met the CTO")
    result = run_import("advocacy", data)
    assert result.ok, result.problems
    assert AdvocacyRecord.objects.filter(sponsorship=sponsorship).count() == 2
    sponsorship.refresh_from_db()
    assert sponsorship.last_advocacy_on == day
    assert run_import("advocacy", data).created == 0


@pytest.mark.django_db
def test_a_bad_advocacy_file_names_every_row_and_column_and_writes_nothing(sponsorship, sam,
                                                                           alice, eve):
    day = sponsorship.started_on + DAY
    data = _csv(
        ADVOCACY_HEADER,
        f"{sam.employee_id},{alice.employee_id},promotion_nomination,{day},open,,,fine",
        f"{sam.employee_id},{eve.employee_id},promotion_nomination,{day},open,,,no sponsorship",
        f"{sam.employee_id},{alice.employee_id},promotion_nomination,{day},open,succeeded,"
        f"{day - DAY},outcome before record",
        f"{sam.employee_id},{alice.employee_id},promotion_nomination,{day},open,succeeded,,"
        "outcome without date",
        f"{sam.employee_id},{alice.employee_id},bribery,{day},loud,,,bad choices",
    )
    result = run_import("advocacy", data)
    problems = _problems(result)
    for expected in [(3, "protege_employee_id"), (4, "outcome_on"), (5, "outcome_on"),
                     (6, "kind"), (6, "visibility")]:
        assert expected in problems, (expected, result.problems)
    assert not AdvocacyRecord.objects.exists()


COMMITMENT_HEADER = ("sponsor_employee_id,protege_employee_id,kind,made_on,due_on,state,"
                     "decision_maker,kept_on,dropped_on,drop_reason")


@pytest.fixture
def imported_pair(sam, alice):
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice,
                                               started_on=TODAY - 100 * DAY)
    factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=TODAY - 40 * DAY,
                                    kind=AdvocacyRecord.Kind.INTRODUCTION)
    return sponsorship


@pytest.mark.django_db
def test_commitments_import_writes_each_state_through_the_services_once(imported_pair, sam,
                                                                        alice):
    made, due = TODAY - 90 * DAY, TODAY - 45 * DAY
    data = _csv(COMMITMENT_HEADER,
                f"{sam.employee_id},{alice.employee_id},introduction,{made},{due},kept,"
                f"Dana Ruiz VP,{TODAY - 40 * DAY},,",
                f"{sam.employee_id},{alice.employee_id},talent_review,{made},{due},dropped,"
                f",,{TODAY - 50 * DAY},Review postponed",
                f"{sam.employee_id},{alice.employee_id},speaking_opportunity,{made},"
                f"{TODAY + 10 * DAY},open,,,,")
    result = run_import("commitments", data)
    assert result.ok, result.problems
    states = dict(imported_pair.commitments.values_list("kind", "state"))
    assert states == {"introduction": "kept", "talent_review": "dropped",
                      "speaking_opportunity": "open"}
    kept = imported_pair.commitments.get(kind="introduction")
    assert not kept.kept_on_time and kept.advocacy_record.kind == "introduction"
    assert run_import("commitments", data).created == 0


@pytest.mark.django_db
def test_a_commitments_file_with_problems_names_each_and_writes_nothing(imported_pair, sam,
                                                                        alice, eve):
    made = TODAY - 90 * DAY
    data = _csv(COMMITMENT_HEADER,
                # the service's rule: an introduction names the decision maker
                f"{sam.employee_id},{alice.employee_id},introduction,{made},{made},open,,,,",
                # no advocacy record keeps it on that date
                f"{sam.employee_id},{alice.employee_id},talent_review,{made},{made},kept,,"
                f"{TODAY - 41 * DAY},,",
                # dropped without a reason; a pair with no sponsorship
                f"{sam.employee_id},{alice.employee_id},talent_review,{made},{made},dropped,,,"
                f"{TODAY},",
                f"{sam.employee_id},{eve.employee_id},talent_review,{made},{made},open,,,,",
                f"{sam.employee_id},{alice.employee_id},speaking_opportunity,{made},"
                f"{made - DAY},open,,,,")
    result = run_import("commitments", data)
    assert _problems(result) == [(3, "kept_on"), (4, "drop_reason"),
                                 (5, "protege_employee_id")]
    assert not Commitment.objects.exists()
    fixed = "\n".join(line for n, line in enumerate(data.splitlines(), 1) if n in (1, 2, 6))
    result = run_import("commitments", fixed + "\n")
    assert _problems(result) == [(2, "decision_maker"), (3, "due_on")]
    assert not Commitment.objects.exists()
