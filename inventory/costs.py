"""What a car costs to keep and what it releases when it leaves: exact Decimal arithmetic.

Conventions, the ones Chinese floor-plan lenders bill by:
- Interest is simple and daily: balance x APR / basis for every day the balance is out,
  counted from the day it is floored (or the day of the last payment) up to, not including,
  the day asked about. The basis is 365 unless the line says 360.
- Interest is booked to the cent whenever the balance changes (at each payment), so a run of
  interest between two payments is rounded once, half up.
- A curtailment pays back a share of the original principal on a schedule: the first after N
  days, then every M days, and at the end of the term whatever is left.
- Depreciation is a share of the acquisition cost per 30 days, spread evenly over the days.
  It is value lost, not money paid: cash comparisons leave it out and show it beside them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
DAYS_PER_DEPRECIATION_STEP = 30


def cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FloorPlanTerms:
    """A lender's line: the rate, how days are counted, and how principal comes back."""

    apr_pct: Decimal
    basis_days: int = 365
    term_days: int | None = None
    first_curtailment_days: int | None = None
    curtailment_pct: Decimal = ZERO
    curtailment_every_days: int | None = None
    flat_fee: Decimal = ZERO
    fee_pct: Decimal = ZERO


@dataclass(frozen=True)
class Curtailment:
    due_on: date
    amount: Decimal


def daily_interest(balance: Decimal, terms: FloorPlanTerms) -> Decimal:
    """One day's interest on `balance`, unrounded."""
    return Decimal(balance) * terms.apr_pct / HUNDRED / terms.basis_days


def interest_between(balance: Decimal, terms: FloorPlanTerms, start: date, end: date) -> Decimal:
    """Interest on a constant balance from `start` up to `end`, booked to the cent."""
    days = max((end - start).days, 0)
    return cents(daily_interest(balance, terms) * days)


def accrued_interest(
    *,
    principal: Decimal,
    floored_on: date,
    terms: FloorPlanTerms,
    principal_paid: Iterable[tuple[date, Decimal]] = (),
    as_of: date,
) -> Decimal:
    """All interest from flooring to `as_of`, with the balance lowered by each repayment.

    `principal_paid` holds (date, amount) pairs of principal paid back; each lowers the
    balance from its own day on. Payments after `as_of` do not count.
    """
    balance = Decimal(principal)
    since = floored_on
    total = ZERO
    for paid_on, amount in sorted(principal_paid):
        if paid_on > as_of:
            break
        total += interest_between(balance, terms, since, paid_on)
        balance -= amount
        since = max(since, paid_on)
    return total + interest_between(balance, terms, since, as_of)


def flooring_fees(principal: Decimal, terms: FloorPlanTerms) -> Decimal:
    """The flat fee plus the percentage fee on the principal, charged when the car is floored."""
    return cents(terms.flat_fee + Decimal(principal) * terms.fee_pct / HUNDRED)


def curtailment_schedule(
    *, principal: Decimal, floored_on: date, terms: FloorPlanTerms
) -> list[Curtailment]:
    """Every repayment of principal the line asks for, ending with the term's balloon."""
    principal = Decimal(principal)
    maturity = floored_on + timedelta(days=terms.term_days) if terms.term_days else None
    schedule = []
    scheduled = ZERO
    if terms.first_curtailment_days and terms.curtailment_pct > 0:
        step = cents(principal * terms.curtailment_pct / HUNDRED)
        due_on = floored_on + timedelta(days=terms.first_curtailment_days)
        while scheduled < principal and (maturity is None or due_on < maturity):
            amount = min(step, principal - scheduled)
            schedule.append(Curtailment(due_on, amount))
            scheduled += amount
            if not terms.curtailment_every_days:
                break
            due_on += timedelta(days=terms.curtailment_every_days)
    if maturity and scheduled < principal:
        schedule.append(Curtailment(maturity, principal - scheduled))
    return schedule


def curtailments_owed(
    *, principal: Decimal, balance: Decimal, floored_on: date, terms: FloorPlanTerms
) -> list[Curtailment]:
    """Every instalment of the schedule not yet covered, each with what is still owed of it.

    Principal paid so far (principal - balance) covers the schedule from the start, so the
    first instalment it does not cover may be owed in part. Every instalment keeps its own due
    date: when several dates have passed, each one is overdue on its own, never folded into one.
    """
    balance = Decimal(balance)
    if balance <= 0:
        return []
    paid = Decimal(principal) - balance
    owed = []
    scheduled = ZERO
    left = balance
    for instalment in curtailment_schedule(principal=principal, floored_on=floored_on, terms=terms):
        scheduled += instalment.amount
        amount = min(scheduled - paid, instalment.amount, left)
        if amount > 0:
            owed.append(Curtailment(instalment.due_on, amount))
            left -= amount
    return owed


