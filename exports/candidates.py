"""Flag zero-km export candidates: set-based SQL for stock, age and odometer, rules per profile.

A candidate is in stock, has stood longer than its dealer's aged threshold, shows no more than
the dealer's zero-km odometer maximum, and may leave for at least one market today (now, or
once named documents are supplied). One run, inside one transaction:

1. One SQL pass picks the vehicles that pass stock, age and odometer (each dealer's own
   limits) and groups them by the facts the rules read, reduced to what the rules can tell
   apart today (their *profile*), and by their current flag and verdict. The rules run once
   per profile; the groups give the counts. Vehicles with papers of their own (documents
   filed or an issued inspection) are judged one by one; there are few of them.
2. Each distinct result is an `ExportVerdict` row (markets, missing documents and the
   warnings that put a market in doubt), shared by every vehicle judged alike.
3. Only vehicles whose flag or verdict changes are updated, in place, by one statement for
   the profiles, one for the papered cars and one for former candidates that no longer pass.

A rerun with nothing new updates nothing; a run whose stock, papers, rules, dealer settings
and day are exactly those of the last successful run stops after a few aggregate queries.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q

from inventory.messages import as_data
from inventory.models import (
    ExportVerdict,
    InspectionReport,
    InspectionStatus,
    Vehicle,
    VehicleDocument,
    VehicleStatus,
)

from . import rules
from .candidate_profiles import KEY_NAMES, profile_facts, profile_key_sql
from .eligibility import Rulebook, facts_by_vehicle, load_rulebook

BATCH = 500  # rows per INSERT into the temporary tables


@dataclass
class Outcome:
    """What one run found and did."""

    vehicles: int = 0
    profiles: int = 0
    papered: int = 0
    flagged: int = 0
    unflagged: int = 0
    refreshed: int = 0
    candidates: int = 0
    not_evaluated_rules: list[str] = field(default_factory=list)
    fingerprint: str = ""
    unchanged: bool = False

    def counts(self):
        return {
            "vehicles": self.vehicles,
            "profiles": self.profiles,
            "papered": self.papered,
            "flagged": self.flagged,
            "unflagged": self.unflagged,
            "refreshed": self.refreshed,
            "candidates": self.candidates,
            "not_evaluated_rules": self.not_evaluated_rules,
            "unchanged": self.unchanged,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Judgement:
    """A profile's or a vehicle's result: where it may go, what papers are missing and which
    markets carry warnings."""

    markets: str  # " KZ UZ ", empty when no market takes the car
    summary: dict  # see `summarise`

    @cached_property
    def digest(self):
        text = json.dumps([self.markets, self.summary], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def summarise(verdicts) -> dict:
    """A short summary of the exportable markets, the documents still missing and the
    warnings that put a market in doubt.

    {"markets": ["KZ", "PK"], "needs": [documents every one of them still needs],
     "also": {"KZ": [documents only that market needs as well]},
     "warnings": {"PK": [{"rule": "RHD_MARKET", "message": <the sentence, as data>}]},
     "clean": whether some market has no warning}
    A market with a warning stays listed (the car may still leave for it) but is shown
    marked, and a car whose every market has one ranks after the cars with a clean market.
    The verdict's `markets` holds the same markets as text, for filtering.
    """
    missing = {v.market: list(v.missing_documents) for v in verdicts}
    everywhere = [
        doc for doc in missing[verdicts[0].market] if all(doc in m for m in missing.values())
    ]
    also = {
        market: extra
        for market, docs in missing.items()
        if (extra := [doc for doc in docs if doc not in everywhere])
    }
    warnings = {
        v.market: [{"rule": r.rule_code, "message": as_data(r.message)} for r in v.warnings]
        for v in verdicts
        if v.warnings
    }
    return {
        "markets": list(missing),
        "needs": everywhere,
        "also": also,
        "warnings": warnings,
        "clean": len(warnings) < len(missing),
    }


def judge(rulebook: Rulebook, facts: rules.VehicleFacts, broken: set[str]) -> Judgement:
    verdicts = tuple(rulebook.evaluate(facts))
    # The rulebook hands out one verdict object per market to every car judged alike there,
    # so a car whose verdicts are the very objects of an earlier car's is judged alike.
    known = rulebook.memos.setdefault("judgements", {})
    key = tuple(map(id, verdicts))
    found = known.get(key)
    if found is None or found[0] != verdicts:
        found = known[key] = (verdicts, _judge(verdicts))  # kept: their ids stay theirs
    _verdicts, (judgement, not_evaluated) = found
    broken.update(not_evaluated)
    return judgement


def _judge(verdicts) -> tuple[Judgement, tuple[str, ...]]:
    """The judgement of a car with these verdicts, and the rules not evaluated on the way."""
    exportable = [v for v in verdicts if v.exportable]
    not_evaluated = tuple(
        f"{r.market} {r.rule_code}"
        for verdict in verdicts
        for r in verdict.reasons
        if r.outcome is rules.Outcome.NOT_EVALUATED
    )
    if not exportable:
        return Judgement("", {}), not_evaluated
    judgement = Judgement(f" {' '.join(v.market for v in exportable)} ", summarise(exportable))
    return judgement, not_evaluated


def verdict_ids(judgements) -> dict[str, int]:
    """The ExportVerdict row of each exportable judgement (by digest), created when new."""
    wanted = {j.digest: j for j in judgements if j.markets}
    known = dict(ExportVerdict.objects.filter(digest__in=list(wanted)).values_list("digest", "id"))
    ExportVerdict.objects.bulk_create(
        [
            ExportVerdict(digest=digest, markets=j.markets, summary=j.summary)
            for digest, j in wanted.items()
            if digest not in known
        ]
    )
    if len(known) < len(wanted):
        known = dict(
            ExportVerdict.objects.filter(digest__in=list(wanted)).values_list("digest", "id")
        )
    return known


def latest_stocked_on(dealer, on: date) -> date:
    """Aged past the dealer's threshold on `on`: stocked on this day or before, so more days
    in stock than the threshold."""
    return date.fromordinal(on.toordinal() - dealer.aged_threshold_days - 1)


def passes_stock_age_and_odometer(vehicle, dealer, on: date) -> bool:
    """The part of the candidate test the rules do not decide, for one vehicle in memory."""
    return (
        vehicle.status == VehicleStatus.IN_STOCK
        and vehicle.stocked_on <= latest_stocked_on(dealer, on)
        and vehicle.odometer_km <= dealer.zero_km_max_odometer_km
    )


def dealer_limits(dealers, on: date):
    """(dealer id, latest stocked-on date, odometer maximum, today, in-stock status) per dealer,
    on the day `on` the dealers share."""
    return [
        (
            d.pk,
            latest_stocked_on(d, on),
            d.zero_km_max_odometer_km,
            on,
            VehicleStatus.IN_STOCK.value,
        )
        for d in dealers
    ]


def vehicle_totals(dealers) -> tuple[dict, int]:
    """The dealers' vehicles as the fingerprint reads them (how many, and the last change),
    and how many of them are flagged now: one pass over the vehicles."""
    totals = Vehicle.objects.filter(dealer__in=dealers).aggregate(
        n=Count("id"), last=Max("updated_at"), flagged=Count("id", filter=Q(export_candidate=True))
    )
    flagged = totals.pop("flagged")
    return totals, flagged


def fingerprint(dealers, rulebook: Rulebook, vehicles: dict | None = None) -> str:
    """Everything a run reads, in a few aggregate queries; equal means nothing to do.
    `vehicles` is the first part of `vehicle_totals`, when already read."""
    if vehicles is None:
        vehicles, _flagged = vehicle_totals(dealers)
    documents = VehicleDocument.objects.filter(vehicle__dealer__in=dealers).aggregate(
        n=Count("id"), last=Max("added_at"), top=Max("id")
    )
    inspections = InspectionReport.objects.filter(vehicle__dealer__in=dealers).aggregate(
        n=Count("id", filter=Q(status=InspectionStatus.ISSUED)), last=Max("issued_at")
    )
    limits = sorted(
        (d.pk, d.aged_threshold_days, d.zero_km_max_odometer_km, str(rulebook.on)) for d in dealers
    )
    rules_seen = [
        (
            r.market,
            r.code,
            r.severity,
            json.dumps(r.params, sort_keys=True, default=str),
            r.applies_to,
            str(r.effective_from),
            str(r.effective_to),
        )
        for r in (*rulebook.origin, *(r for rs in rulebook.markets.values() for r in rs))
    ]
    text = json.dumps(
        [vehicles, documents, inspections, limits, rules_seen, str(rulebook.on)],
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


# Stock, age and odometer: the part SQL decides (v: the vehicle, l: its dealer's limits).
# The status is written out (a constant, not a column of l) so the planner can tell how many
# cars are in stock.
PASSES = (
    f"(v.status = '{VehicleStatus.IN_STOCK.value}' AND v.stocked_on <= l.cutoff "
    f"AND v.odometer_km <= l.max_km)"
)
# As NOT IN over the few papered cars, which PostgreSQL checks against a hash of them, also
# under an OR (where NOT EXISTS would be looked up car by car).
NOT_PAPERED = (
    "v.id NOT IN (SELECT d.vehicle_id FROM inventory_vehicledocument d) "
    "AND v.id NOT IN (SELECT r.vehicle_id FROM inventory_inspectionreport r WHERE r.status = %s)"
)


def _insert_rows(cursor, table, rows):
    """Insert rows (tuples in the table's column order) a few hundred at a time."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        # COPY: no statement text of thousands of placeholders for the driver to split.
        with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # Autovacuum never analyses temporary tables: without statistics the planner guesses
        # their size and the selectivity of the join on the profile key.
        cursor.execute(f"ANALYZE {table}")
        return
    placeholders = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        cursor.execute(
            f"INSERT INTO {table} VALUES " + ", ".join([placeholders] * len(chunk)),
            [value for row in chunk for value in row],
        )


TEMPORARY_TABLES = {
    "dh_dealer_limit": "dealer_id bigint, cutoff date, max_km integer, today date, "
    "stock_status varchar(16)",
    "dh_profile_verdict": "powertrain varchar(4), steering_side varchar(3), model_year integer, "
    "built_year integer, built_month integer, built_day integer, registered integer, "
    "odometer integer, salvage boolean, flood boolean, registered_owner varchar(7), "
    "verdict_id bigint, spread bigint",
    "dh_single_verdict": "vehicle_id bigint, verdict_id bigint",
}


def run(
    *, dealers, on: date | None = None, dry_run=False, last_fingerprint="", sweep=False
) -> Outcome:
    """Flag and unflag candidates of `dealers`, each on its own today (or all on `on`); call
    inside a transaction. With `sweep` (a run over every dealer), delete the verdicts no car
    points at any more (`sweep_verdicts`); a run over some dealers leaves that to a run over
    all, since the sweep reads every car whatever the dealers."""
    dealers = list(dealers)
    outcome = Outcome()
    if not dealers:
        return outcome
    by_day = defaultdict(list)
    for dealer in dealers:
        by_day[on or dealer.today()].append(dealer)
    days = sorted(by_day)
    rulebooks = {day: load_rulebook(day) for day in days}
    prints = []
    candidates_now = 0
    for day in days:
        vehicles, flagged = vehicle_totals(by_day[day])
        candidates_now += flagged
        prints.append(fingerprint(by_day[day], rulebooks[day], vehicles))
    outcome.fingerprint = (
        prints[0] if len(prints) == 1 else hashlib.sha256("".join(prints).encode()).hexdigest()
    )
    if last_fingerprint and outcome.fingerprint == last_fingerprint:
        outcome.unchanged = True
        outcome.candidates = candidates_now
        return outcome

    broken: set[str] = set()
    kept: set[int] = set()
    for day in days:
        kept.update(_run_on(by_day[day], day, rulebooks[day], outcome, broken, dry_run=dry_run))
    outcome.not_evaluated_rules = sorted(broken)
    if sweep and not dry_run:
        sweep_verdicts(kept)
    outcome.candidates = candidates_now + outcome.flagged - outcome.unflagged
    return outcome


def sweep_verdicts(kept=()) -> int:
    """Delete the verdicts no vehicle points at any more, but those in `kept` (the ones a run
    over every dealer just gave out); returns how many. Looking for the vehicles that point
    at a verdict reads them all (the column has no index, so that the flag's updates stay in
    place), so first ask whether any verdict is left to look for at all. Call inside the
    transaction that holds the candidate job's lock over every dealer, so that no run is
    pointing cars at a verdict meanwhile."""
    stale = ExportVerdict.objects.exclude(pk__in=list(kept))
    if not stale.exists():
        return 0
    deleted, _by_model = stale.exclude(
        Exists(Vehicle.objects.filter(export_verdict=OuterRef("pk")))
    ).delete()
    return deleted


def _run_on(dealers, on, rulebook, outcome, broken, *, dry_run) -> set[int]:
    """One run over dealers that share a calendar day; returns the verdict ids it judged."""
    all_rules = [*rulebook.origin, *(r for rs in rulebook.markets.values() for r in rs)]
    cutoffs = rules.registration_cutoffs(all_rules, on)
    odometer_limits = rules.odometer_limits(all_rules, on)
    key_columns, key_params = profile_key_sql(on, cutoffs, odometer_limits)
    limits = dealer_limits(dealers, on)
    table = Vehicle._meta.db_table
    with connection.cursor() as cursor:
        for name, columns in TEMPORARY_TABLES.items():
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
        _insert_rows(cursor, "dh_dealer_limit", limits)

        # 1. The vehicles that pass stock, age and odometer, grouped in SQL by profile and by
        # their current flag and verdict, so the counts need no second look at the rows; in
        # the same pass, the former candidates that no longer pass (grouped apart, by the
        # first column, and only counted).
        groups = ", ".join(str(i + 1) for i in range(len(key_columns) + 3))
        if connection.vendor == "postgresql":
            # One pass over the table: compiling its expressions costs more than it saves.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"SELECT {PASSES}, {', '.join(key_columns)}, v.export_candidate, "
            f"COALESCE(v.export_verdict_id, 0), COUNT(*) FROM {table} v "
            f"JOIN dh_dealer_limit l ON l.dealer_id = v.dealer_id "
            f"WHERE ({PASSES} AND {NOT_PAPERED}) OR ({DROPPED}) GROUP BY {groups}",
            [*key_params, InspectionStatus.ISSUED],
        )
        rows = cursor.fetchall()
        if connection.vendor == "postgresql":
            cursor.execute("RESET jit")
        groups = []
        dropped = 0
        for passes, *group in rows:
            if passes:
                groups.append(group)
            else:
                dropped += group[-1]
        outcome.unflagged += dropped
        judged = {}
        for *key, _was, _old, _vehicles in groups:
            key = tuple(key)
            if key not in judged:
                facts = profile_facts(key, on, cutoffs, odometer_limits)
                judged[key] = judge(rulebook, facts, broken)
        outcome.profiles += len(judged)
        # Vehicles with papers of their own: few, so one by one.
        singles = _judge_papered(cursor, rulebook, broken)
        outcome.papered += len(singles)

        ids = verdict_ids([*judged.values(), *(j for _v, j in singles)])
        transitions = [
            (was, old, ids.get(judged[tuple(key)].digest, 0), count)
            for *key, was, old, count in groups
        ] + [
            (v.export_candidate, v.export_verdict_id or 0, ids.get(j.digest, 0), 1)
            for v, j in singles
        ]
        profile_changes = _tally(outcome, transitions)
        _insert_rows(
            cursor,
            "dh_profile_verdict",
            [(*key, ids.get(j.digest), spread(key)) for key, j in judged.items()],
        )
        _insert_rows(cursor, "dh_single_verdict", [(v.pk, ids.get(j.digest)) for v, j in singles])
        if not dry_run:
            _write(cursor, key_columns, key_params, profiles=profile_changes, dropped=dropped)
        for name in TEMPORARY_TABLES:
            cursor.execute(f"DROP TABLE {name}")
    return set(ids.values())


