"""Holding cost and floor-plan arithmetic, checked against sums worked out by hand."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from inventory import costs

FLOORED = date(2026, 1, 1)
LINE = costs.FloorPlanTerms(apr_pct=D("7.3"), basis_days=365)  # 20.00 a day on 100,000


@pytest.mark.parametrize(
    ("balance", "terms", "days", "interest"),
    [
        # 100,000 x 7.3% / 365 = 20.00 a day
        (D("100000"), LINE, 30, D("600.00")),
        # 150,000 x 6% / 360 = 25.00 a day
        (D("150000"), costs.FloorPlanTerms(apr_pct=D("6"), basis_days=360), 45, D("1125.00")),
        # 123,456.78 x 5.5% x 31 / 365 = 576.6953... -> 576.70
        (D("123456.78"), costs.FloorPlanTerms(apr_pct=D("5.5")), 31, D("576.70")),
        # 0% or nothing owed: no interest; a date before the start: none either
        (D("100000"), costs.FloorPlanTerms(apr_pct=D("0")), 30, D("0.00")),
        (D("100000"), LINE, -5, D("0.00")),
    ],
)
def test_interest_between_dates_is_simple_daily_interest(balance, terms, days, interest):
    start = FLOORED
    assert costs.interest_between(balance, terms, start, start + timedelta(days=days)) == interest


def test_a_curtailment_lowers_the_balance_from_its_day_on():
    # 30 days on 100,000 at 20.00 = 600.00, then 20 days on 90,000 at 18.00 = 360.00
    total = costs.accrued_interest(
        principal=D("100000"),
        floored_on=FLOORED,
        terms=LINE,
        principal_paid=[(FLOORED + timedelta(days=30), D("10000"))],
        as_of=FLOORED + timedelta(days=50),
    )
    assert total == D("960.00")


def test_payments_after_the_day_asked_about_do_not_count():
    total = costs.accrued_interest(
        principal=D("100000"),
        floored_on=FLOORED,
        terms=LINE,
        principal_paid=[(FLOORED + timedelta(days=30), D("10000"))],
        as_of=FLOORED + timedelta(days=10),
    )
    assert total == D("200.00")


CURTAILED = costs.FloorPlanTerms(
    apr_pct=D("7.3"),
    term_days=180,
    first_curtailment_days=90,
    curtailment_pct=D("10"),
    curtailment_every_days=30,
    flat_fee=D("500"),
    fee_pct=D("0.2"),
)


def test_curtailment_schedule_ends_with_the_balloon_at_the_end_of_the_term():
    schedule = costs.curtailment_schedule(
        principal=D("100000"), floored_on=FLOORED, terms=CURTAILED
    )
    assert schedule == [
        costs.Curtailment(date(2026, 4, 1), D("10000.00")),  # day 90
        costs.Curtailment(date(2026, 5, 1), D("10000.00")),  # day 120
        costs.Curtailment(date(2026, 5, 31), D("10000.00")),  # day 150
        costs.Curtailment(date(2026, 6, 30), D("70000")),  # day 180: the rest
    ]


def test_a_line_without_term_curtails_until_the_principal_is_back():
    terms = costs.FloorPlanTerms(
        apr_pct=D("5"),
        first_curtailment_days=60,
        curtailment_pct=D("40"),
        curtailment_every_days=30,
    )
    schedule = costs.curtailment_schedule(principal=D("1000"), floored_on=FLOORED, terms=terms)
    assert [c.amount for c in schedule] == [D("400.00"), D("400.00"), D("200.00")]


@pytest.mark.parametrize(
    ("balance", "due"),
    [
        (D("100000"), costs.Curtailment(date(2026, 4, 1), D("10000"))),
        # 15,000 paid: the first is covered, 5,000 of the second is left
        (D("85000"), costs.Curtailment(date(2026, 5, 1), D("5000"))),
        # three paid: the balloon of 70,000 is next
        (D("70000"), costs.Curtailment(date(2026, 6, 30), D("70000"))),
        (D("0"), None),
    ],
)
def test_next_curtailment_is_the_first_one_not_fully_paid(balance, due):
    assert (
        costs.next_curtailment(
            principal=D("100000"), balance=balance, floored_on=FLOORED, terms=CURTAILED
        )
        == due
    )


@pytest.mark.parametrize(
    ("balance", "owed"),
    [
        # Every instalment not yet paid is owed on its own date, so two
        # overdue curtailments are two, never folded into the oldest.
        (
            D("100000"),
            [
                (date(2026, 4, 1), D("10000")),
                (date(2026, 5, 1), D("10000")),
                (date(2026, 5, 31), D("10000")),
                (date(2026, 6, 30), D("70000")),
            ],
        ),
        # the oldest paid: the second is next, and the rest stay owed
        (
            D("90000"),
            [
                (date(2026, 5, 1), D("10000")),
                (date(2026, 5, 31), D("10000")),
                (date(2026, 6, 30), D("70000")),
            ],
        ),
        # 15,000 paid: 5,000 of the second is left, the third untouched
        (
            D("85000"),
            [
                (date(2026, 5, 1), D("5000")),
                (date(2026, 5, 31), D("10000")),
                (date(2026, 6, 30), D("70000")),
            ],
        ),
        # more than the schedule asked by then: the balloon shrinks
        (D("50000"), [(date(2026, 6, 30), D("50000"))]),
        (D("0"), []),
    ],
)
def test_every_instalment_not_yet_paid_is_owed_on_its_own_date(balance, owed):
    found = costs.curtailments_owed(
        principal=D("100000"), balance=balance, floored_on=FLOORED, terms=CURTAILED
    )
    assert [(each.due_on, each.amount) for each in found] == owed
    assert sum(each.amount for each in found) == balance


def test_flooring_fees_are_the_flat_fee_plus_the_share_of_principal():
    # 500 + 0.2% of 100,000
    assert costs.flooring_fees(D("100000"), CURTAILED) == D("700.00")


CARRY = costs.Carry(overhead_per_day=D("25"), depreciation_pct_per_30d=D("1.5"))


def test_holding_cost_adds_interest_overhead_and_depreciation():
    # per day: interest 20.00, overhead 25.00, depreciation 150,000 x 1.5% / 30 = 75.00
    held = costs.holding_cost(
        days=30, acquisition_cost=D("150000"), carry=CARRY, balance=D("100000"), terms=LINE
    )
    assert (held.interest, held.overhead, held.depreciation) == (
        D("600.00"),
        D("750.00"),
        D("2250.00"),
    )
    assert held.total == D("3600.00")
    per_day = costs.carry_per_day(
        acquisition_cost=D("150000"), carry=CARRY, balance=D("100000"), terms=LINE
    )
    assert per_day == D("120.00")


def test_a_car_without_floor_plan_costs_overhead_and_depreciation_only():
    held = costs.holding_cost(days=10, acquisition_cost=D("150000"), carry=CARRY)
    assert held.interest == 0
    assert held.total == D("1000.00")
    assert costs.carry_per_day(acquisition_cost=D("150000"), carry=CARRY) == D("100.00")


def test_export_or_hold_worked_example():
    """List 200,000, 20% export discount, costs 4,500, floored 100,000 for 30 days."""
    payoff = costs.payoff(balance=D("100000"), interest_due=D("600"), fees_due=D("700"))
    assert payoff == D("101300.00")
    held = costs.holding_cost(
        days=60, acquisition_cost=D("150000"), carry=CARRY, balance=D("100000"), terms=LINE
    )
    decision = costs.export_or_hold(
        list_price=D("200000"),
        discount_pct=D("20"),
        staff_price=None,
        export_costs=D("4500"),
        payoff_now=payoff,
        hold_days=60,
        markdown_pct=D("15"),
        carrying_cost=held,
    )
    # 160,000 - 4,500 - 101,300
    assert decision.cash_released == D("54200.00")
    # Cash against cash (README "Cash flow", worked example): the domestic price after the
    # 15% markdown already is the car's value then, so depreciation is not subtracted again.
    # 170,000 - 101,300 - (1,200 interest + 1,500 overhead) = 66,000; value lost 4,500 apart.
    assert decision.cash_if_held == D("66000.00")
    assert decision.value_lost == D("4500.00")
    assert decision.export_advantage == D("-11800.00")


@pytest.mark.parametrize(
    ("interest", "overhead", "depreciation", "cash_if_held", "value_lost"),
    [
        # Depreciation is not cash, and the markdown already prices the
        # loss of value; only interest and overhead paid come off the domestic price.
        ("0", "0", "0", "170000.00", "0"),
        ("0", "0", "4500", "170000.00", "4500"),
        ("1200", "1500", "0", "167300.00", "0"),
        ("1200", "1500", "4500", "167300.00", "4500"),
    ],
)
def test_cash_if_held_takes_off_only_cash_paid(
    interest, overhead, depreciation, cash_if_held, value_lost
):
    decision = costs.export_or_hold(
        list_price=D("200000"),
        discount_pct=D("20"),
        staff_price=None,
        export_costs=D("0"),
        payoff_now=D("0"),
        hold_days=60,
        markdown_pct=D("15"),
        carrying_cost=costs.HoldingCost(D(interest), D(overhead), D(depreciation)),
    )
    assert decision.cash_if_held == D(cash_if_held)
    assert decision.value_lost == D(value_lost)


def test_a_price_staff_entered_replaces_the_discounted_list_price():
    decision = costs.export_or_hold(
        list_price=D("200000"),
        discount_pct=D("20"),
        staff_price=D("171000"),
        export_costs=D("4500"),
        payoff_now=D("0"),
        hold_days=60,
        markdown_pct=D("15"),
        carrying_cost=costs.HoldingCost(D("0"), D("0"), D("0")),
    )
    assert decision.export_price == D("171000.00")
    assert decision.cash_released == D("166500.00")
