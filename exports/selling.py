"""What the exporter pages and the dashboard read about exporters and the cars sold to them:
the state of each exporter's qualification, the money of a sale, and whose proof of export
is overdue."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from . import deadlines, money
from .models import Exporter, ExportSale

# An exporter whose qualification ends within this many days is flagged for renewal.
EXPIRY_WARNING_DAYS = 30

VALID = "valid"
EXPIRING = "expiring"
LAPSED = "lapsed"
NOT_YET = "not_yet"
INACTIVE = "inactive"
STATE_LABELS = {
    VALID: _("Valid"),
    EXPIRING: _("Expires within 30 days"),
    LAPSED: _("Lapsed"),
    NOT_YET: _("Not yet valid"),
    INACTIVE: _("Inactive"),
}


@dataclass(frozen=True)
class Qualification:
    state: str
    until: date

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def may_buy(self):
        return self.state in (VALID, EXPIRING)


def qualification(exporter: Exporter, on: date) -> Qualification:
    """Where the exporter's yearly qualification (C4) stands on `on`."""
    if not exporter.is_active:
        state = INACTIVE
    elif on < exporter.qualified_from:
        state = NOT_YET
    elif on > exporter.qualified_until:
        state = LAPSED
    elif exporter.qualified_until <= on + timedelta(days=EXPIRY_WARNING_DAYS):
        state = EXPIRING
    else:
        state = VALID
    return Qualification(state, exporter.qualified_until)


def overdue_by_exporter(dealer, on: date | None = None) -> Counter:
    """{exporter id: cars whose proof of export is overdue}."""
    return Counter(sale.exporter_id for sale in deadlines.overdue_sales(dealer, on))


def exporters_overdue(dealer, on: date | None = None, *, due=None) -> list[tuple[Exporter, int]]:
    """(exporter, cars overdue) for each exporter with a car overdue, the most first; `due` is
    the dealer's deadlines (`deadlines.due`) when the caller has read them already."""
    if due is None:
        sales = deadlines.overdue_sales(dealer, on)
    else:
        sales = list({d.sale.pk: d.sale for d in due if d.sale is not None and d.overdue}.values())
    overdue = {}
    for sale in sales:
        exporter, count = overdue.get(sale.exporter_id, (sale.exporter, 0))
        overdue[sale.exporter_id] = (exporter, count + 1)
    return sorted(overdue.values(), key=lambda item: (-item[1], item[0].name))


def sale_money(sale: ExportSale) -> money.ShipmentMoney:
    """The sale in the base currency, what the car cost, and the margin: the price converted
    once and rounded to the cent, less the acquisition cost and the floor plan's interest and
    fees up to the sale day (the payoff made that day closed it). The exporter carries the
    export's own costs, so none are taken off here."""
    vehicle = sale.vehicle
    plan = getattr(vehicle, "floor_plan", None)
    return money.shipment_money(
        prices=[sale.price],
        incoterm="",
        freight=0,
        insurance=0,
        fx_rate=sale.fx_rate_to_base,
        costs=[vehicle.acquisition_cost],
        interest=[plan.interest_paid + plan.interest_due(sale.sold_on) if plan else 0],
        fees=[plan.fees if plan else 0],
        payoffs=[sale.floor_plan_payoff],
    )


def proof_state(sale: ExportSale, on: date) -> list:
    """The sale's open deadlines on `on`, overdue ones flagged."""
    return deadlines.sale_deadlines(sale, on) if sale.is_active else []
