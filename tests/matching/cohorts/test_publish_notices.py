"""Publishing tells everyone at once (accounts.notifications.notify_many, tested against notify in
tests/accounts/test_notifications.py): inbox entries inside the transaction, emails after it."""

import pytest
from django.core import mail

from accounts.models import Notification
from matching.cohorts.services import cohort_publish
from matching.mentorship.models import Goal
from tests import factories


@pytest.mark.django_db
def test_publishing_mails_nobody_until_the_transaction_commits(
        small_round, hana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cohort_publish(cohort=small_round, by=hana.user)

    assert mail.outbox == []
    assert Notification.objects.count() == 4
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Notification.objects.values_list("recipient__email", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("pairs", [3, 30])
def test_publishing_takes_the_same_number_of_queries_for_3_or_30_pairs(
        cohort, enrol, python_skill, pairs, django_assert_max_num_queries):
    for _ in range(pairs):
        mentee, mentor = factories.PersonFactory(), factories.PersonFactory()
        mentee.development_goals.set([python_skill])
        mentor.skills.set([python_skill])
        enrol(cohort, mentee, "mentee")
        enrol(cohort, mentor, "mentor")

    with django_assert_max_num_queries(32):
        result = cohort_publish(cohort=cohort, by=None)

    assert len(result.pairs) == pairs
    assert Notification.objects.count() == 2 * pairs
    assert Goal.objects.filter(mentorship__cohort=cohort).count() == pairs
