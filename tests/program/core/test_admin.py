"""The Django admin: what an operator (a superuser) may see and change, and what stays private."""

import datetime
import uuid

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Department, OutboxMessage, Person, Skill, User
from matching.cohorts.models import CohortPairRule
from matching.sponsorship.models import SponsorshipInterest
from program.reminders.models import ReminderLog
from program.reports.models import ReportSnapshot
from tests import factories

EDITABLE = {"accounts.user", "accounts.skill", "accounts.department"}
READ_ONLY = {
    "accounts.person", "accounts.mentorprofile", "accounts.sponsorprofile",
    "accounts.careerevent", "accounts.notification", "accounts.outboxmessage",
    "accounts.auditevent",
    "matching.mentorrequest", "matching.mentorship", "matching.sponsorship",
    "matching.sponsorshipinterest", "matching.advocacyrecord", "matching.cohort",
    "matching.cohortenrolment", "matching.cohortpairrule",
    "program.reminderlog", "program.reportsnapshot",
}
# The most queries any changelist or change page may make (session, user, the page's rows, one
# per filter or foreign key shown), whatever the number of rows.
MAX_QUERIES = 14


def registered() -> dict[str, admin.ModelAdmin]:
    return {model._meta.label_lower: model_admin
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in ("accounts", "matching", "program")}


def build_one_of_everything(n: int) -> None:
    """A person, their records, relationships and the program's logs: every registered model
    gets a row (the nth set, so sets differ)."""
    department = factories.DepartmentFactory(name=f"Department {n}")
    skill = factories.SkillFactory(name=f"Skill {n}")
    manager = factories.PersonFactory(department=department, level=6, with_user=True)
    person = factories.PersonFactory(department=department, manager=manager, with_user=True,
                                     gender="self-described", ethnicity="self-described")
    person.skills.add(skill)
    mentor = factories.MentorProfileFactory().person
    sponsor_profile = factories.SponsorProfileFactory(decided_by=manager.user,
                                                      decided_at=timezone.now())
    cohort = factories.CohortFactory()
    factories.CohortEnrolmentFactory(cohort=cohort, person=person)
    CohortPairRule.objects.create(cohort=cohort, giver=mentor, receiver=person, rule="pin",
                                  created_by=manager.user)
    request = factories.MentorRequestFactory(mentee=person, mentor=mentor)
    mentorship = factories.MentorshipFactory(mentor=mentor, mentee=person, request=request,
                                             cohort=cohort, agreement="PRIVATE-AGREEMENT")
    factories.CheckInFactory(mentorship=mentorship, private_notes="PRIVATE-NOTE")
    sponsorship = factories.SponsorshipFactory(sponsor=sponsor_profile.person, protege=person,
                                               proposed_by=manager, cohort=cohort)
    SponsorshipInterest.objects.create(person=person, aspirations="Lead a team.",
                                       sponsorship=sponsorship, resolved_at=timezone.now())
    event = factories.CareerEventFactory(person=person, recorded_by=manager.user)
    factories.AdvocacyRecordFactory(sponsorship=sponsorship, career_event=event)
    notification = factories.NotificationFactory(recipient=person, body="PRIVATE-BODY")
    OutboxMessage.objects.create(notification=notification, recipient=person,
                                 address=person.email, subject="Subject", html="PRIVATE-BODY",
                                 last_error="OSError: disk full")
    audit_record(manager.user, "person.view", target=person, summary=f"Viewed {person}")
    ReminderLog.objects.create(relationship_kind="mentorship", relationship_id=mentorship.pk,
                               due_on=datetime.date(2026, 3, n), kind="due_soon",
                               claim_token=uuid.uuid4(), sent_at=timezone.now(),
                               summary=f"{mentor} and {person}")
    ReportSnapshot.objects.create(as_of=datetime.date(2026, 3, n), window_months=12,
                                  data={"groups": []})


@pytest.fixture
def operator(client, db):
    """A superuser (createsuperuser makes them an HR admin too) past the two-factor gate."""
    user = User.objects.create_superuser("root@example.com", "pw-for-tests-only")
    client.force_login(user)
    session = client.session
    session["mfa_ok"] = True
    session.save()
    return client


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def test_the_models_an_operator_needs_are_registered_and_private_writing_is_not():
    assert set(registered()) == EDITABLE | READ_ONLY
    for private in ("matching.checkin", "matching.touchpoint", "matching.goal",
                    "matching.surveyresponse"):
        assert private not in registered(), f"{private} is the pair's own, or aggregate-only"


