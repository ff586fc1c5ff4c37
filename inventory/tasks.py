"""Celery tasks of inventory: thin wrappers that call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def worker_heartbeat() -> int:
    """Leave a JobRun that shows managers the workers are taking work; returns its id."""
    return services.worker_heartbeat().pk
