"""Compliance deadlines that follow a car once it is on a shipment (domain rules C5, C11, C12):

* the manufacturer's after-sales confirmation, needed before the export licence for a car
  exported within 180 days of its registration, due by the shipment's ETD;
* the temporary plate issued on the transfer pending export (at most 60 days), which must not
  run out while the car is still in China;
* de-registration, due two months after export customs clearance.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from inventory.models import DocumentKind, VehicleDocument

from .models import ShipmentLine, ShipmentMilestone, ShipmentStatus

ALERT_WINDOW_DAYS = 7
CONFIRMATION_WINDOW_DAYS = 180  # a car exported this soon after registration needs it
DEREGISTER_MONTHS = 2

S = ShipmentStatus
BEFORE_CLEARANCE = (S.DRAFT, S.BOOKED)
STILL_IN_CHINA = (S.DRAFT, S.BOOKED, S.CUSTOMS_CLEARED)

KIND_LABELS = {
    "after_sales_confirmation": _("Manufacturer's after-sales confirmation"),
    "temporary_plate": _("Temporary plate expires"),
    "deregistration": _("De-registration"),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class Deadline:
    kind: str
    line: ShipmentLine
    due_on: date
    on: date  # the day it is judged on

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
        return self.line.vehicle

    @property
    def shipment(self):
        return self.line.shipment


def needs_confirmation(vehicle, export_on: date) -> bool:
    """Exported within 180 days of registration, or not yet registered (a zero-km export is
    registered just before it leaves)."""
    if vehicle.registered_on is None:
        return True
    return (export_on - vehicle.registered_on).days <= CONFIRMATION_WINDOW_DAYS


def has_confirmation(vehicle, country_code) -> bool:
    return any(
        doc.kind == DocumentKind.AFTER_SALES_CONFIRMATION
        and doc.issuer_is_listed_manufacturer
        and doc.country_code in ("", country_code)
        for doc in vehicle.documents.all()
    )


def line_deadlines(line, on: date):
    """The deadlines still open for one car on its shipment."""
    shipment = line.shipment
    status = shipment.status
    found = []
    if status in BEFORE_CLEARANCE and shipment.etd:
        country = shipment.destination.country_code
        if needs_confirmation(line.vehicle, shipment.etd) and not has_confirmation(
            line.vehicle, country
        ):
            found.append(Deadline("after_sales_confirmation", line, shipment.etd, on))
    if status in STILL_IN_CHINA and line.temp_plate_expires_on:
        found.append(Deadline("temporary_plate", line, line.temp_plate_expires_on, on))
    cleared = shipment.milestone_on(S.CUSTOMS_CLEARED)
    if cleared and not line.deregistered_on:
        found.append(Deadline("deregistration", line, add_months(cleared, DEREGISTER_MONTHS), on))
    return found


def open_lines(dealers):
    """Active lines of the dealers' shipments that are not cancelled, with what their
    deadlines read, in four queries."""
    return (
        ShipmentLine.objects.filter(shipment__dealer__in=dealers, is_active=True)
        .exclude(shipment__status=S.CANCELLED)
        .exclude(deregistered_on__isnull=False, shipment__status__in=[S.ARRIVED, S.DELIVERED])
        .select_related("vehicle", "shipment", "shipment__destination")
        .prefetch_related(
            Prefetch("vehicle__documents", queryset=VehicleDocument.objects.order_by("pk")),
            Prefetch("shipment__milestones", queryset=ShipmentMilestone.objects.order_by("at")),
        )
    )


def due(dealer, on: date | None = None, *, within=ALERT_WINDOW_DAYS) -> list[Deadline]:
    """What falls due within `within` days of `on`, overdue first, then by date."""
    on = on or dealer.today()
    horizon = on + timedelta(days=within)
    found = [
        deadline
        for line in open_lines([dealer])
        for deadline in line_deadlines(line, on)
        if deadline.due_on <= horizon
    ]
    return sorted(found, key=lambda d: (d.due_on, d.kind, d.line.vehicle.vin))
