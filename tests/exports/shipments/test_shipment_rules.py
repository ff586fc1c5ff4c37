"""Shipments inside the rules: what a destination refuses, papers that hold a shipment back
from customs, the FX rate fixed at booking, milestones, licence batches and bad input."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exports import services, shipments
from exports.models import DestinationMarket, ShipmentLine, ShipmentStatus
from inventory import services as inventory_services
from inventory.models import Vehicle
from tests.factories import (
    ShipmentFactory,
    VehicleFactory,
    shippable_vehicle,
    supply_export_papers,
)

pytestmark = pytest.mark.django_db
S = ShipmentStatus


@pytest.fixture
def shipment(dealer_a, markets):
    return ShipmentFactory(dealer=dealer_a, fx_rate_to_base=Decimal("7.1"))


def test_a_car_the_destination_refuses_is_named_with_the_rule(shipment, dealer_a):
    car = VehicleFactory(dealer=dealer_a, steering_side="RHD")
    with pytest.raises(ValidationError) as caught:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    assert caught.value.message_dict["vehicle"] == [
        f"Vehicle {car.vin} cannot go to Kazakhstan: RHD_PROHIBITED: "
        "Right-hand-drive cars may not be imported into Kazakhstan."
    ]
    assert not shipment.lines.exists()


def test_papers_still_needed_are_outstanding_and_hold_back_customs(shipment, dealer_a, manager_a):
    car = VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
    line = services.shipment_add_vehicle(
        shipment=shipment, vehicle=car, sale_price=Decimal("21000"), by=manager_a
    )
    assert line.outstanding == ["manufacturer_after_sales_confirmation", "inspection_report"]
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, by=manager_a)
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED, by=manager_a)
    assert caught.value.messages == [
        f"Vehicle {car.vin} still needs: Manufacturer's after-sales service confirmation, "
        "Inspection needed."
    ]
    shipment.refresh_from_db()
    assert shipment.status == S.BOOKED

    # The confirmation states the export country (C12, Shang Mao Han [2025] No. 648).
    supply_export_papers(car, country=shipment.destination.country_code, by=manager_a)
    assert shipments.outstanding_documents(shipment) == {line: []}
    services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED, by=manager_a)


def test_customs_clearance_needs_every_price(shipment, dealer_a):
    # Without a list or export price the car is booked at no price, which clearance refuses.
    car = shippable_vehicle(dealer_a)
    Vehicle.objects.filter(pk=car.pk).update(list_price=0, export_price=None)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    with pytest.raises(ValidationError, match=f"Vehicle {car.vin} has no sale price"):
        services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)


def test_every_move_is_recorded_with_who_and_the_day(dealer_a, manager_a, markets):
    shipment = services.shipment_create(
        dealer=dealer_a,
        reference="KZ-1",
        destination=DestinationMarket.objects.get(country_code="KZ"),
        consignee="Almaty Auto Trade LLP",
        by=manager_a,
    )
    services.shipment_add_vehicle(
        shipment=shipment, vehicle=shippable_vehicle(dealer_a), sale_price=Decimal("20000")
    )
    today = dealer_a.today()
    services.shipment_advance(
        shipment=shipment, to_status=S.BOOKED, by=manager_a, on=today - timedelta(days=3)
    )
    services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED, by=manager_a)
    moves = [(m.from_status, m.status, m.on, m.by) for m in shipments.timeline(shipment)]
    assert moves == [
        ("", "draft", today, manager_a),
        ("draft", "booked", today - timedelta(days=3), manager_a),
        ("booked", "customs_cleared", today, manager_a),
    ]
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(
            shipment=shipment, to_status=S.LOADED, on=today + timedelta(days=1)
        )
    assert "on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(
            shipment=shipment, to_status=S.LOADED, on=today - timedelta(days=4)
        )
    assert caught.value.message_dict["on"] == [
        f"A move cannot be dated before the one before it, on {today.isoformat()}."
    ]


def test_cancelling_needs_a_reason(shipment, dealer_a):
    services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=S.CANCELLED, reason=" ")
    assert "reason" in caught.value.message_dict
    shipment.refresh_from_db()
    assert shipment.status == S.DRAFT


def test_the_fx_rate_is_fixed_at_booking(shipment, dealer_a):
    services.shipment_update(shipment=shipment, fx_rate_to_base=Decimal("7.05"))
    services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    shipment.refresh_from_db()
    assert shipment.fx_fixed_on == dealer_a.today()
    with pytest.raises(ValidationError) as caught:
        services.shipment_update(shipment=shipment, fx_rate_to_base=Decimal("7.30"))
    assert "Fixed when the shipment was booked" in caught.value.message_dict["fx_rate_to_base"][0]
    services.shipment_update(shipment=shipment, vessel="Morning Cara")  # other details still move
    shipment.refresh_from_db()
    assert (shipment.fx_rate_to_base, shipment.vessel) == (Decimal("7.05"), "Morning Cara")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"fx_rate_to_base": Decimal("0")}, "fx_rate_to_base", "greater than zero"),
        ({"fx_rate_to_base": Decimal("-7")}, "fx_rate_to_base", "greater than zero"),
        ({"freight_cost": Decimal("-1")}, "freight_cost", "cannot be negative"),
        ({"bill_of_lading": "COSU6213456780"}, "bill_of_lading", "already on another shipment"),
    ],
)
def test_bad_shipment_details_are_refused_by_field(shipment, dealer_b, change, field, message):
    ShipmentFactory(dealer=dealer_b, bill_of_lading="COSU6213456780")
    own = shipment.bill_of_lading
    with pytest.raises(ValidationError) as caught:
        services.shipment_update(shipment=shipment, **change)
    assert message in " ".join(caught.value.message_dict[field])
    shipment.refresh_from_db()
    assert shipment.fx_rate_to_base == Decimal("7.1") and shipment.bill_of_lading == own


def test_a_negative_sale_price_is_refused_by_field(shipment, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    with pytest.raises(ValidationError) as caught:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("-5"))
    assert caught.value.message_dict["sale_price"] == [
        f"The sale price of {car.vin} must be more than 0.00."
    ]
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("5"))
    with pytest.raises(ValidationError) as caught:
        services.shipment_line_set_price(line=line, sale_price=Decimal("-1"))
    assert "sale_price" in caught.value.message_dict
    line.refresh_from_db()
    assert line.sale_price == Decimal("5")


def test_cars_are_batched_by_hs_code_twenty_to_a_licence(shipment, dealer_a):
    bevs = [VehicleFactory(dealer=dealer_a) for _ in range(22)]
    phev = VehicleFactory(dealer=dealer_a, powertrain="PHEV", engine_cc=1498)
    hev = VehicleFactory(dealer=dealer_a, powertrain="HEV", engine_cc=1987)
    petrol = VehicleFactory(dealer=dealer_a, powertrain="ICE", engine_cc=1498)
    for car in [*bevs, phev, hev, petrol]:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    found = [(b.number, b.hs_code, b.size) for b in shipments.batches_of(shipment)]
    assert found == [
        (1, "8703.22", 1),  # petrol, 1,001-1,500 cc
        (2, "8703.40", 1),  # hybrid, not plug-in
        (3, "8703.60", 1),  # plug-in hybrid
        (4, "8703.80", 20),  # battery electric: twenty to a licence
        (5, "8703.80", 2),
    ]
    assert shipments.batches_of(shipment)[3].reason.startswith("battery electric")

    services.shipment_remove_vehicle(shipment=shipment, vehicle=bevs[0])
    sizes = [(b.hs_code, b.size) for b in shipments.batches_of(shipment)]
    assert sizes[-2:] == [("8703.80", 20), ("8703.80", 1)]


# Domain rule C5 (Announcement No. 6 of 2024, bramblepropertysearch.com; truckmaker.cn/
# ?Related-Issues/92.html): temporary plates are valid as long as the compulsory insurance,
# at most 60 days; so the expiry is the transfer date plus 60 days, or the insurance end if
# earlier.
@pytest.mark.parametrize(
    ("insurance_ends_in_days", "expires_in_days"),
    [
        (None, 60),  # insurance not recorded: the 60 days
        (200, 60),  # insurance runs longer: the 60 days
        (60, 60),
        (59, 59),  # insurance ends first: the plates end with it
        (10, 10),
        (0, 0),  # insurance ends on the transfer day
    ],
)
def test_the_temporary_plate_expires_after_60_days_or_with_the_insurance(
    shipment, dealer_a, insurance_ends_in_days, expires_in_days
):
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    transferred = dealer_a.today() - timedelta(days=5)
    insurance_end = (
        None if insurance_ends_in_days is None else transferred + timedelta(insurance_ends_in_days)
    )
    services.shipment_line_set_dates(
        line=line, transferred_on=transferred, insurance_ends_on=insurance_end
    )
    line.refresh_from_db()
    assert line.insurance_ends_on == insurance_end
    assert line.temp_plate_expires_on == transferred + timedelta(days=expires_in_days)


def test_line_dates_are_checked(shipment, dealer_a):
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    transferred = dealer_a.today() - timedelta(days=5)
    with pytest.raises(ValidationError) as caught:
        services.shipment_line_set_dates(
            line=line, transferred_on=transferred, insurance_ends_on=transferred - timedelta(1)
        )
    assert "cannot end before the transfer" in caught.value.message_dict["insurance_ends_on"][0]
    with pytest.raises(ValidationError, match="after its export customs clearance"):
        services.shipment_line_set_dates(line=line, deregistered_on=dealer_a.today())
    # No transfer recorded: no temporary plates yet, so nothing expires.
    services.shipment_line_set_dates(line=line, insurance_ends_on=transferred + timedelta(30))
    line.refresh_from_db()
    assert line.temp_plate_expires_on is None


def test_another_dealers_car_is_refused(shipment, dealer_b):
    with pytest.raises(ValidationError) as caught:
        services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_b))
    assert "belongs to another dealer" in caught.value.message_dict["vehicle"][0]
    assert not ShipmentLine.objects.exists()


def test_papers_filed_later_are_seen_at_once(shipment, dealer_a):
    car = VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    inventory_services.vehicle_document_add(
        vehicle=car,
        kind="manufacturer_after_sales_confirmation",
        country_code="KZ",
        issuer="BYD Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=dealer_a.today(),
    )
    assert shipments.outstanding_documents(shipment)[line] == ["inspection_report"]


def test_the_market_cannot_change_under_cars_already_checked(shipment, dealer_a):
    services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    elsewhere = DestinationMarket.objects.get(country_code="AE")
    with pytest.raises(ValidationError) as caught:
        services.shipment_update(
            shipment=shipment, destination=elsewhere, consignee_type="individual"
        )
    assert set(caught.value.message_dict) == {"destination", "consignee_type"}
    shipment.refresh_from_db()
    assert shipment.destination.country_code == "KZ"


def test_outstanding_papers_cost_the_same_queries_for_two_cars_or_ten(
    shipment, dealer_a, django_assert_max_num_queries
):
    for _ in range(2):
        services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    with django_assert_max_num_queries(8) as two:
        shipments.outstanding_documents(shipment)
    for _ in range(8):
        services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    with django_assert_max_num_queries(len(two.captured_queries)):
        found = shipments.outstanding_documents(shipment)
    assert len(found) == 10
