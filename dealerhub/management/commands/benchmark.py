"""python manage.py benchmark [--vehicles N] [--dealers D] [--keep] [--reuse] [--only M,...]
    [--seed-with insert|copy] [--seed-only]

Measures the candidate job, the cash-flow snapshot, the dashboard and the inventory list.

Builds a throw-away PostgreSQL database next to the configured one (never the user's data),
named after it with "_benchmark" added, fills it with bulk SQL and prints one JSON object per
measure, each against a hand-written SQL reference that no implementation can beat. `--keep`
leaves that database in place; `--reuse` measures on a database a `--keep` run left (migrated,
not seeded again; --vehicles and --dealers are then ignored); `--only` names the measures to
run.
"""

import contextlib
import itertools
import json
import os
import statistics
import time
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from exports import services
from exports.data import load_market_rules
from exports.models import DestinationMarket, MarketRule
from exports.services.candidates import CANDIDATE_JOB
from inventory import certificate_render, certificates, judging
from inventory import services as inventory_services
from inventory.models import (
    Dealer,
    InspectionReport,
    JobRun,
    Membership,
    PaintReading,
    Panel,
    Role,
    Vehicle,
)

# The floor for the candidate job: stock, age and odometer in one statement, no rules.
REFERENCE_FLAGGING = """
UPDATE inventory_vehicle v
SET export_candidate = (v.status = 'in_stock'
                        AND v.stocked_on < CURRENT_DATE - d.aged_threshold_days
                        AND v.odometer_km <= d.zero_km_max_odometer_km),
    export_candidate_since = CURRENT_DATE
FROM inventory_dealer d
WHERE d.id = v.dealer_id
  AND v.export_candidate IS DISTINCT FROM (v.status = 'in_stock'
                        AND v.stocked_on < CURRENT_DATE - d.aged_threshold_days
                        AND v.odometer_km <= d.zero_km_max_odometer_km)
"""

SEED_DEALERS = """
INSERT INTO inventory_dealer (name, code, city, base_currency, time_zone,
    aged_threshold_days, zero_km_max_odometer_km, export_discount_pct, aging_bucket_edges,
    daily_overhead_per_unit, depreciation_pct_per_30d, domestic_markdown_pct, hold_days,
    export_cost_inspection, export_cost_transport, export_cost_documents, paint_repaint_min_um,
    paint_repaint_factor, paint_filler_min_um, paint_structural_min_um, paint_replaced_below_um,
    paint_baseline_min_panels, is_active, created_at, language)
SELECT 'Benchmark Motors ' || g, 'bench-' || g, 'Hangzhou', 'CNY', 'Asia/Shanghai',
       60, 50, 20.00, '30,60,90,180', 25.00, 1.50, 15.00, 60, 800.00, 2500.00, 1200.00,
       200, 1.50, 500, 1000, 25, 3, TRUE, now(), 'en'
FROM generate_series(1, %(dealers)s) AS g
"""

# One line per dealer; two cars in three floored, half of those curtailed once (no parameters,
# so % is the modulo operator here).
SEED_FLOOR_PLANS = """
INSERT INTO inventory_floorplanline (dealer_id, lender, name, apr_pct, day_count_basis,
    term_days, first_curtailment_days, curtailment_pct, curtailment_every_days, flat_fee,
    fee_pct, is_active, created_at)
SELECT id, 'Ping An Bank', 'Stock line', 6.50, 365, 180, 90, 10.00, 30, 300.00, 0.10, TRUE,
       now()
FROM inventory_dealer WHERE code LIKE 'bench-%';
INSERT INTO inventory_vehiclefloorplan (dealer_id, vehicle_id, line_id, principal, floored_on,
    balance, interest_accrued, accrued_through, interest_paid, fees, fees_paid,
    next_curtailment_due, next_curtailment_amount, paid_off_on, created_at)
SELECT v.dealer_id, v.id, l.id, 120000, v.stocked_on,
       CASE WHEN v.id % 3 = 0 THEN 108000 ELSE 120000 END,
       0, v.stocked_on + CASE WHEN v.id % 3 = 0 THEN 90 ELSE 0 END, 0, 420, 0,
       v.stocked_on + CASE WHEN v.id % 3 = 0 THEN 120 ELSE 90 END, 12000, NULL, now()
FROM inventory_vehicle v JOIN inventory_floorplanline l ON l.dealer_id = v.dealer_id
WHERE v.id % 3 <> 1;
INSERT INTO inventory_curtailmentowed (dealer_id, floor_plan_id, due_on, amount)
SELECT f.dealer_id, f.id, f.floored_on + s.days, s.amount
FROM inventory_vehiclefloorplan f
JOIN inventory_dealer d ON d.id = f.dealer_id AND d.code LIKE 'bench-%'
CROSS JOIN (VALUES (90, 12000), (120, 12000), (150, 12000), (180, 84000)) AS s(days, amount)
WHERE f.balance = 120000 OR s.days > 90
"""