def test_the_admin_never_shows_private_fields():
    hidden = {
        "accounts.person": {"gender", "ethnicity", "interests"},
        "accounts.notification": {"body"},
        "matching.mentorrequest": {"message", "decline_note"},
        "matching.mentorship": {"agreement", "close_note"},
        "matching.sponsorship": {"close_note"},
    }
    site = registered()
    for label, fields in hidden.items():
        model_admin = site[label]
        shown = set(model_admin.list_display) | set(model_admin.fields or ()) | set(
            model_admin.search_fields)
        assert not shown & fields, (label, shown & fields)
        assert model_admin.fields, f"{label} must list its fields, so new ones stay out"


@pytest.mark.parametrize("label", sorted(EDITABLE | READ_ONLY))
def test_a_superuser_opens_each_changelist_and_change_page_in_a_fixed_number_of_queries(
        operator, label):
    model_admin = registered()[label]
    model = model_admin.model
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    build_one_of_everything(1)
    small = count_queries(operator, changelist)
    for n in range(2, 6):
        build_one_of_everything(n)
    large = count_queries(operator, changelist)
    assert large == small <= MAX_QUERIES, (label, small, large)

    obj = model.objects.order_by("-pk").first()
    change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                     args=[obj.pk])
    assert count_queries(operator, change) <= MAX_QUERIES
    response = operator.get(change)
    for secret in ("PRIVATE-AGREEMENT", "PRIVATE-NOTE", "PRIVATE-BODY", "self-described"):
        assert secret not in response.content.decode(), (label, secret)


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_read_only_admins_offer_no_add_change_or_delete(operator, label):
    model_admin = registered()[label]
    model = model_admin.model
    build_one_of_everything(1)
    obj = model.objects.first()
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert operator.get(reverse(f"{prefix}_add")).status_code == 403
    assert operator.get(reverse(f"{prefix}_delete", args=[obj.pk])).status_code == 403
    page = operator.get(reverse(f"{prefix}_change", args=[obj.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert operator.post(reverse(f"{prefix}_change", args=[obj.pk]), {}).status_code == 403
    changelist = operator.get(reverse(f"{prefix}_changelist")).content.decode()
    assert reverse(f"{prefix}_add") not in changelist
    assert 'value="delete_selected"' not in changelist


def test_users_get_flags_changed_but_are_never_added_or_deleted_here(operator):
    user = factories.UserFactory(email="someone@example.com")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = operator.post(url, {"is_active": "on", "is_hr_admin": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_hr_admin and not user.is_staff and user.email == "someone@example.com"
    assert operator.get(reverse("admin:accounts_user_add")).status_code == 403
    assert operator.get(reverse("admin:accounts_user_delete", args=[user.pk])).status_code == 403
    assert "password" not in operator.get(url).content.decode().lower().split("<form", 1)[1]


def test_skills_are_added_and_renamed_with_the_slug_the_import_matches_on(operator):
    response = operator.post(reverse("admin:accounts_skill_add"),
                             {"name": "Public Speaking", "category": "communication"})
    assert response.status_code == 302
    skill = Skill.objects.get(name="Public Speaking")
    assert skill.slug == "public-speaking"
    operator.post(reverse("admin:accounts_skill_change", args=[skill.pk]),
                  {"name": "Public speaking & storytelling", "category": "communication"})
    skill.refresh_from_db()
    assert skill.slug == "public-speaking-storytelling"
    factories.SkillFactory(name="Storytelling")
    clash = operator.post(reverse("admin:accounts_skill_change", args=[skill.pk]),
                          {"name": "storytelling!", "category": ""})
    assert clash.status_code == 200 and "already has the short name" in clash.content.decode()
    assert operator.get(reverse("admin:accounts_skill_delete",
                                args=[skill.pk])).status_code == 403


def test_departments_are_added_and_renamed_but_not_deleted(operator):
    operator.post(reverse("admin:accounts_department_add"), {"name": "Legal"})
    department = Department.objects.get(name="Legal")
    operator.post(reverse("admin:accounts_department_change", args=[department.pk]),
                  {"name": "Legal & Compliance"})
    department.refresh_from_db()
    assert department.name == "Legal & Compliance"
    assert operator.get(reverse("admin:accounts_department_delete",
                                args=[department.pk])).status_code == 403


def test_a_non_staff_user_is_sent_to_sign_in_and_then_refused(client, eve):
    client.force_login(eve.user)
    response = client.get("/admin/accounts/person/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"]).status_code == 403  # allauth: staff only


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(client, db):
    response = client.get("/admin/accounts/person/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert Person.objects.count() == 0
