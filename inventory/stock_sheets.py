"""The printable A4 stock sheet of a car on the lot: what it is, its price, where it may be
exported and the QR code of its issued certificate; never its cost or margin."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from core.pdf import html_to_pdf, left_to_right_isolates

from . import filters
from .certificate_render import qr_svg
from .models import InspectionReport, Vehicle

TEMPLATE = "inventory/stock_sheet_pdf.html"


@dataclass
class StockSheet:
    vehicle: Vehicle
    markets: list[str]
    certificate: InspectionReport | None
    verify_url: str = ""

    @property
    def qr(self):
        return qr_svg(self.verify_url) if self.verify_url else ""


def current_certificates(reports) -> dict[int, InspectionReport]:
    """The issued report that speaks for each car now, by vehicle id, from `reports` (issued
    reports, the one that speaks for a car first, as `latest_issued_first` orders them)."""
    speaking = {}
    for report in reports:
        speaking.setdefault(report.vehicle_id, report)
    return speaking


def market_names() -> dict[str, str]:
    """Open export markets' names by country code; inventory reads them through the hook the
    exports app plugs into the list's filters."""
    provider = filters.market_choices_provider
    return dict(provider()) if provider else {}


def stock_sheets(vehicles, certificates, *, public_url) -> list[StockSheet]:
    """A sheet for each car; `public_url(path)` makes the verification address a buyer opens."""
    names = market_names()
    sheets = []
    for vehicle in vehicles:
        report = certificates.get(vehicle.pk)
        markets = (
            [names.get(m.code, m.code) for m in vehicle.export_market_list]
            if vehicle.export_candidate
            else []
        )
        sheets.append(
            StockSheet(
                vehicle=vehicle,
                markets=markets,
                certificate=report,
                verify_url=public_url(report.get_verification_url()) if report else "",
            )
        )
    return sheets


def stock_sheets_pdf(sheets: list[StockSheet], *, dealer) -> bytes:
    """One A4 page per car, in the active language; the same cars on the same day give the
    same bytes."""
    html = render_to_string(
        TEMPLATE,
        {
            "sheets": sheets,
            "dealer": dealer,
            "printed_on": dealer.today(),
            **left_to_right_isolates(translation.get_language_bidi()),
        },
    )
    return html_to_pdf(html)
