"""The base of every Celery task: what is worth another try, queueing once the transaction
commits, and the tenant a task works for, loaded from its id.

Tasks take ids, never model objects, and call one service. A task that changes data the
request is still writing must not run before that data is committed, so callers inside a
transaction queue it with `delay_on_commit` (or `apply_async_on_commit`), which Celery's
`DjangoTask` gives every task; `.delay()` sends at once and hands back the result.
"""

from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

# Only a lost or refused database connection is worth another try; anything else is a bug.
TRANSIENT = (OperationalError, InterfaceError)

# What `.delay()` raises when the broker does not take a task (down, refusing, timing out).
QUEUE_ERRORS = (BrokerError, RedisError, OSError)


class Task(DjangoTask):
    """Acknowledged once done, so a worker lost mid-task leaves it for another, and retried
    with a growing, jittered pause when the database connection drops. Every task must
    therefore be safe to run twice.

    A subclass names its `tenant_model`; `self.tenant(pk)` in a bound task loads the tenant
    inside the task's run, so a connection lost while loading it is retried as well.
    """

    acks_late = True
    autoretry_for = TRANSIENT
    retry_backoff = 30
    retry_jitter = True
    max_retries = 3
    tenant_model = None

    def tenant(self, pk):
        """The tenant with primary key `pk`, or None (every tenant) when `pk` is None; an id
        that names none raises `DoesNotExist`, as there is nothing to do for it."""
        if pk is None:
            return None
        return self.tenant_model._default_manager.get(pk=pk)
