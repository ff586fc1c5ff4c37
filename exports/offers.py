"""What an offer shows a recipient about each car, on the public page, in its PDF and in its
workbook: identity, photos, odometer, battery health and paint finding from the car's issued
certificate, the markets it may go to and the papers still needed, and the asking price.

Never what the car cost the dealer, its floor plan, interest or margin: the recipient is the
buyer. Every reader of an offer goes through `offered_cars`, which reads none of those."""

import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from core.pdf import html_to_pdf, left_to_right_isolates
from core.translation import market_name
from inventory.models import InspectionReport, VehiclePhoto, paper_label
from inventory.spreadsheets import WriteOnlySheet
from inventory.stock_sheets import current_certificates

from .models import DestinationMarket, Offer, OfferLine

MONEY_FORMAT = "#,##0.00"
# The papers a car still needs, named for a buyer abroad in any of the public languages (the
# staff's labels, `inventory.models.PAPER_LABELS`, are translated into Chinese only).
BUYER_PAPER_NAMES = {
    "manufacturer_after_sales_confirmation": pgettext_lazy(
        "paper", "Manufacturer's after-sales service confirmation"
    ),
    "conformity_certificate": pgettext_lazy("paper", "Certificate of conformity (EU/US/GCC/SA)"),
    "gso_conformity_certificate": pgettext_lazy("paper", "GSO conformity certificate"),
    "era_glonass_sbkts": pgettext_lazy("paper", "ERA-GLONASS and OTTS/SBKTS (Russia)"),
    "compliance_certificate": pgettext_lazy("paper", "Compliance certificate (Uzbekistan)"),
    "inspection_report": pgettext_lazy("paper", "Inspection report"),
    "battery_health_report": pgettext_lazy("paper", "Battery state-of-health measurement"),
    "registered_owner": pgettext_lazy(
        "paper", "Registered owner, from the registration certificate"
    ),
    "import_declarant": pgettext_lazy("paper", "Import declarant"),
}


def buyer_paper_name(kind) -> str:
    name = BUYER_PAPER_NAMES.get(kind)
    return str(name) if name is not None else paper_label(kind)


PHOTOS_PER_CAR = 6


@dataclass
class OfferedCar:
    line: OfferLine
    certificate: InspectionReport | None
    markets: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    needs: list[str] = field(default_factory=list)
    photos: list[VehiclePhoto] = field(default_factory=list)

    @property
    def vehicle(self):
        return self.line.vehicle

    @property
    def battery_soh_pct(self):
        return self.certificate.battery_soh_pct if self.certificate else None

    @property
    def paint_finding(self) -> str:
        if self.certificate is None or not self.certificate.paint_finding:
            return ""
        return self.certificate.get_paint_finding_display()

    @property
    def market_names(self) -> str:
        return ", ".join(name for _code, name in self.markets)


def offered_cars(offer: Offer, *, with_photos: bool = False) -> list[OfferedCar]:
    """The cars still on the offer, in its order, with what a recipient is told about them, in
    the active language."""
    lines = list(
        offer.lines.active()
        .select_related("vehicle", "vehicle__export_verdict")
        .order_by("position", "id")
    )
    ids = [line.vehicle_id for line in lines]
    certificates = current_certificates(
        InspectionReport.objects.latest_issued_first().filter(vehicle_id__in=ids)
    )
    names = dict(DestinationMarket.objects.values_list("country_code", "name"))
    photos = {}
    if with_photos:
        for photo in VehiclePhoto.objects.filter(vehicle_id__in=ids).order_by(
            "vehicle", "position", "id"
        ):
            photos.setdefault(photo.vehicle_id, []).append(photo)
    cars = []
    for line in lines:
        vehicle = line.vehicle
        summary = vehicle.export_candidate_reasons if vehicle.export_candidate else {}
        cars.append(
            OfferedCar(
                line=line,
                certificate=certificates.get(vehicle.pk),
                markets=[
                    (m.code, market_name(m.code, names.get(m.code, "")))
                    for m in (vehicle.export_market_list if vehicle.export_candidate else [])
                ],
                needs=[buyer_paper_name(kind) for kind in (summary or {}).get("needs", [])],
                photos=photos.get(vehicle.pk, [])[:PHOTOS_PER_CAR],
            )
        )
    return cars


def offer_pdf(offer: Offer, *, language: str, public_url) -> bytes:
    """The offer to print or forward, in `language`; `public_url(path)` makes the addresses
    of the certificates' verification pages."""
    with translation.override(language):
        cars = offered_cars(offer)
        html = render_to_string(
            "exports/offer_pdf.html",
            {
                "offer": offer,
                "dealer": offer.dealer,
                "cars": cars,
                "verify_urls": {
                    car.line.pk: public_url(car.certificate.get_verification_url())
                    for car in cars
                    if car.certificate
                },
                **left_to_right_isolates(translation.get_language_bidi()),
            },
        )
    return html_to_pdf(html)


def offer_xlsx(offer: Offer, *, language: str) -> bytes:
    """One row per car, the asking price as a number in the offer's currency."""
    with translation.override(language):
        cars = offered_cars(offer)
        workbook = Workbook(write_only=True)
        sheet = WriteOnlySheet(
            workbook, offer.reference, widths=(20, 12, 16, 16, 8, 10, 12, 10, 10, 22, 30, 40, 16)
        )
        bold = Font(bold=True)
        headings = [
            _("VIN"),
            _("Make"),
            _("Model"),
            pgettext("offer", "Trim"),
            _("Model year"),
            _("Colour"),
            _("Powertrain"),
            pgettext("offer", "Odometer (km)"),
            _("Battery health (%)"),
            _("Paint finding"),
            _("May be exported to"),
            pgettext("offer", "Still needed"),
            _("Asking price (%(currency)s)") % {"currency": offer.currency},
        ]
        sheet.row(sheet.cell(f"{offer.reference} {offer.title}".strip(), font=bold))
        sheet.row(_("Valid until"), offer.valid_until.isoformat())
        sheet.row()
        sheet.row(*(sheet.cell(text, font=bold) for text in headings))
        for car in cars:
            vehicle = car.vehicle
            sheet.row(
                vehicle.vin,
                vehicle.make,
                vehicle.model,
                vehicle.trim,
                vehicle.model_year,
                vehicle.colour,
                vehicle.get_powertrain_display(),
                vehicle.odometer_km,
                car.battery_soh_pct,
                car.paint_finding,
                car.market_names,
                ", ".join(car.needs),
                sheet.cell(car.line.asking_price, number_format=MONEY_FORMAT),
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
