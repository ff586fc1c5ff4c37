"""A dealer's cash position: what stock costs, what exporting would release, what has shipped.

Every figure comes from a few aggregate queries for any number of dealers and cars; the
dashboard, the nightly snapshot and the weekly report all read them from `dealer_figures`,
so they always agree.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from inventory import costs, holding
from inventory.models import (
    CurtailmentOwed,
    Dealer,
    ProgrammeEnrolment,
    Vehicle,
    VehicleFloorPlan,
)

from . import selling, shipments
from .models import CashFlowSnapshot, ExportSale, ExportShipment, ShipmentLine

# A car has left, and its sale counts as cash, once it is loaded on the ship.
SHIPPED = shipments.LOADED_OR_LATER
CURTAILMENT_WINDOW_DAYS = 7
ZERO = Decimal("0")


@dataclass
class Figures:
    """One dealer's cash position on one day, the fields of a `CashFlowSnapshot`."""

    on: date
    units: int = 0
    aged_units: int = 0
    capital_tied_up: Decimal = ZERO
    carry_per_day: Decimal = ZERO
    candidates: int = 0
    projected_cash_release: Decimal = ZERO
    realised_export_proceeds: Decimal = ZERO
    realised_export_margin: Decimal = ZERO
    floor_plan_balance: Decimal = ZERO
    curtailments_due: int = 0
    curtailments_due_amount: Decimal = ZERO

    # Not a field, not stored: with `dealer_figures(..., by_age=True)`, the cars on hand
    # summed per whole days in stock, from the same statement, for the aging buckets.
    stock_by_age = None

    def as_fields(self):
        return asdict(self)


def export_price():
    """The staff's export price, else the list price less the dealer's export discount."""
    return Coalesce(
        F("export_price"),
        Round(
            ExpressionWrapper(
                F("list_price") * (Value(100) - F("dealer__export_discount_pct")) / Value(100),
                output_field=holding.MONEY,
            ),
            2,
        ),
        output_field=holding.MONEY,
    )


def export_costs():
    return ExpressionWrapper(
        F("dealer__export_cost_inspection")
        + F("dealer__export_cost_transport")
        + F("dealer__export_cost_documents"),
        output_field=holding.MONEY,
    )


