"""The inventory report's content: the workbook of aged stock and candidates, and the e-mail."""

from collections.abc import Callable
from datetime import date

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from exports.cashflow import candidates_by_cash_released
from exports.deadlines import KIND_LABELS
from inventory import aging, costs, holding
from inventory.filters import bucket_label
from inventory.middleware import DEALER_PARAMETER
from inventory.models import Dealer, Powertrain, Vehicle, VehicleStatus
from inventory.spreadsheets import WriteOnlySheet

from . import mail
from .summary import Summary, dealer_summary

# Rows fetched per database round trip, and how often the progress bar moves.
CHUNK = 2000
MONEY_FORMAT = "#,##0.00"
# Counts and days grouped like the pages (1,234); years stay as written.
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)
# Share of the progress bar taken by the summary sheet before the rows, and left at the end
# for the e-mail.
SUMMARY_PERCENT = 5
ROWS_PERCENT = 90


def aged_vehicles(dealer: Dealer, on: date):
    """The dealer's aged cars on hand, oldest first, with their balance and daily cost."""
    on_hand = Vehicle.objects.filter(dealer=dealer, status__in=holding.ON_HAND)
    return (
        holding.with_open_floor_plan(holding.with_days_in_stock(on_hand, on), [dealer.pk])
        .filter(holding.AGED)
        .annotate(open_balance=holding.open_balance(), carry=holding.daily_carry(dealer))
        .order_by("stocked_on", "id")
    )


class _Sheet(WriteOnlySheet):
    """A report sheet: bold headers, money to the cent, dates as dates, typed text as text."""

    def money(self, amount):
        return self.cell(
            None if amount is None else costs.cents(amount), number_format=MONEY_FORMAT
        )

    def count(self, value):
        return self.cell(value, number_format=COUNT_FORMAT)

    def day(self, value):
        return self.cell(value, number_format=DATE_FORMAT)

    def header(self, *labels):
        self.row(*(self.cell(str(label), font=BOLD) for label in labels))


def _summary_sheet(workbook, summary: Summary):
    sheet = _Sheet(workbook, _("Summary"), widths=(36, 18, 18, 22))
    dealer, figures = summary.dealer, summary.figures
    sheet.row(sheet.cell(dealer.name, font=BOLD), sheet.day(summary.on))
    sheet.row(_("Amounts in"), dealer.base_currency)
    sheet.row()
    sheet.header(_("Figure"), _("Value"))
    counts = [
        (_("Cars on hand"), figures.units),
        (_("Aged (over %(days)s days)") % {"days": dealer.aged_threshold_days}, figures.aged_units),
        (_("Export candidates"), figures.candidates),
        (_("Curtailments due in 7 days"), figures.curtailments_due),
    ]
    amounts = [
        (_("Capital tied up"), figures.capital_tied_up),
        (_("Carrying cost per day"), figures.carry_per_day),
        (_("Cash released if exported now"), figures.projected_cash_release),
        (_("Realised export proceeds"), figures.realised_export_proceeds),
        (_("Realised export margin"), figures.realised_export_margin),
        (_("Floor-plan balance"), figures.floor_plan_balance),
        (_("Curtailment amount due in 7 days"), figures.curtailments_due_amount),
    ]
    for label, value in counts:
        sheet.row(label, sheet.count(value))
    for label, amount in amounts:
        sheet.row(label, sheet.money(amount))
    sheet.row()
    sheet.header(_("Days in stock"), _("Cars"), _("Capital tied up"), _("Carrying cost per day"))
    for row in summary.buckets:
        sheet.row(
            bucket_label(row.bucket),
            sheet.count(row.units),
            sheet.money(row.capital),
            sheet.money(row.carry_per_day),
        )


AGED_FIELDS = (
    "vin",
    "stock_number",
    "make",
    "model",
    "model_year",
    "powertrain",
    "stocked_on",
    "status",
    "acquisition_cost",
    "list_price",
    "open_balance",
    "carry",
    "export_candidate",
)


def _aged_sheet(workbook, dealer, on, aged, progress):
    sheet = _Sheet(
        workbook,
        _("Aged stock"),
        widths=(20, 12, 14, 16, 10, 26, 12, 10, 14, 20, 16, 16, 18, 16, 10),
    )
    sheet.header(
        _("VIN"),
        _("Stock number"),
        _("Make"),
        _("Model"),
        _("Model year"),
        _("Powertrain"),
        _("Stocked on"),
        _("Days in stock"),
        _("Aging bucket"),
        _("Status"),
        _("Acquisition cost"),
        _("List price"),
        _("Floor-plan balance"),
        _("Carrying cost per day"),
        _("Export candidate"),
    )
    buckets = dealer.buckets
    powertrains = {value: str(label) for value, label in Powertrain.choices}
    statuses = {value: str(label) for value, label in VehicleStatus.choices}
    yes, no = _("Yes"), _("No")
    for car in aged.values(*AGED_FIELDS, "left_stock_on").iterator(chunk_size=CHUNK):
        days = aging.days_in_stock(car["stocked_on"], on, left_stock_on=car["left_stock_on"])
        sheet.row(
            car["vin"],
            car["stock_number"],
            car["make"],
            car["model"],
            car["model_year"],
            powertrains.get(car["powertrain"], car["powertrain"]),
            sheet.day(car["stocked_on"]),
            sheet.count(days),
            bucket_label(aging.bucket_for(days, buckets)),
            statuses.get(car["status"], car["status"]),
            sheet.money(car["acquisition_cost"]),
            sheet.money(car["list_price"]),
            sheet.money(car["open_balance"] or 0),
            sheet.money(car["carry"] or 0),
            yes if car["export_candidate"] else no,
        )
        progress.row_done()


