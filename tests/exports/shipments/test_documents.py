"""Trade documents: the four papers of a shipment agree on VINs and figures, carry the right
dangerous-goods lines, and are stored as new versions each time they are made."""

import dataclasses
import io
import re
from datetime import timedelta
from decimal import Decimal
from itertools import zip_longest

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exports import documents, services, shipments
from exports.models import (
    DestinationMarket,
    DocumentKind,
    ExportShipment,
    ShipmentDocument,
    ShipmentStatus,
)
from inventory.models import Powertrain
from tests.factories import ShipmentFactory, VehicleFactory

VIN = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")
UN_BEV = "UN 3556, VEHICLE, LITHIUM ION BATTERY POWERED, class 9"
UN_ENGINE = "UN 3166, VEHICLE, FLAMMABLE LIQUID POWERED, class 9"
PRICES = {
    "bev": Decimal("23456.78"),
    "phev": Decimal("19870.15"),
    "ice": Decimal("14321.09"),
    "bev2": Decimal("24680.24"),
}
FREIGHT = Decimal("3210.50")
INSURANCE = Decimal("187.25")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_shipment(dealer, by, *, incoterm="CIF", reference="JEA-2601", **details):
    """A shipment to the UAE with a BEV, a PHEV, a petrol car and a second BEV, added in that
    order, built through the services so that the export rules and licence batches apply."""
    fields = {
        "consignee_address": "Plot 12, Al Aweer\nDubai",
        "port_of_loading": "Shanghai",
        "port_of_discharge": "Jebel Ali",
        "vessel": "Morning Crown",
        "voyage": "026W",
        "incoterm": incoterm,
        "freight_cost": FREIGHT,
        "insurance_cost": INSURANCE,
        **details,
    }
    shipment = services.shipment_create(
        dealer=dealer,
        reference=reference,
        destination=DestinationMarket.objects.get(country_code="AE"),
        consignee="Gulf Motors Trading LLC",
        by=by,
        **fields,
    )
    cars = {
        "bev": VehicleFactory(dealer=dealer, powertrain=Powertrain.BEV, colour="White"),
        "phev": VehicleFactory(
            dealer=dealer, powertrain=Powertrain.PHEV, engine_cc=1498, model="Song Plus DM-i"
        ),
        "ice": VehicleFactory(
            dealer=dealer,
            make="Geely",
            model="Monjaro",
            powertrain=Powertrain.ICE,
            engine_cc=1969,
            colour="Grey",
        ),
        "bev2": VehicleFactory(dealer=dealer, powertrain=Powertrain.BEV, colour="Blue"),
    }
    for name, car in cars.items():
        services.shipment_add_vehicle(
            shipment=shipment, vehicle=car, sale_price=PRICES[name], by=by
        )
    return shipment, {name: car.vin for name, car in cars.items()}


@pytest.fixture
def cif(markets, dealer_a, manager_a):
    return make_shipment(dealer_a, manager_a)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_vins(rows) -> list[str]:
    return [cell for row in rows for cell in row if isinstance(cell, str) and VIN.fullmatch(cell)]


def table(rows, first_header):
    """The rows under the header row that starts with `first_header`, up to a blank row, as
    dicts by column header; a write-only sheet leaves out a row's empty trailing cells."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    header = rows[start]
    result = []
    for row in rows[start + 1 :]:
        if not any(cell is not None for cell in row):
            break
        result.append(dict(zip_longest(header, row)))
    return result


def after(text, vin, vins):
    """The PDF text from `vin` up to the next car's VIN."""
    start = text.index(vin)
    ends = [text.index(other, start + 1) for other in vins if other in text[start + 1 :]]
    return text[start : min(ends, default=len(text))]


def generate(shipment, by):
    made = services.shipment_documents_generate(shipment=shipment, by=by)
    return {document.kind: document for document in made}


def read(document):
    with document.pdf.open("rb") as pdf, document.xlsx.open("rb") as xlsx:
        return pdf.read(), xlsx.read()


