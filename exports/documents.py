"""Trade documents of a shipment (proforma and commercial invoice, packing list, shipping
instruction) as PDF and XLSX from one set of figures."""

import io
import zipfile
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from core.pdf import html_to_pdf, left_to_right_isolates
from inventory.models import Powertrain
from inventory.spreadsheets import WriteOnlySheet

from . import customs, shipments
from .models import DocumentKind, Stowage, TransportMode

TEMPLATE = "exports/document_pdf.html"

# UN number, proper shipping name and class as the IMDG Code prints them; carriers match
# them character for character, so they stay in English in every language and carry nothing
# the Code does not print (no "(hybrid)"). IMDG Amdt 42-24: UN 3556 for cars driven by lithium
# ion batteries alone; UN 3166 for every car with a flammable-liquid engine, hybrids included.
DG_BATTERY_ELECTRIC = "UN 3556, VEHICLE, LITHIUM ION BATTERY POWERED, class 9"
DG_FLAMMABLE_LIQUID = "UN 3166, VEHICLE, FLAMMABLE LIQUID POWERED, class 9"

# The Incoterms rules whose named place is where the goods are handed over in China; under
# the others (CFR, CIF, CIP) it is the destination the seller pays carriage to.
PLACE_IS_LOADING = frozenset({"FOB", "FCA"})
INCOTERMS_EDITION = "Incoterms 2020"

# How long the buyer may rely on a proforma's prices: long enough to open a letter of credit
# or wire a deposit, short enough that the FX rate and freight quote still hold.
PROFORMA_VALID_DAYS = 30

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def dangerous_goods(powertrain, *, special_provision_961=False) -> str | None:
    """The dangerous-goods line a car is booked under at sea, or None when it travels outside
    the IMDG Code. A car with an engine is UN 3166 unless the shipment meets special provision
    961 (`ExportShipment.special_provision_961`); a battery-electric car stays UN 3556, as
    carriers book lithium-only vehicles with no exemption."""
    if powertrain == Powertrain.BEV:
        return DG_BATTERY_ELECTRIC
    return None if special_provision_961 else DG_FLAMMABLE_LIQUID


@dataclass(frozen=True)
class DocumentLine:
    """One car as every document describes it."""

    number: int  # its position on the documents, from 1
    vin: str
    make: str
    model: str  # with the trim, when there is one
    model_year: int
    colour: str
    powertrain: str  # a Powertrain value; its label is looked up in the reader's language
    hs_code: str
    licence_batch: int
    dangerous_goods: str | None
    unit_price: Decimal  # in the sale currency
    commodity_code: str = ""  # China's 10-digit line; "" while it cannot be told

    @property
    def make_and_model(self):
        return f"{self.make} {self.model}"

    @property
    def powertrain_label(self):
        return str(Powertrain(self.powertrain).label)


@dataclass(frozen=True)
class DocumentBatch:
    """One export licence: the cars of one 10-digit commodity code, as many as China's
    licence rule allows."""

    number: int
    hs_code: str
    units: int
    commodity_code: str = ""  # "" while some car's code cannot be told
    verified: bool = False


@dataclass(frozen=True)
class DangerousGoodsCount:
    line: str
    units: int


@dataclass(frozen=True)
class DocumentData:
    """Everything the four documents show, read once from the shipment so that they agree.

    Amounts are in the sale currency. A unit price is the price agreed for the car under the
    shipment's Incoterm, so under CIF it includes the carriage and insurance the seller buys,
    and `total`, what the buyer pays, is the sum of the unit prices. `freight` and
    `insurance` are the parts of it the seller pays on (freight under CFR, CIF and CIP;
    insurance under CIF and CIP), zero otherwise, and `goods_value` is what is left for the
    cars themselves: their FOB value, which China's export declaration is based on. A CIF
    invoice therefore reads "FOB value + freight + insurance = total"; a FOB invoice's total
    is its unit prices alone. `exports.money` counts realised cash the same way.
    """

    reference: str
    issued_on: date
    shipper_name: str
    shipper_city: str
    consignee: str
    consignee_address: str
    destination_code: str
    destination_name: str
    port_of_loading: str
    port_of_discharge: str
    transport_mode: str  # a TransportMode value
    stowage: str  # a Stowage value, "" when not recorded
    special_provision_961: bool  # the engined cars travel outside the IMDG Code
    vessel: str
    voyage: str
    bill_of_lading: str
    etd: date | None
    eta: date | None
    incoterm: str
    incoterm_place: str  # "" when the port it names is not filled in yet
    currency: str
    lines: tuple[DocumentLine, ...]
    batches: tuple[DocumentBatch, ...]
    goods_value: Decimal
    seller_pays_freight: bool
    seller_pays_insurance: bool
    freight: Decimal
    insurance: Decimal
    total: Decimal

    @property
    def vins(self) -> list[str]:
        """The VINs in line order: the same on every document, as customs and the B/L need."""
        return [line.vin for line in self.lines]

    @property
    def units(self):
        return len(self.lines)

    @property
    def proforma_valid_until(self):
        return self.issued_on + timedelta(days=PROFORMA_VALID_DAYS)

    @property
    def dangerous_goods_summary(self) -> tuple[DangerousGoodsCount, ...]:
        """How many cars travel under each dangerous-goods entry, for the carrier's booking."""
        counts = {}
        for line in self.lines:
            if line.dangerous_goods:
                counts[line.dangerous_goods] = counts.get(line.dangerous_goods, 0) + 1
        return tuple(DangerousGoodsCount(text, units) for text, units in counts.items())

    @property
    def transport_mode_label(self):
        return str(TransportMode(self.transport_mode).label)

    @property
    def stowage_label(self):
        return str(Stowage(self.stowage).label) if self.stowage else _("[stowage not set]")

    @property
    def special_provision_961_note(self):
        """What the shipping instruction says of the engined cars that go undeclared."""
        if not self.special_provision_961:
            return ""
        return _(
            "Vehicles with an engine: not subject to the IMDG Code under special provision 961."
        )

    @property
    def incoterm_text(self):
        """The Incoterm as contracts write it: rule, named place, edition. A missing place is
        printed as missing rather than left out, so that nobody signs an open-ended term."""
        place = self.incoterm_place or _("[named place not set]")
        return f"{self.incoterm} {place} {INCOTERMS_EDITION}"


