import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import CareerEvent, Notification
from matching.sponsorship import services
from matching.sponsorship.models import AdvocacyRecord
from tests import factories

TODAY = timezone.localdate


def _record(sponsorship, sponsor, **overrides):
    arguments = {"sponsorship": sponsorship, "sponsor": sponsor,
                 "kind": AdvocacyRecord.Kind.PROMOTION_NOMINATION,
                 "occurred_on": TODAY() - datetime.timedelta(days=3),
                 "description": "Put Alice forward for senior engineer.",
                 "forum": "Q3 promotion committee", **overrides}
    return services.advocacy_record(**arguments)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", AdvocacyRecord.Kind.values)
def test_a_sponsor_records_every_kind_of_advocacy(sponsorship, sam, kind):
    record = _record(sponsorship, sam, kind=kind, visibility="closed_doors")
    assert record.kind == kind and record.outcome == "pending"
    sponsorship.refresh_from_db()
    assert sponsorship.last_advocacy_on == record.occurred_on


@pytest.mark.django_db
def test_advocacy_on_a_sponsorship_that_is_not_yours_is_refused(sponsorship, bob):
    with pytest.raises(ValidationError) as error:
        _record(sponsorship, bob)
    assert error.value.messages == [services.ADVOCACY_NOT_YOURS]
    assert not AdvocacyRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["completed", "ended_early", "proposed", "declined"])
def test_advocacy_on_a_sponsorship_that_is_not_active_is_refused(sponsorship, sam, status):
    sponsorship.status = status
    sponsorship.save()
    with pytest.raises(ValidationError) as error:
        _record(sponsorship, sam)
    assert error.value.messages == [services.ADVOCACY_NOT_ACTIVE]
    assert not AdvocacyRecord.objects.exists()


@pytest.mark.django_db
def test_advocacy_dated_in_the_future_or_before_the_start_is_refused(sponsorship, sam):
    with pytest.raises(ValidationError) as error:
        _record(sponsorship, sam, occurred_on=TODAY() + datetime.timedelta(days=1))
    assert error.value.message_dict == {"occurred_on": [services.ADVOCACY_IN_FUTURE]}
    with pytest.raises(ValidationError) as error:
        _record(sponsorship, sam, occurred_on=sponsorship.started_on - datetime.timedelta(days=1))
    assert error.value.message_dict == {"occurred_on": [services.ADVOCACY_BEFORE_START.format(
        started_on=date_format(sponsorship.started_on))]}


@pytest.mark.django_db
def test_sharing_a_record_tells_the_protege(sponsorship, sam, alice):
    _record(sponsorship, sam, shared_with_protege=True)
    assert Notification.objects.filter(recipient=alice, kind="advocacy_shared").count() == 1


@pytest.mark.django_db
def test_a_succeeded_promotion_nomination_creates_the_promotion_in_one_step(sponsorship, sam,
                                                                          alice):
    record = _record(sponsorship, sam)
    services.advocacy_outcome_record(record=record, by=sam, outcome="succeeded",
                                     outcome_on=TODAY(), create_career_event=True)
    record.refresh_from_db()
    event = CareerEvent.objects.get(person=alice)
    assert record.career_event == event
    assert event.kind == "promotion" and event.occurred_on == TODAY()
    assert event.recorded_by == sam.user


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "career_kind"), [
    ("promotion_nomination", "promotion"),
    ("stretch_assignment", "high_visibility_assignment"),
    ("high_visibility_project", "high_visibility_assignment"),
    ("leadership_nomination", "leadership_role"),
])
def test_each_kind_creates_its_matching_career_event(sponsorship, sam, alice, kind, career_kind):
    record = _record(sponsorship, sam, kind=kind)
    services.advocacy_outcome_record(record=record, by=sam, outcome="succeeded",
                                     outcome_on=TODAY(), create_career_event=True)
    assert list(CareerEvent.objects.values_list("kind", flat=True)) == [career_kind]