@pytest.mark.django_db
def test_all_four_documents_list_the_same_vins_in_the_same_order(cif, manager_a):
    shipment, vins = cif
    expected = [line.vehicle.vin for line in shipments.active_lines(shipment)]
    # Licence batches go by HS code, so the documents' order is not the order cars were added.
    assert expected == [vins["ice"], vins["phev"], vins["bev"], vins["bev2"]]

    made = generate(shipment, manager_a)

    assert set(made) == set(DocumentKind)
    for kind, document in made.items():
        pdf, xlsx = read(document)
        assert VIN.findall(pdf_text(pdf)) == expected, kind
        assert xlsx_vins(xlsx_rows(xlsx)) == expected, kind
        assert document.vins == expected, kind


# IMDG Code Amdt 42-24 dangerous goods list: UN 3556 "VEHICLE, LITHIUM ION BATTERY POWERED"
# and UN 3166 "VEHICLE, FLAMMABLE LIQUID POWERED", class 9, exactly as printed (domain rules
# 5.3: sakerhetsradgivarna.se/farligt-gods/guide/un-3556-adr-rid-imdg; lithium-batterie-
# service.de/en/newsblog/requirements-for-booking-electric-vehicles). Special provision 961:
# a vehicle with an engine is not subject to the Code when it shows no leakage and is stowed
# in a ro-ro ship's vehicle spaces or weather deck, or has empty tanks and batteries protected
# from short circuit; lithium-only vehicles are booked with no exemption.
@pytest.mark.parametrize(
    ("powertrain", "special_provision_961", "line"),
    [
        (Powertrain.BEV, False, UN_BEV),
        (Powertrain.BEV, True, UN_BEV),
        (Powertrain.PHEV, False, UN_ENGINE),
        (Powertrain.EREV, False, UN_ENGINE),
        (Powertrain.HEV, False, UN_ENGINE),
        (Powertrain.ICE, False, UN_ENGINE),
        (Powertrain.PHEV, True, None),
        (Powertrain.HEV, True, None),
        (Powertrain.ICE, True, None),
    ],
)
def test_dangerous_goods_line_follows_the_powertrain(powertrain, special_provision_961, line):
    found = documents.dangerous_goods(powertrain, special_provision_961=special_provision_961)
    assert found == line
    assert "(" not in (found or "")


@pytest.mark.parametrize(
    ("transport_mode", "stowage", "no_leakage", "emptied", "met"),
    [
        ("roro", "", False, False, False),  # nothing recorded: declared
        ("roro", "roro_space", False, False, False),  # leakage not checked
        ("roro", "roro_space", True, False, True),
        ("roro", "roro_deck", True, False, True),
        ("roro", "other", True, False, False),
        ("container", "container", True, False, False),
        ("container", "container", True, True, True),  # tanks empty, batteries protected
        ("container", "container", False, True, False),
    ],
)
def test_special_provision_961_needs_its_conditions_recorded(
    transport_mode, stowage, no_leakage, emptied, met
):
    shipment = ExportShipment(
        transport_mode=transport_mode,
        stowage=stowage,
        no_leakage=no_leakage,
        fuel_empty_batteries_protected=emptied,
    )
    assert shipment.special_provision_961 is met


@pytest.mark.django_db
def test_a_container_shipment_cannot_be_stowed_on_a_roro_deck(markets, dealer_a):
    with pytest.raises(ValidationError) as caught:
        services.shipment_create(
            dealer=dealer_a,
            reference="AE-SP961",
            destination=DestinationMarket.objects.get(country_code="AE"),
            consignee="Gulf Motors Trading LLC",
            transport_mode="container",
            stowage="roro_deck",
        )
    assert "stowage" in caught.value.message_dict


@pytest.mark.django_db
def test_a_shipment_meeting_special_provision_961_declares_only_its_electric_cars(
    markets, dealer_a, manager_a
):
    shipment, vins = make_shipment(
        dealer_a, manager_a, stowage="roro_space", no_leakage=True, reference="AE-961"
    )
    pdf, xlsx = read(generate(shipment, manager_a)[DocumentKind.SHIPPING_INSTRUCTION])
    cars = {row["VIN"]: row["Dangerous goods"] for row in table(xlsx_rows(xlsx), "No.")}
    assert cars == {
        vins["bev"]: UN_BEV,
        vins["bev2"]: UN_BEV,
        vins["phev"]: None,
        vins["ice"]: None,
    }
    text = " ".join(pdf_text(pdf).split())
    assert "special provision 961" in text
    assert "ro-ro space of a ro-ro ship" in text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [DocumentKind.PACKING_LIST, DocumentKind.SHIPPING_INSTRUCTION])
