"""Celery tasks of inventory: thin wrappers that call a service; the base of tasks that work
for one dealer."""

from celery import shared_task

from core.tasks import QUEUE_ERRORS, Task

from . import services
from .models import Dealer, StockImport

__all__ = [
    "QUEUE_ERRORS",
    "DealerTask",
    "check_stock_import",
    "import_stock_file",
    "lapse_reservations",
    "prune_submission_tokens",
    "worker_heartbeat",
]


class DealerTask(Task):
    """A task for one dealer, or for every dealer when given none: `self.tenant(dealer_id)`."""

    tenant_model = Dealer


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
