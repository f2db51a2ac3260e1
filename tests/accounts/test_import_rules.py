"""Every import refuses what the forms refuse, with its row and column, on both databases, and
never ends in a traceback; two imports at once queue; a double-submitted upload runs once.

Hana is an HR admin; Alice (hired 2021-01-01 unless a test says otherwise) is an employee.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.importing import Problem, run_import
from accounts.models import AuditEvent, CareerEvent, Person
from accounts.services import CAREER_EVENT_BEFORE_HIRE, CAREER_EVENT_IN_FUTURE
from matching.sponsorship.models import AdvocacyRecord, Sponsorship
from matching.sponsorship.services import ADVOCACY_BEFORE_START, OUTCOME_IN_FUTURE
from tests import factories
from tests.concurrency import at_once

PEOPLE = "employee_id,email,full_name,title,level\n"


def _csv(header, *rows):
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.mark.django_db
def test_a_career_event_import_refuses_a_future_date_and_one_before_the_hire(alice):
    alice.hire_date = datetime.date(2021, 1, 1)
    alice.save()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    result = run_import("career_events", _csv(
        "employee_id,kind,occurred_on",
        f"{alice.employee_id},promotion,2024-01-01",
        f"{alice.employee_id},award,{tomorrow}",
        f"{alice.employee_id},award,2020-06-01"))
    assert result.problems == [
        Problem(3, "occurred_on", CAREER_EVENT_IN_FUTURE),
        Problem(4, "occurred_on", CAREER_EVENT_BEFORE_HIRE.format(hired=alice.hire_date))]
    assert not CareerEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "length", "longest"), [
    ("title", 300, 200), ("full_name", 201, 200), ("employee_id", 41, 40)])
def test_an_over_long_value_is_refused_by_row_and_column(column, length, longest):
    values = {"employee_id": "E1", "email": "e1@acme.com", "full_name": "Ed", "title": "CEO",
              "level": "5"}
    values[column] = "x" * length
    result = run_import("people", (PEOPLE + ",".join(values.values()) + "\n").encode())
    assert result.problems == [Problem(2, column, f"is {length} characters long; at most "
                                                  f"{longest} fit")]
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    PEOPLE.encode() + b"E1,e1@acme.com,Ed\x00Null,CEO,5\n",
    PEOPLE.encode() + b'E1,e1@acme.com,"' + b"y" * 200_000 + b'",CEO,5\n',
    PEOPLE.encode() + b"E1,e1@acme.com,\xff\xfe,CEO,5\n",
], ids=["nul", "huge-quoted-field", "not-utf8"])
def test_hostile_bytes_are_a_clean_refusal_on_their_row(data):
    result = run_import("people", data)
    assert not result.ok and result.problems[0].row == 2
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_an_imported_sponsorship_is_scheduled_by_the_services_rule():
    sponsor, protege = factories.PersonFactory(level=8), factories.PersonFactory()
    started = timezone.localdate() - datetime.timedelta(days=100)
    result = run_import("sponsorships", _csv(
        "sponsor_employee_id,protege_employee_id,started_on,ended_on,status",
        f"{sponsor.employee_id},{protege.employee_id},{started},,active"))
    assert result.ok, result.problems
    sponsorship = Sponsorship.objects.get()
    # As relationship_start schedules one: the first touchpoint one cadence after the start.
    assert sponsorship.next_due_on == started + datetime.timedelta(days=30)
    assert sponsorship.planned_end_on.year == started.year + 1


@pytest.mark.django_db
def test_an_advocacy_import_refuses_what_the_outcome_form_refuses(sam, alice):
    factories.SponsorshipFactory(sponsor=sam, protege=alice)  # started 30 days ago
    today = timezone.localdate()
    sponsorship = Sponsorship.objects.get()
    result = run_import("advocacy", _csv(
        "sponsor_employee_id,protege_employee_id,kind,occurred_on,visibility,outcome,"
        "outcome_on,description",
        f"{sam.employee_id},{alice.employee_id},introduction,{today},open,succeeded,"
        f"{today + datetime.timedelta(days=3)},Introduced",
        f"{sam.employee_id},{alice.employee_id},introduction,"
        f"{sponsorship.started_on - datetime.timedelta(days=1)},open,,,Introduced"))
    assert result.problems == [
        Problem(2, "outcome_on", OUTCOME_IN_FUTURE),
        Problem(3, "occurred_on", ADVOCACY_BEFORE_START.format(
            started_on=sponsorship.started_on))]
    assert not AdvocacyRecord.objects.exists()


@pytest.mark.django_db
def test_each_real_import_is_audited_with_file_who_and_counts(client, login, hana):
    login(hana)
    page = client.get(reverse("import_upload"))
    token = page.context["form"]["submission_token"].value()
    upload = SimpleUploadedFile("org.csv", _csv(PEOPLE.strip(), "E1,e1@acme.com,Ed,CEO,5",
                                                "E2,e2@acme.com,Flo,CTO,5"))
    data = {"kind": "people", "file": upload, "submission_token": token}
    response = client.post(reverse("import_upload"), data)
    assert "Created 2" in response.text
    audit = AuditEvent.objects.get(action="import.run")
    assert audit.actor == hana.user
    assert (audit.data["file_name"], audit.data["created"], audit.data["rows"]) == (
        "org.csv", 2, 2)
    # A check only is not an import: nothing is recorded.
    client.post(reverse("import_upload"), {
        "kind": "people", "dry_run": "on", "file": SimpleUploadedFile("org.csv", b"x\n"),
        "submission_token": page.context["form"]["submission_token"].field.initial()})
    assert AuditEvent.objects.filter(action__startswith="import.").count() == 1


@pytest.mark.django_db
def test_a_double_submitted_import_runs_the_file_once(client, login, hana):
    login(hana)
    token = client.get(reverse("import_upload")).context["form"]["submission_token"].value()
    for _ in range(2):
        upload = SimpleUploadedFile("org.csv", _csv(PEOPLE.strip(), "E1,e1@acme.com,Ed,CEO,5"))
        response = client.post(reverse("import_upload"), {
            "kind": "people", "file": upload, "submission_token": token})
    assert "already submitted" in response.text and "Created 1" in response.text
    assert AuditEvent.objects.filter(action="import.run").count() == 1
    assert response.context["form"]["submission_token"].value() != token


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_queue_and_both_end_cleanly(require_postgres):
    rows = [f"E{i},e{i}@acme.com,Person {i},Engineer,3" for i in range(300)]
    files = [_csv(PEOPLE.strip(), *rows), _csv(PEOPLE.strip(), *reversed(rows))]
    results = []
    at_once(lambda data: results.append(run_import("people", data)), files)
    assert len(results) == 2 and all(r.ok for r in results), [r.problems for r in results]
    assert sorted((r.created, r.updated) for r in results) == [(0, 300), (300, 0)]
    assert Person.objects.count() == 300
