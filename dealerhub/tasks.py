"""Celery tasks of the inventory reports: thin wrappers that call a service."""

from celery import shared_task

from core.tasks import Task

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
    """Queue the weekly report of every dealer whose Monday 07:00 has passed, once a week."""
    return services.inventory_reports_send_weekly(queue=True)


@shared_task(base=Task)
def send_compliance_digests() -> dict:
    """The daily e-mail of export deadlines due within a week, to each dealer's managers."""
    return services.compliance_digests_send()
