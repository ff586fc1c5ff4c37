"""Load test: the busiest pages served by gunicorn as in production, under a bounded load.

Run with `make loadtest` (or `python -m tests.bench.loadtest`). It uses the database of
`make bench` (BENCH_DATABASE_URL, default dealerhub_bench on 127.0.0.1) and seeds one dealer
with 100,000 vehicles the first time, collects the static files, starts gunicorn with its
production configuration (dealerhub/gunicorn.conf.py, 2 workers, DEBUG off) on 127.0.0.1,
signs a member of staff in, and runs wrk against each page in turn with a fixed number of
connections. It prints, per page: requests a second, median and 99th-percentile latency and
errors (any answer that is not 2xx, and socket errors). gunicorn is stopped afterwards, also
when the run fails or is interrupted.

The public verification page allows VERIFY_RATE_LIMIT requests a minute from one address; the
run sets it far above what wrk sends, since every request comes from 127.0.0.1.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.bench import inventory_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# gunicorn uses Redis for its cache (sessions' rate limits, the verification page's counter) as
# in production when REDIS_URL is set; the seeding, in this process, does not need it.
REDIS_URL = os.environ.get("REDIS_URL", "")

# Counts every answer outside 2xx (wrk's own count leaves out 3xx, and a redirect to the login
# page is an error here) and prints one line the script reads back.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_2xx") end
  local e = summary.errors
  io.write(string.format("LOADTEST %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad, e.connect, e.read, e.write, e.timeout))
end
"""


def prepare(vehicles):
    """The seeded database, a signed-in session and the pages to load, as (label, path)."""
    inventory_list.setup_django()
    inventory_list.ensure_database()
    dealer, user, count = inventory_list.seed(vehicles)
    print(f"dealer {dealer.code}: {count:,} vehicles", flush=True)

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from inventory.models import Vehicle

    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    sample = Vehicle.objects.filter(dealer=dealer).order_by("pk")[count // 2]
    deep = inventory_list.deep_cursor(dealer, min(50_000, count - 1))
    pages = [
        ("inventory list", "/inventory/vehicles/"),
        ("inventory list, 50,000 rows deep", f"/inventory/vehicles/?after={deep}"),
        ("vehicle page", f"/inventory/vehicles/{sample.pk}/"),
        ("certificate verification (public)", certificate_url(dealer, user)),
        ("dashboard", "/"),
    ]
    return session, pages


def certificate_url(dealer, user):
    """The public page of an issued certificate of the dealer's, issued the first time."""
    from inventory import services
    from inventory.models import InspectionReport, PaintReading, Panel, Vehicle

    issued = (
        InspectionReport.objects.filter(vehicle__dealer=dealer, certificate_number__isnull=False)
        .order_by("pk")
        .first()
    )
    if issued is None:
        if not user.get_full_name():  # a certificate names the person who issued it
            user.first_name, user.last_name = "Load", "Tester"
            user.save(update_fields=["first_name", "last_name"])
        vehicle = Vehicle.objects.filter(dealer=dealer, powertrain="BEV").order_by("pk").first()
        readings = [PaintReading(panel=panel, points=[118, 121, 122]) for panel in Panel.values]
        draft = services.inspection_save_draft(
            report=InspectionReport(
                vehicle=vehicle,
                inspected_on=dealer.today(),
                inspector="Load test",
                agency="Load test lab",
                odometer_km=vehicle.odometer_km,
                battery_soh_pct=98,
                battery_soh_method="bms_readout",
                verdict="pass",
            ),
            readings=readings,
        )
        issued = services.inspection_issue(report=draft, by=user)
    return issued.get_verification_url()


def start_gunicorn(port, workers, threads, worker_class):
    env = {
        **os.environ,
        "DATABASE_URL": inventory_list.BENCH_DATABASE_URL,
        "DEBUG": "0",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-only-not-secret"),
        "ALLOWED_HOSTS": "127.0.0.1",
        # wrk speaks plain HTTP to 127.0.0.1; production puts TLS in front.
        "SECURE_SSL_REDIRECT": "0",
        "VERIFY_RATE_LIMIT": "10000000",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(BASE_DIR / "dealerhub" / "gunicorn.conf.py"),
        "dealerhub.wsgi",
    ]
    if worker_class:
        command += ["--worker-class", worker_class]
    # Its own process group, so that stopping it stops every worker with it.
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)


def stop(server):
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def get(url, session):
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(base, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {base}/healthz within {seconds} s")


def run_wrk(url, session, *, seconds, connections, threads, script):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        script,
        "-H",
        f"Cookie: sessionid={session}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("LOADTEST "))
    requests, duration_us, p50, p99, not_2xx, *socket_errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration_us / 1_000_000),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "errors": not_2xx + sum(socket_errors),
        "requests": requests,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=30, help="wrk's duration per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--worker-class", default="", help="override the configured one")
    parser.add_argument("--only", default="", help="run only the pages whose label has this")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian).")
    session, pages = prepare(args.vehicles)
    pages = [(label, path) for label, path in pages if args.only in label]
    base = f"http://127.0.0.1:{args.port}"
    server = start_gunicorn(args.port, args.workers, args.threads, args.worker_class)
    # SIGTERM (from make, say) unwinds like Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = []
    try:
        wait_until_up(base, server)
        for label, path in pages:
            for _ in range(5):  # warm every worker's caches; and fail fast on a broken page
                status = get(base + path, session)
                if status != 200:
                    raise SystemExit(f"{label}: {path} answered {status}, not 200")
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(WRK_SCRIPT)
            script.flush()
            for label, path in pages:
                result = run_wrk(
                    base + path,
                    session,
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=args.wrk_threads,
                    script=script.name,
                )
                results.append((label, result))
                print(f"  {label}: {result['rps']:.0f} requests/s", flush=True)
    finally:
        stop(server)

    load = os.getloadavg()
    print()
    print(
        f"gunicorn: {args.workers} workers, {args.worker_class or 'configured class'}, "
        f"{args.threads} threads; wrk -t{args.wrk_threads} -c{args.connections} "
        f"-d{args.seconds}s; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(f"{'page':36} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, result in results:
        print(
            f"{label:36} {result['rps']:10.0f} {result['p50_ms']:8.1f} "
            f"{result['p99_ms']:8.1f} {result['errors']:7d}"
        )
    return 1 if any(result["errors"] for _, result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
