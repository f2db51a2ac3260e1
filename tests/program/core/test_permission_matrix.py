"""The permission matrix: every URL pattern x every persona x GET and POST, against ONE table.

The table (who gets what) is tests/program/core/permissions.py; read its docstring to add a row.
Each request runs in a savepoint that is rolled back, so what one persona does (accept a request,
close a mentorship) never changes what the next one sees.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.middleware import ALLOWED_PREFIXES
from accounts.models import AccessRequest, ImportJob
from accounts.notifications import UNSUBSCRIBE_SALT
from matching.cohorts.models import CohortPairRule
from matching.pairs.models import CalendarFeed, MeetingProposal
from matching.sponsorship.models import SponsorshipInterest
from program.api.models import HrApiToken
from program.scim.models import ApiToken
from tests import factories
from tests.e2e.conftest import give_totp
from tests.program.core.permissions import (
    NEEDS_TWO_FACTOR_SETUP,
    PERSONAS,
    expectation_for,
    markdown_table,
)

ROOT = Path(__file__).resolve().parents[3]
ADMIN_ARGS = {"app_label": "accounts", "object_id": "1", "content_type_id": "1",
              "url": "nothing-here/"}


def _patterns(resolver=None, prefix="", namespace=""):
    """(key, route) for every URL pattern: key is "namespace:name", or the route if unnamed."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            key = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name \
                else route
            yield key, route


PATTERNS = sorted(set(_patterns()))


def _path(route: str, args: dict) -> str:
    def value(match):
        name = match.group("name")
        return str(args[name] if name in args else ADMIN_ARGS[name])

    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", value, route)
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, path)
    return "/" + path


def test_every_url_pattern_has_an_expectation():
    missing = [(key, route) for key, route in PATTERNS if expectation_for(key) is None]
    assert not missing, (
        "These URL patterns have no row in the permission table. Add one per URL to "
        "EXPECTATIONS in tests/program/core/permissions.py, e.g.\n"
        + "\n".join(f'    "{key}": Rule(EMPLOYEES, "what it is"),  # /{route}'
                    for key, route in missing)
        + "\nthen run `python -m tests.program.core.permissions > /tmp/t` and paste it into "
          "docs/SECURITY.md.")


def test_the_security_doc_shows_the_same_table():
    doc = (ROOT / "docs" / "SECURITY.md").read_text()
    assert markdown_table() in doc, (
        "docs/SECURITY.md's visibility table differs from tests/program/core/permissions.py: "
        "paste the output of `python -m tests.program.core.permissions` into it.")


