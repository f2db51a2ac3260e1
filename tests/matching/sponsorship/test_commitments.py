"""Commitments: Sam commits to things for Alice; each is kept (on time or late) by an advocacy
record, dropped with a reason, or still open.

Who sees what: Sam and Hana (HR) see every commitment; Alice only the shared one; Bob, Eve and
Max (Alice's manager) none, and a guessed URL is a 404.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import AuditEvent, Notification
from matching.relationships.models import RelationshipStatus
from matching.sponsorship import commitments as svc
from matching.sponsorship.models import AdvocacyRecord, Commitment
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n):
    return datetime.timedelta(days=n)


def _make(sponsorship, sam, **fields):
    fields.setdefault("kind", Commitment.Kind.PROMOTION_NOMINATION)
    fields.setdefault("due_on", TODAY() + days(30))
    return svc.commitment_make(sponsorship=sponsorship, by=sam, **fields)


def _record(sponsorship, **fields):
    fields.setdefault("occurred_on", TODAY())
    return factories.AdvocacyRecordFactory(sponsorship=sponsorship, **fields)


# The states.


def test_a_new_commitment_is_open_and_a_shared_one_tells_the_protege(sponsorship, sam, alice):
    commitment = _make(sponsorship, sam, forum="Q3 promotion committee", shared_with_protege=True)
    assert commitment.state == Commitment.State.OPEN
    assert commitment.made_on == TODAY()
    told = Notification.objects.get(recipient=alice)
    assert told.kind == "commitment_shared"


def test_an_unshared_commitment_tells_nobody(sponsorship, sam):
    _make(sponsorship, sam)
    assert not Notification.objects.exists()


def test_a_record_dated_on_the_due_date_keeps_it_on_time(sponsorship, sam):
    commitment = _make(sponsorship, sam, due_on=TODAY())
    record = _record(sponsorship, occurred_on=TODAY())
    commitment = svc.commitment_keep(commitment=commitment, by=sam, record=record)
    commitment.refresh_from_db()
    assert (commitment.state, commitment.kept_on, commitment.advocacy_record) == (
        Commitment.State.KEPT, TODAY(), record)
    assert commitment.kept_on_time


def test_a_record_dated_after_the_due_date_keeps_it_late(sponsorship, sam):
    commitment = _make(sponsorship, sam, made_on=TODAY() - days(20), due_on=TODAY() - days(5))
    commitment = svc.commitment_keep(commitment=commitment, by=sam,
                                     record=_record(sponsorship, occurred_on=TODAY() - days(2)))
    assert commitment.state == Commitment.State.KEPT
    assert not commitment.kept_on_time


def test_dropping_needs_a_reason_and_leaves_an_audit_row(sponsorship, sam):
    commitment = _make(sponsorship, sam)
    with pytest.raises(ValidationError) as error:
        svc.commitment_drop(commitment=commitment, by=sam, reason="  ")
    assert error.value.message_dict == {"reason": [svc.COMMITMENT_DROP_NEEDS_REASON]}
    svc.commitment_drop(commitment=commitment, by=sam, reason="The committee was cancelled.")
    commitment.refresh_from_db()
    assert (commitment.state, commitment.dropped_on, commitment.drop_reason) == (
        Commitment.State.DROPPED, TODAY(), "The committee was cancelled.")
    event = AuditEvent.objects.get(action="commitment.drop")
    assert event.target_id == str(commitment.pk) and event.actor == sam.user


def test_a_kept_or_dropped_commitment_cannot_change_again(sponsorship, sam):
    kept = _make(sponsorship, sam)
    svc.commitment_keep(commitment=kept, by=sam, record=_record(sponsorship))
    dropped = _make(sponsorship, sam)
    svc.commitment_drop(commitment=dropped, by=sam, reason="No longer relevant.")
    with pytest.raises(ValidationError, match="already kept"):
        svc.commitment_drop(commitment=kept, by=sam, reason="Changed my mind.")
    with pytest.raises(ValidationError, match="already dropped"):
        svc.commitment_keep(commitment=dropped, by=sam, record=_record(sponsorship))


# The rules.


def test_only_the_sponsor_makes_keeps_or_drops(sponsorship, sam, alice, hana):
    with pytest.raises(ValidationError, match="Only the sponsor"):
        _make(sponsorship, alice)
    commitment = _make(sponsorship, sam)
    for person in (alice, hana):
        with pytest.raises(ValidationError, match="Only the sponsor"):
            svc.commitment_drop(commitment=commitment, by=person, reason="x")


def test_an_introduction_names_the_decision_maker(sponsorship, sam):
    with pytest.raises(ValidationError) as error:
        _make(sponsorship, sam, kind=Commitment.Kind.INTRODUCTION, decision_maker=" ")
    assert error.value.message_dict == {"decision_maker": [svc.COMMITMENT_NEEDS_DECISION_MAKER]}


def test_the_due_date_is_not_before_the_commitment(sponsorship, sam):
    with pytest.raises(ValidationError) as error:
        _make(sponsorship, sam, due_on=TODAY() - days(1))
    assert "due_on" in error.value.message_dict


def test_a_closed_sponsorship_takes_no_new_commitment(sponsorship, sam):
    sponsorship.status = RelationshipStatus.COMPLETED
    sponsorship.ended_on = TODAY() - days(3)
    sponsorship.save()
    with pytest.raises(ValidationError, match="commitments are made while"):
        _make(sponsorship, sam)


def test_a_record_of_another_kind_or_pair_or_from_before_does_not_keep_it(sponsorship, sam):
    commitment = _make(sponsorship, sam)
    with pytest.raises(ValidationError, match="does not keep a commitment"):
        svc.commitment_keep(commitment=commitment, by=sam, record=_record(
            sponsorship, kind=AdvocacyRecord.Kind.SPEAKING_OPPORTUNITY))
    other = factories.SponsorshipFactory(sponsor=sam)
    with pytest.raises(ValidationError, match="another sponsorship"):
        svc.commitment_keep(commitment=commitment, by=sam, record=_record(other))
    with pytest.raises(ValidationError, match="before the commitment was made"):
        svc.commitment_keep(commitment=commitment, by=sam,
                            record=_record(sponsorship, occurred_on=TODAY() - days(1)))


def test_one_record_keeps_one_commitment(sponsorship, sam):
    first, second = _make(sponsorship, sam), _make(sponsorship, sam)
    record = _record(sponsorship)
    svc.commitment_keep(commitment=first, by=sam, record=record)
    with pytest.raises(ValidationError, match=str(svc.COMMITMENT_RECORD_TAKEN)):
        svc.commitment_keep(commitment=second, by=sam, record=record)


def test_the_database_refuses_a_state_without_its_facts(sponsorship):
    commitment = factories.CommitmentFactory(sponsorship=sponsorship)
    for changes in ({"state": "kept"}, {"state": "dropped", "dropped_on": TODAY()},
                    {"drop_reason": "why"}, {"due_on": commitment.made_on - days(1)},
                    {"kind": Commitment.Kind.INTRODUCTION}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Commitment.objects.filter(pk=commitment.pk).update(**changes)


def test_recording_the_keeping_advocacy_is_all_or_nothing(sponsorship, sam):
    commitment = _make(sponsorship, sam)
    with pytest.raises(ValidationError, match="does not keep"):
        svc.commitment_keep_with_new_record(
            commitment=commitment, by=sam, kind=AdvocacyRecord.Kind.INTRODUCTION,
            occurred_on=TODAY(), description="Introduced her to the CTO.")
    assert not AdvocacyRecord.objects.exists()
    commitment.refresh_from_db()
    assert commitment.state == Commitment.State.OPEN


# Visibility, for every persona.

SEES_ALL = ["sam", "hana"]
SEES_SHARED = ["alice"]
SEES_NONE = ["bob", "eve", "max_manager"]


@pytest.fixture
def two_commitments(sponsorship):
    shared = factories.CommitmentFactory(sponsorship=sponsorship, shared_with_protege=True,
                                         forum="Shared forum: Q3 promotions")
    private = factories.CommitmentFactory(sponsorship=sponsorship,
                                          kind=Commitment.Kind.TALENT_REVIEW,
                                          forum="Private forum: closed calibration")
    return shared, private


@pytest.mark.parametrize("persona", SEES_ALL + SEES_SHARED + SEES_NONE)
def test_each_persona_sees_exactly_the_commitments_they_may(request, two_commitments, login,
                                                             persona):
    person = request.getfixturevalue(persona)
    shared, private = two_commitments
    expected = ({shared, private} if persona in SEES_ALL
                else {shared} if persona in SEES_SHARED else set())
    assert set(Commitment.objects.visible_to(person, person.user)) == expected
    client = login(person)
    statuses = {c: client.get(reverse("sponsorship:commitment_detail", args=[c.pk])).status_code
                for c in (shared, private)}
    assert statuses == {c: (200 if c in expected else 404) for c in (shared, private)}


@pytest.mark.parametrize("persona", SEES_ALL + SEES_SHARED)
def test_the_sponsorship_page_lists_only_the_commitments_the_persona_may_see(
        request, two_commitments, sponsorship, login, persona):
    page = login(request.getfixturevalue(persona)).get(
        reverse("sponsorship:detail", args=[sponsorship.pk])).content.decode()
    assert "Shared forum: Q3 promotions" in page
    assert ("Private forum: closed calibration" in page) == (persona in SEES_ALL)


def test_the_protege_page_shows_shared_commitments_only(two_commitments, alice, login):
    page = login(alice).get(reverse("sponsorship:protege_home")).content.decode()
    assert "Shared forum: Q3 promotions" in page
    assert "Private forum: closed calibration" not in page


@pytest.mark.parametrize("persona", ["alice", "hana", "eve"])
def test_nobody_but_the_sponsor_keeps_drops_or_writes(request, two_commitments, sponsorship,
                                                      login, persona):
    client = login(request.getfixturevalue(persona))
    shared, _ = two_commitments
    assert client.post(reverse("sponsorship:commitment_drop", args=[shared.pk]),
                       {"reason": "no"}).status_code == 404
    assert client.post(reverse("sponsorship:commitment_new", args=[sponsorship.pk]), {
        "kind": "talent_review", "due_on": TODAY() + days(5)}).status_code == 404
    shared.refresh_from_db()
    assert shared.state == Commitment.State.OPEN
    assert Commitment.objects.count() == 2


# The pages.


def test_a_due_date_in_the_past_is_refused_with_the_date_written_for_people(
        sponsorship, sam, login):
    """The message names today's date as the page writes dates, not as 2026-11-30."""
    client = login(sam)
    response = client.post(reverse("sponsorship:commitment_new", args=[sponsorship.pk]), {
        "kind": "promotion_nomination", "forum": "Q3 committee",
        "due_on": (TODAY() - days(30)).isoformat()})
    page = response.content.decode()
    assert response.status_code == 200 and not Commitment.objects.exists()
    assert (f"The due date is before the day the commitment is made "
            f"({date_format(TODAY())}).") in page
    assert f"({TODAY().isoformat()})" not in page


