"""Compliance deadlines that follow a car once it is on a shipment or sold to an exporter
(domain rules C5, C11, C12): the after-sales confirmation due by the licence application, the
temporary plate that must not run out in China, and de-registration after export clearance.

When each falls due is plain date arithmetic (`deadline_dates`); what it reads comes from the
database (`deadline_queries`); whether a car needs the confirmation is the rules' own judgement
(`exports.rules`, its parameters and effective dates as the market rule in the database states
them), asked on the same day customs clearance asks it. This module puts them together for the
dashboard, the daily digest and the reports.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from . import eligibility, rules
from .deadline_dates import (
    AFTER_SALES_CONFIRMATION,
    ALERT_WINDOW_DAYS,
    DEREGISTER_MONTHS,
    DEREGISTRATION,
    EXPORT_DECLARATION,
    LICENCE_ISSUE_WORKING_DAYS,
    TEMPORARY_PLATE,
    TRANSFER_NOT_RECORDED,
    add_months,
    confirmation_days,
    due_dates,
    horizon,
    licence_application_due,
    sale_due_dates,
    working_days_before,
)
from .deadline_queries import line_dates, open_lines, open_sales, origin_rules, sale_dates
from .models import ExportSale, ShipmentLine

__all__ = [
    "ALERT_WINDOW_DAYS",
    "DEREGISTER_MONTHS",
    "KIND_LABELS",
    "LICENCE_ISSUE_WORKING_DAYS",
    "Deadline",
    "add_months",
    "confirmation_missing",
    "due",
    "licence_application_due",
    "line_deadlines",
    "open_lines",
    "open_sales",
    "origin_rules",
    "sale_deadlines",
    "sales_under_way",
    "working_days_before",
]

KIND_LABELS = {
    AFTER_SALES_CONFIRMATION: _("Manufacturer's after-sales confirmation"),
    TEMPORARY_PLATE: _("Temporary plate expires"),
    DEREGISTRATION: _("De-registration"),
    TRANSFER_NOT_RECORDED: _("Transfer to the exporter not recorded"),
    EXPORT_DECLARATION: _("Export declaration due (temporary plates end)"),
}


@dataclass(frozen=True)
class Deadline:
    """One deadline of a car on a shipment (`line`) or sold to an exporter (`sale`)."""

    kind: str
    line: ShipmentLine | None
    due_on: date
    on: date  # the day it is judged on
    sale: ExportSale | None = None

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def days_left(self):
        return (self.due_on - self.on).days

    @property
    def overdue(self):
        return self.due_on < self.on

    @property
    def vehicle(self):
        return self.line.vehicle if self.line is not None else self.sale.vehicle

    @property
    def shipment(self):
        return self.line.shipment if self.line is not None else None

    @property
    def record(self):
        """What the deadline belongs to, with a reference and a page: the shipment, or the
        sale to an exporter."""
        return self.line.shipment if self.line is not None else self.sale


def confirmation_missing(vehicle, documents, country_code, on: date, *, origin, buyer) -> bool:
    """Whether China's rules, judged on `on` for an export to `country_code`, still ask for the
    manufacturer's after-sales confirmation: the same judgement customs clearance makes."""
    facts = eligibility.vehicle_facts(vehicle, documents, None)
    verdict = rules.evaluate_market(facts, country_code, (), on, origin_rules=origin, buyer=buyer)
    return rules.Document.AFTER_SALES_CONFIRMATION in verdict.missing_documents


def line_deadlines(line, on: date, *, origin=None):
    """The deadlines still open for one car on its shipment; `origin` is China's rules
    (`origin_rules()`), read from the database when not given."""
    dates = line_dates(line)
    ask_on = confirmation_days(dates, on)
    needed = False
    if ask_on:
        shipment = line.shipment
        origin = origin_rules() if origin is None else origin
        documents = list(line.vehicle.documents.all())
        needed = any(
            confirmation_missing(
                line.vehicle,
                documents,
                shipment.destination.country_code,
                day,
                origin=origin,
                buyer=shipment.consignee_type,
            )
            for day in ask_on
        )
    return [
        Deadline(kind, line, due_on, on)
        for kind, due_on in due_dates(dates, on, confirmation_needed=needed)
    ]


def due(dealer, on: date | None = None, *, within=ALERT_WINDOW_DAYS, sales=None) -> list[Deadline]:
    """What falls due within `within` days of `on`, overdue first, then by date; `sales` is
    the dealer's `open_sales` when the caller has read them already."""
    on = on or dealer.today()
    last_day = horizon(on, within)
    lines = list(open_lines([dealer]))
    needs_rules = any(confirmation_days(line_dates(line), on) for line in lines)
    origin = origin_rules() if needs_rules else ()
    found = [
        deadline
        for line in lines
        for deadline in line_deadlines(line, on, origin=origin)
        if deadline.due_on <= last_day
    ]
    found += [
        deadline
        for sale in (open_sales([dealer]) if sales is None else sales)
        for deadline in sale_deadlines(sale, on)
        if deadline.due_on <= last_day
    ]
    return sorted(found, key=lambda d: (d.due_on, d.kind, d.vehicle.vin))


def sale_deadlines(sale, on: date) -> list[Deadline]:
    """The deadlines still open for a car sold to an exporter."""
    return [
        Deadline(kind, None, due_on, on, sale=sale)
        for kind, due_on in sale_due_dates(sale_dates(sale))
    ]


def sales_under_way(dealer, on: date | None = None, *, sales=None) -> list[Deadline]:
    """The next deadline of each of the dealer's cars sold for export whose proof of export is
    still under way, however far off, the earliest first; `sales` as for `due`."""
    on = on or dealer.today()
    found = [
        min(deadlines, key=lambda d: d.due_on)
        for sale in (open_sales([dealer]) if sales is None else sales)
        if (deadlines := sale_deadlines(sale, on))
    ]
    return sorted(found, key=lambda d: (d.due_on, d.vehicle.vin))


def overdue_sales(dealer, on: date | None = None) -> list[ExportSale]:
    """The dealer's sales for export whose proof of export is overdue on `on`."""
    on = on or dealer.today()
    return [
        sale
        for sale in open_sales([dealer])
        if any(deadline.overdue for deadline in sale_deadlines(sale, on))
    ]
