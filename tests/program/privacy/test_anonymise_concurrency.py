"""Two HR admins anonymise the same person at once: it happens once, with one audit row.

Runs on PostgreSQL only (real row locks); each thread has its own database connection.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Person
from program.privacy.services import ALREADY_ANONYMISED, person_anonymise
from tests import factories
from tests.concurrency import at_once

THREADS = 4


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_anonymisations_of_one_person_happen_once(require_postgres):
    person = factories.PersonFactory(full_name="Fiona Former", with_user=True,
                                     termination_date=datetime.date(2024, 1, 31))
    admins = [factories.UserFactory(is_hr_admin=True) for _ in range(THREADS)]
    outcomes: list[str] = []

    def anonymise(admin):
        try:
            person_anonymise(person=person, by=admin)
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(error.messages[0])

    at_once(anonymise, admins)

    assert sorted(outcomes) == sorted(["done"] + [ALREADY_ANONYMISED] * (THREADS - 1))
    assert AuditEvent.objects.filter(action="person.anonymise").count() == 1
    assert Person.objects.get(pk=person.pk).full_name == f"Former employee {person.pk}"
