"""Celery tasks of exports: thin wrappers that call a service."""

from celery import shared_task

from core.tasks import TRANSIENT
from inventory.tasks import DealerTask

from . import services

__all__ = ["TRANSIENT", "flag_export_candidates", "snapshot_cash_flow"]


@shared_task(base=DealerTask, bind=True)
def flag_export_candidates(self, dealer_id=None, dry_run=False) -> dict:
    """The nightly candidate job; returns the run's status and counts."""
    run = services.export_candidates_flag(dealer=self.tenant(dealer_id), dry_run=dry_run)
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}


@shared_task(base=DealerTask, bind=True)
def snapshot_cash_flow(self, dealer_id=None) -> dict:
    """The nightly cash-flow snapshot of every active dealer (or one)."""
    run = services.cash_flow_snapshot_take(dealer=self.tenant(dealer_id))
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}
