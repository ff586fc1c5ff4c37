"""Celery tasks of the inventory reports: thin wrappers that call a service.

The rounds over every dealer (weekly reports, daily digests) fan out in shards of dealers, like
the nightly jobs of exports (`inventory.tasks.job_fan_out`).
"""

from celery import shared_task

from core.tasks import Task
from inventory.services import job_run_record
from inventory.tasks import ShardTask, job_fan_out

from . import services
from .models import InventoryReport


@shared_task(base=Task)
def build_inventory_report(report_id) -> dict:
    """Build and e-mail one report; a report already built or being built is left alone."""
    report = InventoryReport.objects.select_related("dealer").filter(pk=report_id).first()
    if report is None:  # deleted while it waited in the queue
        return {"report": report_id, "status": None}
    report = services.inventory_report_build(report=report)
    return {"report": report.pk, "status": report.status}


@shared_task(base=Task)
def send_weekly_inventory_reports() -> dict:
    """Queue the weekly report of every dealer whose Monday 07:00 has passed, once a week, in
    shards of dealers; returns the summary's task."""
    return job_fan_out(
        job=services.WEEKLY_REPORTS_JOB, shard_task=send_weekly_inventory_reports_shard
    )


@shared_task(base=ShardTask, bind=True)
def send_weekly_inventory_reports_shard(self, dealer_ids, shard="1/1") -> dict:
    """The weekly reports of one shard of dealers; a report already built is not sent again."""
    return self.shard_run(
        lambda: job_run_record(
            job=services.WEEKLY_REPORTS_JOB,
            dealer_ids=dealer_ids,
            work=lambda: services.inventory_reports_send_weekly(dealers=dealer_ids, queue=True),
        ),
        shard=shard,
        dealer_ids=dealer_ids,
    )


@shared_task(base=Task)
def send_compliance_digests() -> dict:
    """The daily e-mail of export deadlines due within a week, to each dealer's managers, in
    shards of dealers; returns the summary's task."""
    return job_fan_out(job=services.DIGESTS_JOB, shard_task=send_compliance_digests_shard)


@shared_task(base=ShardTask, bind=True)
def send_compliance_digests_shard(self, dealer_ids, shard="1/1") -> dict:
    """The digests of one shard of dealers; a digest already sent today is not sent again."""
    return self.shard_run(
        lambda: job_run_record(
            job=services.DIGESTS_JOB,
            dealer_ids=dealer_ids,
            work=lambda: services.compliance_digests_send(dealers=dealer_ids),
        ),
        shard=shard,
        dealer_ids=dealer_ids,
    )