def market_mark(market) -> str:
    """A market's code, with a warning sign when a warning puts it in doubt ("PK ⚠")."""
    return f"{market.code} ⚠" if market.doubtful else market.code


def _candidates_sheet(workbook, on, candidates, progress):
    sheet = _Sheet(
        workbook, _("Export candidates"), widths=(20, 14, 16, 10, 18, 18, 16, 18, 18, 60)
    )
    sheet.header(
        _("VIN"),
        _("Make"),
        _("Model"),
        _("Days in stock"),
        _("Markets"),
        _("Expected export price"),
        _("Export costs"),
        _("Floor-plan payoff"),
        _("Cash released"),
        _("Warnings"),
    )
    for vehicle in candidates.iterator(chunk_size=CHUNK):
        markets = vehicle.export_market_list
        sheet.row(
            vehicle.vin,
            vehicle.make,
            vehicle.model,
            sheet.count(vehicle.days_in_stock(on)),
            ", ".join(market_mark(market) for market in markets),
            sheet.money(vehicle.expected_export_price),
            sheet.money(vehicle.expected_export_costs),
            sheet.money(vehicle.expected_payoff),
            sheet.money(vehicle.cash_released),
            # Last, so the columns that were there before keep their place.
            "\n".join(
                f"{market_mark(market)}: {' '.join(market.warnings)}"
                for market in markets
                if market.doubtful
            ),
        )
        progress.row_done()


class _Progress:
    """Turns rows written into a percentage, reported every CHUNK rows."""

    def __init__(self, total_rows: int, on_progress: Callable[[int], None]):
        self.total = max(total_rows, 1)
        self.done = 0
        self.on_progress = on_progress

    def report(self):
        self.on_progress(SUMMARY_PERCENT + ROWS_PERCENT * min(self.done, self.total) // self.total)

    def row_done(self):
        self.done += 1
        if self.done % CHUNK == 0:
            self.report()


def write_workbook(
    report,
    path,
    on_progress: Callable[[int], None] = lambda percent: None,
    *,
    summary: Summary | None = None,
) -> None:
    """Write the report's workbook to `path`: the summary, every aged car, the candidates.

    Rows stream from the database in chunks into a write-only workbook, so memory stays flat
    however large the dealer's stock is.
    """
    dealer = report.dealer
    summary = summary or dealer_summary(dealer, details=False)
    on = summary.on
    aged = aged_vehicles(dealer, on)
    candidates = candidates_by_cash_released(dealer, on)
    progress = _Progress(aged.count() + candidates.count(), on_progress)

    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, summary)
    on_progress(SUMMARY_PERCENT)
    _aged_sheet(workbook, dealer, on, aged, progress)
    progress.report()
    _candidates_sheet(workbook, on, candidates, progress)
    progress.report()
    workbook.save(path)


def _links(dealer) -> dict:
    """Where a mail leads back to: the dealer's dashboard and candidates, absolute. The dealer
    rides along, so a manager of several dealers lands on the one the mail is about."""
    query = f"?{DEALER_PARAMETER}={dealer.pk}"
    return {
        "dashboard_url": mail.site_link("dashboard") + query,
        "candidates_url": mail.site_link("exports:candidates") + query,
    }


def vehicle_url(vehicle) -> str:
    return mail.site_link("inventory:vehicle_detail", vehicle.pk)


def render_email(summary: Summary) -> dict:
    """The e-mail in the active language: subject, plain text, HTML, and the charts' pictures
    the HTML shows by Content-ID."""
    charts = [
        mail.inline_chart(summary.bucket_chart),
        mail.inline_chart(summary.weekly_trend_chart),
    ]
    context = {
        "summary": summary,
        "dealer": summary.dealer,
        "figures": summary.figures,
        "currency": summary.dealer.base_currency,
        "charts": charts,
        "top_candidates": [(vehicle, vehicle_url(vehicle)) for vehicle in summary.top_candidates],
        "curtailments": [
            (due, vehicle_url(due.floor_plan.vehicle)) for due in summary.curtailments
        ],
        **_links(summary.dealer),
    }
    subject = _("Inventory report for %(dealer)s, %(day)s") % {
        "dealer": summary.dealer.name,
        "day": summary.on.isoformat(),
    }
    return {
        "subject": subject,
        "text": render_to_string("dealerhub/email/inventory_report.txt", context),
        "html": render_to_string("dealerhub/email/inventory_report.html", context),
        "images": charts,
    }


def deadline_groups(found) -> list[tuple[str, list]]:
    """The deadlines under one heading per kind, in the order the kinds fall due in a
    shipment's life, each group by due date."""
    groups = []
    for kind, label in KIND_LABELS.items():
        deadlines = [
            (deadline, vehicle_url(deadline.vehicle)) for deadline in found if deadline.kind == kind
        ]
        if deadlines:
            groups.append((str(label), deadlines))
    return groups


def render_digest(dealer, on, found) -> dict:
    """The compliance digest in the active language: subject, plain text and HTML. It has no
    chart, so no pictures."""
    overdue = sum(1 for deadline in found if deadline.overdue)
    context = {
        "dealer": dealer,
        "on": on,
        "groups": deadline_groups(found),
        "count": len(found),
        "overdue": overdue,
        **_links(dealer),
    }
    subject = _("%(dealer)s: %(count)s export deadlines due, %(overdue)s overdue (%(day)s)") % {
        "dealer": dealer.name,
        "count": len(found),
        "overdue": overdue,
        "day": on.isoformat(),
    }
    return {
        "subject": subject,
        "text": render_to_string("dealerhub/email/compliance_digest.txt", context),
        "html": render_to_string("dealerhub/email/compliance_digest.html", context),
        "images": [],
    }
