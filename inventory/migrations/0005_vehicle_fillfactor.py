from django.db import migrations

# The nightly candidate job rewrites the flag, its date and the verdict key of many vehicles;
# none of those columns is indexed, so with free room on each page PostgreSQL can update the
# rows in place (heap-only tuples) instead of adding an entry to every index for every row.
# SQLite has no such setting.


def leave_room_for_updates(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_vehicle SET (fillfactor = 80)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_vehicle RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_documents_power_and_export_verdicts")]

    operations = [migrations.RunPython(leave_room_for_updates, fill_pages, elidable=False)]
