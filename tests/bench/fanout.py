"""Benchmark: the nightly jobs split over shards of dealers, on 1 worker against 2 workers.

Run with `make bench-fanout` (or `python -m tests.bench.fanout --workers 1,2`). It needs the
database that `manage.py benchmark --keep` leaves behind (1,000,000 cars at 50 dealers by
default), named by BENCH_DATABASE_URL (default dealerhub_fanout_benchmark on 127.0.0.1), and
a Redis for the queue and the results (BENCH_REDIS_URL, default database 4).

For each number of workers it starts that many `celery -A dealerhub worker --concurrency 1`
processes, each a separate process as on separate machines, with NIGHTLY_SHARD_DEALERS set,
then queues the job over every dealer, as beat does, and times it from the moment it is queued
until its summary run is recorded (wall clock; the machine may be busy, so the load average is
printed with each line). The jobs:

- candidates, dry run: every shard judges all its cars and rolls back, so each repetition
  does the same work (the full evaluation of a night on which the cars' facts changed);
- candidates: a real run after the shards' earlier runs are forgotten, so no shard may skip
  its dealers as unchanged; it writes what changed since the last run (little, on a rerun);
- snapshot: the cash-flow snapshot of every dealer (replaces today's rows).

Each line is one JSON object: the job, the workers, the shards, the seconds, the slowest and
the mean shard (from the shards' own runs), and the summary's status.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import warnings

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://dealerhub@127.0.0.1:5432/dealerhub_fanout_benchmark"
)
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def setup_django(shard_dealers):
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ["REDIS_URL"] = BENCH_REDIS_URL
    os.environ["NIGHTLY_SHARD_DEALERS"] = str(shard_dealers)
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealerhub.settings")
    import django

    django.setup()


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def start_workers(count, shard_dealers):
    """`count` worker processes of one process each; returns them once all answer a ping."""
    from dealerhub.celery import app

    app.control.purge()
    env = {**os.environ, "NIGHTLY_SHARD_DEALERS": str(shard_dealers)}
    names = [f"bench-fanout-{number}@%h" for number in range(1, count + 1)]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dealerhub",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "-n",
                name,
            ],
            cwd=ROOT,
            env=env,
            stdout=sys.stderr,  # the banner; this script's own output is the JSON lines
            start_new_session=True,
        )
        for name in names
    ]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        answered = {name for reply in replies for name in reply if name.startswith("bench-fanout")}
        if len(answered) >= count:
            return workers
        if any(worker.poll() is not None for worker in workers):
            break
    stop_workers(workers)
    raise SystemExit("The workers did not start; is Redis up at BENCH_REDIS_URL?")


def stop_workers(workers):
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)


def forget_candidate_runs():
    """No shard finds a run of its own dealers to compare with, so each judges every car."""
    from exports.services import CANDIDATE_JOB
    from inventory.models import JobRun

    JobRun.objects.filter(job=CANDIDATE_JOB).delete()


def timed_fan_out(task, *, timeout, **kwargs):
    """Seconds from queueing the job to its summary, and the summary's JobRun."""
    from dealerhub.celery import app
    from inventory.models import JobRun

    started = time.perf_counter()
    dispatched = task.delay(**kwargs).get(timeout=timeout)
    summary = app.AsyncResult(dispatched["summary_task"]).get(timeout=timeout)
    seconds = time.perf_counter() - started
    return seconds, dispatched, JobRun.objects.get(pk=summary["job_run"])


def shard_seconds(job, summary):
    from inventory.models import JobRun

    runs = JobRun.objects.filter(
        job=job,
        counts__has_key="shard_key",
        started_at__gte=summary.started_at,
        finished_at__isnull=False,
    )
    seconds = [(run.finished_at - run.started_at).total_seconds() for run in runs]
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="Numbers of workers to compare.")
    parser.add_argument(
        "--shard-dealers", type=int, default=5, help="NIGHTLY_SHARD_DEALERS for the run."
    )
    parser.add_argument(
        "--jobs",
        default="candidates-dry-run,candidates,snapshot",
        help="Which jobs, comma-separated: candidates-dry-run, candidates, snapshot.",
    )
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each job per setting.")
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args(argv)
    setup_django(args.shard_dealers)

    from exports import services, tasks
    from inventory.models import Dealer, Vehicle

    vehicles = Vehicle.objects.count()
    dealers = Dealer.objects.filter(is_active=True).count()
    if not vehicles:
        raise SystemExit(
            f"No cars in {BENCH_DATABASE_URL}: build it with `DATABASE_URL=<that database "
            "without the _benchmark suffix> python manage.py benchmark --keep`."
        )
    jobs = {
        "candidates-dry-run": (tasks.flag_export_candidates, {"dry_run": True}, None),
        "candidates": (tasks.flag_export_candidates, {}, forget_candidate_runs),
        "snapshot": (tasks.snapshot_cash_flow, {}, None),
    }
    job_names = {
        "candidates-dry-run": services.CANDIDATE_JOB,
        "candidates": services.CANDIDATE_JOB,
        "snapshot": services.SNAPSHOT_JOB,
    }
    for count in [int(n) for n in args.workers.split(",")]:
        workers = start_workers(count, args.shard_dealers)
        try:
            for name in args.jobs.split(","):
                task, kwargs, before = jobs[name]
                for _repeat in range(args.repeat):
                    if before:
                        before()
                    load_before = load_average()
                    seconds, dispatched, summary = timed_fan_out(
                        task, timeout=args.timeout, **kwargs
                    )
                    shards = shard_seconds(job_names[name], summary)
                    print(
                        json.dumps(
                            {
                                "name": f"fan-out {name}",
                                "workers": count,
                                "vehicles": vehicles,
                                "dealers": dealers,
                                "shard_dealers": args.shard_dealers,
                                "shards": dispatched["shards"],
                                "seconds": round(seconds, 2),
                                "slowest_shard_seconds": round(max(shards), 2) if shards else None,
                                "mean_shard_seconds": (
                                    round(sum(shards) / len(shards), 2) if shards else None
                                ),
                                "status": summary.status,
                                "failed_shards": summary.counts.get("failed_shards"),
                                "load_average_before": load_before,
                                "load_average_after": load_average(),
                            }
                        ),
                        flush=True,
                    )
        finally:
            stop_workers(workers)


if __name__ == "__main__":
    main()
