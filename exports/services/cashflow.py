"""The nightly cash-flow snapshot of every active dealer."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from inventory.models import Dealer, JobRun, job_describe
from inventory.services import job_run_finish, job_run_start

from .. import cashflow
from ..models import CashFlowSnapshot

SNAPSHOT_JOB = "snapshot cash flow"
job_describe(
    SNAPSHOT_JOB,
    _("Snapshot cash flow"),
    {"dealers": _("dealers"), "days": _("days")},
)
SNAPSHOT_FIELDS = [name for name in cashflow.Figures.__dataclass_fields__ if name != "on"]


def cash_flow_snapshot_take(*, dealer=None, on=None) -> JobRun:
    """Store each active dealer's cash position for its own today (or `on`).

    A rerun on the same day replaces that day's row, so the job is safe to run twice.
    """
    run = job_run_start(job=SNAPSHOT_JOB, dealer=dealer)
    dealers = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealer is not None:
        dealers = dealers.filter(pk=dealer.pk)
    try:
        with transaction.atomic():
            figures = cashflow.dealer_figures(list(dealers), on=on)
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
        job_run_finish(run=run, error=f"{exc.__class__.__name__}: {exc}")
        raise
    days = sorted({row.on.isoformat() for row in figures.values()})
    return job_run_finish(run=run, counts={"dealers": len(figures), "days": days})