def candidates_by_cash_released(dealer: Dealer, on: date):
    """The dealer's export candidates, the most cash released first; the cars whose every
    market carries a warning come after all those with a market in no doubt."""
    candidates = Vehicle.objects.filter(dealer=dealer, export_candidate=True)
    return (
        holding.with_open_floor_plan(candidates, [dealer.pk])
        .select_related("export_verdict")
        .annotate(
            # A verdict written before warnings were recorded has no "clean": not in doubt.
            only_doubtful_markets=Case(
                When(export_verdict__summary__clean=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            days_in_stock_on=holding.days_in_stock(on),
            expected_export_price=export_price(),
            expected_export_costs=export_costs(),
            expected_payoff=holding.payoff(on),
            expected_support=holding.programme_support(on),
        )
        .annotate(
            cash_released=ExpressionWrapper(
                F("expected_export_price")
                + F("expected_support")
                - F("expected_export_costs")
                - F("expected_payoff"),
                output_field=holding.MONEY,
            )
        )
        .order_by("only_doubtful_markets", "-cash_released", "id")
    )


def top_candidates(dealer: Dealer, on: date, count: int) -> list:
    """The first `count` cars of `candidates_by_cash_released`, in one statement: the ranking
    reads only what the candidates index holds, and only the cars kept are read in full."""
    ranked = candidates_by_cash_released(dealer, on)
    return list(ranked.filter(pk__in=ranked.values("pk")[:count]))


def _by_local_day(dealers, on):
    days = defaultdict(list)
    for dealer in dealers:
        days[on or dealer.today()].append(dealer)
    return days


def dealer_figures(dealers, on: date | None = None, *, by_age=False) -> dict[int, Figures]:
    """Each dealer's figures on `on` (default: the dealer's own today).

    Four aggregate queries per distinct day among the dealers (one day, unless they sit in
    time zones on different dates), whatever the number of cars. With `by_age` the stock is
    summed per days in stock as well (`Figures.stock_by_age`), so that the aging buckets come
    from the same pass over the stock.
    """
    result = {}
    for day, group in _by_local_day(dealers, on).items():
        by_id = {dealer.pk: dealer for dealer in group}
        for dealer_id in by_id:
            result[dealer_id] = Figures(on=day)
        _stock(day, by_id, result, by_age=by_age)
        _floor_plans(day, by_id, result)
        _shipped(by_id, result)
        _programme_support(day, by_id, result)
        _sold_for_export(day, by_id, result)
    return result


@dataclass
class StockSums:
    """Sums over a group of cars on hand, exact as the database adds them."""

    units: int = 0
    aged_units: int = 0
    capital: Decimal = ZERO
    interest: Decimal = ZERO
    candidates: int = 0
    export_value: Decimal = ZERO
    payoff: Decimal = ZERO

    def add(self, row):
        # Enough digits that adding up the groups never rounds: the total is the one a
        # single SUM over every car would give.
        with localcontext(prec=60):
            self.units += row["units"]
            self.aged_units += row["aged_units"]
            self.capital += row["capital"] or ZERO
            self.interest += row["interest"] or ZERO
            self.candidates += row["candidates"]
            self.export_value += row["export_value"] or ZERO
            self.payoff += row["payoff"] or ZERO


def _stock(day, by_id, result, *, by_age=False):
    """The cars on hand: one statement, grouped by dealer (and by days in stock)."""
    candidate = Q(export_candidate=True)
    on_hand = holding.with_open_floor_plan(
        holding.with_days_in_stock(
            Vehicle.objects.filter(dealer_id__in=list(by_id), status__in=holding.ON_HAND), day
        ),
        list(by_id),
    )
    if by_age:
        # Grouped by the day stocked, which PostgreSQL knows has a few hundred values (so it
        # sums in a hash table), rather than by the days in stock it cannot estimate. A car on
        # hand has not left stock (a constraint says so), so its days in stock are `day` less
        # the day stocked. Cars not yet stocked on `day` are in no figure, but the buckets
        # count them in the first one, as the inventory's aging filter does.
        # For one dealer, the day alone: PostgreSQL does not count a column fixed by the
        # WHERE clause out of its estimate, and a wrong one makes it sort on disk instead.
        on_hand = on_hand.values(*(["dealer_id"] if len(by_id) > 1 else []), "stocked_on")
    else:
        on_hand = on_hand.filter(stocked_on__lte=day).values("dealer_id")
    rows = on_hand.annotate(
        units=Count("id"),
        aged_units=Count("id", filter=holding.AGED),
        capital=Sum("acquisition_cost"),
        interest=Sum(holding.daily_interest()),
        candidates=Count("id", filter=candidate),
        export_value=Sum(export_price(), filter=candidate),
        payoff=Sum(holding.payoff(day), filter=candidate),
    ).order_by()
    totals = defaultdict(StockSums)
    if by_age:
        for dealer_id in by_id:
            result[dealer_id].stock_by_age = {}
    (only_dealer, *_others) = by_id
    for row in rows:
        dealer_id = row.get("dealer_id", only_dealer)
        if by_age:
            days = (day - row["stocked_on"]).days
            result[dealer_id].stock_by_age[days] = row
            if days < 0:
                continue
        totals[dealer_id].add(row)
    for dealer_id, sums in totals.items():
        dealer = by_id[dealer_id]
        figures = result[dealer_id]
        figures.units = sums.units
        figures.aged_units = sums.aged_units
        figures.capital_tied_up = costs.cents(sums.capital)
        figures.carry_per_day = holding.carry_per_day(
            dealer=dealer, units=sums.units, capital=sums.capital, interest=sums.interest
        )
        figures.candidates = sums.candidates
        figures.projected_cash_release = costs.cents(
            sums.export_value - dealer.export_costs * sums.candidates - sums.payoff
        )


def _floor_plans(day, by_id, result):
    rows = (
        VehicleFloorPlan.objects.open()
        .filter(dealer_id__in=list(by_id))
        .values("dealer_id")
        .annotate(balance=Sum("balance"))
        .order_by()
    )
    for row in rows:
        result[row["dealer_id"]].floor_plan_balance = costs.cents(row["balance"] or ZERO)
    # Every instalment due in the window counts, each overdue one on its own: a car two
    # curtailments behind owes both, and paying the older one leaves the other counted.
    # The floor plans named by dealer too, so that PostgreSQL reads the dealers' open plans
    # by index rather than every open floor plan to find which instalments still count.
    due = (
        CurtailmentOwed.objects.due(by=day + timedelta(days=CURTAILMENT_WINDOW_DAYS))
        .filter(dealer_id__in=list(by_id), floor_plan__dealer_id__in=list(by_id))
        .values("dealer_id")
        .annotate(due=Count("id"), due_amount=Sum("amount"))
        .order_by()
    )
    for row in due:
        figures = result[row["dealer_id"]]
        figures.curtailments_due = row["due"]
        figures.curtailments_due_amount = costs.cents(row["due_amount"] or ZERO)


def realised_export_lines():
    """Lines whose car has been loaded, with the sale booked in the base currency."""
    return ShipmentLine.objects.filter(is_active=True, shipment__status__in=SHIPPED)


def _shipped(by_id, result):
    """Realised proceeds and margin: each loaded shipment's money as its page shows it
    (`shipments.money_of`, converted once per shipment and rounded to the cent), added up.

    Three queries for any number of dealers: the shipments, their milestones and their cars
    with the floor plans whose interest and fees count against the margin."""
    loaded = ExportShipment.objects.filter(
        dealer_id__in=list(by_id), status__in=SHIPPED
    ).prefetch_related(
        "milestones",
        Prefetch(
            "lines",
            queryset=realised_export_lines().select_related(
                "vehicle", "vehicle__floor_plan", "vehicle__floor_plan__line"
            ),
            to_attr="loaded_lines",
        ),
    )
    for shipment in loaded:
        shipment.dealer = by_id[shipment.dealer_id]
        figures = result[shipment.dealer_id]
        money = shipments.money_of(shipment, shipment.loaded_lines)
        figures.realised_export_proceeds += money.realised
        figures.realised_export_margin += money.margin_on_cost


def trend(dealer: Dealer, *, days=90, today: Figures | None = None):
    """The last `days` snapshots, oldest first, with today's live figures in place of today's."""
    since = (today.on if today else dealer.today()) - timedelta(days=days - 1)
    rows = list(
        CashFlowSnapshot.objects.filter(dealer=dealer, on__gte=since)
        .order_by("on")
        .values("on", "capital_tied_up", "projected_cash_release", "realised_export_proceeds")
    )
    if today is not None:
        rows = [row for row in rows if row["on"] != today.on]
        rows.append(
            {
                "on": today.on,
                "capital_tied_up": today.capital_tied_up,
                "projected_cash_release": today.projected_cash_release,
                "realised_export_proceeds": today.realised_export_proceeds,
            }
        )
    return rows


def _programme_support(day, by_id, result):
    """Candidates in a maker's export programme running on `day` release its support too."""
    rows = (
        ProgrammeEnrolment.objects.running_on(day)
        .filter(
            vehicle__dealer_id__in=list(by_id),
            vehicle__export_candidate=True,
            vehicle__status__in=holding.ON_HAND,
            vehicle__stocked_on__lte=day,
        )
        .values("vehicle__dealer_id")
        .annotate(support=Sum("support"))
        .order_by()
    )
    for row in rows:
        figures = result[row["vehicle__dealer_id"]]
        figures.projected_cash_release += costs.cents(row["support"] or ZERO)


def realised_export_sales(by_id, day):
    """Sales to exporters, not cancelled, made on or before `day`: each counts once, from its
    sale day on, as a loaded shipment line counts from its loading."""
    return (
        ExportSale.objects.active()
        .filter(dealer_id__in=list(by_id), sold_on__lte=day)
        .select_related("vehicle", "vehicle__floor_plan", "vehicle__floor_plan__line")
    )


def _sold_for_export(day, by_id, result):
    """Realised proceeds and margin of the cars sold to exporters (`selling.sale_money`, the
    figures the sale's page shows), added up; one query for any number of dealers."""
    for sale in realised_export_sales(by_id, day):
        figures = result[sale.dealer_id]
        sold = selling.sale_money(sale)
        figures.realised_export_proceeds += sold.realised
        figures.realised_export_margin += sold.margin_on_cost
