"""The nightly cash-flow snapshot of every active dealer."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from inventory.models import Dealer, JobRun, job_describe
from inventory.services import job_run_finish, job_run_start
from inventory.shards import shard_counts

from .. import cashflow
from ..models import CashFlowSnapshot

SNAPSHOT_JOB = "snapshot cash flow"
job_describe(
    SNAPSHOT_JOB,
    _("Snapshot cash flow"),
    {"dealers": _("dealers"), "days": _("days")},
)
SNAPSHOT_FIELDS = [name for name in cashflow.Figures.__dataclass_fields__ if name != "on"]


def cash_flow_snapshot_take(*, dealer=None, dealers=None, on=None) -> JobRun:
    """Store each active dealer's cash position for its own today (or `on`): every active
    dealer, one, or a shard of them (`dealers`, their ids).

    A rerun on the same day replaces that day's row, so the job is safe to run twice, and
    shards of different dealers write different rows side by side.
    """
    shard = None if dealers is None else shard_counts(dealers)
    run = job_run_start(job=SNAPSHOT_JOB, dealer=dealer, counts=shard)
    chosen = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealer is not None:
        chosen = chosen.filter(pk=dealer.pk)
    if dealers is not None:
        chosen = chosen.filter(pk__in=list(dealers))
    try:
        with transaction.atomic():
            figures = cashflow.dealer_figures(list(chosen), on=on)
            CashFlowSnapshot.objects.bulk_create(
                [
                    CashFlowSnapshot(dealer_id=dealer_id, **row.as_fields())
                    for dealer_id, row in figures.items()
                ],
                update_conflicts=True,
                unique_fields=["dealer", "on"],
                update_fields=[*SNAPSHOT_FIELDS, "taken_at"],
            )
    except Exception as exc:
        job_run_finish(run=run, counts=shard, error=f"{exc.__class__.__name__}: {exc}")
        raise
    days = sorted({row.on.isoformat() for row in figures.values()})
    return job_run_finish(run=run, counts={"dealers": len(figures), "days": days, **(shard or {})})
