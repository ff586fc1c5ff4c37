"""The version of a dealer's data, raised by PostgreSQL triggers on every write.

Each table the dashboard reads has three STATEMENT-level AFTER triggers (insert, update,
delete; PostgreSQL wants one per event when they read transition tables) that raise, in the
same transaction as the write, the `dealer_data_version` row of every dealer whose rows the
statement touched. Writes to rows every dealer shares raise the row of dealer 0.

A new table the dashboard reads goes into DASHBOARD_TABLES and gets its triggers in a new
migration (`trigger_sql([...])`); tests/dealerhub/test_dashboard_cache.py fails while a table
the dashboard queries has no trigger. On other databases nothing is installed and the
dashboard computes on every request.
"""

from django.db import connection

from inventory.models import DealerDataVersion

SHARED = DealerDataVersion.SHARED

# table -> how its rows name their dealer:
#   "dealer_id"                        a column holding the dealer's id
#   ("fk_column", "parent_table")      the dealer_id of the parent row the column points at
#   SHARED                             rows every dealer reads: raise the shared version
#   "id"                               the dealer table itself
DASHBOARD_TABLES = {
    "inventory_dealer": "id",  # thresholds, discount, overheads, time zone, currency
    "inventory_vehicle": "dealer_id",
    "inventory_vehiclefloorplan": "dealer_id",
    "inventory_floorplanline": "dealer_id",
    "inventory_curtailmentowed": "dealer_id",
    "inventory_floorplanpayment": ("floor_plan_id", "inventory_vehiclefloorplan"),
    "inventory_vehicledocument": ("vehicle_id", "inventory_vehicle"),
    "exports_exportshipment": "dealer_id",
    "exports_shipmentline": ("shipment_id", "exports_exportshipment"),
    "exports_shipmentmilestone": ("shipment_id", "exports_exportshipment"),
    "exports_cashflowsnapshot": "dealer_id",
    "exports_destinationmarket": SHARED,
    "exports_marketrule": SHARED,
    "exports_exportsale": "dealer_id",
    "exports_exporter": "dealer_id",
    "inventory_exportprogramme": "dealer_id",
    "inventory_programmeenrolment": ("vehicle_id", "inventory_vehicle"),
}

# Tables the dashboard reads that need no trigger, and why. A verdict row is written once under
# the digest of its content and never changed; a car starts or stops pointing at one by an
# update of the car, which raises its dealer's version, and only rows no car points at are
# deleted. A trigger here would also make every shard of the nightly candidate job wait for
# the others on the shared version.
UNCHANGING_TABLES = {
    "inventory_exportverdict": "written once per content digest, never updated",
}

EVENTS = ("INSERT", "UPDATE", "DELETE")
TABLE = DealerDataVersion._meta.db_table


def _function(table):
    return f"{TABLE}_bump_{table}"


def _dealers_of(table, how, rows):
    """SQL selecting the dealer ids of the transition table `rows`."""
    if how == SHARED:
        return f"(SELECT {SHARED} FROM {rows} LIMIT 1)"
    if how in ("dealer_id", "id"):
        return f"(SELECT {how} FROM {rows})"
    column, parent = how
    return f"(SELECT p.dealer_id FROM {rows} r JOIN {parent} p ON p.id = r.{column})"


def _bump(dealers):
    # Ordered by dealer so two statements that touch the same dealers lock their rows in
    # the same order.
    return (
        f"INSERT INTO {TABLE} AS v (dealer_id, version) "
        f"SELECT d, 1 FROM ({dealers}) AS t(d) WHERE d IS NOT NULL GROUP BY d ORDER BY d "
        f"ON CONFLICT (dealer_id) DO UPDATE SET version = v.version + 1;"
    )


def trigger_sql(tables, how=None):
    """The SQL that installs the triggers of `tables` (names in DASHBOARD_TABLES, or in `how`,
    which maps a table to how its rows name their dealer for a migration of earlier tables)."""
    statements = []
    for table in tables:
        how_rows = {**DASHBOARD_TABLES, **(how or {})}[table]
        new = _dealers_of(table, how_rows, "new_rows")
        old = _dealers_of(table, how_rows, "old_rows")
        if how_rows == "id":
            # A deleted dealer's version row goes with it; its children's triggers ran first.
            on_delete = f"DELETE FROM {TABLE} WHERE dealer_id IN (SELECT id FROM old_rows);"
        else:
            on_delete = _bump(old)
        statements.append(
            f"""CREATE OR REPLACE FUNCTION {_function(table)}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_bump(new)}
    ELSIF TG_OP = 'UPDATE' THEN
        {_bump(f"{new} UNION {old}")}
    ELSE
        {on_delete}
    END IF;
    RETURN NULL;
END $$;"""
        )
        for event in EVENTS:
            transition = {
                "INSERT": "NEW TABLE AS new_rows",
                "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
                "DELETE": "OLD TABLE AS old_rows",
            }[event]
            statements.append(
                f"CREATE TRIGGER {TABLE}_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {_function(table)}();"
            )
    return "\n".join(statements)


def drop_trigger_sql(tables):
    statements = []
    for table in tables:
        for event in EVENTS:
            statements.append(f"DROP TRIGGER IF EXISTS {TABLE}_{event.lower()} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS {_function(table)}();")
    return "\n".join(statements)


def triggered_tables():
    """The tables that carry all three triggers in this database (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = ANY(%s) AND NOT t.tgisinternal "
            "GROUP BY c.relname HAVING COUNT(*) = %s",
            [[f"{TABLE}_{event.lower()}" for event in EVENTS], len(EVENTS)],
        )
        return {row[0] for row in cursor.fetchall()}


def kept_current():
    """Whether this database raises the versions (PostgreSQL); elsewhere nothing is cached."""
    return connection.vendor == "postgresql"


def with_versions(dealers):
    """`dealers` annotated with `shared_version` and `data_version` (0 for a row not written
    yet), read in the same statement, so the dealer's settings are those of its version."""
    from django.db.models import OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    def version_of(dealer_id):
        rows = DealerDataVersion.objects.filter(dealer_id=dealer_id).values("version")
        return Coalesce(Subquery(rows[:1]), Value(0))

    return dealers.annotate(
        shared_version=version_of(SHARED), data_version=version_of(OuterRef("pk"))
    )
