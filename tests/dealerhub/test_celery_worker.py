"""A real Celery worker takes a task from the Redis broker and writes through the services."""

import pytest

from inventory.models import JobRun, JobRunStatus, Vehicle
from inventory.tasks import worker_heartbeat
from tests.factories import VehicleFactory


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_runs_the_task_end_to_end(on_redis, settings):
    from celery.contrib.testing.worker import start_worker

    from dealerhub.celery import app

    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    VehicleFactory.create_batch(3)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run_id = worker_heartbeat.delay().get(timeout=30)
    run = JobRun.objects.get(pk=run_id)
    assert run.status == JobRunStatus.SUCCEEDED
    assert run.counts == {"vehicles": Vehicle.objects.count()} != {"vehicles": 0}
    assert run.finished_at is not None


def test_tasks_speak_json_and_acknowledge_late():
    from dealerhub.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
