"""Runs of the background jobs, the worker's heartbeat and the forms' submission tokens."""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from ..idempotency import MAX_AGE_SECONDS as FORM_TOKEN_MAX_AGE
from ..models import Dealer, JobRun, JobRunStatus, SubmissionToken, Vehicle
from ..shards import shard_counts, shard_key


@transaction.atomic
def submission_tokens_prune(*, now: datetime | None = None) -> int:
    """Forget posted form tokens old enough that their forms are refused as expired anyway."""
    before = (now or timezone.now()) - timedelta(seconds=FORM_TOKEN_MAX_AGE)
    deleted, _by_model = SubmissionToken.objects.filter(submitted_at__lt=before).delete()
    return deleted


@transaction.atomic
def job_run_start(*, job: str, dealer: Dealer | None = None, counts: dict | None = None) -> JobRun:
    """Record that a run begins (with `counts` known from the start, such as its shard). A run
    of the same job still "running" past the task's hard time limit cannot be alive any more
    (its worker was killed): it is marked abandoned."""
    limit = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    job_runs_abandon(job=job, started_before=limit)
    return JobRun.objects.create(job=job, dealer=dealer, counts=counts or {})


def job_runs_abandon(
    *,
    job: str,
    keep: JobRun | None = None,
    started_before: datetime | None = None,
    shard: int | None = None,
) -> int:
    """Close the runs of `job` left "running" by a worker that died before finishing.

    Called by every new run for runs past the time limit, and by a run that holds the job's
    lock for all others: while it holds the lock no other run can be going. A run over one
    shard holds the lock of its shard only, so it closes the runs of that shard (its key).
    """
    runs = JobRun.objects.filter(job=job, status=JobRunStatus.RUNNING)
    if keep is not None:
        runs = runs.exclude(pk=keep.pk)
    if started_before is not None:
        runs = runs.filter(started_at__lt=started_before)
    if shard is not None:
        runs = runs.filter(counts__shard_key=shard)
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


@contextmanager
def job_lock(*, key: int, cache_key: str, dealer_ids: Iterable[int] | None = None):
    """The transaction of one run of a job; yields False when a run it must not overlap holds
    the lock, and the run should then do nothing.

    A run over every dealer (no `dealer_ids`) excludes every other run of the job. A run over a
    shard of dealers excludes the runs of the same shard and the runs over every dealer, and
    runs alongside the other shards. On PostgreSQL the locks are advisory locks that live and
    die with the transaction: a whole run takes `key` exclusively, a shard takes `key` shared
    and the pair (`key`, shard key) exclusively. Elsewhere (the embedded SQLite default) the
    cache holds one lock per shard, released once the transaction ends, however it ends.
    """
    shard = None if dealer_ids is None else shard_key(dealer_ids)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                if shard is None:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s::bigint)", [key])
                else:
                    # A lock taken by the first call stays until the transaction ends even when
                    # the second fails; the run then does nothing and ends at once.
                    cursor.execute(
                        "SELECT pg_try_advisory_xact_lock_shared(%s::bigint)"
                        " AND pg_try_advisory_xact_lock(%s::int, %s::int)",
                        [key, key, shard],
                    )
                held = cursor.fetchone()[0]
            yield held
        return
    if shard is not None:
        cache_key = f"{cache_key}:{shard}"
    if not cache.add(cache_key, True, timeout=settings.CELERY_TASK_TIME_LIMIT):
        yield False
        return
    try:
        with transaction.atomic():
            yield True
    finally:
        cache.delete(cache_key)


def job_run_record(*, job: str, dealer_ids: Iterable[int], work: Callable[[], dict]) -> JobRun:
    """Run `work` for a shard of dealers and record it as a run of `job` with its counts; a
    failure is recorded, then raised."""
    shard = shard_counts(dealer_ids)
    run = job_run_start(job=job, counts=shard)
    try:
        counts = work()
    except Exception as exc:
        job_run_finish(run=run, counts=shard, error=f"{exc.__class__.__name__}: {exc}")
        raise
    return job_run_finish(run=run, counts={**counts, **shard})


def _summed(outcomes) -> dict:
    """The shards' counts added up: numbers summed, yes/no true when every shard said yes
    ("nothing changed" holds for the whole only if it held for each shard), lists merged; the
    shard's own bookkeeping and text are left out."""
    total = {}
    for outcome in outcomes:
        for name, value in (outcome.get("counts") or {}).items():
            if name in {"first_dealer", "last_dealer", "shard_dealers", "shard_key", "fingerprint"}:
                continue
            if isinstance(value, bool):
                total[name] = total.get(name, True) and value
            elif isinstance(value, (int, float)):
                total[name] = total.get(name, 0) + value
            elif isinstance(value, list):
                total[name] = sorted({*total.get(name, []), *value})
    return total


def job_runs_summarise(*, job: str, started_at: datetime, outcomes: list[dict]) -> JobRun:
    """The run of `job` that was split over shards, recorded once every shard has ended: the
    shards' counts summed, which shards failed and why, which were skipped because another run
    of the same dealers was going.

    Succeeded when every shard did its work, partial when some failed, failed when all did,
    skipped when every shard found its dealers taken by another run.
    """
    failed = [o for o in outcomes if o.get("status") == JobRunStatus.FAILED]
    skipped = [o for o in outcomes if o.get("status") == JobRunStatus.SKIPPED]
    done = [
        o for o in outcomes if o.get("status") not in {JobRunStatus.FAILED, JobRunStatus.SKIPPED}
    ]
    counts = {
        **_summed(done),
        "shards": len(outcomes),
        "failed_shards": [_shard_name(o) for o in failed],
        "skipped_shards": [_shard_name(o) for o in skipped],
    }
    if failed and not done and not skipped:
        status = JobRunStatus.FAILED
    elif failed:
        status = JobRunStatus.PARTIAL
    elif outcomes and not done:
        status = JobRunStatus.SKIPPED
    else:
        status = JobRunStatus.SUCCEEDED
    error = "\n".join(
        f"Shard {_shard_name(o)} failed after {o.get('attempts', 1)} attempt(s): {o.get('error')}"
        for o in failed
    )
    with transaction.atomic():
        run = JobRun.objects.create(job=job, started_at=started_at)
        return job_run_finish(run=run, counts=counts, error=error, status=status)


def _shard_name(outcome) -> str:
    """A shard as a manager reads it: its place among the shards and its dealers' ids."""
    counts = outcome.get("counts") or {}
    return (
        f"{outcome.get('shard', '?')} (dealers {counts.get('first_dealer')}"
        f"-{counts.get('last_dealer')})"
    )
