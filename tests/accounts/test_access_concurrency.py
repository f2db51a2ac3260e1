"""Several HR admins answer access requests at once: one HR record is linked to one account.

Six newcomers each claim to be E77; six HR admins link them all to E77 at the same moment.
Runs on PostgreSQL only (real row locks); each thread has its own database connection.
"""

import pytest
from django.core.exceptions import ValidationError

from accounts.access import access_request_link
from accounts.models import AccessRequest, AuditEvent, User
from tests import factories
from tests.concurrency import at_once

THREADS = 6


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_links_give_one_hr_record_to_one_account(require_postgres, hana):
    record = factories.PersonFactory(employee_id="E77")
    requests = [AccessRequest.objects.create(
        user=User.objects.create_user(email=f"claim{n}@example.com")) for n in range(THREADS)]
    outcomes: list[str] = []

    def link(access_request):
        try:
            access_request_link(access_request=access_request, who="E77", by=hana.user)
            outcomes.append("linked")
        except ValidationError as error:
            outcomes.append(error.messages[0])

    at_once(link, requests)

    assert outcomes.count("linked") == 1
    assert all("already linked to another account" in o for o in outcomes if o != "linked")
    record.refresh_from_db()
    winner = AccessRequest.objects.get(status="linked")
    assert record.user == winner.user
    assert AccessRequest.objects.filter(status="open").count() == THREADS - 1
    assert AuditEvent.objects.filter(action="access.link").count() == 1