def _document_line(number, line, shipment) -> DocumentLine:
    vehicle = line.vehicle
    model = f"{vehicle.model} {vehicle.trim}" if vehicle.trim else vehicle.model
    return DocumentLine(
        number=number,
        vin=vehicle.vin,
        make=vehicle.make,
        model=model,
        model_year=vehicle.model_year,
        colour=vehicle.colour,
        powertrain=vehicle.powertrain,
        hs_code=line.hs_code or customs.vehicle_hs_code(vehicle)[0],
        licence_batch=line.licence_batch or 0,
        dangerous_goods=dangerous_goods(
            vehicle.powertrain, special_provision_961=shipment.special_provision_961
        ),
        unit_price=line.sale_price,
        commodity_code=customs.vehicle_commodity_code(vehicle).code,
    )


def document_data(shipment, lines) -> DocumentData:
    """The figures of every document of `shipment`, from `lines` in the order given."""
    figures = shipments.money_of(shipment, lines)
    place = (
        shipment.port_of_loading
        if shipment.incoterm in PLACE_IS_LOADING
        else shipment.port_of_discharge
    )
    return DocumentData(
        reference=shipment.reference,
        issued_on=shipment.dealer.today(),
        shipper_name=shipment.dealer.name,
        shipper_city=shipment.dealer.city,
        consignee=shipment.consignee,
        consignee_address=shipment.consignee_address,
        destination_code=shipment.destination.country_code,
        destination_name=shipment.destination.name,
        port_of_loading=shipment.port_of_loading,
        port_of_discharge=shipment.port_of_discharge,
        transport_mode=shipment.transport_mode,
        stowage=shipment.stowage,
        special_provision_961=shipment.special_provision_961,
        vessel=shipment.vessel,
        voyage=shipment.voyage,
        bill_of_lading=shipment.bill_of_lading,
        etd=shipment.etd,
        eta=shipment.eta,
        incoterm=shipment.incoterm,
        incoterm_place=place.strip(),
        currency=shipment.sale_currency,
        lines=tuple(
            _document_line(number, line, shipment) for number, line in enumerate(lines, start=1)
        ),
        batches=tuple(
            DocumentBatch(
                batch.number,
                batch.hs_code,
                batch.size,
                commodity_code="" if batch.undetermined else batch.commodity_code,
                verified=batch.verified,
            )
            for batch in shipments.batches_of(shipment, lines)
        ),
        goods_value=figures.net_sale,
        seller_pays_freight=shipment.seller_pays_freight,
        seller_pays_insurance=shipment.seller_pays_insurance,
        freight=figures.seller_freight,
        insurance=figures.seller_insurance,
        total=figures.sale_total,
    )


def amount(value: Decimal) -> str:
    """Money as the documents print it, the same in every language: 1,234.56."""
    return f"{value:,.2f}"


def _is_invoice(kind):
    return kind in (DocumentKind.PROFORMA_INVOICE, DocumentKind.COMMERCIAL_INVOICE)


