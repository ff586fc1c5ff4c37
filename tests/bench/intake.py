"""Benchmark: a stock file of 50,000 cars checked and imported, against a hand-written COPY.

Run with `make bench-intake` (or `python -m tests.bench.intake --rows 50000`). It uses its own
PostgreSQL database (BENCH_DATABASE_URL, default dealerhub_bench_intake on 127.0.0.1), writes
a workbook in the template's columns (valid VINs, some cars floored on a line), then runs the
two steps a user starts, in this process, through the same services as the tasks:

- check: keep the file, read it, judge every row, keep the plan (`stock_import_start` and
  `stock_import_check`);
- commit: apply the plan, every row or none, then judge the cars for export
  (`stock_import_commit` and `stock_import_apply`).

It prints the seconds of each (wall and this process's CPU: the machine may be busy), the
peak resident memory of the process (getrusage's ru_maxrss: everything it held at its worst,
Django and the workbook reader included; the workbook is written by a separate process, so
none of that counts), and the seconds of a hand-written psycopg 3 `COPY` of the same rows
into the vehicle table (then rolled back), with the ratio. The bench dealer's cars are
removed first, so every run imports 50,000 new cars, one in ten floored on a line; then the
same file with every list price raised is imported again (50,000 cars changed).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from decimal import Decimal

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://dealerhub@127.0.0.1:5432/dealerhub_bench_intake"
)
MAKES = [
    ("BYD", "Seal", "BEV", "LGX"),
    ("BYD", "Song Plus", "PHEV", "LGX"),
    ("Geely", "Galaxy L7", "PHEV", "L6T"),
    ("Tesla", "Model Y", "BEV", "LRW"),
    ("GAC", "Aion S", "BEV", "LMG"),
    ("Changan", "Deepal S7", "EREV", "LS5"),
]


def setup_django():
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealerhub.settings")
    # Tasks run in this process; a broker would measure the queue, not the import.
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="dealerhub-bench-media-"))
    import django

    django.setup()


def ensure_database():
    from tests.bench.inventory_list import ensure_database as ensure

    ensure()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process: on a busy machine, the part of the wall time that is ours."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def prepare(rows_wanted):
    """The bench dealer (with no cars), its user and a line to floor on, and the rows."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from inventory import vin as vin_rules
    from inventory.models import Dealer, FloorPlanLine, Membership
    from inventory.services import floor_plan_line_save

    dealer, _ = Dealer.objects.get_or_create(
        code="bench-intake", defaults={"name": "Bench Intake Motors", "city": "Hangzhou"}
    )
    with connection.cursor() as cursor:
        # The bench's own database: start every run from an empty lot.
        cursor.execute(
            "TRUNCATE inventory_vehicle, inventory_historicalvehicle, "
            "inventory_stockimport RESTART IDENTITY CASCADE"
        )
    user, _ = get_user_model().objects.get_or_create(username="bench.intake")
    Membership.objects.get_or_create(user=user, dealer=dealer)
    line = FloorPlanLine.objects.filter(dealer=dealer).first() or floor_plan_line_save(
        line=FloorPlanLine(
            dealer=dealer, name="Bench Bank", lender="Bench Bank", apr_pct=Decimal("6.5")
        )
    )
    today = dealer.today()
    rows = []
    for n in range(rows_wanted):
        make, model, powertrain, wmi = MAKES[n % len(MAKES)]
        vin = vin_rules.with_check_digit(f"{wmi}B0E4C0SA{n:06d}")
        stocked = today - timedelta(days=30 + n % 300)
        rows.append(
            {
                "vin": vin,
                "make": make,
                "model": model,
                "model_year": 2025,
                "powertrain": powertrain,
                "stock_number": f"B{n:06d}",
                "trim": "Standard",
                "colour": ("White", "Black", "Grey")[n % 3],
                "odometer_km": (3, 8, 12, 25, 40, 120, 900)[n % 7],
                "stocked_on": stocked,
                "registered_on": stocked + timedelta(days=3) if n % 3 else None,
                "acquisition_cost": 90_000 + (n % 170) * 1000,
                "list_price": 110_000 + (n % 190) * 1000,
                "status": "in_stock",
                "floor_plan_line": line.name if n % 10 == 0 else None,
            }
        )
    return dealer, user, rows


