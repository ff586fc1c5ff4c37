"""Celery tasks of inventory: thin wrappers that call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def worker_heartbeat() -> int:
    """Leave a JobRun that shows managers the workers are taking work; returns its id."""
    return services.worker_heartbeat().pk


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
def prune_submission_tokens() -> int:
    """Forget expired one-time form tokens; returns how many."""
    return services.submission_tokens_prune()
