"""Runs of the background jobs, the worker's heartbeat and the forms' submission tokens."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..idempotency import MAX_AGE_SECONDS as FORM_TOKEN_MAX_AGE
from ..models import Dealer, JobRun, JobRunStatus, SubmissionToken, Vehicle


@transaction.atomic
def submission_tokens_prune(*, now: datetime | None = None) -> int:
    """Forget posted form tokens old enough that their forms are refused as expired anyway."""
    before = (now or timezone.now()) - timedelta(seconds=FORM_TOKEN_MAX_AGE)
    deleted, _by_model = SubmissionToken.objects.filter(submitted_at__lt=before).delete()
    return deleted


@transaction.atomic
def job_run_start(*, job: str, dealer: Dealer | None = None) -> JobRun:
    """Record that a run begins. A run of the same job still "running" past the task's hard
    time limit cannot be alive any more (its worker was killed): it is marked abandoned."""
    limit = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    job_runs_abandon(job=job, started_before=limit)
    return JobRun.objects.create(job=job, dealer=dealer)


def job_runs_abandon(
    *, job: str, keep: JobRun | None = None, started_before: datetime | None = None
) -> int:
    """Close the runs of `job` left "running" by a worker that died before finishing.

    Called by every new run for runs past the time limit, and by a run that holds the job's
    lock for all others: while it holds the lock no other run can be going.
    """
    runs = JobRun.objects.filter(job=job, status=JobRunStatus.RUNNING)
    if keep is not None:
        runs = runs.exclude(pk=keep.pk)
    if started_before is not None:
        runs = runs.filter(started_at__lt=started_before)
    return runs.update(
        status=JobRunStatus.ABANDONED,
        finished_at=timezone.now(),
        error="Abandoned: the worker stopped before this run finished; a later run took over.",
    )


@transaction.atomic
def job_run_finish(
    *, run: JobRun, counts: dict | None = None, error: str = "", status: str | None = None
) -> JobRun:
    run.finished_at = timezone.now()
    run.counts = counts or {}
    run.error = error
    run.status = status or (JobRunStatus.FAILED if error else JobRunStatus.SUCCEEDED)
    run.save(update_fields=["finished_at", "counts", "error", "status"])
    return run


def worker_heartbeat() -> JobRun:
    """Record that a worker picked up and finished a job, with how much stock it could see."""
    run = job_run_start(job="worker heartbeat")
    return job_run_finish(run=run, counts={"vehicles": Vehicle.objects.count()})