def fresh_judgements(vehicles) -> dict[int, Judgement | None]:
    """Each vehicle's judgement now, one by one with all its facts, on its dealer's today;
    None for a car that fails the stock, age or odometer test. Four queries, plus two per
    distinct day among the dealers."""
    facts = facts_by_vehicle(vehicles)
    rulebooks = {}
    judged = {}
    for vehicle in vehicles:
        today = vehicle.dealer.today()
        if not passes_stock_age_and_odometer(vehicle, vehicle.dealer, today):
            judged[vehicle.pk] = None
            continue
        if today not in rulebooks:
            rulebooks[today] = load_rulebook(today)
        judged[vehicle.pk] = judge(rulebooks[today], facts[vehicle.pk], set())
    return judged


def rejudge(vehicles) -> int:
    """Judge these vehicles now, exactly as a run on each dealer's today would, and store what
    changed: the flag, the verdict and the day the car became a candidate. Call inside the
    transaction of the write that changed what the rules read. Vehicle instances passed in
    are brought up to date as well; returns how many vehicles changed."""
    given = {v.pk: v for v in vehicles if isinstance(v, Vehicle)}
    ids = sorted({v.pk if isinstance(v, Vehicle) else v for v in vehicles})
    if not ids:
        return 0
    rows = list(Vehicle.objects.filter(pk__in=ids).select_related("dealer"))
    judged = fresh_judgements(rows)
    verdicts = verdict_ids(j for j in judged.values() if j is not None)
    changed = 0
    for vehicle in rows:
        judgement = judged[vehicle.pk]
        verdict_id = verdicts.get(judgement.digest) if judgement else None
        flagged = verdict_id is not None
        since = vehicle.export_candidate_since if vehicle.export_candidate else None
        state = {
            "export_candidate": flagged,
            "export_verdict_id": verdict_id,
            "export_candidate_since": (since or vehicle.dealer.today()) if flagged else None,
        }
        if any(getattr(vehicle, name) != value for name, value in state.items()):
            Vehicle.objects.filter(pk=vehicle.pk).update(**state)
            changed += 1
        if vehicle.pk in given:
            for name, value in state.items():
                setattr(given[vehicle.pk], name, value)
    return changed