@pytest.mark.django_db
def test_an_introduction_has_no_career_event_to_create(sponsorship, sam):
    record = _record(sponsorship, sam, kind="introduction")
    with pytest.raises(ValidationError) as error:
        services.advocacy_outcome_record(record=record, by=sam, outcome="succeeded",
                                         outcome_on=TODAY(), create_career_event=True)
    assert error.value.message_dict == {"create_career_event": [
        services.NO_MATCHING_CAREER_EVENT.format(kind="introduction to a decision maker")]}
    record.refresh_from_db()
    assert record.outcome == "pending" and not CareerEvent.objects.exists()


@pytest.mark.django_db
def test_an_outcome_dated_before_its_record_is_refused_and_nothing_is_written(sponsorship, sam):
    record = _record(sponsorship, sam)
    with pytest.raises(ValidationError) as error:
        services.advocacy_outcome_record(
            record=record, by=sam, outcome="succeeded",
            outcome_on=record.occurred_on - datetime.timedelta(days=1), create_career_event=True)
    assert error.value.message_dict == {"outcome_on": [services.OUTCOME_BEFORE_RECORD.format(
        occurred_on=date_format(record.occurred_on))]}
    record.refresh_from_db()
    assert record.outcome == "pending" and not CareerEvent.objects.exists()


@pytest.mark.django_db
def test_an_outcome_needs_a_date_unless_it_is_pending(sponsorship, sam):
    record = _record(sponsorship, sam)
    with pytest.raises(ValidationError) as error:
        services.advocacy_outcome_record(record=record, by=sam, outcome="not_succeeded",
                                         outcome_on=None)
    assert error.value.message_dict == {"outcome_on": [services.OUTCOME_NEEDS_DATE]}


@pytest.mark.django_db
def test_only_the_sponsor_records_an_outcome(sponsorship, sam, alice, hana):
    record = _record(sponsorship, sam)
    for other in (alice, hana):
        with pytest.raises(ValidationError):
            services.advocacy_outcome_record(record=record, by=other, outcome="succeeded",
                                             outcome_on=TODAY())
    record.refresh_from_db()
    assert record.outcome == "pending"


@pytest.mark.django_db
def test_an_outcome_can_still_be_recorded_after_the_sponsorship_closed(sponsorship, sam):
    record = _record(sponsorship, sam)
    sponsorship.status, sponsorship.ended_on = "completed", TODAY()
    sponsorship.save()
    services.advocacy_outcome_record(record=record, by=sam, outcome="not_succeeded",
                                     outcome_on=TODAY())
    record.refresh_from_db()
    assert record.outcome == "not_succeeded"


@pytest.mark.django_db
def test_an_event_hr_already_imported_is_linked_not_counted_twice(sponsorship, sam, alice):
    imported = factories.CareerEventFactory(person=alice, kind="promotion", occurred_on=TODAY())
    record = _record(sponsorship, sam)
    services.advocacy_outcome_record(record=record, by=sam, outcome="succeeded",
                                     outcome_on=TODAY(), create_career_event=True)
    record.refresh_from_db()
    assert record.career_event == imported and CareerEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_sponsor_records_and_settles_advocacy_through_the_pages(sponsorship, sam, alice,
                                                                   login):
    client = login(sam)
    response = client.post(reverse("sponsorship:advocacy_new", args=[sponsorship.pk]), {
        "kind": "promotion_nomination", "occurred_on": TODAY().isoformat(),
        "forum": "Q3 promotion committee", "visibility": "open",
        "description": "Senior engineer.", "shared_with_protege": "on"})
    assert response.status_code == 302
    record = AdvocacyRecord.objects.get()
    response = client.post(reverse("sponsorship:advocacy_detail", args=[record.pk]), {
        "outcome": "succeeded", "outcome_on": TODAY().isoformat(), "create_career_event": "on"})
    assert response.status_code == 302
    assert CareerEvent.objects.get(person=alice).kind == "promotion"


@pytest.mark.django_db
def test_the_outcome_form_shows_a_date_before_the_record_next_to_the_field(
        sponsorship, sam, login, shared_record):
    response = login(sam).post(reverse("sponsorship:advocacy_detail", args=[shared_record.pk]), {
        "outcome": "succeeded",
        "outcome_on": (shared_record.occurred_on - datetime.timedelta(days=2)).isoformat()})
    assert response.status_code == 200
    assert "The outcome date is before the advocacy itself" in response.content.decode()