def test_the_sponsor_writes_a_commitment_and_keeps_it_by_recording_advocacy(
        sponsorship, sam, login):
    client = login(sam)
    response = client.post(reverse("sponsorship:commitment_new", args=[sponsorship.pk]), {
        "kind": "introduction", "decision_maker": "", "forum": "Platform offsite",
        "due_on": (TODAY() + days(14)).isoformat()})
    assert str(svc.COMMITMENT_NEEDS_DECISION_MAKER) in response.content.decode()
    response = client.post(reverse("sponsorship:commitment_new", args=[sponsorship.pk]), {
        "kind": "introduction", "decision_maker": "Dana Ruiz, VP Platform",
        "forum": "Platform offsite", "due_on": (TODAY() + days(14)).isoformat()})
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    form_url = reverse("sponsorship:advocacy_new", args=[sponsorship.pk]) + (
        f"?commitment={commitment.pk}")
    form_page = client.get(form_url).content.decode()
    assert "This record keeps your commitment" in form_page
    response = client.post(form_url, {
        "kind": "introduction", "occurred_on": TODAY().isoformat(), "forum": "Platform offsite",
        "visibility": "open", "description": "Introduced Alice to Dana."})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == Commitment.State.KEPT and commitment.kept_on_time
    assert commitment.advocacy_record.description == "Introduced Alice to Dana."


