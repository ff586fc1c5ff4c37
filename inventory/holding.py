"""Holding cost in the database: SQL expressions for interest and payoff, aging in money."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, localcontext

from django.db.models import (
    Case,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, Round

from . import aging, costs
from .models import ON_HAND as ON_HAND  # other modules name the statuses on hand through here
from .models import Dealer, Vehicle

MONEY = DecimalField(max_digits=14, decimal_places=2)
RATE = DecimalField(max_digits=30, decimal_places=12)
ZERO_MONEY = Value(Decimal("0"), output_field=MONEY)


class DaysSince(Func):
    """Whole days from a date column to a given day, as an integer, on both databases."""

    output_field = IntegerField()

    def __init__(self, expression, on):
        if isinstance(on, date):
            on = Value(on, output_field=DateField())
        super().__init__(on, expression)

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL subtracts dates into whole days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def with_open_floor_plan(queryset, dealer_ids):
    """Join each car's open floor plan as `open_plan`.

    The join names the dealers, so PostgreSQL reads their floor plans by index instead of
    every floor plan of every dealer.
    """
    return queryset.alias(
        open_plan=FilteredRelation(
            "floor_plan",
            condition=Q(
                floor_plan__paid_off_on__isnull=True,
                floor_plan__dealer_id__in=dealer_ids,
            ),
        )
    )


def daily_interest() -> Func:
    """One day's interest at today's balance (unrounded); zero without an open floor plan.

    Needs `with_open_floor_plan`, as do the other expressions on `open_plan`.
    """
    return Coalesce(
        ExpressionWrapper(
            F("open_plan__balance")
            * F("open_plan__line__apr_pct")
            / (Value(100) * F("open_plan__line__day_count_basis")),
            output_field=RATE,
        ),
        ZERO_MONEY,
        output_field=RATE,
    )


def open_balance() -> Func:
    return Coalesce(F("open_plan__balance"), ZERO_MONEY, output_field=MONEY)


def payoff(on: date) -> Func:
    """What the lender needs on `on` to release the car: balance, interest and unpaid fees.

    Interest since the last booking is rounded to the cent as `costs.interest_between` books it.
    """
    running = Round(
        ExpressionWrapper(
            F("open_plan__balance")
            * F("open_plan__line__apr_pct")
            * DaysSince(F("open_plan__accrued_through"), on)
            / (Value(100) * F("open_plan__line__day_count_basis")),
            output_field=RATE,
        ),
        2,
    )
    return Coalesce(
        F("open_plan__balance")
        + F("open_plan__interest_accrued")
        + running
        + F("open_plan__fees")
        - F("open_plan__fees_paid"),
        ZERO_MONEY,
        output_field=MONEY,
    )


def daily_carry(dealer: Dealer) -> Func:
    """One car's cost of one more day, unrounded: interest, overhead and depreciation."""
    return ExpressionWrapper(
        daily_interest()
        + Value(dealer.daily_overhead_per_unit, output_field=MONEY)
        + F("acquisition_cost")
        * Value(dealer.depreciation_pct_per_30d, output_field=RATE)
        / Value(costs.HUNDRED * costs.DAYS_PER_DEPRECIATION_STEP, output_field=RATE),
        output_field=RATE,
    )


def carry_per_day(*, dealer: Dealer, units: int, capital: Decimal, interest: Decimal) -> Decimal:
    """A group of cars' daily cost from its sums: interest, overhead per car, depreciation."""
    return costs.cents(
        Decimal(interest or 0)
        + dealer.daily_overhead_per_unit * units
        + costs.depreciation_per_day(Decimal(capital or 0), dealer.carry)
    )


@dataclass(frozen=True)
class BucketMoney:
    bucket: aging.Bucket
    units: int
    capital: Decimal
    carry_per_day: Decimal


def aging_in_money(*, dealer: Dealer, stock_by_age: dict) -> list[BucketMoney]:
    """Per aging bucket of the dealer's own edges: cars on hand, capital, cost per day.

    `stock_by_age` is the stock summed per days in stock (`Figures.stock_by_age`, from the
    statement that sums the dealer's figures), so the buckets add up to the tiles above them.
    """
    buckets = dealer.buckets
    sums = {
        bucket: {"units": 0, "capital": Decimal("0"), "interest": Decimal("0")}
        for bucket in buckets
    }
    # Enough digits that adding up the days never rounds.
    with localcontext(prec=60):
        for days, row in stock_by_age.items():
            into = sums[aging.bucket_for(days, buckets)]
            into["units"] += row["units"]
            into["capital"] += row["capital"] or 0
            into["interest"] += row["interest"] or 0
    return [
        BucketMoney(
            bucket=bucket,
            units=row["units"],
            capital=costs.cents(row["capital"]),
            carry_per_day=carry_per_day(
                dealer=dealer, units=row["units"], capital=row["capital"], interest=row["interest"]
            ),
        )
        for bucket, row in sums.items()
    ]