# The floor for the snapshot: the same figures in three hand-written aggregate statements.
REFERENCE_SNAPSHOT = """
SELECT v.dealer_id, count(*),
       count(*) FILTER (WHERE %(on)s - v.stocked_on > d.aged_threshold_days),
       sum(v.acquisition_cost),
       sum(CASE WHEN f.paid_off_on IS NULL
           THEN f.balance * l.apr_pct / (100 * l.day_count_basis) END),
       count(*) FILTER (WHERE v.export_candidate),
       sum(coalesce(v.export_price, round(v.list_price * (100 - d.export_discount_pct) / 100, 2)))
           FILTER (WHERE v.export_candidate),
       sum(CASE WHEN f.paid_off_on IS NULL THEN f.balance + f.interest_accrued
           + round(f.balance * l.apr_pct * (%(on)s - f.accrued_through)
                   / (100 * l.day_count_basis), 2)
           + f.fees - f.fees_paid END) FILTER (WHERE v.export_candidate)
FROM inventory_vehicle v
JOIN inventory_dealer d ON d.id = v.dealer_id
LEFT JOIN inventory_vehiclefloorplan f ON f.vehicle_id = v.id AND f.paid_off_on IS NULL
LEFT JOIN inventory_floorplanline l ON l.id = f.line_id
WHERE v.status IN ('in_stock', 'reserved', 'allocated') AND v.stocked_on <= %(on)s
GROUP BY v.dealer_id;
SELECT f.dealer_id, sum(f.balance)
FROM inventory_vehiclefloorplan f
WHERE f.paid_off_on IS NULL
GROUP BY f.dealer_id;
SELECT c.dealer_id, count(*), sum(c.amount)
FROM inventory_curtailmentowed c
JOIN inventory_vehiclefloorplan f ON f.id = c.floor_plan_id AND f.paid_off_on IS NULL
WHERE c.due_on <= %(week)s
GROUP BY c.dealer_id
"""

# Pseudo-random but repeatable spreads from the row number: stock up to 420 days old, 2/7 of
# the cars driven past 50 km, a third not registered, 2% right-hand drive, a few salvage.
SEED_VEHICLES = """
INSERT INTO inventory_vehicle (dealer_id, vin, stock_number, make, model, trim, model_year,
    powertrain, engine_cc, power_kw, colour, steering_side, odometer_km, manufactured_on,
    stocked_on, registered_on, acquisition_cost, list_price, status, left_stock_on, is_salvage,
    is_flood_damaged, export_candidate, export_candidate_since, notes, created_at, updated_at,
    body_type, registered_owner, registered_owner_name)
SELECT d.first_id + (g %% %(dealers)s),
       'LBN' || lpad(g::text, 14, '0'),
       'S' || g,
       (ARRAY['BYD', 'Geely', 'Chery', 'GAC', 'Changan'])[1 + g %% 5],
       (ARRAY['Seal', 'Galaxy L7', 'Tiggo 8', 'Aion S', 'Deepal S7'])[1 + g %% 5],
       '', 2025 + (g %% 2),
       (ARRAY['BEV', 'BEV', 'PHEV', 'PHEV', 'EREV', 'HEV', 'ICE'])[1 + (g / 7) %% 7],
       NULL, 150, 'White',
       CASE WHEN g %% 50 = 0 THEN 'RHD' ELSE 'LHD' END,
       CASE g %% 7 WHEN 0 THEN 120 WHEN 1 THEN 900 ELSE g %% 45 END,
       s.stocked - (30 + g %% 90),
       s.stocked,
       CASE WHEN g %% 3 = 0 THEN NULL ELSE s.stocked + (g %% 20) END,
       150000, 179800,
       CASE WHEN g %% 20 = 0 THEN 'sold_domestic' WHEN g %% 20 = 1 THEN 'reserved'
            ELSE 'in_stock' END,
       CASE WHEN g %% 20 = 0 THEN LEAST(CURRENT_DATE, s.stocked + (g %% 30)) END,
       g %% 997 = 0, g %% 1009 = 0,
       FALSE, NULL, '', now(), now(),
       (ARRAY['saloon', 'other', 'other', 'saloon', 'other'])[1 + g %% 5], 'dealer', ''
FROM generate_series(1, %(vehicles)s) AS g,
     LATERAL (SELECT CURRENT_DATE - ((g * 37) %% 420) AS stocked) AS s,
     (SELECT min(id) AS first_id FROM inventory_dealer WHERE code LIKE 'bench-%%') AS d
"""