def test_the_sponsor_keeps_with_an_existing_record_or_drops_from_the_commitment_page(
        sponsorship, sam, login):
    client = login(sam)
    keep, drop = _make(sponsorship, sam), _make(sponsorship, sam)
    record = _record(sponsorship)
    page = client.get(reverse("sponsorship:commitment_detail", args=[keep.pk])).content.decode()
    assert "Keep it with this record" in page
    client.post(reverse("sponsorship:commitment_keep", args=[keep.pk]), {"record": record.pk})
    client.post(reverse("sponsorship:commitment_drop", args=[drop.pk]),
                {"reason": "Alice moved team."})
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.state, drop.state) == (Commitment.State.KEPT, Commitment.State.DROPPED)


def test_an_overdue_commitment_nudges_the_sponsor_on_their_page(sponsorship, sam, login):
    _make(sponsorship, sam, made_on=TODAY() - days(20), due_on=TODAY() - days(2),
          forum="Staffing review")
    page = login(sam).get(reverse("sponsorship:sponsor_home")).content.decode()
    assert "was due on" in page and "Keep it or drop it" in page


def test_the_sponsor_page_runs_a_fixed_number_of_queries(sam, login,
                                                          django_assert_max_num_queries):
    client = login(sam)

    def grow():
        sponsorship = factories.SponsorshipFactory(sponsor=sam)
        for _ in range(3):
            factories.CommitmentFactory(sponsorship=sponsorship)

    grow()
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("sponsorship:sponsor_home"))
    for _ in range(4):
        grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("sponsorship:sponsor_home")).status_code == 200


