"""What the compliance deadlines read from the database: the open lines of the dealers'
shipments, each reduced to the dates the arithmetic needs (`deadline_dates`), and China's
rules."""

from django.db.models import Prefetch

from inventory.models import VehicleDocument

from . import eligibility, rules
from .deadline_dates import LineDates, SaleDates
from .models import ExportSale, MarketRule, ShipmentLine, ShipmentMilestone, ShipmentStatus
from .shipments import BEFORE_CLEARANCE, STILL_IN_CHINA


def open_lines(dealers):
    """Active lines of the dealers' shipments that are not cancelled, with what their
    deadlines read, in four queries."""
    return (
        ShipmentLine.objects.filter(shipment__dealer__in=dealers, is_active=True)
        .exclude(shipment__status=ShipmentStatus.CANCELLED)
        .exclude(
            deregistered_on__isnull=False,
            shipment__status__in=[ShipmentStatus.ARRIVED, ShipmentStatus.DELIVERED],
        )
        .select_related("vehicle", "shipment", "shipment__destination")
        .prefetch_related(
            Prefetch("vehicle__documents", queryset=VehicleDocument.objects.order_by("pk")),
            Prefetch("shipment__milestones", queryset=ShipmentMilestone.objects.order_by("at")),
        )
    )


def line_dates(line) -> LineDates:
    """The dates one line's deadlines read; no query for a line from `open_lines`."""
    shipment = line.shipment
    return LineDates(
        before_clearance=shipment.status in BEFORE_CLEARANCE,
        still_in_china=shipment.status in STILL_IN_CHINA,
        etd=shipment.etd,
        temp_plate_expires_on=line.temp_plate_expires_on,
        cleared_on=shipment.milestone_on(ShipmentStatus.CUSTOMS_CLEARED),
        deregistered_on=line.deregistered_on,
    )


def origin_rules() -> tuple[rules.Rule, ...]:
    """China's rules as the database holds them, whatever their dates: the rule engine judges
    each only on the days it is in force."""
    rows = MarketRule.objects.filter(
        market__is_origin=True, market__is_active=True, is_active=True
    ).select_related("market")
    return tuple(eligibility.as_rule(row, row.market.country_code) for row in rows)


def open_sales(dealers):
    """The dealers' sales for export whose proof of export is still under way: not yet
    de-registered, in one query."""
    return (
        ExportSale.objects.active()
        .filter(dealer__in=dealers, deregistered_on__isnull=True)
        .select_related("vehicle", "exporter", "dealer")
    )


def sale_dates(sale) -> SaleDates:
    return SaleDates(
        sold_on=sale.sold_on,
        transferred_on=sale.transferred_on,
        declared_on=sale.declared_on,
        deregistered_on=sale.deregistered_on,
    )