def next_curtailment(
    *, principal: Decimal, balance: Decimal, floored_on: date, terms: FloorPlanTerms
) -> Curtailment | None:
    """The earliest instalment still owed, or None."""
    owed = curtailments_owed(
        principal=principal, balance=balance, floored_on=floored_on, terms=terms
    )
    return owed[0] if owed else None


def payoff(*, balance: Decimal, interest_due: Decimal, fees_due: Decimal) -> Decimal:
    """What the lender must receive to release the car's certificate."""
    return cents(Decimal(balance) + Decimal(interest_due) + Decimal(fees_due))


@dataclass(frozen=True)
class Carry:
    """A dealer's running costs of keeping one car, besides floor-plan interest."""

    overhead_per_day: Decimal = ZERO
    depreciation_pct_per_30d: Decimal = ZERO


@dataclass(frozen=True)
class HoldingCost:
    interest: Decimal
    overhead: Decimal
    depreciation: Decimal

    @property
    def total(self) -> Decimal:
        return self.interest + self.overhead + self.depreciation

    @property
    def cash(self) -> Decimal:
        """What is paid out in money: interest and overhead; depreciation leaves no account."""
        return self.interest + self.overhead


def depreciation_per_day(acquisition_cost: Decimal, carry: Carry) -> Decimal:
    return (
        Decimal(acquisition_cost)
        * carry.depreciation_pct_per_30d
        / HUNDRED
        / DAYS_PER_DEPRECIATION_STEP
    )


def holding_cost(
    *,
    days: int,
    acquisition_cost: Decimal,
    carry: Carry,
    balance: Decimal = ZERO,
    terms: FloorPlanTerms | None = None,
) -> HoldingCost:
    """What `days` more in stock cost at today's balance, each part to the cent."""
    days = max(days, 0)
    interest = cents(daily_interest(balance, terms) * days) if terms and balance else ZERO
    return HoldingCost(
        interest=interest,
        overhead=cents(carry.overhead_per_day * days),
        depreciation=cents(depreciation_per_day(acquisition_cost, carry) * days),
    )


def carry_per_day(
    *,
    acquisition_cost: Decimal,
    carry: Carry,
    balance: Decimal = ZERO,
    terms: FloorPlanTerms | None = None,
) -> Decimal:
    """One more day in stock, to the cent."""
    interest = daily_interest(balance, terms) if terms and balance else ZERO
    return cents(interest + carry.overhead_per_day + depreciation_per_day(acquisition_cost, carry))


def export_price(*, list_price: Decimal, discount_pct: Decimal, staff_price=None) -> Decimal:
    """The price staff entered, else the list price less the dealer's export discount."""
    if staff_price is not None:
        return cents(staff_price)
    return cents(Decimal(list_price) * (HUNDRED - discount_pct) / HUNDRED)


@dataclass(frozen=True)
class ExportOrHold:
    """Cash in hand if the car leaves now, against keeping it and selling it at home later."""

    export_price: Decimal
    export_costs: Decimal
    payoff: Decimal
    hold_days: int
    domestic_price: Decimal
    carrying_cost: HoldingCost
    # What the maker's export programme pays for the car if it is exported now.
    programme_support: Decimal = ZERO

    @property
    def cash_released(self) -> Decimal:
        return self.export_price + self.programme_support - self.export_costs - self.payoff

    @property
    def cash_if_held(self) -> Decimal:
        # The payoff then is the payoff now plus the interest in the carrying cost. The
        # domestic price already carries the markdown, the car's loss of value by then, so
        # depreciation is not taken off again: it is no payment, and it would count twice.
        return self.domestic_price - self.payoff - self.carrying_cost.cash

    @property
    def value_lost(self) -> Decimal:
        """Depreciation over the days held, shown beside the cash, never subtracted from it."""
        return self.carrying_cost.depreciation

    @property
    def export_advantage(self) -> Decimal:
        return self.cash_released - self.cash_if_held

    @property
    def hold_advantage(self) -> Decimal:
        return -self.export_advantage


def export_or_hold(
    *,
    list_price: Decimal,
    discount_pct: Decimal,
    staff_price: Decimal | None,
    export_costs: Decimal,
    payoff_now: Decimal,
    hold_days: int,
    markdown_pct: Decimal,
    carrying_cost: HoldingCost,
    programme_support: Decimal = ZERO,
) -> ExportOrHold:
    return ExportOrHold(
        export_price=export_price(
            list_price=list_price, discount_pct=discount_pct, staff_price=staff_price
        ),
        export_costs=cents(export_costs),
        payoff=cents(payoff_now),
        hold_days=hold_days,
        domestic_price=cents(Decimal(list_price) * (HUNDRED - markdown_pct) / HUNDRED),
        carrying_cost=carrying_cost,
        programme_support=cents(programme_support),
    )
