"""Large imports run by the worker (issue 13): the upload page stores the file as an ImportJob and
asks the worker to run it; the job's page shows its progress, then its result.

How to ask the worker is registered by program/imports (the layer above), so accounts never
imports it. A job runs at most once: the run claims it with one conditional UPDATE (queued ->
running), so a task delivered twice, or the catch-up run next to the queued task, finds nothing
to do. A job left "running" longer than STALE_AFTER belongs to a dead worker and is taken over.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .importing import run_import
from .models import ImportJob

log = logging.getLogger(__name__)

# Longer than any task's time limit (program/core/celery.py): a job still "running" after this
# long lost its worker.
STALE_AFTER = datetime.timedelta(minutes=20)

_starters: list[Callable[[int], bool]] = []


def import_job_starter_register(start: Callable[[int], bool]) -> None:
    if start not in _starters:
        _starters.append(start)


def data_rows(data: bytes) -> int:
    """The file's data rows, counted cheaply (lines after the header; a quoted cell that spans
    lines counts more than once, which only matters near the threshold)."""
    lines = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
    return max(lines - 1, 0)


def runs_in_worker(data: bytes) -> bool:
    return data_rows(data) > settings.IMPORT_IN_WORKER_ROWS


def import_job_create(*, kind: str, data: bytes, dry_run: bool, by, file_name: str
                      ) -> ImportJob | None:
    """A queued job for the file, or None if the file cannot be stored as text (not UTF-8, or a
    NUL character): then it runs in the request, where it is refused at once."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return ImportJob.objects.create(kind=kind, content=text, dry_run=dry_run, created_by=by,
                                    file_name=file_name[:200], rows_total=data_rows(data))


def import_job_start(job: ImportJob) -> bool:
    """Ask the worker to run the job now (call after the job's row is committed): False if it
    could not be asked; the catch-up run starts it later."""
    started = False
    for start in _starters:
        try:
            started = start(job.pk) or started
        except Exception:  # noqa: BLE001 - the catch-up run starts it later
            log.warning("Could not queue import job %s.", job.pk, exc_info=True)
    return started


def import_jobs_waiting() -> list[int]:
    """Ids of the jobs the catch-up run should start: queued, or running on a dead worker."""
    stale = timezone.now() - STALE_AFTER
    return list(ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED) | Q(status=ImportJob.Status.RUNNING,
                                              started_at__lt=stale))
        .order_by("created_at").values_list("pk", flat=True))


def import_job_run(job_id: int) -> str:
    """Run the job if nobody has (claimed with one UPDATE); return its status afterwards."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED)
        | Q(status=ImportJob.Status.RUNNING, started_at__lt=now - STALE_AFTER),
        pk=job_id,
    ).update(status=ImportJob.Status.RUNNING, started_at=now, rows_seen=0)
    if not claimed:
        return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_seen=rows)

    try:
        result = run_import(job.kind, job.content, dry_run=job.dry_run, by=job.created_by,
                            file_name=job.file_name, progress=progress)
    except Exception as error:  # noqa: BLE001 - the job's page says it failed, and why
        log.exception("Import job %s failed.", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(), content="",
            error=f"{type(error).__name__}: {error}"[:2000])
        return ImportJob.Status.FAILED
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), rows_seen=result.rows,
        result=dataclasses.asdict(result),
        content="")  # the file (people's data) is not kept once it has run
    return ImportJob.Status.DONE
