"""When each compliance deadline of a car on a shipment falls due (domain rules C5, C6, C11,
C12), from the dates the shipment records; no Django import.

* the manufacturer's after-sales confirmation (C12) is due by the licence application: the
  licence is issued within 3 working days (C6) and customs clear nothing without it, so the
  application is due 3 working days before the ETD. Whether the car needs the confirmation is
  the rules' own judgement, asked by the caller on the days `confirmation_days` names;
* the temporary plate issued on the transfer pending export (C5) must not run out while the
  car is still in China;
* de-registration is due two months after export customs clearance (C11).

A car sold to an exporter follows the same rules on its sale's dates: the registration is
transferred pending export when the exporter buys the car (C5), so until that transfer is
recorded it is due on the sale day; then the exporter must declare the car before the
temporary plates end (60 days, C5), and de-register it within two months of the clearance
(C11). A sale thus always has a deadline open until the car is de-registered.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

ALERT_WINDOW_DAYS = 7
# The provincial commerce department issues the export licence within 3 working days (C6).
LICENCE_ISSUE_WORKING_DAYS = 3
# De-register within two months of export customs clearance (C11).
DEREGISTER_MONTHS = 2

AFTER_SALES_CONFIRMATION = "after_sales_confirmation"
TEMPORARY_PLATE = "temporary_plate"
DEREGISTRATION = "deregistration"
EXPORT_DECLARATION = "export_declaration"
TRANSFER_NOT_RECORDED = "transfer_not_recorded"
# Temporary plates issued with the transfer pending export last at most 60 days (C5).
TEMP_PLATE_DAYS = 60


@dataclass(frozen=True)
class LineDates:
    """What the deadlines of one car on its shipment read."""

    before_clearance: bool  # the shipment is a draft or booked
    still_in_china: bool  # not loaded yet: draft, booked or customs cleared
    etd: date | None = None
    temp_plate_expires_on: date | None = None
    cleared_on: date | None = None  # export customs clearance
    deregistered_on: date | None = None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def working_days_before(day: date, count: int) -> date:
    """The working day `count` working days (Monday to Friday) before `day`."""
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def licence_application_due(etd: date) -> date:
    """The last day to apply for the export licence and still hold it by the ETD."""
    return working_days_before(etd, LICENCE_ISSUE_WORKING_DAYS)


def deregistration_due(cleared_on: date) -> date:
    return add_months(cleared_on, DEREGISTER_MONTHS)


def confirmation_days(line: LineDates, on: date) -> tuple[date, ...]:
    """The days on which to ask the rules whether the car needs the after-sales confirmation;
    () when no confirmation deadline can be open.

    Asked today, as customs clearance asks it, and on the last day to apply, so that a rule
    coming into force before then counts too: a confirmation needed on either day is one the
    dealer must be told about.
    """
    if not (line.before_clearance and line.etd):
        return ()
    return tuple(sorted({on, max(on, licence_application_due(line.etd))}))


def due_dates(line: LineDates, on: date, *, confirmation_needed: bool) -> list[tuple[str, date]]:
    """(kind, due on) of every deadline still open for the car; `confirmation_needed` is the
    rules' answer on the `confirmation_days`."""
    found = []
    if confirmation_needed and confirmation_days(line, on):
        found.append((AFTER_SALES_CONFIRMATION, licence_application_due(line.etd)))
    if line.still_in_china and line.temp_plate_expires_on:
        found.append((TEMPORARY_PLATE, line.temp_plate_expires_on))
    if line.cleared_on and not line.deregistered_on:
        found.append((DEREGISTRATION, deregistration_due(line.cleared_on)))
    return found


def horizon(on: date, within: int = ALERT_WINDOW_DAYS) -> date:
    """The last due date that counts as due within `within` days of `on`."""
    return on + timedelta(days=within)


@dataclass(frozen=True)
class SaleDates:
    """What the deadlines of one car sold to an exporter read."""

    sold_on: date | None = None
    transferred_on: date | None = None  # transfer pending export; temporary plates issued
    declared_on: date | None = None  # export customs clearance
    deregistered_on: date | None = None


def sale_due_dates(sale: SaleDates) -> list[tuple[str, date]]:
    """(kind, due on) of every deadline still open for a car sold for export."""
    found = []
    if sale.sold_on and not sale.transferred_on:
        found.append((TRANSFER_NOT_RECORDED, sale.sold_on))
    if sale.transferred_on and not sale.declared_on:
        found.append((EXPORT_DECLARATION, sale.transferred_on + timedelta(days=TEMP_PLATE_DAYS)))
    if sale.declared_on and not sale.deregistered_on:
        found.append((DEREGISTRATION, deregistration_due(sale.declared_on)))
    return found
