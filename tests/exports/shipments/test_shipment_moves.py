"""What each shipment move needs before it is accepted: the rules re-applied to every car it
commits, the ship and the bill of lading once the cars are on board, and days in order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exports import services
from exports.models import DestinationMarket, ShipmentStatus
from inventory import services as inventory_services
from tests.factories import (
    ShipmentFactory,
    VehicleFactory,
    issued_inspection,
    shippable_vehicle,
    supply_export_papers,
)

pytestmark = pytest.mark.django_db
S = ShipmentStatus
PATH = [S.DRAFT, S.BOOKED, S.CUSTOMS_CLEARED, S.LOADED, S.IN_TRANSIT, S.ARRIVED, S.DELIVERED]


def move_to(shipment, status, on=None):
    """Every legal step from where the shipment stands up to `status`."""
    shipment.refresh_from_db()
    for step in PATH[PATH.index(shipment.status) + 1 : PATH.index(status) + 1]:
        services.shipment_advance(shipment=shipment, to_status=step, on=on)


def battery_worn_to_85(car):
    # A newer issued report replaces the one the car was added with (latest issued counts).
    issued_inspection(car, battery_soh_pct=Decimal("85.0"), battery_soh_method="bms_readout")


def salvage_title(car):
    inventory_services.vehicle_update(vehicle=car, is_salvage=True)


# A car that became blocked after it was added is refused by every move that commits
# it. Sources: Jordan, used EVs need battery state of health >= 90% (domain_rules.md J2 / B3,
# dooz.com/en/public/car-news/D9EDB91; seed USED_EV_MIN_SOH_PERCENT); Saudi Arabia bans
# salvage vehicles (domain_rules.md S3, wcshipping.com; seed
# DAMAGED_SALVAGE_TAXI_POLICE_PROHIBITED).
JORDAN_BATTERY = ("JO", "Jordan", battery_worn_to_85, "USED_EV_MIN_SOH_PERCENT")
SAUDI_SALVAGE = ("SA", "Saudi Arabia", salvage_title, "DAMAGED_SALVAGE_TAXI_POLICE_PROHIBITED")


@pytest.mark.parametrize(("market", "name", "blocked_by", "rule"), [JORDAN_BATTERY, SAUDI_SALVAGE])
@pytest.mark.parametrize(
    ("stands", "move"),
    [(S.DRAFT, S.BOOKED), (S.BOOKED, S.CUSTOMS_CLEARED), (S.CUSTOMS_CLEARED, S.LOADED)],
)
def test_a_car_blocked_after_it_was_added_stops_every_committing_move(
    dealer_a, markets, market, name, blocked_by, rule, stands, move
):
    shipment = ShipmentFactory(
        dealer=dealer_a, destination=DestinationMarket.objects.get(country_code=market)
    )
    # Registered a month ago: a used export, whose confirmation names the destination (C12).
    registered = dealer_a.today() - timedelta(days=30)
    fine = VehicleFactory(dealer=dealer_a, registered_on=registered)
    car = VehicleFactory(dealer=dealer_a, registered_on=registered)
    for vehicle in (fine, car):
        supply_export_papers(vehicle, country=market)
        services.shipment_add_vehicle(shipment=shipment, vehicle=vehicle, sale_price=Decimal("1"))
    if market == "JO":  # Jordan's conformity certificate, which customs clearance waits for
        for vehicle in (fine, car):
            inventory_services.vehicle_document_add(
                vehicle=vehicle,
                kind="conformity_certificate",
                country_code="JO",
                issuer="TÜV Rheinland",
                issued_on=dealer_a.today(),
            )
    move_to(shipment, stands)
    blocked_by(car)
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=move)
    [message] = caught.value.messages
    assert message.startswith(f"Vehicle {car.vin} cannot go to {name}: {rule}: ")
    shipment.refresh_from_db()
    assert shipment.status == stands


# The bill of lading is the document of title that carries the VINs once the cars are
# on board (domain_rules.md 5.1, whale.autos); the ship is named on it.
@pytest.mark.parametrize(
    ("vessel", "bill_of_lading", "missing"),
    [
        ("", "", ["vessel", "bill of lading"]),
        ("Morning Cara", "", ["bill of lading"]),
        ("", "COSU6213456780", ["vessel"]),
    ],
)
@pytest.mark.parametrize("move", [S.LOADED, S.IN_TRANSIT, S.ARRIVED, S.DELIVERED])
def test_a_move_on_board_names_the_ship_and_bill_of_lading_it_lacks(
    dealer_a, markets, vessel, bill_of_lading, missing, move
):
    shipment = ShipmentFactory(dealer=dealer_a)
    services.shipment_add_vehicle(
        shipment=shipment, vehicle=shippable_vehicle(dealer_a), sale_price=Decimal("20000")
    )
    move_to(shipment, PATH[PATH.index(move) - 1])
    # Cleared through the model: the service itself keeps them once the cars are loaded.
    type(shipment).objects.filter(pk=shipment.pk).update(
        vessel=vessel, bill_of_lading=bill_of_lading
    )
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=move)
    assert caught.value.messages == [
        f"Needed before the shipment is {move.label.lower()}: {field}." for field in missing
    ]


@pytest.mark.parametrize("move", [S.LOADED, S.IN_TRANSIT, S.ARRIVED, S.DELIVERED])
def test_no_move_on_board_is_dated_before_the_etd(dealer_a, markets, move):
    today = dealer_a.today()
    shipment = ShipmentFactory(dealer=dealer_a)
    services.shipment_add_vehicle(
        shipment=shipment, vehicle=shippable_vehicle(dealer_a), sale_price=Decimal("20000")
    )
    move_to(shipment, PATH[PATH.index(move) - 1], on=today - timedelta(days=5))
    # An ETD recorded before this check existed may lie after the loading day.
    type(shipment).objects.filter(pk=shipment.pk).update(etd=today - timedelta(days=2))
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=move, on=today - timedelta(days=3))
    assert caught.value.message_dict["on"] == [
        f"The shipment cannot be {move.label.lower()} on {(today - timedelta(days=3)).isoformat()}"
        f", before its ETD {(today - timedelta(days=2)).isoformat()}; correct the ETD if the ship "
        "left early."
    ]
    services.shipment_advance(shipment=shipment, to_status=move, on=today - timedelta(days=2))


@pytest.mark.parametrize("move", [S.BOOKED, S.LOADED, S.IN_TRANSIT, S.ARRIVED, S.DELIVERED])
def test_no_move_is_dated_in_the_future_or_before_the_one_before(dealer_a, markets, move):
    today = dealer_a.today()
    shipment = ShipmentFactory(dealer=dealer_a)
    services.shipment_add_vehicle(
        shipment=shipment, vehicle=shippable_vehicle(dealer_a), sale_price=Decimal("20000")
    )
    move_to(shipment, PATH[PATH.index(move) - 1], on=today - timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=move, on=today + timedelta(days=1))
    assert caught.value.message_dict["on"] == ["A move cannot be dated in the future."]
    if move != S.BOOKED:
        with pytest.raises(ValidationError) as caught:
            services.shipment_advance(
                shipment=shipment, to_status=move, on=today - timedelta(days=2)
            )
        assert "before the one before it" in caught.value.message_dict["on"][0]


def test_what_loading_needed_cannot_be_erased_afterwards(dealer_a, markets):
    today = dealer_a.today()
    shipment = ShipmentFactory(dealer=dealer_a)
    services.shipment_add_vehicle(
        shipment=shipment, vehicle=shippable_vehicle(dealer_a), sale_price=Decimal("20000")
    )
    move_to(shipment, S.LOADED, on=today - timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        services.shipment_update(shipment=shipment, vessel="", bill_of_lading="")
    assert set(caught.value.message_dict) == {"vessel", "bill_of_lading"}
    with pytest.raises(ValidationError) as caught:
        services.shipment_update(shipment=shipment, etd=today)
    assert caught.value.message_dict["etd"] == [
        f"The cars were loaded on {(today - timedelta(days=1)).isoformat()}; "
        "the ETD cannot be later."
    ]
