"""Celery tasks of inventory: thin wrappers that call a service; the base of tasks that work
for one dealer."""

from celery import chord, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.tasks import QUEUE_ERRORS, TRANSIENT, Task

from . import services
from .models import Dealer, JobRunStatus, StockImport
from .shards import dealer_shards, shard_counts

__all__ = [
    "QUEUE_ERRORS",
    "DealerTask",
    "ShardTask",
    "check_stock_import",
    "import_stock_file",
    "job_fan_out",
    "lapse_reservations",
    "prune_submission_tokens",
    "summarise_job_shards",
    "worker_heartbeat",
]


class DealerTask(Task):
    """A task for one dealer, or for every dealer when given none: `self.tenant(dealer_id)`."""

    tenant_model = Dealer


class ShardTask(DealerTask):
    """A task over one shard of dealers, part of a job split over shards (`job_fan_out`).

    It never ends in an exception: the job's summary runs once every shard has ended, and a
    Celery chord skips its summary when one of its tasks fails. A shard that loses its database
    connection is tried again on its own, after a growing pause; after its last try, or on any
    other error, it returns what went wrong for the summary to report. Its body is
    `self.shard_run(work)`.
    """

    autoretry_for = ()
    max_retries = 3
    retry_backoff = 30
    retry_backoff_max = 600

    def shard_run(self, work, *, shard: str, dealer_ids) -> dict:
        """Call `work()` (a service returning the shard's JobRun) and hand back the outcome."""
        retries = self.request.retries
        while True:
            try:
                run = work()
                break
            except Exception as exc:
                if not isinstance(exc, TRANSIENT) or retries >= self.max_retries:
                    return {
                        "shard": shard,
                        "status": JobRunStatus.FAILED,
                        "error": f"{exc.__class__.__name__}: {exc}",
                        "attempts": retries + 1,
                        "counts": shard_counts(dealer_ids),
                    }
                if self.request.is_eager:
                    # In process (the embedded default) there is no queue to come back from,
                    # and an eager retry would end the whole job: try again here.
                    retries += 1
                    continue
                countdown = get_exponential_backoff_interval(
                    self.retry_backoff, retries, self.retry_backoff_max, True
                )
                raise self.retry(exc=exc, countdown=countdown) from exc
        attempts = retries + 1
        return {
            "shard": shard,
            "job_run": run.pk,
            "status": run.status,
            "error": run.error,
            "attempts": attempts,
            "counts": run.counts,
        }


@shared_task(base=Task)
def summarise_job_shards(outcomes, job: str, started_at: str) -> dict:
    """The summary of a job split over shards, once every shard has ended."""
    run = services.job_runs_summarise(
        job=job, started_at=parse_datetime(started_at), outcomes=list(outcomes)
    )
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}


def job_fan_out(
    *, job: str, shard_task, size: int | None = None, summary_task=None, **options
) -> dict:
    """Split the active dealers into shards and queue `shard_task` for each, with the summary
    of `job` to follow once all have ended; returns how many shards and the summary's task id.

    `shard_task` is called with `dealer_ids`, `shard` ("2/7") and `options`; `summary_task`
    (default `summarise_job_shards`, with its arguments) may first do the work that belongs
    to the whole run rather than to a shard.
    """
    shards = dealer_shards(size=size)
    started_at = timezone.now().isoformat()
    summary = (summary_task or summarise_job_shards).s(job=job, started_at=started_at)
    if not shards:  # a chord needs at least one task; nothing to split, nothing to wait for
        result = summary.delay([])
    else:
        header = [
            shard_task.s(dealer_ids=ids, shard=f"{number}/{len(shards)}", **options)
            for number, ids in enumerate(shards, start=1)
        ]
        result = chord(header)(summary)
    return {"job": job, "shards": len(shards), "summary_task": result.id}


# Both run on a schedule and the next run does the same work, so they fail on a lost
# database connection rather than retry.
@shared_task(base=Task, autoretry_for=(), time_limit=60, soft_time_limit=50)
def worker_heartbeat() -> int:
    """Leave a JobRun that shows managers the workers are taking work; returns its id."""
    return services.worker_heartbeat().pk


@shared_task(base=Task, autoretry_for=(), time_limit=300, soft_time_limit=280)
def prune_submission_tokens() -> int:
    """Forget expired one-time form tokens; returns how many."""
    return services.submission_tokens_prune()


@shared_task(base=Task)
def check_stock_import(stock_import_id: int) -> str:
    """Check an uploaded stock file (`stock_import_check`); returns the record's status."""
    stock_import = StockImport.objects.get(pk=stock_import_id)
    return services.stock_import_check(stock_import=stock_import).status


@shared_task(base=Task)
def import_stock_file(stock_import_id: int) -> str:
    """Apply a checked stock file (`stock_import_apply`); returns the record's status."""
    stock_import = StockImport.objects.get(pk=stock_import_id)
    return services.stock_import_apply(stock_import=stock_import).status


@shared_task(base=DealerTask, bind=True, time_limit=600, soft_time_limit=570)
def lapse_reservations(self, dealer_id=None) -> dict:
    """Put back in stock the reserved cars whose last held day has passed (hourly, so each
    dealer's midnight is caught within the hour); returns the run's status and counts."""
    run = services.reservations_lapse(dealer=self.tenant(dealer_id))
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}
