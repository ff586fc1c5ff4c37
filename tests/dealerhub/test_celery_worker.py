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


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_candidate_job_in_shards_to_its_summary(
    on_redis, on_postgres, markets, settings, monkeypatch
):
    """The chord through Redis: every shard, a shard retried by the queue after losing its
    connection, a shard that keeps failing, and the summary that still follows."""
    from datetime import timedelta

    from celery.contrib.testing.worker import start_worker
    from django.db import OperationalError

    from dealerhub.celery import app
    from exports import candidates
    from exports.services import CANDIDATE_JOB
    from exports.tasks import flag_export_candidates, flag_export_candidates_shard
    from tests.factories import DealerFactory

    settings.NIGHTLY_SHARD_DEALERS = 1
    dealers = [DealerFactory(code=f"shard-{n}") for n in range(4)]
    for dealer in dealers:
        VehicleFactory(dealer=dealer, stocked_on=dealer.today() - timedelta(days=80), odometer_km=5)
    flaky, broken = dealers[1], dealers[2]
    real, calls = candidates.run, []

    def run(*, dealers, **kwargs):
        dealers = list(dealers)
        calls.append(dealers[0].pk)
        if dealers[0] == broken or (dealers[0] == flaky and calls.count(flaky.pk) == 1):
            raise OperationalError("server closed the connection unexpectedly")
        return real(dealers=dealers, **kwargs)

    monkeypatch.setattr(candidates, "run", run)
    monkeypatch.setattr(flag_export_candidates_shard, "retry_backoff", 0)
    monkeypatch.setattr(flag_export_candidates_shard, "max_retries", 1)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        dispatched = flag_export_candidates.delay().get(timeout=60)
        summary = app.AsyncResult(dispatched["summary_task"]).get(timeout=120)
    assert dispatched["shards"] == 4
    assert calls.count(flaky.pk) == calls.count(broken.pk) == 2  # retried once, each alone
    assert calls.count(dealers[0].pk) == calls.count(dealers[3].pk) == 1
    run = JobRun.objects.get(pk=summary["job_run"])
    assert run.job == CANDIDATE_JOB and run.status == JobRunStatus.PARTIAL
    assert run.counts["shards"] == 4 and run.counts["flagged"] == 3
    assert run.counts["failed_shards"] == [f"3/4 (dealers {broken.pk}-{broken.pk})"]
    assert "after 2 attempt(s): OperationalError" in run.error
    flagged = Vehicle.objects.filter(export_candidate=True).values_list("dealer", flat=True)
    assert set(flagged) == {dealers[0].pk, flaky.pk, dealers[3].pk}
