"""Benchmark: the inventory list, the vehicle page, the CSV export and the JSON API's vehicle
list at 100,000 vehicles.

Run with `make bench` (or `python -m tests.bench.inventory_list --vehicles 100000`). It uses
its own PostgreSQL database (BENCH_DATABASE_URL, default dealerhub_bench on 127.0.0.1), seeds
one dealer with that many vehicles the first time, and prints the median and 95th-percentile
time and the query count of each page, measured in-process through the whole Django stack
(middleware, FilterSet, template). The rows are bulk-inserted: the benchmark measures reads.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import warnings
from datetime import timedelta
from decimal import Decimal

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://dealerhub@127.0.0.1:5432/dealerhub_bench"
)


def setup_django():
    # The benchmark serves no static files; WhiteNoise's note about a missing folder is noise.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the client speaks plain HTTP
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealerhub.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def ensure_database():
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if not exists.fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count):
    from django.contrib.auth import get_user_model

    from inventory import vin as vin_rules
    from inventory.models import Dealer, Membership, Vehicle

    dealer, _ = Dealer.objects.get_or_create(
        code="bench", defaults={"name": "Bench Motors", "city": "Hangzhou"}
    )
    other, _ = Dealer.objects.get_or_create(
        code="bench-other", defaults={"name": "Other Motors", "city": "Ningbo"}
    )
    user, created = get_user_model().objects.get_or_create(username="bench.staff")
    if created:
        user.set_password("bench")
        user.save()
    Membership.objects.get_or_create(user=user, dealer=dealer)
    have = Vehicle.objects.filter(dealer=dealer).count()
    if have >= count:
        return dealer, user, have
    rng = random.Random(7)
    today = dealer.today()
    models = [
        ("BYD", "Seal", "BEV"),
        ("BYD", "Song Plus", "PHEV"),
        ("Geely", "Galaxy L7", "PHEV"),
        ("Chery", "Tiggo 8", "ICE"),
        ("GAC", "Aion S", "BEV"),
        ("Changan", "Deepal S7", "EREV"),
    ]
    serial = Vehicle.objects.count()
    batch = []
    for n in range(have, count + count // 10):
        owner = dealer if n < count else other
        make, model, powertrain = rng.choice(models)
        serial += 1
        vin = vin_rules.with_check_digit(f"LBN{rng.choice('ABCDEF')}E4CB0S{serial:07d}")
        stocked = today - timedelta(days=rng.randint(0, 400))
        status = rng.choice(["in_stock"] * 8 + ["reserved", "sold_domestic"])
        batch.append(
            Vehicle(
                dealer=owner,
                vin=vin,
                stock_number=f"S{serial:07d}",
                make=make,
                model=model,
                model_year=2025,
                powertrain=powertrain,
                engine_cc=None if powertrain == "BEV" else 1498,
                odometer_km=rng.choice([3, 8, 12, 25, 40, 120, 900]),
                stocked_on=stocked,
                registered_on=stocked + timedelta(days=3) if rng.random() < 0.4 else None,
                acquisition_cost=Decimal(rng.randint(90, 260) * 1000),
                list_price=Decimal(rng.randint(100, 300) * 1000),
                status=status,
                # A sold car left stock some days after it came, as the services record it.
                left_stock_on=(
                    min(today, stocked + timedelta(days=rng.randint(0, 90)))
                    if status == "sold_domestic"
                    else None
                ),
                export_candidate=rng.random() < 0.2,
            )
        )
        if len(batch) == 5000:
            Vehicle.objects.bulk_create(batch)
            batch = []
    Vehicle.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_vehicle")
    return dealer, user, Vehicle.objects.filter(dealer=dealer).count()


def measure(client, url, runs, headers=None):
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    headers = headers or {}
    client.get(url, headers=headers)  # an API token's last use is written once a minute
    with connection.execute_wrapper(count):
        response = client.get(url, headers=headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, len(queries), len(body)


def deep_cursor(dealer, position):
    """The cursor a user would hold after paging `position` rows into the default order."""
    from inventory.models import Vehicle
    from inventory.pagination import KeysetPaginator

    queryset = Vehicle.objects.filter(dealer=dealer)
    paginator = KeysetPaginator(queryset, sort="-stocked_on", page_size=50)
    row = queryset.order_by(*paginator.ordering())[position]
    return paginator.cursor_for(row)


def api_key(dealer):
    """A fresh read token of the dealer's manager, for the API's list."""
    from django.contrib.auth import get_user_model

    from api.services import api_token_create
    from inventory.models import Membership, Role

    manager, _ = get_user_model().objects.get_or_create(username="bench.manager")
    Membership.objects.get_or_create(user=manager, dealer=dealer, defaults={"role": Role.MANAGER})
    return api_token_create(dealer=dealer, name="bench", by=manager)[1]


def rss_bytes():
    """The process's resident memory now (Linux), to follow it while the CSV streams."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def csv_export(client, dealer, count):
    """The full CSV of the dealer's cars through the whole stack, with the growth of resident
    memory while it streams, against two floors that format nothing in Python: the same rows
    read through a server-side cursor, and PostgreSQL writing the CSV itself (COPY)."""
    from django.db import connection

    from inventory.models import Vehicle
    from inventory.views.vehicles import CSV_COLUMNS, VEHICLES

    client.get("/inventory/vehicles/export.csv?status=sold_domestic")  # warm the stack
    timings = []
    for _ in range(3):
        before = peak = rss_bytes()
        started = time.perf_counter()
        response = client.get("/inventory/vehicles/export.csv")
        total = 0
        for chunk in response.streaming_content:
            total += len(chunk)
            peak = max(peak, rss_bytes())
        timings.append((time.perf_counter() - started, peak - before, total))
    seconds, growth, total = sorted(timings)[1]

    rows = (
        Vehicle.objects.filter(dealer=dealer)
        .order_by(*VEHICLES.ordering(VEHICLES.default_sort))
        .values_list(*(name for name, _label in CSV_COLUMNS))
    )
    sql, params = rows.query.sql_with_params()
    floors = {}
    for name in ("server-side cursor", "COPY"):
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            with (
                connection.connection.transaction(),
                connection.connection.cursor(
                    name="bench_csv" if name != "COPY" else None
                ) as cursor,
            ):
                if name == "COPY":
                    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER", params) as copy:
                        for _chunk in copy:
                            pass
                else:
                    cursor.itersize = 2000
                    cursor.execute(sql, params)
                    for _row in cursor:
                        pass
            runs.append(time.perf_counter() - started)
        floors[name] = statistics.median(runs)
    print(
        f"CSV of all {count:,} vehicles: {seconds:.2f} s, {total / 1024 / 1024:.1f} MiB, "
        f"resident memory grew {growth / 1024 / 1024:.1f} MiB while streaming; floors: "
        f"server-side cursor {floors['server-side cursor']:.2f} s, "
        f"COPY ... TO STDOUT WITH CSV {floors['COPY']:.2f} s"
    )
    print(
        json.dumps(
            {
                "name": "CSV export, all vehicles",
                "rows": count,
                "seconds": round(seconds, 3),
                "mib": round(total / 1024 / 1024, 1),
                "peak_rss_delta_mib": round(growth / 1024 / 1024, 1),
                "floor_server_side_cursor_seconds": round(floors["server-side cursor"], 3),
                "floor_copy_seconds": round(floors["COPY"], 3),
            }
        )
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)

    setup_django()
    ensure_database()
    started = time.perf_counter()
    dealer, user, count = seed(args.vehicles)
    seconds = time.perf_counter() - started
    print(f"dealer {dealer.code}: {count:,} vehicles (seeded or found in {seconds:.1f} s)")

    from django.test import Client

    from inventory.models import Vehicle

    client = Client()
    client.force_login(user)
    sample = Vehicle.objects.filter(dealer=dealer).order_by("pk")[count // 2]
    pages = [
        ("list, first page (default sort)", "/inventory/vehicles/"),
        (
            "list, 50,000 rows deep",
            f"/inventory/vehicles/?after={deep_cursor(dealer, min(50_000, count - 1))}",
        ),
        ("list, status + aging filter", "/inventory/vehicles/?status=in_stock&aging=61-90"),
        ("list, sorted by list price", "/inventory/vehicles/?sort=-list_price"),
        ("list, sorted by days in stock", "/inventory/vehicles/?sort=-days_in_stock"),
        ("list, sorted by status", "/inventory/vehicles/?sort=status"),
        (
            "list, days sort, aging filter",
            "/inventory/vehicles/?sort=-days_in_stock&aging=61-90",
        ),
        ("list, search last 6 of VIN", f"/inventory/vehicles/?q={sample.vin[-6:]}"),
        ("list, 200 rows per page", "/inventory/vehicles/?size=200"),
        ("vehicle page", f"/inventory/vehicles/{sample.pk}/"),
    ]
    print(f"{'page':38} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>7}")
    for label, url in pages:
        median, p95, queries, size = measure(client, url, args.runs)
        print(f"{label:38} {median:10.1f} {p95:8.1f} {queries:8d} {size / 1024:7.0f}")

    # The JSON API's vehicle list: the same FilterSet, sort and cursor, a token instead of a
    # session, JSON instead of HTML; the default page of 50 cars.
    headers = {"Authorization": f"Bearer {api_key(dealer)}"}
    api_pages = [
        ("API vehicles, first page", "/api/v1/vehicles"),
        (
            "API vehicles, 50,000 rows deep",
            f"/api/v1/vehicles?after={deep_cursor(dealer, min(50_000, count - 1))}",
        ),
        ("API vehicles, 200 rows per page", "/api/v1/vehicles?size=200"),
    ]
    api_client = Client()
    for label, url in api_pages:
        median, p95, queries, size = measure(api_client, url, args.runs, headers=headers)
        print(f"{label:38} {median:10.1f} {p95:8.1f} {queries:8d} {size / 1024:7.0f}")

    csv_export(client, dealer, count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
