"""The origin and destination rules that need a recorded fact: the registered owner (China),
the declarant and certificate holder (Uzbekistan), and China's licence batches."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exports import services, shipments
from exports.models import DestinationMarket, MarketRule, ShipmentStatus
from inventory import services as inventory_services
from inventory.models import RegisteredOwner
from tests.factories import ShipmentFactory, VehicleFactory, shippable_vehicle

pytestmark = pytest.mark.django_db
S = ShipmentStatus


def used_car(dealer, **fields):
    """A car registered long enough ago to need no maker's confirmation (C12), with its
    inspection: China judges it as a used export (C3)."""
    fields.setdefault("registered_on", dealer.today() - timedelta(days=200))
    return shippable_vehicle(dealer, **fields)


@pytest.fixture
def shipment(dealer_a, markets):
    return ShipmentFactory(dealer=dealer_a)


# Domain rule C6 (chacewang.com/newsdetail/news618507.html): the owner on the registration
# certificate must be the exporter named on the licence.
@pytest.mark.parametrize(
    ("owner", "name", "refusal", "outstanding"),
    [
        (RegisteredOwner.DEALER, "", None, []),
        (
            RegisteredOwner.OTHER,
            "Wang Lei",
            "EXPORTER_EQUALS_REGISTERED_OWNER: The car is registered to Wang Lei, not to the "
            "exporter: transfer it to the exporter before applying for the licence.",
            None,
        ),
        (RegisteredOwner.UNKNOWN, "", None, ["registered_owner"]),
    ],
)
def test_a_used_car_goes_only_in_its_registered_owners_name(
    shipment, dealer_a, owner, name, refusal, outstanding
):
    car = used_car(dealer_a, registered_owner=owner, registered_owner_name=name)
    if refusal:
        with pytest.raises(ValidationError) as caught:
            services.shipment_add_vehicle(shipment=shipment, vehicle=car)
        assert caught.value.message_dict["vehicle"] == [
            f"Vehicle {car.vin} cannot go to Kazakhstan: {refusal}"
        ]
        assert not shipment.lines.exists()
        return
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("1"))
    assert line.outstanding == outstanding


def test_an_owner_not_recorded_holds_back_customs_clearance(shipment, dealer_a):
    car = used_car(dealer_a, registered_owner=RegisteredOwner.UNKNOWN)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("1"))
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)
    assert caught.value.messages == [
        f"Vehicle {car.vin} still needs: Registered owner, from the registration certificate."
    ]
    inventory_services.vehicle_update(vehicle=car, registered_owner=RegisteredOwner.DEALER)
    services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)


def test_booking_refuses_a_car_found_registered_to_someone_else(shipment, dealer_a):
    car = used_car(dealer_a)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("1"))
    inventory_services.vehicle_update(
        vehicle=car, registered_owner=RegisteredOwner.OTHER, registered_owner_name="Li Na"
    )
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    assert caught.value.messages == [
        f"Vehicle {car.vin} cannot go to Kazakhstan: EXPORTER_EQUALS_REGISTERED_OWNER: The car "
        "is registered to Li Na, not to the exporter: transfer it to the exporter before "
        "applying for the licence."
    ]


def test_a_car_registered_to_someone_else_is_no_export_candidate(dealer_a, markets):
    car = used_car(
        dealer_a,
        stocked_on=dealer_a.today() - timedelta(days=90),
        registered_owner=RegisteredOwner.OTHER,
        registered_owner_name="Wang Lei",
    )
    twin = VehicleFactory(
        dealer=dealer_a,
        stocked_on=car.stocked_on,
        registered_on=car.registered_on,
        registered_owner=RegisteredOwner.OTHER,
        registered_owner_name="Wang Lei",
    )
    mine = VehicleFactory(
        dealer=dealer_a, stocked_on=car.stocked_on, registered_on=car.registered_on
    )
    services.export_candidates_flag(dealer=dealer_a, on=dealer_a.today())
    for vehicle in (car, twin, mine):
        vehicle.refresh_from_db()
    # Judged one by one (papers on file) and as a profile alike.
    assert (car.export_candidate, twin.export_candidate, mine.export_candidate) == (
        False,
        False,
        True,
    )


# Uzbekistan U1 (centralasia24.com/uzbekistan/economy/post/1897/...): a car is not released
# when its compliance certificate was issued to someone other than the declarant.
@pytest.mark.parametrize(
    ("declarant", "holder", "booking_refusal", "clearance_problem"),
    [
        ("Tashkent Auto", "Tashkent Auto", None, None),
        (
            "Tashkent Auto",
            "Samarkand Motors",
            "CERT_HOLDER_MUST_BE_DECLARANT: The compliance certificate is issued to Samarkand "
            "Motors but Tashkent Auto declares the car; Uzbekistan releases it only to the "
            "certificate's holder.",
            None,
        ),
        ("", "Tashkent Auto", None, "Import declarant, recorded on the shipment"),
        ("Tashkent Auto", "", None, "Compliance certificate (Uzbekistan)"),
    ],
)
def test_uzbekistan_checks_the_certificate_holder_against_the_declarant(
    dealer_a, markets, declarant, holder, booking_refusal, clearance_problem
):
    shipment = ShipmentFactory(
        dealer=dealer_a, destination=DestinationMarket.objects.get(country_code="UZ")
    )
    car = used_car(dealer_a)
    inventory_services.vehicle_document_add(
        vehicle=car,
        kind="compliance_certificate",
        country_code="UZ",
        issuer="O'zstandart",
        holder=holder,
        issued_on=dealer_a.today(),
    )
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("1"))
    # Recorded after the car was added: the booking checks it again.
    shipment = services.shipment_update(shipment=shipment, declarant=declarant)
    if booking_refusal:
        with pytest.raises(ValidationError) as caught:
            services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
        assert caught.value.messages == [
            f"Vehicle {car.vin} cannot go to Uzbekistan: {booking_refusal}"
        ]
        return
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    if clearance_problem:
        with pytest.raises(ValidationError) as caught:
            services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)
        assert caught.value.messages == [f"Vehicle {car.vin} still needs: {clearance_problem}."]
        return
    services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)


def test_a_car_whose_holder_differs_is_refused_when_added(dealer_a, markets):
    shipment = ShipmentFactory(
        dealer=dealer_a,
        destination=DestinationMarket.objects.get(country_code="UZ"),
        declarant="Tashkent Auto",
    )
    car = used_car(dealer_a)
    inventory_services.vehicle_document_add(
        vehicle=car,
        kind="compliance_certificate",
        country_code="UZ",
        issuer="O'zstandart",
        holder="Someone Else LLC",
        issued_on=dealer_a.today(),
    )
    with pytest.raises(ValidationError) as caught:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    assert "CERT_HOLDER_MUST_BE_DECLARANT" in caught.value.message_dict["vehicle"][0]
    assert car.vin in caught.value.message_dict["vehicle"][0]


def set_licence_rule(**params):
    rule = MarketRule.objects.get(
        market__country_code="CN", rule_code="EXPORT_LICENCE_MAX_VEHICLES"
    )
    rule.params = {**rule.params, **params}
    rule.save()


# Domain rule C6 (bramblepropertysearch.com/xinwenzixun/461.html): a licence covers at most
# the rule's max_vehicles cars, all under one commodity code (section 5.2: 10 digits).
def test_batches_follow_the_rules_limit_and_the_ten_digit_code(shipment, dealer_a):
    set_licence_rule(max_vehicles=2)
    bevs = [VehicleFactory(dealer=dealer_a) for _ in range(3)]
    saloons = [
        VehicleFactory(dealer=dealer_a, powertrain="ICE", engine_cc=998, body_type="saloon")
        for _ in range(2)
    ]
    wagon = VehicleFactory(dealer=dealer_a, powertrain="ICE", engine_cc=998, body_type="wagon")
    bare = VehicleFactory(dealer=dealer_a, powertrain="ICE", engine_cc=998)
    for car in [bevs[0], saloons[0], bare, bevs[1], wagon, saloons[1], bevs[2]]:
        services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    found = [
        (b.number, b.hs_code, b.commodity_code, b.verified, [line.vehicle for line in b.lines])
        for b in shipments.batches_of(shipment)
    ]
    assert (
        found
        == [
            (1, "8703.21", "8703213010", True, saloons),
            (2, "8703.21", "", False, [bare, wagon]),  # no line known: they wait, named
            (3, "8703.80", "8703801090", True, bevs[:2]),
            (4, "8703.80", "8703801090", True, bevs[2:]),
        ]
    )
    waiting = shipments.batches_of(shipment)[1].undetermined
    assert waiting == (
        (bare.vin, "Record the body type: China's 10-digit line depends on it."),
        (
            wagon.vin,
            "DealerHub's table has no China tariff line for a station wagon of 9 seats or "
            "fewer under HS 8703.21: classify it by hand.",
        ),
    )


def test_a_car_without_body_type_is_named_before_clearance(shipment, dealer_a):
    car = used_car(dealer_a, powertrain="ICE", engine_cc=998)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("1"))
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)
    with pytest.raises(ValidationError) as caught:
        services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)
    assert caught.value.messages == [
        f"Vehicle {car.vin} cannot be put on an export licence: EXPORT_LICENCE_MAX_VEHICLES: "
        "Record the body type: China's 10-digit line depends on it."
    ]
    inventory_services.vehicle_update(vehicle=car, body_type="saloon")
    services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED)
    line = shipment.lines.get()
    assert (line.commodity_code, line.licence_batch) == ("8703213010", 1)
