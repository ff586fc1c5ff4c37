"""The nightly jobs split over shards of dealers: shards, summary, retries, per-shard locks."""

import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, connections

from exports import candidates, services
from exports.models import CashFlowSnapshot
from exports.tasks import flag_export_candidates, snapshot_cash_flow
from inventory import shards
from inventory.models import JobRun, JobRunStatus, Vehicle
from inventory.services import job_lock
from tests.factories import DealerFactory, VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_dealers(markets, settings):
    """Three dealers with one aged, near-new car each, one dealer per shard."""
    settings.NIGHTLY_SHARD_DEALERS = 1
    dealers = [DealerFactory(name=f"Dealer {n}", code=f"dealer-{n}") for n in range(3)]
    for dealer in dealers:
        VehicleFactory(dealer=dealer, stocked_on=dealer.today() - timedelta(days=80), odometer_km=5)
    return dealers


def summary_run(job=services.CANDIDATE_JOB):
    return JobRun.objects.get(job=job, counts__has_key="shards")


def shard_runs(job=services.CANDIDATE_JOB):
    return JobRun.objects.filter(job=job, counts__has_key="shard_key").order_by("pk")


def failing_for(dealer, *, times):
    """The candidate engine, failing `times` times for shards that hold `dealer`; counts the
    calls per shard."""
    real = candidates.run
    calls = []

    def run(*, dealers, **kwargs):
        dealers = list(dealers)
        calls.append([d.pk for d in dealers])
        if dealer in dealers and sum(dealer.pk in c for c in calls) <= times:
            raise OperationalError("server closed the connection")
        return real(dealers=dealers, **kwargs)

    run.calls = calls
    return run


def test_the_active_dealers_split_into_shards_in_order(db):
    dealers = [DealerFactory(code=f"d{n}") for n in range(5)]
    DealerFactory(code="closed", is_active=False)
    ids = [d.pk for d in dealers]
    assert shards.dealer_shards(size=2) == [ids[0:2], ids[2:4], ids[4:5]]
    assert shards.dealer_shards(size=10) == [ids]
    assert shards.shard_key(ids[0:2]) == shards.shard_key(reversed(ids[0:2]))
    assert shards.shard_key(ids[0:2]) != shards.shard_key(ids[2:4])


def test_the_candidate_job_fans_out_and_sums_the_shards(three_dealers, eager_tasks):
    result = flag_export_candidates.delay().get()
    assert result["shards"] == 3
    runs = list(shard_runs())
    assert [(r.counts["first_dealer"], r.counts["last_dealer"]) for r in runs] == [
        (d.pk, d.pk) for d in three_dealers
    ]
    assert {r.status for r in runs} == {JobRunStatus.SUCCEEDED}
    assert [r.counts["flagged"] for r in runs] == [1, 1, 1]
    summary = summary_run()
    assert summary.status == JobRunStatus.SUCCEEDED
    assert summary.counts["flagged"] == summary.counts["candidates"] == 3
    assert summary.counts["shards"] == 3 and summary.counts["failed_shards"] == []
    assert summary.dealer is None and summary.finished_at >= summary.started_at
    assert Vehicle.objects.filter(export_candidate=True).count() == 3


def test_a_shard_that_keeps_losing_its_connection_is_retried_alone_and_reported(
    three_dealers, eager_tasks, monkeypatch
):
    first, broken, last = three_dealers
    engine = failing_for(broken, times=99)
    monkeypatch.setattr(candidates, "run", engine)
    flag_export_candidates.delay().get()

    tries = (
        1
        + flag_export_candidates.app.tasks["exports.tasks.flag_export_candidates_shard"].max_retries
    )
    assert engine.calls.count([broken.pk]) == tries
    assert engine.calls.count([first.pk]) == engine.calls.count([last.pk]) == 1
    summary = summary_run()
    assert summary.status == JobRunStatus.PARTIAL
    assert summary.counts["failed_shards"] == [f"2/3 (dealers {broken.pk}-{broken.pk})"]
    assert f"failed after {tries} attempt(s): OperationalError" in summary.error
    assert summary.counts["flagged"] == 2  # the other shards' work is kept and counted
    flagged = set(Vehicle.objects.filter(export_candidate=True).values_list("dealer", flat=True))
    assert flagged == {first.pk, last.pk}
    failed = shard_runs().filter(status=JobRunStatus.FAILED)
    assert failed.count() == tries
    assert {r.counts["first_dealer"] for r in failed} == {broken.pk}


def test_a_shard_that_recovers_on_a_retry_counts_as_done(three_dealers, eager_tasks, monkeypatch):
    engine = failing_for(three_dealers[0], times=1)
    monkeypatch.setattr(candidates, "run", engine)
    flag_export_candidates.delay().get()
    summary = summary_run()
    assert summary.status == JobRunStatus.SUCCEEDED, summary.error
    assert summary.counts["flagged"] == 3 and summary.counts["failed_shards"] == []