# One car in a thousand has its after-sales confirmation on file.
SEED_DOCUMENTS = """
INSERT INTO inventory_vehicledocument (vehicle_id, kind, country_code, issuer,
    issuer_is_listed_manufacturer, issued_on, reference, scan, added_at, holder)
SELECT id, 'manufacturer_after_sales_confirmation', 'KZ', make, TRUE, CURRENT_DATE, '', '', now(),
    ''
FROM inventory_vehicle WHERE id %% %(every)s = 7
"""


# The measures by the name --only knows them by, in the order they run.
MEASURES = {
    "candidates": "candidate_job",
    "rejudge": "rejudge_on_write",
    "snapshot": "snapshot_job",
    "dashboard": "dashboard",
    "certificate": "certificate",
    "list": "inventory_list",
}

# The tables the seeding fills row by row; their secondary indexes and foreign keys are dropped
# while it loads and built once afterwards, which is several times faster than maintaining them
# for every row (this is a throw-away database).
SEEDED_TABLES = (
    "inventory_vehicle",
    "inventory_vehicledocument",
    "inventory_vehiclefloorplan",
    "inventory_curtailmentowed",
)

SEED_VEHICLE_COLUMNS = (
    "dealer_id, vin, stock_number, make, model, trim, model_year, powertrain, engine_cc, "
    "power_kw, colour, steering_side, odometer_km, manufactured_on, stocked_on, registered_on, "
    "acquisition_cost, list_price, status, left_stock_on, is_salvage, is_flood_damaged, "
    "export_candidate, export_candidate_since, notes, created_at, updated_at, body_type, "
    "registered_owner, registered_owner_name"
)
SEED_MAKES = ("BYD", "Geely", "Chery", "GAC", "Changan")
SEED_MODELS = ("Seal", "Galaxy L7", "Tiggo 8", "Aion S", "Deepal S7")
SEED_POWERTRAINS = ("BEV", "BEV", "PHEV", "PHEV", "EREV", "HEV", "ICE")
SEED_BODIES = ("saloon", "other", "other", "saloon", "other")


def seed_vehicle_lines(start, stop, *, dealers, first_id, today, now):
    """The rows of SEED_VEHICLES from `start` to `stop` - 1 in COPY's text format, the same
    values the SQL computes from the row number."""
    null = "\\N"  # COPY's text format
    today_ord = today.toordinal()
    iso = {day: date.fromordinal(day).isoformat() for day in range(today_ord - 560, today_ord + 40)}
    for g in range(start, stop):
        stocked = today_ord - (g * 37) % 420
        m5 = g % 5
        g20 = g % 20
        odometer = 120 if g % 7 == 0 else 900 if g % 7 == 1 else g % 45
        status, left = (
            ("sold_domestic", iso[min(today_ord, stocked + g % 30)])
            if g20 == 0
            else ("reserved" if g20 == 1 else "in_stock", null)
        )
        yield (
            f"{first_id + g % dealers}\tLBN{g:014d}\tS{g}\t{SEED_MAKES[m5]}\t{SEED_MODELS[m5]}"
            f"\t\t{2025 + g % 2}\t{SEED_POWERTRAINS[(g // 7) % 7]}\t\\N\t150\tWhite"
            f"\t{'RHD' if g % 50 == 0 else 'LHD'}\t{odometer}\t{iso[stocked - (30 + g % 90)]}"
            f"\t{iso[stocked]}\t{null if g % 3 == 0 else iso[stocked + g % 20]}"
            f"\t150000\t179800\t{status}\t{left}\t{'t' if g % 997 == 0 else 'f'}"
            f"\t{'t' if g % 1009 == 0 else 'f'}\tf\t\\N\t\t{now}\t{now}\t{SEED_BODIES[m5]}"
            "\tdealer\t\n"
        )


