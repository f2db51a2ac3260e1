"""Many mentors' inboxes, one mentor's capacity: concurrent acceptances never exceed it.

Runs on PostgreSQL only (real row locks); each thread has its own database connection.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from matching.mentorship import services as svc
from matching.mentorship.models import MentorRequest, Mentorship
from tests import factories

THREADS = 8


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_push_a_mentor_over_capacity(require_postgres):
    mentor = factories.MentorProfileFactory(capacity=2).person
    skill = factories.SkillFactory(name="Negotiation")
    requests = []
    for _ in range(THREADS):
        mentee = factories.PersonFactory()
        requests.append(svc.mentor_request_create(mentee=mentee, mentor=mentor, message="Hi",
                                                  goals=[skill]))
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def accept(mentor_request):
        try:
            barrier.wait()
            svc.mentor_request_accept(mentor_request=mentor_request, by=mentor)
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("accepted") == 2
    assert outcomes.count(svc.ACCEPT_FULL.format(capacity=2)) == THREADS - 2
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 2
    assert MentorRequest.objects.filter(status="accepted").count() == 2
    assert MentorRequest.objects.filter(status="open").count() == THREADS - 2
