"""A career event made by an advocacy outcome follows that outcome, and HR can correct or delete
any career event with a reason that is kept.

Sam sponsors Alice; Hana is an HR admin; Bob is neither.
"""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, CareerEvent
from accounts.services import CAREER_EVENT_NEEDS_REASON, career_event_correct, career_event_delete
from matching.sponsorship import services
from program.reports.equity import equity_tables
from tests import factories

TODAY = timezone.localdate


def _outcome(record, sam, outcome, *, on=None, create=None):
    if create is None:
        create = outcome == "succeeded"
    return services.advocacy_outcome_record(
        record=record, by=sam, outcome=outcome,
        outcome_on=on or (TODAY() if outcome != "pending" else None),
        create_career_event=create)


@pytest.mark.django_db
def test_moving_a_succeeded_outcome_away_removes_its_career_event_and_back_recreates_it(
        shared_record, sam, alice):
    _outcome(shared_record, sam, "succeeded")
    first = CareerEvent.objects.get(person=alice)
    shared_record.refresh_from_db()
    assert shared_record.career_event == first and shared_record.created_career_event

    _outcome(shared_record, sam, "not_succeeded")
    shared_record.refresh_from_db()
    assert not CareerEvent.objects.filter(person=alice).exists()
    assert shared_record.career_event is None
    removed = AuditEvent.objects.get(action="career_event.delete")
    assert removed.target_id == str(first.pk) and removed.actor == sam.user

    _outcome(shared_record, sam, "succeeded")
    shared_record.refresh_from_db()
    again = CareerEvent.objects.get(person=alice)
    assert shared_record.career_event == again and again.kind == "promotion"


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["pending", "not_succeeded"])
def test_an_event_hr_had_recorded_is_unlinked_not_deleted(shared_record, sam, alice, outcome):
    hr_event = factories.CareerEventFactory(person=alice, kind="promotion", occurred_on=TODAY())
    _outcome(shared_record, sam, "succeeded")
    shared_record.refresh_from_db()
    assert shared_record.career_event == hr_event and not shared_record.created_career_event
    _outcome(shared_record, sam, outcome)
    shared_record.refresh_from_db()
    assert shared_record.career_event is None
    assert CareerEvent.objects.filter(pk=hr_event.pk).exists()


@pytest.mark.django_db
def test_a_new_outcome_date_moves_the_event_it_created(shared_record, sam, alice):
    _outcome(shared_record, sam, "succeeded")
    earlier = TODAY() - datetime.timedelta(days=2)
    _outcome(shared_record, sam, "succeeded", on=earlier, create=False)
    assert CareerEvent.objects.get(person=alice).occurred_on == earlier


@pytest.mark.django_db
def test_the_outcome_form_warns_before_the_event_is_removed(client, login, shared_record, sam):
    _outcome(shared_record, sam, "succeeded")
    login(sam)
    page = client.get(reverse("sponsorship:advocacy_detail", args=[shared_record.pk]))
    assert "Changing the outcome away from Succeeded deletes the promotion" in page.text
    client.post(reverse("sponsorship:advocacy_detail", args=[shared_record.pk]),
                {"outcome": "not_succeeded", "outcome_on": TODAY().isoformat()})
    assert not CareerEvent.objects.exists()


