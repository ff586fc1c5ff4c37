"""Load the destination markets and their rules shipped in exports/data/market_rules.json."""

from django.db import migrations

from exports.data import load_market_rules


def forwards(apps, schema_editor):
    load_market_rules(
        apps.get_model("exports", "DestinationMarket"), apps.get_model("exports", "MarketRule")
    )


class Migration(migrations.Migration):
    dependencies = [("exports", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
