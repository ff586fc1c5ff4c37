"""Celery tasks of exports: thin wrappers that call a service.

The nightly jobs over every dealer fan out: the task splits the active dealers into shards
(settings.NIGHTLY_SHARD_DEALERS), queues one shard task each, and a summary run records the
whole once all shards have ended (`inventory.tasks.job_fan_out`).
"""

from celery import shared_task

from core.tasks import TRANSIENT, Task
from inventory.tasks import DealerTask, ShardTask, job_fan_out, summarise_job_shards

from . import services

__all__ = [
    "TRANSIENT",
    "flag_export_candidates",
    "flag_export_candidates_shard",
    "snapshot_cash_flow",
    "snapshot_cash_flow_shard",
    "sweep_verdicts_and_summarise",
]


@shared_task(base=DealerTask, bind=True)
def flag_export_candidates(self, dealer_id=None, dry_run=False) -> dict:
    """The nightly candidate job. For one dealer it runs here and returns the run's status and
    counts; over every dealer it fans out in shards and returns the summary's task."""
    if dealer_id is None:
        return job_fan_out(
            job=services.CANDIDATE_JOB,
            shard_task=flag_export_candidates_shard,
            # A dry run writes nothing, so leaves the verdicts as they are.
            summary_task=None if dry_run else sweep_verdicts_and_summarise,
            dry_run=dry_run,
        )
    run = services.export_candidates_flag(dealer=self.tenant(dealer_id), dry_run=dry_run)
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}


@shared_task(base=ShardTask, bind=True)
def flag_export_candidates_shard(self, dealer_ids, shard="1/1", dry_run=False) -> dict:
    """The candidate job over one shard of dealers; returns the shard's outcome."""
    return self.shard_run(
        lambda: services.export_candidates_flag(dealers=dealer_ids, dry_run=dry_run),
        shard=shard,
        dealer_ids=dealer_ids,
    )


@shared_task(base=Task)
def sweep_verdicts_and_summarise(outcomes, job: str, started_at: str) -> dict:
    """The candidate job's summary over its shards: first the verdicts no car points at any
    more are deleted, once for the whole night (a shard does not sweep)."""
    services.export_verdicts_sweep()
    return summarise_job_shards(outcomes, job=job, started_at=started_at)


@shared_task(base=DealerTask, bind=True)
def snapshot_cash_flow(self, dealer_id=None) -> dict:
    """The nightly cash-flow snapshot: of one dealer here, or of every active dealer in
    shards (returns the summary's task)."""
    if dealer_id is None:
        return job_fan_out(job=services.SNAPSHOT_JOB, shard_task=snapshot_cash_flow_shard)
    run = services.cash_flow_snapshot_take(dealer=self.tenant(dealer_id))
    return {"job_run": run.pk, "status": run.status, "counts": run.counts}


@shared_task(base=ShardTask, bind=True)
def snapshot_cash_flow_shard(self, dealer_ids, shard="1/1") -> dict:
    """The cash-flow snapshot of one shard of dealers; returns the shard's outcome."""
    return self.shard_run(
        lambda: services.cash_flow_snapshot_take(dealers=dealer_ids),
        shard=shard,
        dealer_ids=dealer_ids,
    )