@pytest.mark.django_db
def test_hr_corrects_an_event_from_its_page_and_the_reason_is_kept(client, login, hana,
                                                                 shared_record, sam, alice):
    _outcome(shared_record, sam, "succeeded")
    event = CareerEvent.objects.get(person=alice)
    login(hana)
    listing = client.get(reverse("sponsorship:hr_career_events"))
    url = reverse("sponsorship:hr_career_event_edit", args=[event.pk])
    assert url in listing.text
    day = TODAY() - datetime.timedelta(days=1)
    refused = client.post(url, {"action": "correct", "kind": "leadership_role",
                                "occurred_on": day.isoformat(), "description": "x",
                                "reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.text
    response = client.post(url, {"action": "correct", "kind": "leadership_role",
                                 "occurred_on": day.isoformat(),
                                 "description": "Team lead, not a promotion",
                                 "reason": "The committee made her team lead"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.kind, event.occurred_on) == ("leadership_role", day)
    audit = AuditEvent.objects.get(action="career_event.correct")
    assert audit.actor == hana.user and audit.target_id == str(event.pk)
    assert audit.data["reason"] == "The committee made her team lead"
    assert audit.data["before"]["kind"] == "promotion"


@pytest.mark.django_db
def test_hr_deletes_an_event_with_a_reason(client, login, hana, alice):
    event = factories.CareerEventFactory(person=alice, kind="award", occurred_on=TODAY())
    login(hana)
    url = reverse("sponsorship:hr_career_event_edit", args=[event.pk])
    kept = client.post(url, {"action": "delete", "reason": "  "})
    assert kept.status_code == 200 and CareerEvent.objects.filter(pk=event.pk).exists()
    client.post(url, {"action": "delete", "reason": "Recorded for the wrong person"})
    assert not CareerEvent.objects.filter(pk=event.pk).exists()
    audit = AuditEvent.objects.get(action="career_event.delete")
    assert audit.data["reason"] == "Recorded for the wrong person"
    assert audit.data["kind"] == "award" and audit.target_id == str(event.pk)


@pytest.mark.django_db
def test_only_hr_reaches_the_correction_page(client, login, bob, alice):
    event = factories.CareerEventFactory(person=alice)
    login(bob)
    url = reverse("sponsorship:hr_career_event_edit", args=[event.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "delete", "reason": "mine"}).status_code == 403
    assert CareerEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_the_services_refuse_a_correction_without_a_reason_or_that_breaks_a_rule(hana, alice):
    event = factories.CareerEventFactory(person=alice, kind="award", occurred_on=TODAY())
    with pytest.raises(ValidationError) as error:
        career_event_delete(event=event, by=hana.user, reason="")
    assert error.value.message_dict == {"reason": [CAREER_EVENT_NEEDS_REASON]}
    with pytest.raises(ValidationError) as error:
        career_event_correct(event=event, by=hana.user, kind="award",
                             occurred_on=TODAY() + datetime.timedelta(days=1), description="",
                             reason="typo")
    assert "occurred_on" in error.value.message_dict
    assert not AuditEvent.objects.exists()


AS_OF = datetime.date(2026, 6, 30)
INDEX = datetime.date(2024, 3, 1)
PROMOTED_ON = INDEX + datetime.timedelta(days=40)


def _report_promotions() -> int:
    out = io.StringIO()
    call_command("outcome_report", "--json", "--as-of", AS_OF.isoformat(), stdout=out)
    return json.loads(out.getvalue())["groups"]["sponsorship_only"]["outcomes"]["promotion"][
        "count"]


def _equity_promoted(as_of) -> int:
    table = next(t for t in equity_tables(as_of=as_of) if t.slug == "by-level-band")
    row = next(r for r in table.rows if r[0] == "Levels 5–6")
    return row[6][0]


@pytest.mark.django_db
def test_protege_page_hr_pages_equity_and_report_agree_after_an_outcome_is_corrected(
        client, login, hana):
    factories.PersonFactory.create_batch(20, level=8)  # "neither", in the sponsor's band
    sponsor = factories.PersonFactory(level=8)
    records = []
    for _ in range(12):
        protege = factories.PersonFactory(level=5, with_user=True)  # with Hana, 13
        sponsorship = factories.SponsorshipFactory(sponsor=sponsor, protege=protege,
                                                   started_on=INDEX, status="active")
        records.append(factories.AdvocacyRecordFactory(
            sponsorship=sponsorship, occurred_on=INDEX + datetime.timedelta(days=10),
            shared_with_protege=True))
    for record in records[:6]:
        _outcome(record, sponsor, "succeeded", on=PROMOTED_ON)
    equity_day = PROMOTED_ON + datetime.timedelta(days=30)
    assert (_report_promotions(), _equity_promoted(equity_day)) == (6, 6)

    wrong = records[0]
    _outcome(wrong, sponsor, "not_succeeded", on=PROMOTED_ON)
    assert (_report_promotions(), _equity_promoted(equity_day)) == (5, 5)
    protege = wrong.sponsorship.protege
    login(protege)
    page = client.get(reverse("sponsorship:detail", args=[wrong.sponsorship_id]))
    assert "Not succeeded" in page.text and "career event recorded" not in page.text
    login(hana)
    listing = client.get(reverse("sponsorship:hr_career_events"), {"q": protege.employee_id})
    assert "No career events match." in listing.text