def test_each_car_carries_its_own_dangerous_goods_line(cif, manager_a, kind):
    shipment, vins = cif
    pdf, xlsx = read(generate(shipment, manager_a)[kind])

    text = pdf_text(pdf)
    expected = {"bev": "UN 3556", "bev2": "UN 3556", "phev": "UN 3166", "ice": "UN 3166"}
    for name, number in expected.items():
        segment = after(text, vins[name], vins.values())
        if number is None:
            assert "UN 3" not in segment, name
        else:
            assert number in segment, name
            assert "class 9" in segment, name
    cars = {row["VIN"]: row["Dangerous goods"] for row in table(xlsx_rows(xlsx), "No.")}
    assert cars == {
        vins["bev"]: UN_BEV,
        vins["bev2"]: UN_BEV,
        vins["phev"]: UN_ENGINE,
        vins["ice"]: UN_ENGINE,
    }


def money_cells(rows):
    return [Decimal(str(cell)).quantize(Decimal("0.01")) for cell in rows if cell is not None]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoterm", "place", "extras"),
    [
        ("CIF", "Jebel Ali", FREIGHT + INSURANCE),
        ("CFR", "Jebel Ali", FREIGHT),
        ("FOB", "Shanghai", Decimal("0")),
    ],
)
def test_invoice_total_is_the_unit_prices_with_the_carriage_the_seller_pays_inside(
    markets, dealer_a, manager_a, incoterm, place, extras
):
    """Unit prices are agreed under the Incoterm: a CIF price includes freight and insurance,
    which the invoice breaks out of the total to show the cars' FOB value."""
    shipment, _vins = make_shipment(dealer_a, manager_a, incoterm=incoterm)
    prices = sum(PRICES.values())
    total = prices

    made = generate(shipment, manager_a)

    for kind in (DocumentKind.COMMERCIAL_INVOICE, DocumentKind.PROFORMA_INVOICE):
        document = made[kind]
        assert document.total == total
        assert document.currency == "USD"
        pdf, xlsx = read(document)
        text = pdf_text(pdf)
        assert f"{incoterm} {place} Incoterms 2020" in text
        assert f"USD {total:,.2f}" in text
        rows = xlsx_rows(xlsx)
        labels = {row[7]: row[8] for row in rows if len(row) > 8 and isinstance(row[7], str)}
        assert Decimal(str(labels[f"Total {incoterm} {place} Incoterms 2020"])) == total
        if extras:
            fob_value = Decimal(str(labels["Vehicles, FOB value"]))
            assert fob_value == prices - extras
            assert f"USD {prices - extras:,.2f}" in text
        assert ("Freight" in labels) is (incoterm != "FOB")
        assert ("Insurance" in labels) is (incoterm == "CIF")
        assert ("Freight" in text) is (incoterm != "FOB")
        assert ("Insurance" in text) is (incoterm == "CIF")
        unit_prices = money_cells(row["Unit price (USD)"] for row in table(rows, "No."))
        assert sum(unit_prices) == prices


@pytest.mark.django_db
def test_commercial_invoice_declares_used_vehicles_and_proforma_is_marked(cif, manager_a):
    shipment, _vins = cif
    made = generate(shipment, manager_a)

    invoice = pdf_text(read(made[DocumentKind.COMMERCIAL_INVOICE])[0])
    assert "USED passenger motor vehicles" in invoice
    assert "Proforma" not in invoice
    rows = table(xlsx_rows(read(made[DocumentKind.COMMERCIAL_INVOICE])[1]), "No.")
    assert {row["Condition"] for row in rows} == {"Used"}
    assert {row["HS code"] for row in rows} == {"8703.80", "8703.60", "8703.23"}

    proforma = pdf_text(read(made[DocumentKind.PROFORMA_INVOICE])[0])
    assert "PROFORMA" in proforma.upper()
    valid_until = (
        shipment.dealer.today() + timedelta(days=documents.PROFORMA_VALID_DAYS)
    ).isoformat()
    assert f"Prices valid until {valid_until}" in proforma


