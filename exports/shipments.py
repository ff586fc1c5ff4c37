"""What a shipment page, its documents and the reports read about a shipment: money, licence
batches with their HS and 10-digit commodity codes, the milestone timeline and the papers
still outstanding."""

import re
from dataclasses import dataclass
from decimal import Decimal

from core.translation import market_name
from inventory import costs
from inventory.models import message_text

from . import customs, eligibility, money
from .models import ExportShipment, ShipmentStatus

# Before export customs clearance: the papers and the licence are still to come.
BEFORE_CLEARANCE = (ShipmentStatus.DRAFT, ShipmentStatus.BOOKED)
# Not loaded yet: the cars are still in China, on their temporary plates.
STILL_IN_CHINA = (ShipmentStatus.DRAFT, ShipmentStatus.BOOKED, ShipmentStatus.CUSTOMS_CLEARED)
# Where a shipment's payoff is taken: the day its cars were loaded, or today until then.
LOADED_OR_LATER = (
    ShipmentStatus.LOADED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.ARRIVED,
    ShipmentStatus.DELIVERED,
)


# Shipments that still take cars (the services' OPEN_FOR_LINES).
TAKING_CARS = (ShipmentStatus.DRAFT, ShipmentStatus.BOOKED)
# The inventory list offers this many of them, newest first.
OFFERED_SHIPMENTS = 50


def shipments_taking_cars(dealer) -> list[tuple[int, str]]:
    """(id, "reference · destination") of `dealer`'s shipments that still take cars, newest
    first: the inventory list offers them for the ticked cars."""
    rows = (
        ExportShipment.objects.filter(dealer=dealer, status__in=TAKING_CARS)
        .order_by("-created_at", "-id")
        .values_list("pk", "reference", "destination__country_code", "destination__name")[
            :OFFERED_SHIPMENTS
        ]
    )
    return [(pk, f"{reference} · {market_name(code, name)}") for pk, reference, code, name in rows]


def active_lines(shipment):
    return list(
        shipment.lines.filter(is_active=True)
        .select_related(
            "vehicle", "vehicle__dealer", "vehicle__floor_plan", "vehicle__floor_plan__line"
        )
        .order_by("licence_batch", "added_at", "id")
    )


def money_of(shipment, lines=None) -> money.ShipmentMoney | None:
    """Sales, the seller's freight and insurance, realised cash in the base currency, what the
    cars cost and the margin; the lender's payoff and interest are taken on the loading day
    once the cars are loaded, today until then. A cancelled shipment settles nothing: None.

    The shipment page, its documents and the dealer's figures (`exports.cashflow`) all read
    this, so they agree to the cent."""
    if shipment.status == ShipmentStatus.CANCELLED:
        return None
    lines = active_lines(shipment) if lines is None else lines
    on = shipment.milestone_on(ShipmentStatus.LOADED) or shipment.dealer.today()
    payoffs, interest, fees = [], [], []
    for line in lines:
        plan = getattr(line.vehicle, "floor_plan", None)
        payoffs.append(plan.payoff(on) if plan else 0)
        # Interest already paid to the lender plus what runs until the day the car left.
        interest.append(plan.interest_paid + plan.interest_due(on) if plan else 0)
        fees.append(plan.fees if plan else 0)
    return money.shipment_money(
        prices=[line.sale_price for line in lines],
        incoterm=shipment.incoterm,
        freight=shipment.freight_cost,
        insurance=shipment.insurance_cost,
        fx_rate=shipment.fx_rate_to_base,
        costs=[line.vehicle.acquisition_cost for line in lines],
        interest=interest,
        fees=fees,
        export_costs=[shipment.dealer.export_costs for _line in lines],
        payoffs=payoffs,
    )


@dataclass(frozen=True)
class Batch:
    number: int
    hs_code: str
    reason: str
    lines: list
    commodity_code: str = ""  # China's 10-digit line; "" when it cannot be told
    verified: bool = False
    # Why the 10-digit code is not known, per car: (VIN, what to record or do).
    undetermined: tuple = ()

    @property
    def size(self):
        return len(self.lines)


