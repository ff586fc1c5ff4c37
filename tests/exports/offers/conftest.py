"""An offer of two cars, one with its certificate and a photo, sent to an exporter and to a
buyer in Kazakhstan who reads Russian; the cars cost figures no recipient may see."""

import io
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from exports import services as export_services
from inventory import services as inventory_services
from tests.factories import (
    ExporterFactory,
    FloorPlanLineFactory,
    VehicleFactory,
    issued_inspection,
    sent_offer,
)

# What the cars cost the dealer and what the lender advanced: never on a recipient's page.
ACQUISITION = Decimal("123457.89")
PRINCIPAL = Decimal("98765.43")
LIST_PRICE = Decimal("187654.00")


def secret_figures():
    """The ways the dealer's own figures could be written on a page, a PDF or a workbook."""
    shown = []
    for amount in (ACQUISITION, PRINCIPAL, LIST_PRICE):
        whole, cents = f"{amount:.2f}".split(".")
        grouped = f"{int(whole):,}"
        shown += [
            f"{amount:.2f}",
            f"{grouped}.{cents}",
            grouped.replace(",", " ") + f",{cents}",
            grouped.replace(",", "\u00a0") + f",{cents}",
            grouped.replace(",", "\u202f") + f",{cents}",
        ]
    return shown


def png(name="front.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def empty_cache():
    """The rate limit counts in the shared cache; every test starts from no requests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(dealer_a, staff_a, markets, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    certified = VehicleFactory(
        dealer=dealer_a,
        make="BYD",
        model="Seal",
        colour="Aurora White",
        acquisition_cost=ACQUISITION,
        list_price=LIST_PRICE,
        export_price=Decimal("170000.00"),
    )
    inventory_services.vehicle_document_add(
        vehicle=certified,
        kind="manufacturer_after_sales_confirmation",
        country_code="",
        issuer="BYD Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=dealer_a.today(),
    )
    report = issued_inspection(
        certified, battery_soh_pct=Decimal("97.5"), battery_soh_method="bms_readout"
    )
    photo = inventory_services.vehicle_photos_add(vehicle=certified, images=[png()])[0]
    plain = VehicleFactory(
        dealer=dealer_a,
        make="Geely",
        model="Galaxy E5",
        acquisition_cost=ACQUISITION,
        list_price=LIST_PRICE,
    )
    inventory_services.vehicle_floor(
        vehicle=plain,
        line=FloorPlanLineFactory(dealer=dealer_a),
        principal=PRINCIPAL,
        floored_on=dealer_a.today() - timedelta(days=5),
    )
    export_services.export_candidates_flag(dealer=dealer_a, on=dealer_a.today())
    exporter = ExporterFactory(dealer=dealer_a, name="Ningbo Global Trade Co.")
    offer = sent_offer(
        dealer_a,
        [certified, plain],
        by=staff_a,
        exporters=[exporter],
        buyers=[("Almaty Auto LLP", "ru")],
        discount="2",
    )
    recipients = list(offer.recipients.order_by("pk"))
    return SimpleNamespace(
        dealer=dealer_a,
        offer=offer,
        cars=[certified, plain],
        report=report,
        photo=photo,
        exporter=exporter,
        to_exporter=recipients[0],
        to_buyer=recipients[1],
        lines={line.vehicle_id: line for line in offer.lines.all()},
    )
