"""Compliance deadlines that follow a car once it is on a shipment (domain rules C5, C11, C12):

* the manufacturer's after-sales confirmation, without which no export licence is issued for a
  car that applies within the rule's days of its registration (C12), due by the licence
  application: the licence is issued within 3 working days (C6) and customs clear nothing
  without it, so the application is due 3 working days before the ETD. Whether a car needs
  it is the rule's own judgement (`exports.rules`, its parameters and effective dates as the
  market rule in the database states them), asked on the same day customs clearance asks it;
* the temporary plate issued on the transfer pending export, valid as long as the compulsory
  insurance and at most 60 days (C5), which must not run out while the car is still in China;
* de-registration, due two months after export customs clearance.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from inventory.models import VehicleDocument

from . import eligibility, rules
from .models import MarketRule, ShipmentLine, ShipmentMilestone, ShipmentStatus

ALERT_WINDOW_DAYS = 7
# The provincial commerce department issues the export licence within 3 working days (C6).
LICENCE_ISSUE_WORKING_DAYS = 3
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


def origin_rules() -> tuple[rules.Rule, ...]:
    """China's rules as the database holds them, whatever their dates: the rule engine judges
    each only on the days it is in force."""
    rows = MarketRule.objects.filter(
        market__is_origin=True, market__is_active=True, is_active=True
    ).select_related("market")
    return tuple(eligibility.as_rule(row, row.market.country_code) for row in rows)


def confirmation_missing(vehicle, documents, country_code, on: date, *, origin, buyer) -> bool:
    """Whether China's rules, judged on `on` for an export to `country_code`, still ask for the
    manufacturer's after-sales confirmation: the same judgement customs clearance makes."""
    facts = eligibility.vehicle_facts(vehicle, documents, None)
    verdict = rules.evaluate_market(facts, country_code, (), on, origin_rules=origin, buyer=buyer)
    return rules.Document.AFTER_SALES_CONFIRMATION in verdict.missing_documents


def line_deadlines(line, on: date, *, origin=None):
    """The deadlines still open for one car on its shipment; `origin` is China's rules
    (`origin_rules()`), read from the database when not given."""
    shipment = line.shipment
    status = shipment.status
    found = []
    if status in BEFORE_CLEARANCE and shipment.etd:
        apply_by = licence_application_due(shipment.etd)
        origin = origin_rules() if origin is None else origin
        documents = list(line.vehicle.documents.all())
        # Asked today, as customs clearance asks it, and on the last day to apply, so that a
        # rule coming into force before then counts too: a confirmation needed on either day
        # is one the dealer must be told about.
        if any(
            confirmation_missing(
                line.vehicle,
                documents,
                shipment.destination.country_code,
                day,
                origin=origin,
                buyer=shipment.consignee_type,
            )
            for day in sorted({on, max(on, apply_by)})
        ):
            found.append(Deadline("after_sales_confirmation", line, apply_by, on))
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
    lines = list(open_lines([dealer]))
    needs_rules = any(
        line.shipment.status in BEFORE_CLEARANCE and line.shipment.etd for line in lines
    )
    origin = origin_rules() if needs_rules else ()
    found = [
        deadline
        for line in lines
        for deadline in line_deadlines(line, on, origin=origin)
        if deadline.due_on <= horizon
    ]
    return sorted(found, key=lambda d: (d.due_on, d.kind, d.line.vehicle.vin))
