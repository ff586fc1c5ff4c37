"""Celery tasks of inventory: thin wrappers that call a service."""

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from . import services

# What `.delay()` raises when the broker does not take a task (down, refusing, timing out).
QUEUE_ERRORS = (BrokerError, RedisError, OSError)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def worker_heartbeat() -> int:
    """Leave a JobRun that shows managers the workers are taking work; returns its id."""
    return services.worker_heartbeat().pk


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
def prune_submission_tokens() -> int:
    """Forget expired one-time form tokens; returns how many."""
    return services.submission_tokens_prune()
