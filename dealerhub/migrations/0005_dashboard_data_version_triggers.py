"""Triggers that raise a dealer's data version on every write to a table the dashboard reads
(PostgreSQL only; elsewhere the dashboard is computed on every request)."""

from django.db import migrations

from dealerhub.dataversion import SHARED, drop_trigger_sql, trigger_sql

# Frozen here: a table added to DASHBOARD_TABLES later gets its triggers in a new migration.
TABLES = [
    "inventory_dealer",
    "inventory_vehicle",
    "inventory_vehiclefloorplan",
    "inventory_floorplanline",
    "inventory_curtailmentowed",
    "inventory_floorplanpayment",
    "inventory_vehicledocument",
    "exports_exportshipment",
    "exports_shipmentline",
    "exports_shipmentmilestone",
    "exports_cashflowsnapshot",
    "exports_destinationmarket",
    "exports_marketrule",
    "inventory_exportverdict",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Verdicts were thought to change then; 0006 takes their triggers off again.
        schema_editor.execute(trigger_sql(TABLES, how={"inventory_exportverdict": SHARED}))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop_trigger_sql(TABLES))


class Migration(migrations.Migration):
    dependencies = [
        ("dealerhub", "0004_protect_history"),
        ("inventory", "0028_dealer_data_version"),
        ("exports", "0011_shipment_declarant_line_commodity_code"),
    ]

    operations = [migrations.RunPython(install, remove)]