def batches_of(shipment, lines=None) -> list[Batch]:
    """The export licences the shipment needs: one per batch of cars with one 10-digit
    commodity code, as many cars as China's licence rule allows."""
    lines = active_lines(shipment) if lines is None else lines
    grouped = {}
    for line in lines:
        grouped.setdefault(line.licence_batch, []).append(line)
    result = []
    for number, members in sorted(grouped.items(), key=lambda item: item[0] or 0):
        first = members[0].vehicle
        code, reason = customs.vehicle_hs_code(first)
        commodity = [customs.vehicle_commodity_code(line.vehicle) for line in members]
        known = {c.code for c in commodity if c.code}
        result.append(
            Batch(
                number or 0,
                members[0].hs_code or code,
                message_text(reason),
                members,
                commodity_code=", ".join(sorted(known)),
                verified=bool(known) and all(c.verified for c in commodity if c.code),
                undetermined=tuple(
                    (line.vehicle.vin, message_text(c.reason))
                    for line, c in zip(members, commodity, strict=True)
                    if not c.code
                ),
            )
        )
    return result


def commodity_of(vehicle) -> tuple[str, bool, str]:
    """China's 10-digit line for the car ("" when it cannot be told), whether it is verified,
    and why, in the active language."""
    code = customs.vehicle_commodity_code(vehicle)
    return code.code, code.verified, message_text(code.reason)


def hs_reason(vehicle) -> str:
    """Why the car's HS code applies, in the active language."""
    return message_text(customs.vehicle_hs_code(vehicle)[1])


def outstanding_documents(shipment, lines=None) -> dict:
    """{line: [document kinds]} the destination's and China's rules still ask for, today."""
    lines = active_lines(shipment) if lines is None else lines
    verdicts = eligibility.market_verdicts(
        [line.vehicle for line in lines],
        shipment.destination.country_code,
        shipment.dealer.today(),
        buyer=shipment.consignee_type,
        declarant=shipment.declarant,
    )
    return {
        line: [str(kind) for kind in verdicts[line.vehicle_id].missing_documents] for line in lines
    }


def timeline(shipment):
    """Every move, oldest first, with who made it and when."""
    return list(shipment.milestones.select_related("by").order_by("at", "id"))


# Shipments are numbered per dealer and calendar year (the dealer's): SH-2026-0001, ...
REFERENCE_PREFIX = "SH"
REFERENCE_DIGITS = 4


def next_reference(dealer, year: int) -> str:
    """The number after the highest `SH-<year>-NNNN` the dealer has used, typed or given.

    Only a read: the service that creates the shipment calls it again under the dealer's row
    lock, so that two people saving at once get two numbers."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    numbered = re.compile(rf"^{re.escape(prefix)}(\d+)$", re.IGNORECASE)
    used = ExportShipment.objects.filter(dealer=dealer, reference__istartswith=prefix).values_list(
        "reference", flat=True
    )
    highest = max((int(m.group(1)) for m in map(numbered.match, used) if m), default=0)
    return f"{prefix}{highest + 1:0{REFERENCE_DIGITS}d}"


def sale_price_from_export(vehicle, shipment, percent: Decimal = Decimal(100)) -> Decimal:
    """What the car is offered at when it is booked: `percent` of its export price (the
    staff's, else the list price less the dealer's export discount, in the base currency)
    converted to the shipment's sale currency at its FX rate, to the cent."""
    if not shipment.fx_rate_to_base or shipment.fx_rate_to_base <= 0:
        return Decimal("0")
    price = costs.export_price(
        list_price=vehicle.list_price,
        discount_pct=shipment.dealer.export_discount_pct,
        staff_price=vehicle.export_price,
    )
    return money.cents(price * percent / Decimal(100) / shipment.fx_rate_to_base)
