"""Large imports run by the worker (issue 13): the upload page makes an ImportJob and queues a
task; the job's page shows progress, then the result; a job never runs twice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.import_jobs import data_rows, import_job_run
from accounts.importing import run_import
from accounts.models import AuditEvent, ImportJob, Person
from program.core import celery as core_celery
from program.imports import tasks

pytestmark = pytest.mark.django_db
HEADER = "employee_id,email,full_name,level"


def _csv(count: int, start: int = 0) -> bytes:
    rows = [f"E{i},e{i}@acme.com,Person {i},3" for i in range(start, start + count)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _upload(client, data: bytes, *, dry_run: bool = False, token=None):
    if token is None:
        token = client.get(reverse("import_upload")).context["form"]["submission_token"].value()
    fields = {"kind": "people", "file": SimpleUploadedFile("big.csv", data),
              "submission_token": token}
    if dry_run:
        fields["dry_run"] = "on"
    return client.post(reverse("import_upload"), fields)


@pytest.fixture
def low_threshold(settings):
    settings.IMPORT_IN_WORKER_ROWS = 10


def test_rows_are_counted_from_lines():
    assert data_rows(b"h\n1\n2\n") == 2
    assert data_rows(b"h\n1\n2") == 2
    assert data_rows(b"") == 0


def test_a_big_file_becomes_a_job_that_ends_done_with_the_in_request_counts(
        client, login, hana, low_threshold, monkeypatch):
    monkeypatch.setattr("accounts.importing.PROGRESS_EVERY", 5)
    login(hana)
    response = _upload(client, _csv(25))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("import_job", kwargs={"pk": job.pk})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_by == hana.user
    assert job.content == ""  # the uploaded file is not kept once it has run
    assert (job.rows_total, job.rows_seen, job.file_name) == (25, 25, "big.csv")
    assert job.started_at and job.finished_at and not job.error
    assert (job.result["created"], job.result["updated"], job.result["rows"]) == (25, 0, 25)
    assert Person.objects.filter(employee_id__startswith="E").count() == 25
    audit = AuditEvent.objects.get(action="import.run")
    assert audit.actor == hana.user and audit.data["file_name"] == "big.csv"
    # The same file in the request (re-imported: all updates) counts the same rows.
    in_request = run_import("people", _csv(25))
    assert (in_request.rows, in_request.updated) == (25, 25)
    page = client.get(response.url)
    assert "Created 25 and updated 0 people from 25 rows." in page.text
    assert 'http-equiv="refresh"' not in page.text


def test_progress_is_reported_every_so_many_rows(monkeypatch):
    monkeypatch.setattr("accounts.importing.PROGRESS_EVERY", 10)
    seen = []
    run_import("people", _csv(35), dry_run=True, progress=seen.append)
    assert seen == [10, 20, 30]


def test_a_running_job_page_shows_progress_and_refreshes(client, login, hana,
                                                         django_assert_max_num_queries):
    job = ImportJob.objects.create(kind="people", file_name="big.csv", content="x",
                                   status=ImportJob.Status.RUNNING, rows_seen=2000,
                                   rows_total=8000, created_by=hana.user)
    login(hana)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("import_job", kwargs={"pk": job.pk}))
    assert page.status_code == 200
    assert "2000 of about 8000 rows read (25%)" in page.text
    assert '<meta http-equiv="refresh" content="3">' in page.text


def test_a_refused_big_file_shows_the_problem_table(client, login, hana, low_threshold):
    login(hana)
    data = _csv(20) + b"E1,other@acme.com,Dup,3\n"
    response = _upload(client, data, dry_run=True)
    page = client.get(response.url)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and job.result["problems"]
    assert "problem" in page.text and "Refused" in page.text
    assert not Person.objects.filter(employee_id__startswith="E").exists()


def test_a_job_never_runs_twice(hana):
    job = ImportJob.objects.create(kind="people", file_name="big.csv",
                                   content=_csv(12).decode(), rows_total=12,
                                   created_by=hana.user)
    assert tasks.run_import_job.apply(args=(job.pk,)).get() == "done"
    assert tasks.run_import_job.apply(args=(job.pk,)).get() == "done"
    assert AuditEvent.objects.filter(action="import.run").count() == 1
    running = ImportJob.objects.create(kind="people", content="x",
                                       status=ImportJob.Status.RUNNING)
    from django.utils import timezone
    ImportJob.objects.filter(pk=running.pk).update(started_at=timezone.now())
    assert import_job_run(running.pk) == "running"


def test_a_double_submitted_big_file_makes_one_job(client, login, hana, low_threshold):
    login(hana)
    token = client.get(reverse("import_upload")).context["form"]["submission_token"].value()
    first = _upload(client, _csv(20), token=token)
    second = _upload(client, _csv(20), token=token)
    assert first.url == second.url
    assert ImportJob.objects.count() == 1
    assert AuditEvent.objects.filter(action="import.run").count() == 1


def test_when_the_broker_is_down_the_job_waits_for_the_catch_up(
        client, login, hana, low_threshold, monkeypatch):
    monkeypatch.setattr(tasks, "task_enqueue", lambda task, *args, **kw: False)
    login(hana)
    response = _upload(client, _csv(20))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    page = client.get(response.url)
    assert "waits for the background worker" in page.text
    assert "waiting for the background worker" in page.text
    assert tasks.import_jobs_catch_up.apply().get() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 20


def test_the_catch_up_is_scheduled():
    entry = core_celery.BEAT_SCHEDULE["import-jobs-catch-up"]
    assert entry["task"] == tasks.import_jobs_catch_up.name


def test_a_small_file_still_runs_in_the_request(client, login, hana, low_threshold):
    login(hana)
    response = _upload(client, _csv(10))
    assert response.status_code == 200 and "Created 10" in response.text
    assert not ImportJob.objects.exists()


def test_non_hr_get_403(client, login, eve, hana):
    job = ImportJob.objects.create(kind="people", content="x", created_by=hana.user)
    login(eve)
    assert client.get(reverse("import_job", kwargs={"pk": job.pk})).status_code == 403
