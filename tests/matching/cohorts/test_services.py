"""Cohort workflows: creating, enrolling, rules and publishing, all or nothing."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Notification
from matching.cohorts import services
from matching.cohorts.match import cohort_match
from matching.cohorts.models import Cohort, CohortEnrolment, CohortPairRule
from matching.cohorts.services import (
    ALREADY_PUBLISHED,
    CHANGED_SINCE_PREVIEW,
    ENROLMENT_CLOSED,
    MUST_HAVE_UNKNOWN,
    NOT_INVITED,
    PIN_REFUSED,
    PIN_TAKEN,
    PREFERRED_NOT_ENROLLED,
    SLUG_TAKEN,
    SPONSOR_NOT_APPROVED,
    TOO_MANY_PREFERRED,
    WINDOW_ORDER,
    pin_full,
)
from matching.mentorship.models import Goal, Mentorship
from matching.relationships.models import RelationshipStatus
from matching.relationships.services import add_months
from matching.sponsorship.models import Sponsorship
from tests import factories


def messages_of(excinfo) -> list[str]:
    return excinfo.value.messages


def test_hr_creates_a_sponsorship_cohort_with_a_years_length_and_monthly_rhythm(db):
    cohort = services.cohort_create(name=" Leaders 2027 ", slug="leaders-2027",
                                    kind=Cohort.Kind.SPONSORSHIP)

    assert cohort.name == "Leaders 2027"
    assert (cohort.length_months, cohort.cadence_days) == (12, 30)
    assert cohort.status == Cohort.Status.ENROLLING


def test_a_short_name_in_use_is_refused_and_names_the_clash(cohort):
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_create(name="Again", slug=cohort.slug, kind="mentorship")

    assert messages_of(excinfo) == [SLUG_TAKEN.format(slug=cohort.slug)]


def test_an_enrolment_window_that_closes_before_it_opens_is_refused(db):
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_create(name="X", slug="x", kind="mentorship",
                               enrolment_opens_on=datetime.date(2027, 3, 1),
                               enrolment_closes_on=datetime.date(2027, 2, 1))

    assert messages_of(excinfo) == [WINDOW_ORDER]
    assert not Cohort.objects.exists()


def test_an_employee_cannot_enrol_after_the_window_closed_but_hr_still_can(cohort, alice):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    cohort.enrolment_closes_on = yesterday
    cohort.save()

    with pytest.raises(ValidationError) as excinfo:
        services.cohort_enrol(cohort=cohort, person=alice, role="mentee")
    services.cohort_enrol(cohort=cohort, person=alice, role="mentee", by_hr=True)

    # The day as people read it ("29 November 2026"), not 2026-11-29.
    assert messages_of(excinfo) == [ENROLMENT_CLOSED.format(day=date_format(yesterday))]
    assert yesterday.isoformat() not in messages_of(excinfo)[0]
    assert CohortEnrolment.objects.filter(cohort=cohort, person=alice).count() == 1


def test_an_invite_only_cohort_refuses_the_uninvited_and_welcomes_the_invited(cohort, alice,
                                                                               eve):
    cohort.open_to_all = False
    cohort.save()

    with pytest.raises(ValidationError) as excinfo:
        services.cohort_enrol(cohort=cohort, person=eve, role="mentee")
    services.cohort_invite(cohort=cohort, person=alice, role="mentor", capacity=2)
    moved = services.cohort_enrol(cohort=cohort, person=alice, role="mentee",
                                  must_haves=["same_language"])

    assert messages_of(excinfo) == [NOT_INVITED]
    assert Notification.objects.get(recipient=alice).kind == "cohort_invited"
    # Choosing the other side moves her: one enrolment, still counted as invited.
    assert list(CohortEnrolment.objects.filter(cohort=cohort, person=alice)) == [moved]
    assert moved.invited and moved.must_haves == ["same_language"]


def test_preferences_name_enrolled_mentors_only_and_at_most_five(cohort, alice, bob, eve):
    services.cohort_enrol(cohort=cohort, person=bob, role="mentor", capacity=2)
    mentors = [factories.PersonFactory() for _ in range(5)]
    for mentor in mentors:
        services.cohort_enrol(cohort=cohort, person=mentor, role="mentor")

    with pytest.raises(ValidationError) as not_enrolled:
        services.cohort_enrol(cohort=cohort, person=alice, role="mentee",
                              preferred=[bob.pk, eve.pk])
    with pytest.raises(ValidationError) as too_many:
        services.cohort_enrol(cohort=cohort, person=alice, role="mentee",
                              preferred=[bob.pk] + [m.pk for m in mentors])
    enrolment = services.cohort_enrol(cohort=cohort, person=alice, role="mentee",
                                      preferred=[mentors[2].pk, bob.pk])

    assert messages_of(not_enrolled) == [
        PREFERRED_NOT_ENROLLED[Cohort.Kind.MENTORSHIP].format(name=eve.full_name)]
    assert messages_of(too_many) == [TOO_MANY_PREFERRED]
    assert enrolment.preferred == [mentors[2].pk, bob.pk]


def test_an_unknown_must_have_is_refused(cohort, alice):
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_enrol(cohort=cohort, person=alice, role="mentee",
                              must_haves=["same_shoe_size"])

    assert messages_of(excinfo)[0].startswith(
        MUST_HAVE_UNKNOWN.format(key="same_shoe_size", choices="")[:30])


def test_only_an_approved_sponsor_enrols_as_a_sponsor(db, alice, sam):
    leaders = factories.CohortFactory(kind=Cohort.Kind.SPONSORSHIP)

    with pytest.raises(ValidationError) as excinfo:
        services.cohort_enrol(cohort=leaders, person=alice, role="sponsor")
    services.cohort_enrol(cohort=leaders, person=sam, role="sponsor", capacity=2)

    assert messages_of(excinfo) == [SPONSOR_NOT_APPROVED.format(name=alice.full_name)]


def test_a_pin_that_breaks_a_hard_rule_is_refused(small_round, alice, max_manager, hana):
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_pair_rule_set(cohort=small_round, giver=max_manager, receiver=alice,
                                      rule="pin", by=hana.user)

    assert messages_of(excinfo) == [PIN_REFUSED.format(
        why="they are in the same reporting line")]
    assert not CohortPairRule.objects.exists()


def test_a_pin_against_the_mentees_must_have_is_refused(small_round, eve, max_manager, hana):
    CohortEnrolment.objects.filter(person=eve).update(must_haves=["helps_with_goals"])

    with pytest.raises(ValidationError) as excinfo:
        services.cohort_pair_rule_set(cohort=small_round, giver=max_manager, receiver=eve,
                                      rule="pin", by=hana.user)

    assert "must-have 'helps with at least one of my goals'" in messages_of(excinfo)[0]


def test_a_mentee_is_pinned_once_and_a_mentor_no_more_than_their_capacity(
        small_round, alice, eve, bob, max_manager, hana):
    services.cohort_pair_rule_set(cohort=small_round, giver=bob, receiver=eve, rule="pin",
                                  by=hana.user)

    with pytest.raises(ValidationError) as taken:
        services.cohort_pair_rule_set(cohort=small_round, giver=max_manager, receiver=eve,
                                      rule="pin", by=hana.user)
    with pytest.raises(ValidationError) as full:
        services.cohort_pair_rule_set(cohort=small_round, giver=bob, receiver=alice,
                                      rule="pin", by=hana.user)

    assert messages_of(taken) == [PIN_TAKEN.format(receiver=eve.full_name, giver=bob.full_name)]
    assert messages_of(full) == [pin_full(bob.full_name, 1)]


def test_forbidding_a_pinned_pair_replaces_the_pin(small_round, eve, bob, hana):
    services.cohort_pair_rule_set(cohort=small_round, giver=bob, receiver=eve, rule="pin",
                                  by=hana.user)
    services.cohort_pair_rule_set(cohort=small_round, giver=bob, receiver=eve, rule="forbid",
                                  by=hana.user)

    assert list(CohortPairRule.objects.values_list("rule", flat=True)) == ["forbid"]


def test_publishing_starts_every_mentorship_and_tells_both_people(
        small_round, alice, eve, bob, max_manager, hana, mailoutbox,
        django_capture_on_commit_callbacks):
    small_round.starts_on = timezone.localdate() + datetime.timedelta(days=7)
    small_round.cadence_days, small_round.length_months = 21, 3
    small_round.save()

    with django_capture_on_commit_callbacks(execute=True):
        result = services.cohort_publish(cohort=small_round, by=hana.user)

    pairs = set(Mentorship.objects.filter(cohort=small_round).values_list("mentee", "mentor"))
    assert pairs == {(alice.pk, bob.pk), (eve.pk, max_manager.pk)}
    assert {p.receiver.person_id for p in result.pairs} == {alice.pk, eve.pk}
    for mentorship in Mentorship.objects.filter(cohort=small_round):
        assert mentorship.status == RelationshipStatus.ACTIVE
        assert mentorship.started_on == small_round.starts_on
        assert mentorship.cadence_days == 21
        assert mentorship.next_due_on == small_round.starts_on + datetime.timedelta(days=21)
        assert mentorship.planned_end_on == add_months(small_round.starts_on, 3)
    assert list(Mentorship.objects.get(mentee=alice).goals.values_list("title", flat=True)) \
        == ["Rust"]
    told = Notification.objects.filter(kind="cohort_matched")
    assert sorted(told.values_list("recipient__full_name", flat=True)) == sorted(
        [alice.full_name, eve.full_name, bob.full_name, max_manager.full_name])
    assert "your mentor is Bob Mentor" in told.get(recipient=alice).subject
    small_round.refresh_from_db()
    assert small_round.status == Cohort.Status.PUBLISHED
    assert small_round.published_by == hana.user
    assert len(mailoutbox) == 4


def test_a_mentor_hears_their_mentees_by_name_in_the_subject(small_round, bob, alice, hana):
    services.cohort_publish(cohort=small_round, by=hana.user)

    told = Notification.objects.get(recipient=bob, kind="cohort_matched")
    assert told.subject == f"Spring 2027: your mentee is {alice.full_name}"
    assert "<Person" not in told.subject and "[" not in told.subject


def test_someone_enrolled_on_both_sides_hears_who_they_mentor_and_who_mentors_them(
        cohort, enrol, alice, eve, bob, rust, python_skill, hana):
    alice.development_goals.set([rust])
    alice.skills.set([python_skill])
    eve.development_goals.set([python_skill])
    bob.skills.set([rust])
    enrol(cohort, alice, "mentee")
    enrol(cohort, alice, "mentor")
    enrol(cohort, eve, "mentee")
    enrol(cohort, bob, "mentor")

    services.cohort_publish(cohort=cohort, by=hana.user)

    assert set(Mentorship.objects.filter(cohort=cohort).values_list("mentee", "mentor")) == {
        (alice.pk, bob.pk), (eve.pk, alice.pk)}
    subjects = sorted(Notification.objects.filter(recipient=alice, kind="cohort_matched")
                      .values_list("subject", flat=True))
    assert subjects == [f"Spring 2027: your mentee is {eve.full_name}",
                        f"Spring 2027: your mentor is {bob.full_name}"]
    bodies = " ".join(Notification.objects.filter(recipient=alice).values_list("body",
                                                                                flat=True))
    assert f"You will mentor: {bob.full_name}" not in bodies


def test_publishing_tells_the_unmatched_too(small_round, eve, hana):
    CohortEnrolment.objects.filter(person=eve).update(must_haves=["helps_with_goals"])
    CohortEnrolment.objects.filter(role="mentor", person__full_name="Bob Mentor").update(
        capacity=1)

    result = services.cohort_publish(cohort=small_round, by=hana.user, objective="score")

    unmatched = [u.receiver.person_id for u in result.unmatched]
    assert len(unmatched) == 1
    assert Notification.objects.get(recipient_id=unmatched[0]).kind == "cohort_unmatched"


def test_a_failure_half_way_through_publishing_leaves_nothing(small_round, hana, monkeypatch,
                                                               mailoutbox):
    written = []
    real_notify_many = services.notify_many

    def tell_then_fail(notices):
        real_notify_many(notices)
        written.append((Mentorship.objects.filter(cohort=small_round).count(),
                        Goal.objects.count(), Notification.objects.count()))
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "notify_many", tell_then_fail)

    with pytest.raises(RuntimeError):
        services.cohort_publish(cohort=small_round, by=hana.user)

    # The mentorships, their goals and the inbox entries were written before the failure ...
    assert written == [(2, 1, 4)]
    assert not Mentorship.objects.exists()  # ... and rolled back with everything else
    assert not Goal.objects.exists()
    assert not Notification.objects.exists()
    assert mailoutbox == []
    small_round.refresh_from_db()
    assert small_round.status == Cohort.Status.ENROLLING


def test_publishing_refuses_when_the_proposal_changed_since_the_preview(small_round, eve,
                                                                        bob, hana):
    seen = cohort_match(cohort=small_round).fingerprint
    services.cohort_pair_rule_set(cohort=small_round, giver=bob, receiver=eve, rule="pin",
                                  by=hana.user)

    with pytest.raises(ValidationError) as excinfo:
        services.cohort_publish(cohort=small_round, by=hana.user, expected_fingerprint=seen)

    assert messages_of(excinfo) == [CHANGED_SINCE_PREVIEW]
    assert not Mentorship.objects.exists()


def test_a_published_cohort_cannot_be_published_again_or_enrolled_in(small_round, hana):
    services.cohort_publish(cohort=small_round, by=hana.user)
    newcomer = factories.PersonFactory()

    with pytest.raises(ValidationError) as again:
        services.cohort_publish(cohort=small_round, by=hana.user)
    with pytest.raises(ValidationError) as late:
        services.cohort_enrol(cohort=small_round, person=newcomer, role="mentee", by_hr=True)

    assert messages_of(again) == messages_of(late) == [ALREADY_PUBLISHED]
    assert Mentorship.objects.count() == 2


def test_a_sponsorship_cohort_proposes_sponsorships_for_each_protege_to_accept(
        db, alice, eve, sam, hana):
    leaders = services.cohort_create(name="Leaders", slug="leaders", kind="sponsorship")
    services.cohort_enrol(cohort=leaders, person=sam, role="sponsor", capacity=2, by_hr=True)
    services.cohort_enrol(cohort=leaders, person=alice, role="protege", by_hr=True)
    services.cohort_enrol(cohort=leaders, person=eve, role="protege", by_hr=True)

    services.cohort_publish(cohort=leaders, by=hana.user)

    sponsorships = Sponsorship.objects.filter(cohort=leaders)
    assert set(sponsorships.values_list("protege", "status", "origin", "cadence_days")) == {
        (alice.pk, RelationshipStatus.PROPOSED, Sponsorship.Origin.COHORT, 30),
        (eve.pk, RelationshipStatus.PROPOSED, Sponsorship.Origin.COHORT, 30)}
    assert all(s.planned_end_on == add_months(timezone.localdate(), 12) for s in sponsorships)
    # Protégés are asked by the proposal itself; the sponsor hears once, about both.
    assert set(Notification.objects.filter(recipient__in=[alice, eve])
               .values_list("kind", flat=True)) == {"sponsorship_proposed"}
    subject = Notification.objects.get(recipient=sam, kind="cohort_matched").subject
    assert subject in (f"Leaders: your protégés are {alice.full_name}, {eve.full_name}",
                       f"Leaders: your protégés are {eve.full_name}, {alice.full_name}")


@pytest.mark.django_db(transaction=True)
def test_two_hr_admins_publishing_at_once_make_each_pair_once(require_postgres, small_round,
                                                              hana):
    barrier = threading.Barrier(2)
    outcomes = []

    def publish():
        try:
            barrier.wait(timeout=10)
            services.cohort_publish(cohort=small_round, by=hana.user)
            outcomes.append("published")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(["published", ALREADY_PUBLISHED])
    assert Mentorship.objects.filter(cohort=small_round).count() == 2
    assert len(mail.outbox) == 4


def test_an_invitation_names_the_role_in_the_invitees_language(cohort, alice, bob):
    from django.utils import translation

    from accounts.models import OutboxMessage
    alice.preferred_language = "fr"
    alice.save(update_fields=["preferred_language"])
    with translation.override("es"):  # HR invites from a Spanish page
        services.cohort_invite(cohort=cohort, person=alice, role="mentee")
        services.cohort_invite(cohort=cohort, person=bob, role="mentee")
    french = OutboxMessage.objects.get(recipient=alice)
    assert french.subject.endswith("Vous êtes invité(e) dans Spring 2027 en tant que mentoré")
    assert "en tant que mentoré." in french.text and "mentee" not in french.text
    assert "Vous pouvez classer jusqu’à cinq personnes" in french.text
    english = OutboxMessage.objects.get(recipient=bob)
    assert "cohort as a mentee." in english.text and "mentorizado" not in english.text
    assert "You can rank up to five people" in english.text