def rejudge_dealer(dealer) -> Outcome:
    """Judge all of one dealer's cars again on its today, set-based as the nightly run does;
    for a change of its thresholds or time zone. Call inside the transaction of the change."""
    return run(dealers=[dealer])


def _tally(outcome, transitions) -> bool:
    """Add up (was flagged, old verdict, new verdict, vehicles); True if any vehicle changes."""
    changes = False
    for was, old, new, count in transitions:
        now = new != 0
        outcome.vehicles += count
        if was == now and old == new:
            continue
        changes = True
        if now and not was:
            outcome.flagged += count
        elif was and not now:
            outcome.unflagged += count
        else:
            outcome.refreshed += count
    return changes


def _judge_papered(cursor, rulebook, broken):
    """The cars that pass stock, age and odometer and have documents filed or an issued
    inspection, each judged on all its facts. Found from the papers' side (a few rows, then
    the cars by their key), not by reading every car."""
    cursor.execute(
        f"SELECT v.id FROM {_table()} v JOIN dh_dealer_limit l ON l.dealer_id = v.dealer_id "
        f"WHERE v.id IN (SELECT d.vehicle_id FROM inventory_vehicledocument d UNION "
        f"SELECT r.vehicle_id FROM inventory_inspectionreport r WHERE r.status = %s) "
        f"AND {PASSES}",
        [InspectionStatus.ISSUED],
    )
    ids = [row[0] for row in cursor.fetchall()]
    vehicles = list(Vehicle.objects.filter(pk__in=ids).order_by("pk")) if ids else []
    facts = facts_by_vehicle(vehicles)
    return [(vehicle, judge(rulebook, facts[vehicle.pk], broken)) for vehicle in vehicles]


