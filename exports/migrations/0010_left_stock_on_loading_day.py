from django.db import migrations


def from_loading_day(apps, schema_editor):
    """An exported car left stock on the day its shipment was loaded, as the user dated that
    move; a better fact than when the move was recorded, which the inventory backfill used."""
    Vehicle = apps.get_model("inventory", "Vehicle")
    ShipmentLine = apps.get_model("exports", "ShipmentLine")
    ShipmentMilestone = apps.get_model("exports", "ShipmentMilestone")
    lines = ShipmentLine.objects.filter(is_active=True, vehicle__status="exported")
    for line in lines.select_related("vehicle").iterator(chunk_size=500):
        loaded = (
            ShipmentMilestone.objects.filter(shipment_id=line.shipment_id, status="loaded")
            .order_by("at", "id")
            .values_list("on", flat=True)
            .first()
        )
        if loaded is not None:
            Vehicle.objects.filter(pk=line.vehicle_id).update(
                left_stock_on=max(loaded, line.vehicle.stocked_on)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0009_shipment_stowage_and_special_provision_961"),
        ("inventory", "0016_vehicle_left_stock_on"),
    ]

    operations = [
        migrations.RunPython(from_loading_day, migrations.RunPython.noop),
    ]
