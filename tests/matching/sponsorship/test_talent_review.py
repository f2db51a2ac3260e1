"""The talent review pack: HR picks a department and/or level band and a date, and gets every
protégé there with their sponsor, the commitments and advocacy of the 12 months before, and
their career events, as a page, a CSV and a printable view; each export leaves an audit row.

Alice (Engineering, level 2) is Sam's protégé; Eve (Sales) is sponsored by another leader;
Bob (Product, level 5) has a sponsorship that ended two years ago and is not in the pack.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from matching.sponsorship.talent_review import talent_review_pack
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def review(sam, alice, eve, bob, engineering):
    alices = factories.SponsorshipFactory(sponsor=sam, protege=alice, started_on=day(500))
    kept_by = factories.AdvocacyRecordFactory(sponsorship=alices, occurred_on=day(30),
                                              kind="talent_review_endorsement",
                                              forum="Autumn calibration",
                                              description="Argued for Alice as top tier.")
    factories.AdvocacyRecordFactory(sponsorship=alices, occurred_on=day(400),
                                    description="Too old for the pack.")
    factories.CommitmentFactory(sponsorship=alices, kind="talent_review", made_on=day(60),
                                due_on=day(25), state="kept", advocacy_record=kept_by,
                                kept_on=day(30), forum="Autumn calibration")
    factories.CommitmentFactory(sponsorship=alices, made_on=day(20), due_on=day(5),
                                kind="introduction", decision_maker="Dana Ruiz, VP Platform")
    factories.CareerEventFactory(person=alice, kind="promotion", occurred_on=day(10))
    factories.CareerEventFactory(person=alice, kind="award", occurred_on=day(700))
    factories.SponsorshipFactory(protege=eve, started_on=day(100))
    factories.SponsorshipFactory(protege=bob, started_on=day(900), ended_on=day(700),
                                 status="completed")
    return alices


def test_the_pack_holds_each_protege_with_the_last_12_months_only(review, alice):
    pack = talent_review_pack(as_of=TODAY)
    entry = next(e for e in pack.entries if e.protege == alice)
    assert [r.description for r in entry.advocacy] == ["Argued for Alice as top tier."]
    assert [c.state for c in entry.commitments] == ["kept", "open"]
    assert [e.kind for e in entry.outcomes] == ["promotion"]


def test_a_department_and_level_band_narrow_the_pack(review, alice, eve, bob, engineering):
    everyone = {e.protege for e in talent_review_pack(as_of=TODAY).entries}
    assert everyone == {alice, eve}  # Bob's sponsorship ended more than 12 months ago
    assert {e.protege for e in talent_review_pack(as_of=TODAY, department=engineering)
            .entries} == {alice}
    assert talent_review_pack(as_of=TODAY, level_min=3).entries == []
    # Two years ago Bob's sponsorship was running; Alice's had not started.
    assert {e.protege for e in talent_review_pack(as_of=day(720)).entries} == {bob}


def test_hr_reads_the_page_downloads_the_csv_and_prints_each_export_audited(
        review, hana, engineering, login):
    client = login(hana)
    query = {"department": engineering.pk, "as_of": TODAY.isoformat()}
    page = client.get(reverse("sponsorship:talent_review"), query).content.decode()
    assert "Alice Employee" in page and "Argued for Alice as top tier." in page
    assert "Kept on time" in page and "Overdue" in page
    assert not AuditEvent.objects.exists()  # reading the page is not an export

    response = client.get(reverse("sponsorship:talent_review"), {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["protege"], r["sponsor"]) for r in rows] == [("Alice Employee", "Sam Sponsor")]
    assert rows[0]["commitments"].startswith(
        "Speak up in a calibration or talent review at Autumn calibration, due ")
    assert "kept on time" in rows[0]["commitments"] and "overdue" in rows[0]["commitments"]
    # Whom the sponsor will introduce them to, as the page shows it.
    assert "Introduce to a named decision maker: Dana Ruiz, VP Platform at " in rows[0][
        "commitments"]
    assert "Dana Ruiz, VP Platform" in page
    assert rows[0]["outcomes"] == f"Promotion {day(10)}"

    printable = client.get(reverse("sponsorship:talent_review"), {**query, "format": "print"})
    assert "Confidential: for the talent review only." in printable.content.decode()
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["talent_review.export"] * 2
    assert [e.data["format"] for e in events] == ["csv", "print"]
    assert all(e.actor == hana.user and "Engineering" in e.summary for e in events)


def test_a_backwards_level_band_is_refused_with_a_message(hana, login):
    page = login(hana).get(reverse("sponsorship:talent_review"), {
        "level_min": 6, "level_max": 3, "as_of": TODAY.isoformat()}).content.decode()
    assert "The highest level is below the lowest." in page


@pytest.mark.parametrize(("as_of", "said"), [
    ("0001-01-01", "Choose a review date from 1 January 1990 on."),
    ("9999-12-31", "Choose a review date no more than a year from today."),
])
def test_a_review_date_outside_the_calendar_is_refused_not_a_server_error(
        hana, login, as_of, said):
    response = login(hana).get(reverse("sponsorship:talent_review"),
                               {"as_of": as_of, "format": "csv"})

    assert response.status_code == 200
    assert said in response.content.decode()


def test_the_pack_runs_a_fixed_number_of_queries(hana, login, django_assert_max_num_queries):
    client = login(hana)
    query = {"as_of": TODAY.isoformat()}

    def grow():
        sponsorship = factories.SponsorshipFactory(started_on=day(200))
        record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, occurred_on=day(20))
        factories.CommitmentFactory(sponsorship=sponsorship, made_on=day(50), due_on=day(10),
                                    state="kept", advocacy_record=record, kept_on=day(20))
        factories.CareerEventFactory(person=sponsorship.protege, occurred_on=day(5))

    grow()
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("sponsorship:talent_review"), query)
    for _ in range(5):
        grow()
    for output in ("", "csv", "print"):
        with django_assert_max_num_queries(len(small.captured_queries) + 1):
            assert client.get(reverse("sponsorship:talent_review"),
                              {**query, "format": output}).status_code == 200