# A vehicle (v) that passes its dealer's limits (l) is a candidate when its verdict (j) has a
# row, that is, names a market; it changes when its flag or its verdict differs.
NEW_STATE = (
    "export_candidate = (j.verdict_id IS NOT NULL), export_verdict_id = j.verdict_id, "
    "export_candidate_since = CASE WHEN j.verdict_id IS NULL THEN NULL "
    "WHEN v.export_candidate THEN v.export_candidate_since ELSE l.today END"
)
CHANGED = (
    "(v.export_candidate <> (j.verdict_id IS NOT NULL) "
    "OR COALESCE(v.export_verdict_id, 0) <> COALESCE(j.verdict_id, 0))"
)
DROPPED = f"(v.export_candidate OR v.export_verdict_id IS NOT NULL) AND NOT {PASSES}"


def _write(cursor, key_columns, key_params, *, profiles, dropped):
    """Steps 2 and 3: update in place only the vehicles whose flag or verdict changes."""
    if profiles:
        write_profile_verdicts(cursor, key_columns, key_params)
    write_single_verdicts(cursor)
    if dropped:
        unflag_dropped(cursor)


def spread(key) -> int:
    """A number that tells most profiles apart (equal keys, equal numbers); see
    `spread_sql`."""
    _powertrain, _steering, model_year, year, month, day, registered, odometer, *_rest = key
    return ((((model_year * 10000 + year) * 13 + month) * 3 + day) * 64 + registered + 2) * 64 + (
        odometer
    )