def document_html(kind, data: DocumentData) -> str:
    """The document's HTML in the active language."""
    kind = DocumentKind(kind)
    return render_to_string(
        TEMPLATE,
        {
            "kind": kind.value,
            "title": str(kind.label),
            "data": data,
            "is_invoice": _is_invoice(kind),
            "lines": [(line, amount(line.unit_price)) for line in data.lines],
            "goods_value": amount(data.goods_value),
            "freight": amount(data.freight),
            "insurance": amount(data.insurance),
            "total": amount(data.total),
            # The day as metadata, not the clock: the same figures make the same file.
            "stamp": data.issued_on.isoformat(),
            # VINs, codes and figures read left to right inside right-to-left text.
            **left_to_right_isolates(translation.get_language_bidi()),
        },
    )


def _pdf(kind, data: DocumentData) -> bytes:
    return html_to_pdf(document_html(kind, data))


class _Sheet(WriteOnlySheet):
    """A document's sheet: bold labels, money to the cent, dates as dates, typed text as text."""

    def cell(self, value, *, number_format=None, bold=False, wrap=False):
        return super().cell(
            value,
            number_format=number_format,
            font=BOLD if bold else None,
            alignment=WRAP if wrap else None,
        )

    def money(self, value):
        return self.cell(value, number_format=MONEY_FORMAT)

    def day(self, value):
        return self.cell(value, number_format=DATE_FORMAT) if value else None

    def heading(self, text):
        self.row(self.cell(str(text), bold=True))

    def header(self, *labels):
        self.row(*(self.cell(str(label), bold=True) for label in labels))

    def fact(self, label, value):
        self.row(self.cell(str(label), bold=True), value)


def _parties(sheet, data: DocumentData, *, notify=False):
    sheet.fact(_("Shipper"), f"{data.shipper_name}, {data.shipper_city}")
    sheet.fact(_("Consignee"), data.consignee)
    sheet.fact(_("Consignee address"), sheet.cell(data.consignee_address or None, wrap=True))
    if notify:
        sheet.fact(_("Notify party"), _("Same as consignee: %(name)s") % {"name": data.consignee})
    sheet.fact(_("Destination"), f"{data.destination_name} ({data.destination_code})")


def proforma_note(data: DocumentData) -> str:
    """The same words as the PDF's note, so that both files say how long the prices hold."""
    return _(
        "Proforma invoice: not a demand for payment and not for customs clearance. "
        "Prices valid until %(day)s."
    ) % {"day": data.proforma_valid_until.isoformat()}


def _invoice_sheet(sheet, kind, data: DocumentData):
    sheet.fact(_("Invoice number"), data.reference)
    sheet.fact(_("Date"), sheet.day(data.issued_on))
    if kind == DocumentKind.PROFORMA_INVOICE:
        sheet.fact(_("Valid until"), sheet.day(data.proforma_valid_until))
    _parties(sheet, data)
    sheet.fact(_("Port of loading"), data.port_of_loading)
    sheet.fact(_("Port of discharge"), data.port_of_discharge)
    sheet.fact(_("Incoterm"), data.incoterm_text)
    sheet.fact(_("Currency"), data.currency)
    sheet.fact(_("Description of goods"), _("USED passenger motor vehicles"))
    sheet.row()
    sheet.header(
        _("No."),
        _("VIN"),
        _("Make"),
        _("Model"),
        _("Year"),
        _("Colour"),
        _("Condition"),
        _("HS code"),
        _("Unit price (%(currency)s)") % {"currency": data.currency},
    )
    for line in data.lines:
        sheet.row(
            line.number,
            line.vin,
            line.make,
            line.model,
            line.model_year,
            line.colour,
            _("Used"),
            line.hs_code,
            sheet.money(line.unit_price),
        )
    sheet.row()
    blank = [None] * 7
    if data.seller_pays_freight or data.seller_pays_insurance:
        sheet.row(
            *blank, sheet.cell(_("Vehicles, FOB value"), bold=True), sheet.money(data.goods_value)
        )
    if data.seller_pays_freight:
        sheet.row(*blank, sheet.cell(_("Freight"), bold=True), sheet.money(data.freight))
    if data.seller_pays_insurance:
        sheet.row(*blank, sheet.cell(_("Insurance"), bold=True), sheet.money(data.insurance))
    total_label = _("Total %(incoterm)s") % {"incoterm": data.incoterm_text}
    sheet.row(*blank, sheet.cell(total_label, bold=True), sheet.money(data.total))
    sheet.fact(_("Units"), data.units)
    if kind == DocumentKind.PROFORMA_INVOICE:
        sheet.row()
        sheet.row(proforma_note(data))


def _packing_list_sheet(sheet, data: DocumentData):
    sheet.fact(_("Packing list number"), data.reference)
    sheet.fact(_("Date"), sheet.day(data.issued_on))
    _parties(sheet, data)
    sheet.fact(_("Port of loading"), data.port_of_loading)
    sheet.fact(_("Port of discharge"), data.port_of_discharge)
    sheet.fact(_("Transport"), data.transport_mode_label)
    sheet.fact(_("Units"), data.units)
    sheet.row()
    sheet.header(
        _("No."), _("VIN"), _("Make and model"), _("Colour"), _("Powertrain"), _("Dangerous goods")
    )
    for line in data.lines:
        sheet.row(
            line.number,
            line.vin,
            line.make_and_model,
            line.colour,
            line.powertrain_label,
            line.dangerous_goods,
        )


