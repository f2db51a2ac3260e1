"""Celery tasks for large imports (accounts/import_jobs.py): thin, safe to run twice (a run
claims its job with one conditional UPDATE)."""

from __future__ import annotations

from celery import shared_task

from accounts.import_jobs import import_job_run, import_job_starter_register, import_jobs_waiting
from program.core.celery import BEAT_SCHEDULE, task_enqueue


@shared_task(name="program.run_import_job", acks_late=True)
def run_import_job(job_id: int) -> str:
    """Run one import job unless it already ran or is running; return its status."""
    return import_job_run(job_id)


@shared_task(name="program.import_jobs_catch_up", acks_late=True)
def import_jobs_catch_up() -> int:
    """Queue the jobs whose task never reached the broker (or died with its worker)."""
    waiting = import_jobs_waiting()
    expires = BEAT_SCHEDULE["import-jobs-catch-up"]["options"]["expires"]
    for job_id in waiting:
        run_import_job.apply_async(args=(job_id,), expires=expires)
    return len(waiting)


def start_import_job(job_id: int) -> bool:
    """Queue the job now, from the upload page: False if the broker cannot take it."""
    return task_enqueue(run_import_job, job_id)


import_job_starter_register(start_import_job)