def write_workbook(rows, path):
    from openpyxl import Workbook

    from inventory.forms.intake import COLUMNS, column_label

    columns = [name for name in COLUMNS if name != "floored_amount"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([column_label(name) for name in columns])
    for row in rows:
        sheet.append([row[name] for name in columns])
    book.save(path)


def copy_reference(dealer, rows) -> float:
    """Seconds of one hand-written COPY of the same rows into the vehicle table, rolled back."""
    from django.db import connection, transaction

    columns = [
        "dealer_id", "vin", "stock_number", "make", "model", "trim", "model_year",
        "powertrain", "fuel", "body_type", "colour", "steering_side", "odometer_km",
        "stocked_on", "registered_on", "registered_owner", "registered_owner_name",
        "acquisition_cost", "list_price", "status", "is_salvage", "is_flood_damaged",
        "export_candidate", "notes", "created_at", "updated_at",
    ]  # fmt: skip
    from django.utils import timezone

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            raw = cursor.cursor
            sql = f"COPY inventory_vehicle ({', '.join(columns)}) FROM STDIN"
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(
                        (
                            dealer.pk, row["vin"], row["stock_number"], row["make"],
                            row["model"], row["trim"], row["model_year"], row["powertrain"],
                            "petrol", "", row["colour"], "LHD", row["odometer_km"],
                            row["stocked_on"], row["registered_on"], "dealer", "",
                            Decimal(row["acquisition_cost"]), Decimal(row["list_price"]),
                            row["status"], False, False, False, "", now, now,
                        )
                    )  # fmt: skip
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def write_files(path, rows_wanted) -> float:
    """The first half, in a process of its own so that the measured one holds none of it:
    an empty lot, the workbook, the same workbook with every list price raised (for the
    re-upload), and the seconds of the COPY reference."""
    dealer, _user, rows = prepare(rows_wanted)
    write_workbook(rows, path)
    seconds = copy_reference(dealer, rows)
    for row in rows:
        row["list_price"] += 1000
    write_workbook(rows, path + ".repriced.xlsx")
    return seconds


def import_file(dealer, user, content, name):
    """Check and import one file as the two tasks do; (check, commit) seconds and CPU."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inventory import services
    from inventory.models import ImportStatus, StockImport

    started, cpu = time.perf_counter(), cpu_seconds()
    upload = SimpleUploadedFile(name, content)
    stock_import = services.stock_import_start(dealer=dealer, upload=upload, by=user)
    services.stock_import_check(stock_import=stock_import)
    check = (time.perf_counter() - started, cpu_seconds() - cpu)
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.CHECKED, (stock_import.status, stock_import.message)
    started, cpu = time.perf_counter(), cpu_seconds()
    services.stock_import_commit(stock_import=stock_import, by=user)
    services.stock_import_apply(stock_import=StockImport.objects.get(pk=stock_import.pk))
    commit = (time.perf_counter() - started, cpu_seconds() - cpu)
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.IMPORTED, (stock_import.status, stock_import.message)
    return stock_import, check, commit


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--write", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    setup_django()
    ensure_database()
    if args.write:
        print(json.dumps({"copy_seconds": write_files(args.write, args.rows)}))
        return 0

    from django.contrib.auth import get_user_model

    from inventory.models import Dealer, Vehicle

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "stock.xlsx")
        written = subprocess.run(
            [sys.executable, "-m", "tests.bench.intake", "--rows", str(args.rows), "--write", path],
            check=True,
            capture_output=True,
            text=True,
        )
        copy_seconds = json.loads(written.stdout.strip().splitlines()[-1])["copy_seconds"]
        with open(path, "rb") as handle:
            content = handle.read()
        with open(path + ".repriced.xlsx", "rb") as handle:
            repriced = handle.read()
    dealer = Dealer.objects.get(code="bench-intake")
    user = get_user_model().objects.get(username="bench.intake")
    print(f"workbook: {args.rows:,} rows, {len(content) / 1_000_000:.1f} MB")
    before = peak_mib()

    stock_import, check, commit = import_file(dealer, user, content, "stock.xlsx")
    cars = Vehicle.objects.filter(dealer=dealer)
    total = check[0] + commit[0]
    candidates = cars.filter(export_candidate=True).count()
    floored = cars.filter(floor_plan__isnull=False).count()
    print(f"check:  {check[0]:6.1f} s ({check[1]:.1f} s CPU), {stock_import.rows_new:,} new")
    print(
        f"commit: {commit[0]:6.1f} s ({commit[1]:.1f} s CPU), "
        f"{stock_import.imported_new:,} received, {floored:,} floored, "
        f"{candidates:,} export candidates"
    )
    print(f"total:  {total:6.1f} s")
    print(
        f"peak RSS (getrusage ru_maxrss): {peak_mib():.0f} MiB "
        f"(Django loaded, before the import: {before:.0f} MiB)"
    )
    print(
        f"hand-written COPY of the same rows: {copy_seconds:.2f} s; import / COPY = "
        f"{total / copy_seconds:.1f}, commit alone / COPY = {commit[0] / copy_seconds:.1f}"
    )
    stock_import, check, commit = import_file(dealer, user, repriced, "repriced.xlsx")
    print(
        f"re-upload with every list price changed: check {check[0]:.1f} s ({check[1]:.1f} s "
        f"CPU), commit {commit[0]:.1f} s ({commit[1]:.1f} s CPU), "
        f"{stock_import.imported_changed:,} changed; peak RSS {peak_mib():.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
