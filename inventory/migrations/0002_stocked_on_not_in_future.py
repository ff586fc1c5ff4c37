"""The database refuses a stocked-on date in the future.

CHECK constraints must be deterministic on SQLite, so there a trigger holds the rule; PostgreSQL
takes a CHECK against CURRENT_DATE. One day of slack covers dealers east of UTC, whose local date
is ahead of the database session's UTC date.
"""

from django.db import migrations

PG_ADD = """
ALTER TABLE inventory_vehicle ADD CONSTRAINT vehicle_stocked_on_not_in_future
CHECK (stocked_on <= CURRENT_DATE + 1) NOT VALID;
"""
PG_DROP = "ALTER TABLE inventory_vehicle DROP CONSTRAINT vehicle_stocked_on_not_in_future;"
SQLITE_TRIGGER = """
CREATE TRIGGER vehicle_stocked_on_not_in_future_{op}
BEFORE {verb} ON inventory_vehicle
FOR EACH ROW WHEN NEW.stocked_on > date('now', '+1 day')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: vehicle_stocked_on_not_in_future'); END;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_ADD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER.format(op="insert", verb="INSERT"))
        schema_editor.execute(SQLITE_TRIGGER.format(op="update", verb="UPDATE"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for op in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS vehicle_stocked_on_not_in_future_{op};")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