def test_the_sponsorship_page_runs_a_fixed_number_of_queries(sponsorship, sam, login,
                                                              django_assert_max_num_queries):
    client = login(sam)
    factories.CommitmentFactory(sponsorship=sponsorship)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("sponsorship:detail", args=[sponsorship.pk]))
    for _ in range(6):
        factories.CommitmentFactory(sponsorship=sponsorship)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("sponsorship:detail", args=[sponsorship.pk]))


def test_the_protege_reads_a_kept_commitment_without_a_link_to_an_unshared_record(
        sponsorship, sam, alice, login):
    commitment = _make(sponsorship, sam, shared_with_protege=True)
    record = _record(sponsorship, shared_with_protege=False)
    svc.commitment_keep(commitment=commitment, by=sam, record=record)
    page = login(alice).get(reverse("sponsorship:commitment_detail", args=[commitment.pk]))
    text = page.content.decode()
    assert "Kept on time" in text
    assert reverse("sponsorship:advocacy_detail", args=[record.pk]) not in text


def test_the_protege_page_marks_an_overdue_shared_commitment(sponsorship, sam, alice, login):
    _make(sponsorship, sam, made_on=TODAY() - days(20), due_on=TODAY() - days(2),
          shared_with_protege=True)
    page = login(alice).get(reverse("sponsorship:protege_home")).content.decode()
    assert "Overdue" in page