def _shipping_instruction_sheet(sheet, data: DocumentData):
    sheet.fact(_("Shipment reference"), data.reference)
    sheet.fact(_("Date"), sheet.day(data.issued_on))
    _parties(sheet, data, notify=True)
    sheet.fact(_("Port of loading"), data.port_of_loading)
    sheet.fact(_("Port of discharge"), data.port_of_discharge)
    sheet.fact(_("Vessel"), data.vessel)
    sheet.fact(_("Voyage"), data.voyage)
    sheet.fact(_("Transport"), data.transport_mode_label)
    sheet.fact(_("Stowage"), data.stowage_label)
    sheet.fact(_("ETD"), sheet.day(data.etd))
    if data.bill_of_lading:
        sheet.fact(_("Bill of lading"), data.bill_of_lading)
    sheet.fact(_("Incoterm"), data.incoterm_text)
    sheet.fact(_("Freight"), _("Prepaid") if data.seller_pays_freight else _("Collect"))
    sheet.fact(_("Units"), data.units)
    for summary in data.dangerous_goods_summary:
        sheet.fact(_("Dangerous goods"), f"{summary.line}: {summary.units}")
    if data.special_provision_961:
        sheet.fact(_("Dangerous goods"), data.special_provision_961_note)
    sheet.row()
    sheet.header(
        _("No."),
        _("VIN"),
        _("Make and model"),
        _("HS code"),
        _("China commodity code"),
        _("Licence batch"),
        _("Dangerous goods"),
    )
    for line in data.lines:
        sheet.row(
            line.number,
            line.vin,
            line.make_and_model,
            line.hs_code,
            line.commodity_code or _("not determined"),
            line.licence_batch,
            line.dangerous_goods,
        )
    sheet.row()
    sheet.heading(_("Export licence batches"))
    sheet.header(_("Batch"), _("HS code"), _("China commodity code"), _("Units"))
    for batch in data.batches:
        sheet.row(batch.number, batch.hs_code, _commodity_text(batch), batch.units)


def _commodity_text(batch) -> str:
    """The batch's 10-digit code as a reader should take it: marked when unverified, and
    "not determined" rather than a guess."""
    if not batch.commodity_code:
        return _("not determined")
    if not batch.verified:
        return _("%(code)s (unverified)") % {"code": batch.commodity_code}
    return batch.commodity_code


WIDTHS = {
    DocumentKind.PROFORMA_INVOICE: (24, 22, 14, 22, 8, 14, 12, 30, 18),
    DocumentKind.COMMERCIAL_INVOICE: (24, 22, 14, 22, 8, 14, 12, 30, 18),
    DocumentKind.PACKING_LIST: (24, 22, 28, 14, 30, 60),
    DocumentKind.SHIPPING_INSTRUCTION: (24, 22, 28, 12, 22, 14, 60),
}


def _stamp(day: date) -> datetime:
    return datetime.combine(day, time())


def _xlsx(kind, data: DocumentData) -> bytes:
    workbook = Workbook(write_only=True)
    title = str(kind.label)
    sheet = _Sheet(workbook, title, WIDTHS[kind])
    sheet.heading(title)
    if _is_invoice(kind):
        _invoice_sheet(sheet, kind, data)
    elif kind == DocumentKind.PACKING_LIST:
        _packing_list_sheet(sheet, data)
    else:
        _shipping_instruction_sheet(sheet, data)
    workbook.properties.title = f"{title} {data.reference}"
    workbook.properties.creator = data.shipper_name
    # openpyxl's own save stamps the clock into the properties and into every zip entry;
    # writing through ExcelWriter and re-packing with the document's date gives the same file
    # for the same figures.
    workbook.properties.created = workbook.properties.modified = _stamp(data.issued_on)
    written = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED)).save()
    return _restamped(written.getvalue(), data.issued_on)


def _restamped(archive: bytes, day: date) -> bytes:
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    result = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, source.read(entry))
    return result.getvalue()


def render(kind, data: DocumentData, *, language=None) -> tuple[bytes, bytes]:
    """One document of `kind` as (PDF, XLSX), labels in `language` (the active language when
    None). Both are drawn from `data` alone, so the two files of a kind, and the four kinds,
    show the same VINs in the same order and the same figures."""
    kind = DocumentKind(kind)
    with translation.override(language) if language else nullcontext():
        return _pdf(kind, data), _xlsx(kind, data)
