"""factory_boy factories for DealerHub's models."""

import itertools
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from exports.models import DestinationMarket, ExportShipment
from inventory import vin as vin_rules
from inventory.models import Dealer, FloorPlanLine, Membership, Powertrain, Role, Vehicle

_serial = itertools.count(1)


def next_vin(wmi="LGX"):
    """A valid Chinese VIN with a fresh serial number."""
    return vin_rules.with_check_digit(f"{wmi}CE4CB0S0{next(_serial):06d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    # A full name as people enter it: certificates name their issuer by it.
    first_name = "Mei"
    last_name = factory.Sequence(lambda n: f"Lin {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests-1")


class DealerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dealer

    name = factory.Sequence(lambda n: f"Dealer {n}")
    code = factory.Sequence(lambda n: f"dealer-{n}")
    city = "Hangzhou"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    dealer = factory.SubFactory(DealerFactory)
    role = Role.STAFF


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    dealer = factory.SubFactory(DealerFactory)
    vin = factory.LazyFunction(next_vin)
    make = "BYD"
    model = "Seal"
    model_year = 2025
    powertrain = Powertrain.BEV
    odometer_km = 12
    stocked_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=70))
    acquisition_cost = Decimal("150000.00")
    list_price = Decimal("179800.00")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportShipment

    dealer = factory.SubFactory(DealerFactory)
    reference = factory.Sequence(lambda n: f"SHP-{n:04d}")
    # get_or_create: transactional tests start from an empty database, without the shipped rules.
    destination = factory.LazyFunction(
        lambda: DestinationMarket.objects.get_or_create(
            country_code="KZ", defaults={"name": "Kazakhstan"}
        )[0]
    )
    consignee = "Almaty Auto Trade LLP"


class FloorPlanLineFactory(factory.django.DjangoModelFactory):
    """7.3% on a 365-day basis: 20.00 a day on 100,000."""

    class Meta:
        model = FloorPlanLine

    dealer = factory.SubFactory(DealerFactory)
    lender = "Bank of Hangzhou"
    name = factory.Sequence(lambda n: f"Line {n}")
    apr_pct = Decimal("7.30")


# A factory-fresh car: every panel about the roof's 120 µm.
FACTORY_POINTS = {"roof": [118, 121, 122]}
DEFAULT_POINTS = [124, 126, 128]


def draft_inspection(vehicle=None, *, points=None, substrates=None, structural=(), **fields):
    """A draft report through the service, with a reading for every panel.

    `points` and `substrates` override panels (panel -> list of microns, or -> substrate);
    `structural` findings are (checkpoint, defect) pairs."""
    from inventory import services
    from inventory.models import InspectionReport, PaintReading, Panel, StructuralFinding

    vehicle = vehicle or VehicleFactory()
    points = {**FACTORY_POINTS, **(points or {})}
    substrates = substrates or {}
    values = {
        "inspected_on": timezone.localdate(),
        "inspector": "Li Na",
        "agency": "CCIC Testing",
        "agency_accreditation": "CNAS L1234",
        "odometer_km": 12,
        "verdict": "pass",
        "vin_at_windshield": True,
        "vin_at_door_frame": True,
        "vin_at_chassis": True,
        **fields,
    }
    if vehicle.powertrain == Powertrain.BEV and "battery_soh_pct" not in fields:
        values.update(battery_soh_pct=Decimal("99.0"), battery_soh_method="bms_readout")
    readings = [
        PaintReading(
            panel=panel,
            substrate=substrates.get(panel, "steel"),
            points=points.get(panel, DEFAULT_POINTS),
        )
        for panel in Panel.values
    ]
    return services.inspection_save_draft(
        report=InspectionReport(vehicle=vehicle, **values),
        readings=readings,
        findings=[StructuralFinding(point=p, defect=d) for p, d in structural],
    )


def issued_inspection(vehicle=None, *, by=None, **kwargs):
    from inventory import services

    # A certificate is issued by somebody with a full name; tests that do not care get one.
    by = by or UserFactory()
    return services.inspection_issue(report=draft_inspection(vehicle, **kwargs), by=by)


def supply_export_papers(vehicle, *, country="", by=None):
    """What China's rules ask of a zero-km export: the maker's after-sales confirmation and an
    issued inspection report from an accredited lab."""
    from inventory import services

    services.vehicle_document_add(
        vehicle=vehicle,
        kind="manufacturer_after_sales_confirmation",
        country_code=country,
        issuer=f"{vehicle.make} Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=timezone.localdate(),
        by=by,
    )
    return issued_inspection(vehicle, by=by)


def shippable_vehicle(dealer, *, by=None, **fields):
    """A car with its export papers, that a shipment can take through customs."""
    vehicle = VehicleFactory(dealer=dealer, **fields)
    supply_export_papers(vehicle, by=by)
    return vehicle