@pytest.fixture
def world(db):
    """Records that belong to other people than most personas (see permissions.py)."""
    w = type("World", (), {})()
    engineering = factories.DepartmentFactory(name="Engineering")

    def person(name, **kwargs):
        return factories.PersonFactory(full_name=name, email=f"{name.split()[0].lower()}"
                                       "@example.com", department=engineering, with_user=True,
                                       **kwargs)

    w.employee = person("Max Manager", level=6)
    w.mentee = person("Alice Mentee", level=2, manager=w.employee)
    w.mentor = person("Bob Mentor", level=5)
    factories.MentorProfileFactory(person=w.mentor, capacity=3)
    w.sponsor = person("Sam Sponsor", level=8)
    factories.SponsorProfileFactory(person=w.sponsor)
    w.protege = person("Pat Protege", level=3)
    w.unrelated = person("Eve Outsider", level=2)
    w.hr_no_2fa = person("Hana HR", level=5)
    w.hr = person("Hugo HR", level=5)
    w.staff = person("Stan Staff", level=4)
    for hr in (w.hr_no_2fa, w.hr):
        hr.user.is_hr_admin = True
        hr.user.save()
    give_totp(w.hr.user)
    w.staff.user.is_staff = True
    w.staff.user.save()
    w.superuser = type("NoPerson", (), {})()
    w.superuser.user = factories.UserFactory(email="sue@example.com", is_staff=True,
                                             is_superuser=True)
    give_totp(w.superuser.user)
    for account in (w.hr.user, w.superuser.user):
        RecoveryCodes.activate(account)

    w.mentor_request = factories.MentorRequestFactory(mentee=w.mentee, mentor=w.mentor)
    w.mentorship = factories.MentorshipFactory(mentee=w.mentee, mentor=w.mentor,
                                               next_due_on=datetime.date.today())
    w.goal = factories.GoalFactory(mentorship=w.mentorship)
    w.check_in = factories.CheckInFactory(mentorship=w.mentorship, author=w.mentee,
                                          discussed="Private to the pair")
    w.meeting = MeetingProposal.objects.create(
        mentorship=w.mentorship, proposed_by=w.mentor,
        option_1=timezone.now() + datetime.timedelta(days=3),
        status=MeetingProposal.Status.ACCEPTED,
        starts_at=timezone.now() + datetime.timedelta(days=3), answered_by=w.mentee,
        answered_at=timezone.now())
    w.calendar_feed = CalendarFeed.objects.create(person=w.mentee)
    w.sponsorship = factories.SponsorshipFactory(sponsor=w.sponsor, protege=w.protege)
    w.advocacy = factories.AdvocacyRecordFactory(sponsorship=w.sponsorship,
                                               shared_with_protege=False)
    w.touchpoint = factories.TouchpointFactory(sponsorship=w.sponsorship, author=w.protege)
    w.commitment = factories.CommitmentFactory(sponsorship=w.sponsorship,
                                               shared_with_protege=False)
    w.interest = SponsorshipInterest.objects.create(person=w.unrelated,
                                                    aspirations="A sponsor for a staff role")
    w.career_event = factories.CareerEventFactory(person=w.protege)
    w.access_request = AccessRequest.objects.create(user=w.superuser.user,
                                                    message="Please link me")
    w.scim_token, _ = ApiToken.issue(name="Identity provider", scope=ApiToken.Scope.SCIM,
                                     created_by=w.hr.user)
    w.api_token, _ = HrApiToken.issue(name="BI", scopes=["read"], created_by=w.hr.user)
    from allauth.socialaccount.models import SocialApp
    w.sso_app = SocialApp.objects.create(provider="openid_connect", provider_id="matrix",
                                         name="Matrix sign-in", client_id="c", secret="s",
                                         settings={"server_url": "https://idp.example.com"})
    w.notification = factories.NotificationFactory(recipient=w.mentee)
    w.pending_sponsor = factories.SponsorProfileFactory(
        person=person("Paula Pending", level=8), status="pending")
    w.former = factories.PersonFactory(full_name="Fiona Former",
                                       termination_date=datetime.date(2024, 1, 31))
    w.cohort = factories.CohortFactory(slug="spring")
    w.enrolment = factories.CohortEnrolmentFactory(cohort=w.cohort, person=w.mentee)
    w.pair_rule = CohortPairRule.objects.create(
        cohort=w.cohort, giver=w.mentor, receiver=w.mentee, rule=CohortPairRule.Rule.FORBID)
    w.unsubscribe_token = signing.dumps({"p": w.mentee.pk, "c": "reminders"},
                                        salt=UNSUBSCRIBE_SALT)
    w.import_job = ImportJob.objects.create(kind="people", file_name="people.csv",
                                            content="employee_id\n", created_by=w.hr_no_2fa.user,
                                            rows_total=1)
    return w


def _clients(world) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for persona in PERSONAS[1:]:
        client = Client()
        client.force_login(getattr(world, persona).user)
        clients[persona] = client
    return clients


def _outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return "login"
        if location.startswith("/accounts/2fa/totp/activate/"):
            return "mfa"
        return "ok"
    if response.status_code in (401, 403, 404, 405):
        return str(response.status_code)
    if response.status_code >= 500:
        return "500"
    return "ok"