@pytest.mark.django_db
def test_packing_list_shows_no_prices(cif, manager_a):
    shipment, _vins = cif
    pdf, xlsx = read(generate(shipment, manager_a)[DocumentKind.PACKING_LIST])

    text = pdf_text(pdf)
    figures = [*PRICES.values(), FREIGHT, INSURANCE, sum(PRICES.values())]
    for figure in figures:
        assert f"{figure:,.2f}" not in text
        assert str(figure) not in text
    assert "USD" not in text
    cells = [cell for row in xlsx_rows(xlsx) for cell in row if cell is not None]
    assert not [cell for cell in cells if isinstance(cell, float | int) and cell > 1000]
    assert not [cell for cell in cells if isinstance(cell, str) and "USD" in cell]
    assert {row["Powertrain"] for row in table(xlsx_rows(xlsx), "No.")} == {
        str(Powertrain.BEV.label),
        str(Powertrain.PHEV.label),
        str(Powertrain.ICE.label),
    }


@pytest.mark.django_db
def test_shipping_instruction_shows_the_licence_batches(cif, manager_a):
    shipment, _vins = cif
    pdf, xlsx = read(generate(shipment, manager_a)[DocumentKind.SHIPPING_INSTRUCTION])

    # Section 5.2: China's licence goes by 10-digit line; cars without a body type have none.
    expected = [
        (1, "8703.23", "not determined", 1),
        (2, "8703.60", "not determined", 1),
        (3, "8703.80", "8703801090", 2),
    ]
    rows = xlsx_rows(xlsx)
    found = [
        (r["Batch"], r["HS code"], r["China commodity code"], r["Units"])
        for r in table(rows, "Batch")
    ]
    assert found == expected
    text = pdf_text(pdf)
    batches = text[text.index("Export licence batches") :]
    for number, code, commodity, size in expected:
        assert re.search(rf"^{number} {re.escape(code)} {commodity} {size}$", batches, re.MULTILINE)
    for fact in ("Gulf Motors Trading LLC", "Morning Crown", "026W", "Shanghai", "Jebel Ali"):
        assert fact in text
    assert "Same as consignee" in text
    assert "Prepaid" in text


@pytest.mark.django_db
def test_the_admin_links_each_document_through_the_staff_page(cif, client, manager_a):
    shipment, _vins = cif
    made = generate(shipment, manager_a)
    client.force_login(manager_a)
    page = client.get(reverse("admin:exports_exportshipment_change", args=[shipment.pk]))
    html = page.content.decode()
    assert "/media/" not in html
    for document in made.values():
        for fmt in ("pdf", "xlsx"):
            served = reverse(
                "exports:shipment_document_download", args=[shipment.pk, document.pk, fmt]
            )
            assert f'href="{served}"' in html
            assert client.get(served).status_code == 200


@pytest.mark.django_db
def test_generating_again_makes_version_two_of_every_kind(cif, manager_a, media):
    shipment, _vins = cif
    generate(shipment, manager_a)
    second = generate(shipment, manager_a)

    versions = {kind: document.version for kind, document in second.items()}
    assert versions == dict.fromkeys(DocumentKind, 2)
    stored = ShipmentDocument.objects.filter(shipment=shipment)
    assert sorted((d.kind, d.version) for d in stored) == sorted(
        (kind.value, version) for kind in DocumentKind for version in (1, 2)
    )
    for document in stored:
        pdf, xlsx = read(document)
        assert pdf.startswith(b"%PDF-")
        assert xlsx.startswith(b"PK")
        assert str(media) in document.pdf.path
        assert document.created_by == manager_a


@pytest.mark.django_db
def test_the_same_figures_make_the_same_files(cif):
    shipment, _vins = cif
    data = documents.document_data(shipment, shipments.active_lines(shipment))

    for kind in DocumentKind:
        assert documents.render(kind, data) == documents.render(kind, data)


