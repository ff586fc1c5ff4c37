"""Sales to exporters, exporters and maker programmes raise a dealer's data version; export
verdicts, written once per content digest, no longer raise the shared one."""

from django.db import migrations

from dealerhub.dataversion import SHARED, drop_trigger_sql, trigger_sql

# Frozen here, like the tables of 0005.
ADDED = [
    "exports_exportsale",
    "exports_exporter",
    "inventory_exportprogramme",
    "inventory_programmeenrolment",
]
UNCHANGING = ["inventory_exportverdict"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop_trigger_sql(UNCHANGING))
        schema_editor.execute(trigger_sql(ADDED))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop_trigger_sql(ADDED))
        schema_editor.execute(trigger_sql(UNCHANGING, how={"inventory_exportverdict": SHARED}))


class Migration(migrations.Migration):
    dependencies = [
        ("dealerhub", "0005_dashboard_data_version_triggers"),
        ("exports", "0014_offers_and_bids"),
        ("inventory", "0028_dealer_data_version"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