def _expected(rule, persona: str, method: str, path: str) -> set[str]:
    allowed_answer = rule.get if method == "GET" else rule.post
    if persona in NEEDS_TWO_FACTOR_SETUP and not path.startswith(ALLOWED_PREFIXES):
        return {"mfa"}
    if persona in rule.who and not (method == "POST" and persona in rule.reads_only):
        return {"ok", "403", "404", "405"} if allowed_answer == "any" else {allowed_answer}
    refused = {"anonymous": "login", "superuser": "403"}.get(persona, rule.refused)
    if rule.refused == "401":  # a bearer-token API: no session gets in, signed in or not
        refused = "401"
    if persona == "superuser" and rule.refused == "login":  # the admin's own refusal
        refused = "login"
    # A view that refuses the method may do so before or after asking who is calling.
    return {refused, "405"} if allowed_answer == "405" else {refused}


@pytest.mark.parametrize(("key", "route"), PATTERNS, ids=[key for key, _ in PATTERNS])
def test_each_persona_gets_what_the_table_says(world, key, route):
    rule = expectation_for(key)
    assert rule is not None, f"{key} has no expectation (see test_every_url_pattern_has_...)"
    path = _path(route, rule.args(world))
    wrong = []
    cache.clear()  # rate limits count per test
    for persona, client in _clients(world).items():
        for method in ("GET", "POST"):
            with transaction.atomic():
                response = (client.get if method == "GET" else client.post)(path)
                transaction.set_rollback(True)
            got = _outcome(response)
            expected = _expected(rule, persona, method, path)
            if got not in expected:
                wrong.append(f"{persona} {method} {path}: got {response.status_code} "
                             f"({got}), expected {' or '.join(sorted(expected))}")
            if response.status_code == 200 and persona != "anonymous":
                assert "no-store" in response.get("Cache-Control", ""), (persona, method, path)
    assert not wrong, "\n".join(wrong)


HOSTILE_VALUES = ["' OR '1'='1", "\x00", "9" * 40, "-1", "<script>alert(1)</script>"]


def _query_parameter_names() -> list[str]:
    """Every query parameter a view reads: request.GET.get("x") in the code and the fields of
    every form bound to request.GET."""
    from matching.mentorship.forms import DirectoryFilterForm
    from matching.sponsorship.forms import CareerEventFilterForm, TalentReviewForm
    from program.audit.views import AuditSearchForm
    from program.console.forms import ListFilterForm, SponsorSearchForm
    from program.reminders.views import ReminderLogFilter
    from program.reports.forms import DashboardFilterForm, EquityForm, ReportForm

    names = {"page"}
    for folder in ("accounts", "matching", "program"):
        for source in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r'request\.GET\.get\("(\w+)"', source.read_text()))
    for form in (DirectoryFilterForm, CareerEventFilterForm, ReminderLogFilter,
                 DashboardFilterForm, EquityForm, ReportForm, TalentReviewForm, AuditSearchForm,
                 ListFilterForm, SponsorSearchForm):
        names |= set(form.base_fields)
    return sorted(names)


GET_PAGES = [(key, route) for key, route in PATTERNS  # pages some persona's session opens
             if not key.startswith(("admin:", "admin/")) and expectation_for(key).get == "ok"
             and expectation_for(key).who]


@pytest.mark.parametrize(("key", "route"), GET_PAGES, ids=[key for key, _ in GET_PAGES])
def test_no_query_parameter_value_is_a_server_error(world, key, route):
    rule = expectation_for(key)
    persona = next(p for p in PERSONAS if p in rule.who and p not in NEEDS_TWO_FACTOR_SETUP)
    client = _clients(world)[persona]
    path = _path(route, rule.args(world))
    names = _query_parameter_names()
    cache.clear()
    for value in HOSTILE_VALUES:
        with transaction.atomic():
            response = client.get(path, dict.fromkeys(names, value))
            transaction.set_rollback(True)
        content = (b"".join(response.streaming_content) if response.streaming
                   else response.content)
        assert response.status_code < 500, (persona, path, value)
        assert b"<script>alert(1)</script>" not in content
