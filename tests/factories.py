"""factory_boy factories for DealerHub's models."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from dealerhub.models import InventoryReport
from exports.models import DestinationMarket, ExportShipment, ShipmentLine
from inventory import vin as vin_rules
from inventory.models import (
    ON_HAND,
    Dealer,
    FloorPlanLine,
    Membership,
    Powertrain,
    Role,
    Vehicle,
    VehicleStatus,
)

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
    status = VehicleStatus.IN_STOCK
    # A car made out of stock left it today, as the services would record.
    left_stock_on = factory.LazyAttribute(
        lambda car: None if car.status in ON_HAND else max(timezone.localdate(), car.stocked_on)
    )


def next_credit_code():
    """A valid unified social credit code with a fresh serial."""
    from exports.models.exporters import uscc_check_character

    first = f"91440300708{next(_serial):06d}"
    return first + uscc_check_character(first)


class ExporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exports.Exporter"

    dealer = factory.SubFactory(DealerFactory)
    name = factory.Sequence(lambda n: f"Ningbo Export Co. {n}")
    credit_code = factory.LazyFunction(next_credit_code)
    qualification_list = "mofcom_enterprise"
    qualified_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    qualified_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=265))


def sent_offer(dealer, vehicles, *, by=None, exporters=(), buyers=(), days=14, discount="0"):
    """An offer of `vehicles` sent to `exporters` and to buyers named in `buyers`."""
    from exports import services as export_services

    offer = export_services.offer_create(
        dealer=dealer,
        vehicles=vehicles,
        valid_until=dealer.today() + timedelta(days=days),
        title="Near-new stock",
        discount_pct=Decimal(discount),
        by=by,
    )
    for exporter in exporters:
        export_services.offer_add_recipient(offer=offer, exporter=exporter, by=by)
    for name, language in buyers:
        export_services.offer_add_recipient(
            offer=offer, buyer_company=name, buyer_country="KZ", language=language, by=by
        )
    export_services.offer_send(offer=offer, by=by)
    offer.refresh_from_db()
    return offer


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
    # Loading needs the ship and the bill of lading; tests that are about them clear these.
    vessel = "Morning Cara"
    bill_of_lading = factory.Sequence(lambda n: f"COSU{n:010d}")


class ShipmentLineFactory(factory.django.DjangoModelFactory):
    """A car on a shipment of its own dealer, written straight to the table: tests that need
    the export rules or the licence batches add it through `shipment_add_vehicle`."""

    class Meta:
        model = ShipmentLine

    vehicle = factory.SubFactory(VehicleFactory)
    shipment = factory.SubFactory(ShipmentFactory, dealer=factory.SelfAttribute("..vehicle.dealer"))


class InventoryReportFactory(factory.django.DjangoModelFactory):
    """A pending weekly inventory report, not built yet."""

    class Meta:
        model = InventoryReport

    dealer = factory.SubFactory(DealerFactory)
    week_start = date(2025, 1, 6)  # a Monday


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


def reserve(vehicle, *, by=None, days=7, customer_name="Wang Fang", deposit="5000", **terms):
    """Reserve a car in stock for a customer, held `days` days past the dealer's today."""
    from inventory import services

    return services.vehicle_reserve(
        vehicle=vehicle,
        customer_name=customer_name,
        deposit=Decimal(deposit),
        expires_on=vehicle.dealer.today() + timedelta(days=days),
        by=by,
        **terms,
    )


PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="licence.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _png_upload(name="hood.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 10)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def dealer_world(dealer, *, tag):
    """One row of every dealer-owned kind at `dealer`, made through the services, for tests
    that try each of them from another dealer. Needs the shipped markets and a MEDIA_ROOT."""
    from api.services import api_token_create
    from dealerhub.models import ComplianceDigest
    from exports import services as export_services
    from inventory import services
    from inventory.models import ExportProgramme, JobRun, PaymentKind

    staff = MembershipFactory(dealer=dealer, user=UserFactory(username=f"staff_{tag}")).user
    vehicle = VehicleFactory(dealer=dealer, stock_number=f"{tag.upper()}-1")
    document = services.vehicle_document_add(
        vehicle=vehicle,
        kind="manufacturer_after_sales_confirmation",
        country_code="",
        issuer=f"{vehicle.make} Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=timezone.localdate(),
    )
    issued = issued_inspection(vehicle)
    draft = draft_inspection(VehicleFactory(dealer=dealer))
    photo = services.inspection_add_photos(report=draft, images=[_png_upload()])[0]
    line = FloorPlanLineFactory(dealer=dealer)
    floored = VehicleFactory(dealer=dealer, acquisition_cost=Decimal("100000"))
    floor_plan = services.vehicle_floor(
        vehicle=floored,
        line=line,
        principal=Decimal("50000"),
        floored_on=dealer.today() - timedelta(days=5),
    )
    services.floor_plan_pay(
        floor_plan=floor_plan,
        kind=PaymentKind.CURTAILMENT,
        amount=Decimal("1000"),
        paid_on=dealer.today(),
    )
    shipment = ShipmentFactory(dealer=dealer)
    shipment_line = export_services.shipment_add_vehicle(
        shipment=shipment, vehicle=VehicleFactory(dealer=dealer), sale_price=Decimal("21000")
    )
    shipment_document = export_services.shipment_documents_generate(shipment=shipment)[0]
    report = InventoryReportFactory(dealer=dealer, week_start=dealer.today())
    ComplianceDigest.objects.create(dealer=dealer, on=dealer.today())
    export_services.cash_flow_snapshot_take(dealer=dealer)
    JobRun.objects.create(job="test", dealer=dealer)
    saved_view = services.saved_view_create(
        dealer=dealer, name=f"{tag.upper()}-1 view", query="make=BYD", is_shared=True, by=staff
    )
    token_owner = MembershipFactory(
        dealer=dealer, user=UserFactory(username=f"api_owner_{tag}"), role=Role.MANAGER
    ).user
    api_token, _key = api_token_create(dealer=dealer, name=f"{tag} DMS", by=token_owner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    stock_import = services.stock_import_start(
        dealer=dealer,
        upload=SimpleUploadedFile("stock.csv", f"VIN,Make\n{vehicle.vin},BYD\n".encode()),
        by=staff,
    )
    exporter = export_services.exporter_create(
        dealer=dealer,
        name=f"{tag.upper()} Export Co.",
        credit_code="91440300708461136T",
        qualification_list="mofcom_enterprise",
        qualified_from=dealer.today() - timedelta(days=100),
        qualified_until=dealer.today() + timedelta(days=265),
    )
    exporter_document = export_services.exporter_document_add(
        exporter=exporter, kind="business_licence", file=pdf_upload()
    )
    offer = sent_offer(dealer, [VehicleFactory(dealer=dealer)], by=staff, exporters=[exporter])
    offer_recipient = offer.recipients.get()
    offer_line = offer.lines.get()
    bid = export_services.response_record(
        recipient=offer_recipient, line_id=offer_line.pk, kind="bid", amount="150000"
    )

    sold = VehicleFactory(
        dealer=dealer,
        make="BYD",
        registered_on=dealer.today() - timedelta(days=200),
        stocked_on=dealer.today() - timedelta(days=250),
    )
    export_sale = export_services.vehicle_sell_for_export(
        vehicle=sold,
        exporter=exporter,
        destination=DestinationMarket.objects.get(country_code="KZ"),
        price=Decimal("120000"),
        currency=dealer.base_currency,
        sold_on=dealer.today(),
        payment_terms="in_advance",
    )
    programme = services.export_programme_save(
        programme=ExportProgramme(
            dealer=dealer,
            maker="BYD",
            name=f"{tag.upper()} export support",
            support_per_car=Decimal("3000"),
            valid_from=dealer.today() - timedelta(days=30),
            valid_to=dealer.today() + timedelta(days=30),
        )
    )
    enrolment = services.vehicle_enrol(vehicle=vehicle, programme=programme)
    return {
        "exporter": exporter,
        "exporter_document": exporter_document,
        "export_sale": export_sale,
        "programme": programme,
        "enrolment": enrolment,
        "staff": staff,
        "vehicle": vehicle,
        "document": document,
        "inspection": issued,
        "draft": draft,
        "photo": photo,
        "floor_plan": floor_plan,
        "shipment": shipment,
        "line": shipment_line,
        "shipment_document": shipment_document,
        "report": report,
        "saved_view": saved_view,
        "api_token": api_token,
        "stock_import": stock_import,
        "offer": offer,
        "offer_line": offer_line,
        "offer_recipient": offer_recipient,
        "bid": bid,
    }