# One more dealer, much larger than the rest, built from the same statements.
BIG_DEALER_CODE = "large-1"


def _for_big_dealer(statement, *replacements):
    for old, new in replacements:
        assert old in statement, old
        statement = statement.replace(old, new)
    return statement


SEED_BIG_DEALER = _for_big_dealer(
    SEED_DEALERS,
    ("'Benchmark Motors ' || g, 'bench-' || g", f"'Benchmark Large Motors', '{BIG_DEALER_CODE}'"),
    ("generate_series(1, %(dealers)s)", "generate_series(1, 1)"),
)
SEED_BIG_DEALER_VEHICLES = _for_big_dealer(
    SEED_VEHICLES,
    ("'LBN' || lpad", "'LBL' || lpad"),
    ("'S' || g", "'L' || g"),
    ("WHERE code LIKE 'bench-%%'", f"WHERE code = '{BIG_DEALER_CODE}'"),
)
SEED_BIG_DEALER_FLOOR_PLANS = _for_big_dealer(
    SEED_FLOOR_PLANS,
    (
        "FROM inventory_dealer WHERE code LIKE 'bench-%'",
        f"FROM inventory_dealer WHERE code = '{BIG_DEALER_CODE}'",
    ),
    (
        "WHERE v.id % 3 <> 1",
        "WHERE v.id % 3 <> 1 AND l.dealer_id = "
        f"(SELECT id FROM inventory_dealer WHERE code = '{BIG_DEALER_CODE}')",
    ),
    ("d.code LIKE 'bench-%'", f"d.code = '{BIG_DEALER_CODE}'"),
)