def test_a_bug_is_not_retried_and_every_shard_failing_fails_the_run(
    three_dealers, eager_tasks, monkeypatch
):
    def broken(**kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(candidates, "run", broken)
    flag_export_candidates.delay().get()
    summary = summary_run()
    assert summary.status == JobRunStatus.FAILED
    assert len(summary.counts["failed_shards"]) == 3
    assert summary.error.count("after 1 attempt(s): ZeroDivisionError") == 3
    assert not Vehicle.objects.filter(export_candidate=True).exists()


def test_a_shard_that_finds_nothing_changed_says_so(three_dealers, eager_tasks):
    flag_export_candidates.delay().get()
    flag_export_candidates.delay().get()
    latest = JobRun.objects.filter(counts__has_key="shards").order_by("-pk").first()
    assert latest.counts["unchanged"] is True and latest.counts["candidates"] == 3
    assert latest.counts["flagged"] == 0


def test_one_dealer_still_runs_at_once_without_shards(three_dealers, eager_tasks):
    result = flag_export_candidates.delay(three_dealers[0].pk).get()
    assert result["status"] == JobRunStatus.SUCCEEDED
    assert result["counts"]["flagged"] == 1
    assert not JobRun.objects.filter(counts__has_key="shards").exists()


def test_no_active_dealer_still_leaves_a_summary(db, eager_tasks):
    assert flag_export_candidates.delay().get()["shards"] == 0
    summary = summary_run()
    assert summary.status == JobRunStatus.SUCCEEDED and summary.counts["shards"] == 0


def test_the_cash_flow_snapshot_fans_out(three_dealers, eager_tasks):
    snapshot_cash_flow.delay().get()
    summary = summary_run(services.SNAPSHOT_JOB)
    assert summary.status == JobRunStatus.SUCCEEDED
    assert summary.counts["dealers"] == 3 and summary.counts["shards"] == 3
    assert len(summary.counts["days"]) == 1
    assert shard_runs(services.SNAPSHOT_JOB).count() == 3
    assert CashFlowSnapshot.objects.count() == 3


def test_the_snapshot_service_takes_a_shard(three_dealers):
    run = services.cash_flow_snapshot_take(dealers=[three_dealers[1].pk])
    assert run.counts["dealers"] == 1 and run.counts["first_dealer"] == three_dealers[1].pk
    assert list(CashFlowSnapshot.objects.values_list("dealer", flat=True)) == [three_dealers[1].pk]


def test_the_service_takes_a_shard_of_active_dealers(three_dealers):
    first, second, _last = three_dealers
    second.is_active = False
    second.save()
    run = services.export_candidates_flag(dealers=[first.pk, second.pk])
    assert run.status == JobRunStatus.SUCCEEDED
    assert run.counts["flagged"] == 1
    assert (run.counts["first_dealer"], run.counts["last_dealer"]) == (first.pk, second.pk)


# --- one run per shard at a time ---------------------------------------------------------------


def test_without_postgresql_the_cache_holds_one_lock_per_shard(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    key, cache_key = services.CANDIDATE_LOCK_KEY, "lock:test-shards"
    with job_lock(key=key, cache_key=cache_key, dealer_ids=[1, 2]) as held:
        assert held
        with job_lock(key=key, cache_key=cache_key, dealer_ids=[2, 1]) as same:
            assert not same
        with job_lock(key=key, cache_key=cache_key, dealer_ids=[3, 4]) as other:
            assert other
    with job_lock(key=key, cache_key=cache_key, dealer_ids=[1, 2]) as again:
        assert again


def hold_in_another_connection(dealer_ids):
    """A candidate run of `dealer_ids` (None: every dealer) going in another connection,
    until the returned release is called."""
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with services._single_candidate_run(dealer_ids) as held:
                assert held
                holding.set()
                release.wait(10)
        finally:
            connections["default"].close()

    other = threading.Thread(target=hold)
    other.start()
    assert holding.wait(10)

    def done():
        release.set()
        other.join(10)

    return done


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_same_shard_runs_once_and_other_shards_run_alongside(
    on_postgres, three_dealers
):
    first, second, third = (d.pk for d in three_dealers)
    release = hold_in_another_connection([first, second])
    try:
        same = services.export_candidates_flag(dealers=[second, first])
        other = services.export_candidates_flag(dealers=[third])
        whole = services.export_candidates_flag()
    finally:
        release()
    assert same.status == JobRunStatus.SKIPPED
    assert same.counts["skipped"] == "another run was going"
    assert other.status == JobRunStatus.SUCCEEDED and other.counts["flagged"] == 1
    assert whole.status == JobRunStatus.SKIPPED  # a run of every dealer waits for no shard
    assert services.export_candidates_flag(dealers=[first, second]).counts["flagged"] == 2


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_run_of_every_dealer_keeps_the_shards_out(on_postgres, three_dealers):
    release = hold_in_another_connection(None)
    try:
        shard = services.export_candidates_flag(dealers=[three_dealers[0].pk])
    finally:
        release()
    assert shard.status == JobRunStatus.SKIPPED
    assert not Vehicle.objects.filter(export_candidate=True).exists()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_shard_closes_only_its_own_abandoned_runs(on_postgres, three_dealers):
    first, second = three_dealers[0].pk, three_dealers[1].pk
    mine = JobRun.objects.create(job=services.CANDIDATE_JOB, counts=shards.shard_counts([first]))
    theirs = JobRun.objects.create(job=services.CANDIDATE_JOB, counts=shards.shard_counts([second]))
    services.export_candidates_flag(dealers=[first])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == JobRunStatus.ABANDONED
    assert theirs.status == JobRunStatus.RUNNING


def outcome(status, number, **counts):
    return {
        "shard": f"{number}/3",
        "status": status,
        "error": "OperationalError: gone" if status == JobRunStatus.FAILED else "",
        "attempts": 4 if status == JobRunStatus.FAILED else 1,
        "counts": {"first_dealer": number, "last_dealer": number, **counts},
    }


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["succeeded", "succeeded", "succeeded"], JobRunStatus.SUCCEEDED),
        (["succeeded", "failed", "succeeded"], JobRunStatus.PARTIAL),
        (["skipped", "failed", "skipped"], JobRunStatus.PARTIAL),
        (["failed", "failed", "failed"], JobRunStatus.FAILED),
        (["skipped", "skipped", "skipped"], JobRunStatus.SKIPPED),
        (["succeeded", "skipped", "succeeded"], JobRunStatus.SUCCEEDED),
    ],
)
def test_the_summary_says_how_the_shards_ended(db, statuses, expected):
    from django.utils import timezone

    from inventory.services import job_runs_summarise

    outcomes = [
        outcome(status, number, flagged=number, unchanged=number != 2, rules=[f"r{number}"])
        for number, status in enumerate(statuses, start=1)
    ]
    run = job_runs_summarise(job="test job", started_at=timezone.now(), outcomes=outcomes)
    assert run.status == expected
    done = [n for n, s in enumerate(statuses, start=1) if s == "succeeded"]
    assert run.counts.get("flagged", 0) == sum(done)
    assert run.counts.get("unchanged", False) == (bool(done) and 2 not in done)
    assert run.counts.get("rules", []) == [f"r{n}" for n in done]
    assert len(run.counts["skipped_shards"]) == statuses.count("skipped")
    assert run.error.count("failed after 4 attempt(s): OperationalError: gone") == statuses.count(
        "failed"
    )