@pytest.mark.django_db
def test_a_missing_named_place_is_printed_as_missing(markets, dealer_a, manager_a):
    shipment, _vins = make_shipment(dealer_a, manager_a, incoterm="FOB", port_of_loading="")
    data = documents.document_data(shipment, shipments.active_lines(shipment))

    assert data.incoterm_text == "FOB [named place not set] Incoterms 2020"


@pytest.mark.django_db
def test_a_shipment_without_vehicles_gets_no_documents(dealer_a, manager_a):
    shipment = ShipmentFactory(dealer=dealer_a)

    with pytest.raises(ValidationError, match="Add vehicles"):
        services.shipment_documents_generate(shipment=shipment, by=manager_a)
    assert not ShipmentDocument.objects.filter(shipment=shipment).exists()


@pytest.mark.django_db
def test_a_cancelled_shipment_gets_no_documents(cif, manager_a):
    shipment, _vins = cif
    services.shipment_advance(
        shipment=shipment, to_status=ShipmentStatus.CANCELLED, by=manager_a, reason="Buyer left"
    )

    with pytest.raises(ValidationError, match="cancelled"):
        services.shipment_documents_generate(shipment=shipment, by=manager_a)
    assert not ShipmentDocument.objects.filter(shipment=shipment).exists()


# --- typed text stays text ----------------------------------------------------------------------

# What a consignee, B/L, make or model could start with to become a live formula.
FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def typed(data, text):
    """`data` with `text` in every field a person types, each field marked by a suffix."""
    lines = tuple(
        dataclasses.replace(line, make=text, model=f"{text} model") for line in data.lines
    )
    return dataclasses.replace(
        data,
        consignee=text,
        consignee_address=f"{text} address",
        bill_of_lading=f"{text} bl",
        vessel=f"{text} vessel",
        voyage=f"{text} voyage",
        port_of_loading=f"{text} pol",
        port_of_discharge=f"{text} pod",
        lines=lines,
    )


def as_read(text):
    """`text` as any XLSX reader gets it back: XML parsers turn a carriage return into a line
    feed (XML 1.0, end-of-line handling), which is still text, never a formula."""
    return text.replace("\r", "\n")


def xlsx_cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize("text", FORMULA_LIKE)
@pytest.mark.parametrize("kind", DocumentKind.values)
def test_typed_text_that_looks_like_a_formula_is_written_as_text(cif, kind, text):
    shipment, _ = cif
    data = typed(documents.document_data(shipment, shipments.active_lines(shipment)), text)
    _pdf, xlsx = documents.render(kind, data)
    cells = xlsx_cells(xlsx)
    text = as_read(text)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    typed_cells = [cell for cell in cells if isinstance(cell.value, str) and text in cell.value]
    assert typed_cells
    assert {cell.data_type for cell in typed_cells} == {"s"}
    values = {cell.value for cell in typed_cells}
    assert text in values  # the consignee, and the make on the invoices, exactly as typed
    assert f"{text} pol" in values
    if kind == DocumentKind.SHIPPING_INSTRUCTION:
        assert f"{text} bl" in values
    if kind in (DocumentKind.PROFORMA_INVOICE, DocumentKind.COMMERCIAL_INVOICE):
        assert f"{text} model" in values
    else:
        assert f"{text} {text} model" in values  # make and model in one column


def test_a_formula_like_consignee_in_the_saved_files_stays_text(markets, dealer_a, manager_a):
    shipment, _ = make_shipment(dealer_a, manager_a, bill_of_lading="=1+1")
    shipment.consignee = '=HYPERLINK("http://x","y")'
    shipment.save(update_fields=["consignee"])
    made = generate(shipment, manager_a)
    _pdf, xlsx = read(made[DocumentKind.SHIPPING_INSTRUCTION])
    cells = {cell.value: cell.data_type for cell in xlsx_cells(xlsx)}
    assert cells['=HYPERLINK("http://x","y")'] == "s"
    assert cells["=1+1"] == "s"
    assert "f" not in cells.values()
