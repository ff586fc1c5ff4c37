"""Celery tasks of exports: thin wrappers that call a service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from inventory.models import Dealer

from . import services

# Only a lost or refused database connection is worth another try; anything else is a bug.
TRANSIENT = (OperationalError, InterfaceError)
RETRY_ON_CONNECTION_LOSS = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(**RETRY_ON_CONNECTION_LOSS)
def flag_export_candidates(dealer_id=None, dry_run=False) -> dict:
    """The nightly candidate job; returns the run's status and counts."""
    dealer = Dealer.objects.get(pk=dealer_id) if dealer_id is not None else None
    run = services.export_candidates_flag(dealer=dealer, dry_run=dry_run)
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}


@shared_task(**RETRY_ON_CONNECTION_LOSS)
def snapshot_cash_flow(dealer_id=None) -> dict:
    """The nightly cash-flow snapshot of every active dealer (or one)."""
    dealer = Dealer.objects.get(pk=dealer_id) if dealer_id is not None else None
    run = services.cash_flow_snapshot_take(dealer=dealer)
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}
