"""Shipment lifecycle: shipment_advance moves it, vehicles follow, one active shipment per car."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from exports import services
from exports.models import ShipmentLine, ShipmentStatus
from inventory.models import VehicleStatus
from tests.factories import ShipmentFactory, ShipmentLineFactory, VehicleFactory, shippable_vehicle

S = ShipmentStatus


@pytest.fixture
def shipment(dealer_a):
    return ShipmentFactory(dealer=dealer_a)


def vehicle_statuses(shipment):
    return {line.vehicle.status for line in shipment.lines.select_related("vehicle")}


@pytest.mark.django_db
def test_full_lifecycle_moves_the_vehicles(shipment, manager_a):
    for _ in range(2):
        services.shipment_add_vehicle(
            shipment=shipment,
            vehicle=shippable_vehicle(shipment.dealer),
            sale_price=Decimal("21000"),
        )
    assert vehicle_statuses(shipment) == {VehicleStatus.IN_STOCK}
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, by=manager_a)
    assert vehicle_statuses(shipment) == {VehicleStatus.ALLOCATED}
    for step in (S.CUSTOMS_CLEARED, S.LOADED):
        services.shipment_advance(shipment=shipment, to_status=step, by=manager_a)
    assert vehicle_statuses(shipment) == {VehicleStatus.EXPORTED}
    for step in (S.IN_TRANSIT, S.ARRIVED, S.DELIVERED):
        services.shipment_advance(shipment=shipment, to_status=step, by=manager_a)
    history = [(h.status, h.history_user) for h in shipment.history.order_by("history_date")]
    assert [status for status, _ in history] == [
        "draft",
        "booked",
        "customs_cleared",
        "loaded",
        "in_transit",
        "arrived",
        "delivered",
    ]
    assert {user for _, user in history[1:]} == {manager_a}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.LOADED),
        (S.LOADED, S.CANCELLED),
        (S.DELIVERED, S.IN_TRANSIT),
        (S.CANCELLED, S.BOOKED),
    ],
)
def test_illegal_moves_are_errors(dealer_a, start, target):
    shipment = ShipmentFactory(dealer=dealer_a, status=start)
    with pytest.raises(ValidationError) as exc:
        services.shipment_advance(shipment=shipment, to_status=target)
    assert (
        f"cannot go from {start.label.lower()} to {target.label.lower()}" in exc.value.messages[0]
    )
    shipment.refresh_from_db()
    assert shipment.status == start


@pytest.mark.django_db
def test_an_empty_shipment_cannot_be_booked(shipment):
    with pytest.raises(ValidationError, match="at least one vehicle"):
        services.shipment_advance(shipment=shipment, to_status=S.BOOKED)


@pytest.mark.django_db
def test_cancelling_returns_vehicles_to_stock_and_frees_them(shipment, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    services.shipment_add_vehicle(shipment=shipment, vehicle=vehicle)
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    services.shipment_advance(shipment=shipment, to_status=S.CANCELLED, reason="Buyer withdrew")
    vehicle.refresh_from_db()
    assert vehicle.status == VehicleStatus.IN_STOCK
    other = ShipmentFactory(dealer=dealer_a)
    services.shipment_add_vehicle(shipment=other, vehicle=vehicle)
    assert ShipmentLine.objects.filter(vehicle=vehicle, is_active=True).get().shipment == other


@pytest.mark.django_db
def test_a_vehicle_on_one_shipment_cannot_join_another(shipment, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    services.shipment_add_vehicle(shipment=shipment, vehicle=vehicle)
    with pytest.raises(ValidationError) as exc:
        services.shipment_add_vehicle(shipment=ShipmentFactory(dealer=dealer_a), vehicle=vehicle)
    assert exc.value.message_dict["vehicle"] == [
        f"Vehicle {vehicle.vin} is already on shipment {shipment.reference}."
    ]


@pytest.mark.django_db
def test_another_dealers_vehicle_cannot_be_added(shipment, dealer_b):
    vehicle = VehicleFactory(dealer=dealer_b)
    with pytest.raises(ValidationError, match="belongs to another dealer"):
        services.shipment_add_vehicle(shipment=shipment, vehicle=vehicle)
    assert not shipment.lines.exists()


@pytest.mark.django_db
def test_hs_code_follows_the_powertrain(shipment, dealer_a):
    bev = services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    phev = services.shipment_add_vehicle(
        shipment=shipment,
        vehicle=VehicleFactory(dealer=dealer_a, powertrain="PHEV", engine_cc=1498),
    )
    assert (bev.hs_code, phev.hs_code) == ("8703.80", "8703.60")
    # A diesel car gets the compression-ignition code, not the petrol one (HS 2022 8703.32).
    diesel = services.shipment_add_vehicle(
        shipment=shipment,
        vehicle=VehicleFactory(dealer=dealer_a, powertrain="ICE", engine_cc=1996, fuel="diesel"),
    )
    assert diesel.hs_code == "8703.32"


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_same_car_at_once_leave_it_on_one_shipment(on_postgres, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    shipments = [ShipmentFactory(dealer=dealer_a), ShipmentFactory(dealer=dealer_a)]
    barrier = threading.Barrier(2)
    outcomes = []

    def add(shipment):
        try:
            barrier.wait()
            services.shipment_add_vehicle(shipment=shipment, vehicle=vehicle)
            outcomes.append("added")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(s,)) for s in shipments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("added") == 1
    [refusal] = [o for o in outcomes if o != "added"]
    assert f"Vehicle {vehicle.vin} is already on shipment" in refusal
    assert ShipmentLine.objects.filter(vehicle=vehicle, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_active_line_even_without_locks(on_postgres, dealer_a):
    from django.db import IntegrityError

    vehicle = VehicleFactory(dealer=dealer_a)
    ShipmentLineFactory(vehicle=vehicle)
    with pytest.raises(IntegrityError):
        ShipmentLineFactory(vehicle=vehicle)