def _owed_on(plan):
    """The balance and terms interest runs on: an open floor plan's, or nothing."""
    if plan is None or not plan.is_open:
        return Decimal("0"), None
    return plan.balance, plan.line.terms


@dataclass(frozen=True)
class VehicleHolding:
    """What one car has cost so far and costs each day, and what its lender would take now."""

    vehicle: Vehicle
    days_in_stock: int
    to_date: costs.HoldingCost
    per_day: Decimal
    payoff: Decimal
    floor_plan: object  # VehicleFloorPlan or None
    # Every overdue instalment, each on its own, then the next one not yet due.
    curtailments: tuple = ()

    def held_for(self, days: int) -> costs.HoldingCost:
        """What `days` more in stock would cost at today's balance."""
        balance, terms = _owed_on(self.floor_plan)
        return costs.holding_cost(
            days=days,
            acquisition_cost=self.vehicle.acquisition_cost,
            carry=self.vehicle.dealer.carry,
            balance=balance,
            terms=terms,
        )


def vehicle_holding(vehicle: Vehicle, on: date) -> VehicleHolding:
    """Per-car figures in exact Decimal; the floor plan comes from one related-object query."""
    plan = getattr(vehicle, "floor_plan", None)
    days = vehicle.days_in_stock(on)
    carry = vehicle.dealer.carry
    balance, terms = _owed_on(plan)
    # Overhead and depreciation while the car was in stock; interest as the lender booked it,
    # running up to the day the car left. What a lender charges after that is still owed (the
    # payoff says so) but is the cost of an unpaid loan, not of holding the car.
    since_arrival = costs.holding_cost(
        days=days, acquisition_cost=vehicle.acquisition_cost, carry=carry
    )
    end = aging.stock_end(on, vehicle.left_stock_on)
    interest = (plan.interest_paid + plan.interest_due(end)) if plan else Decimal("0")
    per_day = (
        costs.carry_per_day(
            acquisition_cost=vehicle.acquisition_cost, carry=carry, balance=balance, terms=terms
        )
        if vehicle.is_on_hand
        else Decimal("0.00")
    )
    return VehicleHolding(
        vehicle=vehicle,
        days_in_stock=days,
        to_date=replace(since_arrival, interest=costs.cents(interest)),
        per_day=per_day,
        payoff=plan.payoff(on) if plan else Decimal("0"),
        floor_plan=plan,
        curtailments=_curtailments_to_show(plan, on),
    )


def _curtailments_to_show(plan, on: date) -> tuple:
    if plan is None or not plan.is_open:
        return ()
    owed = list(plan.curtailments_owed.all())
    for instalment in owed:
        instalment.overdue = instalment.due_on < on
    overdue = [each for each in owed if each.overdue]
    return tuple(overdue + [each for each in owed if not each.overdue][:1])


# Cars that have stood longer than their dealer's aged threshold; needs `with_days_in_stock`.
AGED = Q(days_in_stock__gt=F("dealer__aged_threshold_days"))


def stock_end(on: date) -> Func:
    """`aging.stock_end` in SQL: `on`, or the day the car left stock if that came first.

    Least is null on SQLite when either side is, hence the Coalesce."""
    day = Value(on, output_field=DateField())
    return Coalesce(Least(F("left_stock_on"), day), day, output_field=DateField())


def days_in_stock(on: date) -> Func:
    """`aging.days_in_stock` in SQL, for lists, sums and sorts that must show the same number."""
    return DaysSince(F("stocked_on"), stock_end(on))


def with_days_in_stock(queryset, on: date):
    return queryset.alias(days_in_stock=days_in_stock(on))


def programme_support(on: date) -> Func:
    """What the maker's export programme pays for the car if it is exported on `on`: the
    enrolment's support while the programme runs that day, else zero."""
    return Coalesce(
        Case(
            When(
                programme_enrolment__programme__valid_from__lte=on,
                programme_enrolment__programme__valid_to__gte=on,
                then=F("programme_enrolment__support"),
            ),
            default=ZERO_MONEY,
            output_field=MONEY,
        ),
        ZERO_MONEY,
        output_field=MONEY,
    )