class Command(BaseCommand):
    help = (
        "Measure the candidate job on a throw-away PostgreSQL database filled with bulk SQL; "
        "prints one JSON object per line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vehicles", type=int, default=1_000_000)
        parser.add_argument("--dealers", type=int, default=50)
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the benchmark database (the configured name plus _benchmark) afterwards.",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Measure on the benchmark database a --keep run left, without seeding it "
            "again (the database is migrated first, and kept afterwards).",
        )
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated measures to run, of: " + ", ".join(MEASURES) + " (default: all).",
        )
        parser.add_argument(
            "--seed-with",
            choices=["insert", "copy"],
            default="insert",
            help="Load the vehicles with one INSERT ... SELECT over generate_series (default: "
            "as fast as COPY here, and it spends no client CPU) or with COPY from rows "
            "generated in Python. Either way the seeded tables' secondary indexes and "
            "foreign keys are built after loading.",
        )
        parser.add_argument(
            "--seed-only",
            action="store_true",
            help="Seed (and report the time of each step), then stop without measuring; the "
            "database is kept.",
        )
        parser.add_argument(
            "--big-dealer",
            type=int,
            default=100_000,
            help="Cars of the one large dealer whose dashboard is measured too (0: none).",
        )

    def handle(
        self,
        *args,
        vehicles,
        dealers,
        keep=False,
        reuse=False,
        only="",
        seed_with="insert",
        seed_only=False,
        big_dealer=100_000,
        **options,
    ):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark needs PostgreSQL: set DATABASE_URL to a PostgreSQL server."
            )
        if vehicles < 1 or dealers < 1:
            raise CommandError("--vehicles and --dealers must be at least 1.")
        chosen = [name.strip() for name in only.split(",") if name.strip()] or list(MEASURES)
        unknown = [name for name in chosen if name not in MEASURES]
        if unknown:
            raise CommandError(
                f"--only: unknown measure {', '.join(unknown)}; choose from {', '.join(MEASURES)}."
            )
        settings_dict = connection.settings_dict
        settings_dict.setdefault("TEST", {})
        settings_dict["TEST"]["NAME"] = f"{settings_dict['NAME']}_benchmark"
        self.big_dealer_vehicles = big_dealer
        if reuse:
            old_name = self.reuse_kept_database()
            keep = True
        else:
            old_name = connection.creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False
            )
        try:
            if reuse:
                vehicles = Vehicle.objects.count()
            else:
                self.seed(vehicles, dealers, seed_with)
                if seed_only:
                    keep = True
                    return
            measures = [getattr(self, MEASURES[name]) for name in chosen]
            # The pages are measured in process through the test client, whose requests
            # come from "testserver" over plain HTTP, whatever the deployment settings say.
            with override_settings(
                ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], SECURE_SSL_REDIRECT=False
            ):
                for measure in measures:
                    for line in measure(vehicles):
                        self.stdout.write(json.dumps(line))
        finally:
            if not keep:
                connection.creation.destroy_test_db(old_name, verbosity=0)

    def reuse_kept_database(self):
        """Point the connection at the benchmark database a --keep run left; returns the
        configured name."""
        settings_dict = connection.settings_dict
        old_name = settings_dict["NAME"]
        name = settings_dict["TEST"]["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                raise CommandError(
                    f"--reuse: there is no database {name}; run once with --keep first."
                )
        connection.close()
        settings_dict["NAME"] = name
        call_command("migrate", verbosity=0, interactive=False)
        return old_name

    def seed(self, vehicles, dealers, seed_with="insert"):
        started = time.perf_counter()
        steps = {}

        def step(name, since):
            steps[name] = round(time.perf_counter() - since, 1)
            return time.perf_counter()

        load_market_rules(DestinationMarket, MarketRule)
        with connection.cursor() as cursor:
            # A throw-away database: nothing here needs to survive a crash of the server.
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(SEED_DEALERS, {"dealers": dealers})
            with self.indexes_built_afterwards(cursor, steps):
                since = time.perf_counter()
                if seed_with == "copy":
                    self.copy_vehicles(vehicles, dealers)
                else:
                    cursor.execute(SEED_VEHICLES, {"vehicles": vehicles, "dealers": dealers})
                since = step(f"vehicles ({seed_with})", since)
                cursor.execute(SEED_DOCUMENTS, {"every": 1000})
                cursor.execute(SEED_FLOOR_PLANS)
                step("documents, floor plans and curtailments", since)
            since = time.perf_counter()
            cursor.execute("VACUUM ANALYZE inventory_vehicle")
            cursor.execute("VACUUM ANALYZE inventory_vehiclefloorplan")
            cursor.execute("VACUUM ANALYZE inventory_curtailmentowed")
            cursor.execute("ANALYZE inventory_vehicledocument")
            step("vacuum and analyse", since)
        self.stderr.write(
            f"seeded {vehicles:,} vehicles at {dealers:,} dealers in "
            f"{time.perf_counter() - started:.1f} s: {json.dumps(steps)}"
        )

    def copy_vehicles(self, vehicles, dealers, batch=20_000):
        """COPY the vehicles in, from rows generated here in batches."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(id), CURRENT_DATE, now()::text FROM inventory_dealer "
                "WHERE code LIKE 'bench-%%'"
            )
            first_id, today, now = cursor.fetchone()
        lines = seed_vehicle_lines(
            1, vehicles + 1, dealers=dealers, first_id=first_id, today=today, now=now
        )
        with (
            connection.connection.cursor() as raw,
            raw.copy(f"COPY inventory_vehicle ({SEED_VEHICLE_COLUMNS}) FROM STDIN") as copy,
        ):
            while chunk := "".join(itertools.islice(lines, batch)):
                copy.write(chunk)

    @contextlib.contextmanager
    def indexes_built_afterwards(self, cursor, steps):
        """Drop the seeded tables' secondary indexes, unique and foreign-key constraints, and
        create them again from their own definitions once the rows are in."""
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') "
            "ORDER BY contype DESC",  # unique ones first: a foreign key may need one
            [list(SEEDED_TABLES)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "                WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
            [list(SEEDED_TABLES)],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield
        since = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        steps[f"{len(indexes)} indexes and {len(constraints)} constraints afterwards"] = round(
            time.perf_counter() - since, 1
        )

    def timed_reference(self, *, rerun=False):
        """The reference statement's time, rolled back so the job starts from the same state.

        With `rerun`, the statement has already run once in the transaction, so it finds its
        own flags in place and nothing to do.
        """
        with transaction.atomic(), connection.cursor() as cursor:
            if rerun:
                cursor.execute(REFERENCE_FLAGGING)
            started = time.perf_counter()
            cursor.execute(REFERENCE_FLAGGING)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        self.vacuum()
        return seconds

    def vacuum(self):
        """Clear the row versions a rolled-back measure left, so the next starts alike."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE inventory_vehicle")

    def reset_candidates(self):
        """Back to the state the seeding left: no car flagged or pointing at a verdict, no
        run of the job on record (so no fingerprint to stop at); vacuumed and analysed.

        The verdict rows stay: the job finds and reuses them (a few thousand rows, written
        once). Deleting them costs a read of every car for each row, as the database checks
        that no car still points at it and that column has no index."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE inventory_vehicle SET export_candidate = FALSE, export_verdict_id = NULL,"
                " export_candidate_since = NULL WHERE export_candidate"
                " OR export_verdict_id IS NOT NULL OR export_candidate_since IS NOT NULL"
            )
        JobRun.objects.filter(job=CANDIDATE_JOB).delete()
        self.vacuum()

    def timed_job(self, **options):
        started = time.perf_counter()
        run = services.export_candidates_flag(**options)
        return time.perf_counter() - started, run

    def candidate_job(self, vehicles, pairs=3):
        """The first run against the reference, in `pairs` pairs each from the seeded state
        (reference first in the odd pairs, the job first in the even ones, so neither always
        meets the other's leftovers); then the rerun with nothing new and the dry run that
        judges every car, `pairs` times each. Medians, with the spread of the ratio."""
        reference = "hand-written single UPDATE of stock, age and odometer (no rules)"
        firsts, refs = [], []
        for pair in range(pairs):
            self.reset_candidates()
            if pair % 2 == 0:
                refs.append(self.timed_reference())
                seconds, first = self.timed_job()
            else:
                seconds, first = self.timed_job()
                self.reset_candidates()
                refs.append(self.timed_reference())
            firsts.append(seconds)
            self.stderr.write(
                f"pair {pair + 1}: job {seconds:.2f} s, reference {refs[-1]:.2f} s; "
                f"{json.dumps(first.counts)}"
            )
        # The last pair ran the job last, so its flags are in place for the reruns.
        self.vacuum()
        reruns, evaluations = [], []
        for _ in range(pairs):
            seconds, rerun = self.timed_job()
            assert rerun.counts["unchanged"], rerun.counts
            reruns.append(seconds)
        for _ in range(pairs):
            seconds, evaluated = self.timed_job(dry_run=True)
            assert not evaluated.counts["flagged"] and not evaluated.counts["unflagged"]
            evaluations.append(seconds)
        ref_rerun = self.timed_reference(rerun=True)
        load = [round(x, 2) for x in os.getloadavg()]
        for name, times, ref_times in (
            ("flag_export_candidates first run", firsts, refs),
            ("flag_export_candidates rerun, nothing new", reruns, [ref_rerun] * pairs),
            ("flag_export_candidates rerun, full evaluation", evaluations, [ref_rerun] * pairs),
        ):
            ratios = [job / ref for job, ref in zip(times, ref_times, strict=True) if ref]
            seconds, ref = statistics.median(times), statistics.median(ref_times)
            yield {
                "name": name,
                "vehicles": vehicles,
                "runs": len(times),
                "seconds": round(seconds, 3),
                "reference": reference,
                "reference_seconds": round(ref, 3),
                "ratio": round(seconds / ref, 2) if ref else None,
                "ratio_median": round(statistics.median(ratios), 2) if ratios else None,
                "ratio_min": round(min(ratios), 2) if ratios else None,
                "ratio_max": round(max(ratios), 2) if ratios else None,
                "profiles": first.counts["profiles"],
                "candidates": first.counts["candidates"],
                "load_average": load,
            }

    def rejudge_on_write(self, vehicles, runs=30):
        """What re-judging adds to a write the candidate rules read: a new odometer reading
        on a candidate, written and re-judged in one transaction, against the bare write.
        (The seeded VINs are random, so the write is an UPDATE rather than the service.)"""
        cars = list(Vehicle.objects.filter(export_candidate=True).order_by("pk")[: runs + 1])
        times, bare, queries = [], [], 0
        for car in cars:
            km = car.odometer_km + 1 if car.odometer_km < 50 else car.odometer_km - 1
            for judged, into in ((False, bare), (True, times)):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    with transaction.atomic():
                        Vehicle.objects.filter(pk=car.pk).update(odometer_km=km)
                        if judged:
                            judging.rejudge([car.pk])
                    into.append(time.perf_counter() - started)
                if judged:
                    queries = len(captured)
                km = car.odometer_km
        yield {
            "name": "odometer write on a candidate, re-judged in its transaction",
            "vehicles": vehicles,
            "median_ms": round(statistics.median(times[1:]) * 1000, 2),
            "queries": queries,
            "reference": "the same write without re-judging",
            "reference_median_ms": round(statistics.median(bare[1:]) * 1000, 2),
        }

    def snapshot_job(self, vehicles):
        """The nightly snapshot of every dealer against the two aggregate statements."""
        dealer = Dealer.objects.order_by("pk").first()
        on = dealer.today()
        params = {"on": on, "week": on + timedelta(days=7)}
        reference, job = [], []
        for _ in range(3):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                for statement in REFERENCE_SNAPSHOT.split(";"):
                    cursor.execute(statement, params)
                    cursor.fetchall()
                reference.append(time.perf_counter() - started)
            started = time.perf_counter()
            run = services.cash_flow_snapshot_take()
            job.append(time.perf_counter() - started)
        seconds, ref = statistics.median(job), statistics.median(reference)
        yield {
            "name": "snapshot_cash_flow, all dealers",
            "vehicles": vehicles,
            "dealers": run.counts["dealers"],
            "seconds": round(seconds, 3),
            "reference": "three hand-written aggregates (stock, floor plan, curtailments owed)",
            "reference_seconds": round(ref, 3),
            "ratio": round(seconds / ref, 2) if ref else None,
        }

    def dashboard(self, vehicles, runs=30):
        """The dashboard of one dealer of the seeded spread and of one much larger dealer,
        through the whole Django stack, with its query count."""
        # The table as autovacuum leaves it after the candidate job's writes.
        self.vacuum()
        dealer = Dealer.objects.filter(code__startswith="bench-").order_by("pk").first()
        line = self.dashboard_of(dealer, "bench-staff", runs)
        yield {"name": "dashboard, one dealer", "vehicles": vehicles, **line}
        yield {
            "name": f"dashboard, {line['dealer_vehicles']:,}-car dealer",
            "vehicles": vehicles,
            **line,
        }
        if self.big_dealer_vehicles:
            big = self.seed_big_dealer(self.big_dealer_vehicles)
            line = self.dashboard_of(big, "bench-staff-large", runs)
            yield {
                "name": f"dashboard, {line['dealer_vehicles']:,}-car dealer",
                "vehicles": vehicles + self.big_dealer_vehicles,
                **line,
            }

    def dashboard_of(self, dealer, username, runs):
        """One staff member of `dealer` only, so the page is the one they see every day."""
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": "Bench", "last_name": "Inspector"}
        )
        if created:
            user.set_password("x")
            user.save()
            Membership.objects.create(user=user, dealer=dealer, role=Role.STAFF)
        client = Client()
        client.force_login(user)
        assert client.get("/").status_code == 200  # warm caches and the session
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get("/")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
            assert dealer.name in response.content.decode()
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        times.sort()
        line = {
            "dealer_vehicles": Vehicle.objects.filter(dealer=dealer).count(),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
            "queries": len(queries),
        }
        if connection.vendor == "postgresql":
            # The first view after a write: the median above is of the cached page.
            line.update(self.dashboard_cold(client, dealer, max(runs // 3, 3)))
        return line

    def dashboard_cold(self, client, dealer, runs):
        """The dashboard right after a write to the dealer's data (a no-op update of its row,
        which raises its data version as any write does), so it is computed again."""
        times = []
        for _ in range(runs):
            with connection.cursor() as cursor:
                cursor.execute("UPDATE inventory_dealer SET name = name WHERE id = %s", [dealer.pk])
            started = time.perf_counter()
            response = client.get("/")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("UPDATE inventory_dealer SET name = name WHERE id = %s", [dealer.pk])
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        times.sort()
        return {
            "cold_runs": runs,
            "cold_median_ms": round(statistics.median(times) * 1000, 1),
            "cold_max_ms": round(times[-1] * 1000, 1),
            "cold_queries": len(queries),
        }

    def seed_big_dealer(self, cars):
        """One dealer with `cars` cars of the same spread, floored alike and judged by the
        candidate job; seeded once, kept by --keep."""
        big = Dealer.objects.filter(code=BIG_DEALER_CODE).first()
        if big is not None:
            return big
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SEED_BIG_DEALER)
            cursor.execute(SEED_BIG_DEALER_VEHICLES, {"vehicles": cars, "dealers": 1})
            cursor.execute(SEED_BIG_DEALER_FLOOR_PLANS)
            cursor.execute("VACUUM ANALYZE inventory_vehicle")
            cursor.execute("VACUUM ANALYZE inventory_vehiclefloorplan")
            cursor.execute("ANALYZE inventory_curtailmentowed")
        big = Dealer.objects.get(code=BIG_DEALER_CODE)
        services.export_candidates_flag(dealer=big)
        self.vacuum()
        self.stderr.write(
            f"seeded and judged a {cars:,}-car dealer in {time.perf_counter() - started:.1f} s"
        )
        return big

    def certificate(self, vehicles, runs=30):
        """Issuing one certificate, its public verification page (hash recomputed on every
        view) and its PDF, as a buyer and a member of staff would meet them."""
        vehicle = (
            Vehicle.objects.filter(powertrain="BEV", dealer__code__startswith="bench-")
            .order_by("pk")
            .first()
        )
        user = get_user_model().objects.get(username="bench-staff")
        readings = [
            PaintReading(
                panel=panel,
                points=[118, 121, 122, 120, 119] if panel == "roof" else [126, 128, 131],
            )
            for panel in Panel.values
        ]
        started = time.perf_counter()
        draft = inventory_services.inspection_save_draft(
            report=InspectionReport(
                vehicle=vehicle,
                inspected_on=vehicle.dealer.today(),
                inspector="Bench",
                agency="Bench lab",
                odometer_km=vehicle.odometer_km,
                battery_soh_pct=98,
                battery_soh_method="bms_readout",
                verdict="pass",
            ),
            readings=readings,
        )
        report = inventory_services.inspection_issue(report=draft, by=user)
        issue_seconds = time.perf_counter() - started

        client = Client()
        url = report.get_verification_url()
        times = []
        with override_settings(VERIFY_RATE_LIMIT=runs * 10):
            client.get(url)
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
        times.sort()

        stored = certificates.for_certificate().get(pk=report.pk)
        renders = []
        for language in ("en", "zh-hans", "ar"):
            started = time.perf_counter()
            pdf = certificate_render.render_certificate_pdf(
                stored, verify_url="https://dealerhub.example.com" + url, language=language
            )
            renders.append(time.perf_counter() - started)
        yield {
            "name": "inspection certificate",
            "vehicles": vehicles,
            "issue_seconds": round(issue_seconds, 3),
            "verify_median_ms": round(statistics.median(times) * 1000, 1),
            "verify_p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
            "verify_queries": len(queries),
            "pdf_seconds_en_zh_ar": [round(r, 2) for r in renders],
            "pdf_kib": round(len(pdf) / 1024),
        }

    def inventory_list(self, vehicles, runs=30):
        """The inventory list of one dealer through the whole Django stack: its first page and
        the page a cursor near the end of the dealer's stock opens, with their query counts."""
        from inventory.pagination import KeysetPaginator

        dealer = Dealer.objects.order_by("pk").first()
        user, _created = get_user_model().objects.get_or_create(username="bench-staff")
        Membership.objects.get_or_create(user=user, dealer=dealer, defaults={"role": Role.STAFF})
        client = Client()
        client.force_login(user)
        cars = Vehicle.objects.filter(dealer=dealer)
        count = cars.count()
        paginator = KeysetPaginator(cars, sort="-stocked_on", page_size=50)
        deep = max(count - 50, 0)
        row = cars.order_by(*paginator.ordering())[deep]
        pages = (
            ("inventory list, one dealer, first page", "/inventory/vehicles/"),
            (
                f"inventory list, one dealer, cursor {deep:,} rows deep",
                f"/inventory/vehicles/?after={paginator.cursor_for(row)}",
            ),
        )
        for name, url in pages:
            client.get(url)  # warm caches
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.sort()
            yield {
                "name": name,
                "vehicles": vehicles,
                "dealer_vehicles": count,
                "median_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
                "queries": len(queries),
            }
