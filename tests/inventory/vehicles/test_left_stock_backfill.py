"""The data migration that gives cars already out of stock the day they left."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inventory.models import Vehicle

BEFORE = [
    ("inventory", "0015_paint_judged_per_point"),
    ("exports", "0009_shipment_stowage_and_special_provision_961"),
]
STOCKED = date(2026, 9, 1)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def record(apps, vehicle, status, at):
    """A history row as django-simple-history writes it on each save."""
    history = apps.get_model("inventory", "HistoricalVehicle")
    fields = {
        field.attname: getattr(vehicle, field.attname)
        for field in history._meta.concrete_fields
        if hasattr(vehicle, field.attname) and field.attname != "history_id"
    }
    history.objects.create(**{**fields, "status": status, "history_date": at, "history_type": "~"})


# The best recorded fact decides the day: the loading milestone for an exported car, else the
# history row that took the car out of stock (in the dealer's time zone), else its last update.
@pytest.mark.django_db(transaction=True)
def test_cars_already_out_of_stock_get_the_day_they_left():
    apps = migrate(BEFORE)
    try:
        dealer = apps.get_model("inventory", "Dealer").objects.create(
            name="Alpha Motors", code="alpha", city="Shanghai", time_zone="Asia/Shanghai"
        )
        old_vehicle = apps.get_model("inventory", "Vehicle")
        made = iter(
            ["LGXCE4CB7S0900001", "LGXCE4CB9S0900002", "LGXCE4CB0S0900003", "LGXCE4CB2S0900004"]
        )

        def car(status):
            return old_vehicle.objects.create(
                dealer=dealer,
                vin=next(made),
                make="BYD",
                model="Seal",
                model_year=2025,
                powertrain="BEV",
                stocked_on=STOCKED,
                acquisition_cost=100000,
                list_price=120000,
                status=status,
            )

        on_hand = car("in_stock")
        sold = car("sold_domestic")
        record(apps, sold, "in_stock", datetime(2026, 9, 1, 2, 0, tzinfo=UTC))
        # 20:00 UTC is already the next day in Shanghai.
        record(apps, sold, "sold_domestic", datetime(2026, 10, 10, 20, 0, tzinfo=UTC))
        sold_unrecorded = car("sold_domestic")
        old_vehicle.objects.filter(pk=sold_unrecorded.pk).update(
            updated_at=datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
        )
        exported = car("exported")
        record(apps, exported, "exported", datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
        market, _created = apps.get_model("exports", "DestinationMarket").objects.get_or_create(
            country_code="KZ", defaults={"name": "Kazakhstan"}
        )
        shipment = apps.get_model("exports", "ExportShipment").objects.create(
            dealer=dealer, reference="SHP-1", destination=market, consignee="Buyer", status="loaded"
        )
        apps.get_model("exports", "ShipmentLine").objects.create(
            shipment=shipment, vehicle=exported
        )
        apps.get_model("exports", "ShipmentMilestone").objects.create(
            shipment=shipment, status="loaded", from_status="customs_cleared", on=date(2026, 11, 18)
        )
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())

    left = dict(Vehicle.objects.values_list("pk", "left_stock_on"))
    assert left == {
        on_hand.pk: None,
        sold.pk: date(2026, 10, 11),
        sold_unrecorded.pk: date(2026, 11, 2),
        exported.pk: date(2026, 11, 18),
    }
