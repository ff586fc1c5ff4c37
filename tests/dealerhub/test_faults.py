"""Faults leave no stale state: a broker that is down, a worker killed in the middle."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dealerhub.celery import app
from dealerhub.models import InventoryReport, ReportStatus
from exports import services as export_services
from inventory import services
from inventory.models import JobRun, JobRunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """Celery pointed at a port where nothing listens, as when Redis has stopped."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_report_asked_for_while_the_broker_is_down_fails_at_once_and_blocks_nothing(
    client, manager_a, dealer_a, broker_down
):
    client.force_login(manager_a)
    page = client.post(reverse("reports"), follow=True)
    assert page.status_code == 200
    assert "The task queue is not answering, so the report was not started." in (
        page.content.decode()
    )
    report = InventoryReport.objects.get()
    assert report.status == ReportStatus.FAILED
    assert not InventoryReport.objects.filter(status=ReportStatus.PENDING).exists()
    # Nothing pending: asking again tries again instead of pointing at a stuck report.
    client.post(reverse("reports"))
    assert InventoryReport.objects.count() == 2


def test_a_run_left_running_by_a_killed_worker_is_marked_abandoned_by_the_next(markets):
    killed = JobRun.objects.create(job=export_services.CANDIDATE_JOB)
    run = export_services.export_candidates_flag()
    killed.refresh_from_db()
    assert run.status == JobRunStatus.SUCCEEDED
    assert killed.status == JobRunStatus.ABANDONED
    assert killed.finished_at is not None
    assert "worker stopped" in killed.error


def test_any_job_past_its_time_limit_is_abandoned_when_the_job_starts_again(settings):
    settings.CELERY_TASK_TIME_LIMIT = 60
    old = JobRun.objects.create(job="snapshot", started_at=timezone.now() - timedelta(minutes=5))
    recent = JobRun.objects.create(job="snapshot", started_at=timezone.now())
    services.job_run_start(job="snapshot")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (JobRunStatus.ABANDONED, JobRunStatus.RUNNING)


def test_a_killed_task_is_delivered_again_and_never_while_it_may_still_run(settings):
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
