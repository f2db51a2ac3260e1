"""The identity provider's group requests at the same moment (PostgreSQL: real row locks, one
connection per thread). Two admins removed from "HR admins" at once: one removal wins and the
program keeps an HR admin. The same new group pushed twice at once: one group, one conflict."""

import json

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import LAST_HR_ADMIN
from program.scim.models import ApiToken, ScimGroup
from tests import factories
from tests.concurrency import at_once

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _call(raw: str, method: str, path: str, body: dict) -> tuple[int, dict]:
    response = getattr(Client(), method)(f"/scim/v2/{path}", json.dumps(body),
                                         content_type="application/scim+json",
                                         HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code, json.loads(response.content)


def test_two_admins_removed_at_once_leave_one(require_postgres):
    _, raw = ApiToken.issue(name="Entra ID", scope=ApiToken.Scope.SCIM, created_by=None)
    admins = [factories.PersonFactory(with_user=True) for _ in range(2)]
    User.objects.filter(pk__in=[p.user_id for p in admins]).update(is_hr_admin=True)
    outcomes = []

    def remove(person):
        outcomes.append(_call(raw, "patch", "Groups/hr-admins", {"Operations": [
            {"op": "remove", "path": f'members[value eq "{person.pk}"]'}]}))

    at_once(remove, admins)
    assert sorted(status for status, _ in outcomes) == [200, 400]
    refused = next(body for status, body in outcomes if status == 400)
    assert refused["detail"] in {LAST_HR_ADMIN.format(name=p.full_name) for p in admins}
    assert User.objects.filter(is_hr_admin=True).count() == 1


def test_the_same_group_pushed_twice_at_once_is_made_once(require_postgres):
    _, raw = ApiToken.issue(name="Okta", scope=ApiToken.Scope.SCIM, created_by=None)
    outcomes = []
    at_once(lambda name: outcomes.append(_call(raw, "post", "Groups", {"displayName": name})),
            ["Sales EMEA", "sales emea"])
    assert sorted(status for status, _ in outcomes) == [201, 409]
    assert ScimGroup.objects.filter(display_name__iexact="sales emea").count() == 1