def given_out_verdict():
    """A verdict a car pointed at until it was sold: no car points at it any more."""
    from inventory.models import ExportVerdict

    return ExportVerdict.objects.create(digest="0" * 64, markets=" KZ ", summary={})


def test_a_shard_leaves_unused_verdicts_to_the_summary_of_the_night(three_dealers, eager_tasks):
    from inventory.models import ExportVerdict

    unused = given_out_verdict()
    services.export_candidates_flag(dealers=[three_dealers[0].pk])
    assert ExportVerdict.objects.filter(pk=unused.pk).exists()

    flag_export_candidates.delay().get()
    assert not ExportVerdict.objects.filter(pk=unused.pk).exists()
    # The verdicts the cars point at stay.
    given = set(Vehicle.objects.values_list("export_verdict_id", flat=True))
    assert given and given <= set(ExportVerdict.objects.values_list("pk", flat=True))


def test_a_dry_run_over_shards_deletes_no_verdict(three_dealers, eager_tasks):
    from inventory.models import ExportVerdict

    unused = given_out_verdict()
    flag_export_candidates.delay(dry_run=True).get()
    assert ExportVerdict.objects.filter(pk=unused.pk).exists()
    assert summary_run().status == JobRunStatus.SUCCEEDED


def test_a_run_of_every_dealer_deletes_the_unused_verdicts(three_dealers):
    from inventory.models import ExportVerdict

    unused = given_out_verdict()
    services.export_candidates_flag(dealers=[three_dealers[0].pk])
    services.export_candidates_flag(dealer=three_dealers[1])
    assert ExportVerdict.objects.filter(pk=unused.pk).exists()
    services.export_candidates_flag()
    assert not ExportVerdict.objects.filter(pk=unused.pk).exists()
    assert Vehicle.objects.filter(export_candidate=True, export_verdict__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_sweep_waits_for_no_shard(on_postgres, three_dealers):
    from inventory.models import ExportVerdict

    unused = given_out_verdict()
    release = hold_in_another_connection([three_dealers[0].pk])
    try:
        assert services.export_verdicts_sweep() is None
    finally:
        release()
    assert ExportVerdict.objects.filter(pk=unused.pk).exists()
    assert services.export_verdicts_sweep() == 1
    assert not ExportVerdict.objects.filter(pk=unused.pk).exists()
