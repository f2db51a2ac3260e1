"""Two HR admins remove each other at the same moment: one removal wins, the program always
keeps an HR admin. PostgreSQL only (real row locks); each thread has its own connection."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from accounts.services import LAST_HR_ADMIN, hr_admin_role_set
from tests import factories


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_admins_removing_each_other_at_once_leave_one_admin(require_postgres):
    admins = [factories.PersonFactory(with_user=True) for _ in range(2)]
    for person in admins:
        person.user.is_hr_admin = True
        person.user.save()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def remove(person, by):
        try:
            barrier.wait()
            hr_admin_role_set(person=person, is_hr_admin=False, by=by, reason="Reorganised.")
            outcomes.append("removed")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=(admins[0], admins[1].user)),
               threading.Thread(target=remove, args=(admins[1], admins[0].user))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 2 and outcomes.count("removed") == 1
    refused = next(outcome for outcome in outcomes if outcome != "removed")
    assert refused in {LAST_HR_ADMIN.format(name=p.full_name) for p in admins}
    assert User.objects.filter(is_hr_admin=True).count() == 1