def spread_sql(key_columns) -> str:
    """`spread` of a vehicle's profile key, in SQL (taking the key's parameters once more).

    It joins the vehicles to their profiles besides the key itself, only for the planner:
    its statistics then show one or two profiles to a value, so the planner hashes the
    profiles and reads the cars past them in the order they lie on disk. On the key's
    columns alone (a few values each: two steering sides, twelve months) it guesses long
    hash chains and hashes the cars instead."""
    _powertrain, _steering, model_year, year, month, day, registered, odometer, *_rest = key_columns
    return (
        f"(((((CAST({model_year} AS bigint) * 10000 + {year}) * 13 + {month}) * 3 + {day}) "
        f"* 64 + {registered} + 2) * 64 + {odometer})"
    )


def write_profile_verdicts(cursor, key_columns, key_params) -> None:
    """Give every vehicle judged by its profile that profile's verdict (dh_profile_verdict),
    where its flag or verdict changes."""
    key_match = " AND ".join(
        f"j.{name} = {column}" for name, column in zip(KEY_NAMES, key_columns, strict=True)
    )
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # Rows that change are written in the order they lie on disk, as the cars are read:
        # the profiles are hashed and the cars look theirs up. Left to guess, the planner may
        # sort the cars by profile for a merge join (or loop over them), and the update then
        # jumps from page to page, each read and written many times over.
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute(
        f"UPDATE {_table()} AS v SET {NEW_STATE} FROM dh_dealer_limit l, dh_profile_verdict j "
        f"WHERE l.dealer_id = v.dealer_id AND {key_match} AND j.spread = {spread_sql(key_columns)} "
        f"AND {PASSES} AND {NOT_PAPERED} AND {CHANGED}",
        [*key_params, *key_params, InspectionStatus.ISSUED],
    )
    if postgresql:
        cursor.execute("RESET enable_mergejoin")
        cursor.execute("RESET enable_nestloop")


def write_single_verdicts(cursor) -> None:
    """Give every vehicle judged on its own papers its verdict (dh_single_verdict), where its
    flag or verdict changes."""
    cursor.execute(
        f"UPDATE {_table()} AS v SET {NEW_STATE} FROM dh_dealer_limit l, dh_single_verdict j "
        f"WHERE j.vehicle_id = v.id AND l.dealer_id = v.dealer_id AND {CHANGED}"
    )


def unflag_dropped(cursor) -> None:
    """Clear the flag and verdict of former candidates that no longer pass stock, age or
    odometer."""
    cursor.execute(
        f"UPDATE {_table()} AS v SET export_candidate = {_false()}, export_verdict_id = NULL, "
        f"export_candidate_since = NULL FROM dh_dealer_limit l "
        f"WHERE l.dealer_id = v.dealer_id AND {DROPPED}"
    )


def _table():
    return Vehicle._meta.db_table


def _false():
    return "FALSE" if connection.vendor == "postgresql" else "0"
