"""The dashboard's figures, aging buckets and top candidates, read in one pass over the stock,
are to the cent those of the plain per-question queries they replace."""

import random
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db.models import Case, Count, Q, Sum, Value, When

from dealerhub.summary import TOP_CANDIDATES, dealer_summary
from exports import cashflow
from exports.models import ShipmentLine, ShipmentStatus
from inventory import costs, holding
from inventory.models import ON_HAND, PaymentKind, Vehicle, VehicleFloorPlan, VehicleStatus
from inventory.services import floor_plan_pay, vehicle_floor
from tests.factories import DealerFactory, FloorPlanLineFactory, ShipmentFactory, VehicleFactory


def stock_figures_one_query_each(dealer, day):
    """The stock figures as one aggregate per dealer over the cars stocked by `day`."""
    candidate = Q(export_candidate=True)
    on_hand = Vehicle.objects.filter(dealer=dealer, status__in=ON_HAND, stocked_on__lte=day)
    rows = (
        holding.with_open_floor_plan(holding.with_days_in_stock(on_hand, day), [dealer.pk])
        .values("dealer_id")
        .annotate(
            units=Count("id"),
            aged_units=Count("id", filter=holding.AGED),
            capital=Sum("acquisition_cost"),
            interest=Sum(holding.daily_interest()),
            candidates=Count("id", filter=candidate),
            export_value=Sum(cashflow.export_price(), filter=candidate),
            payoff=Sum(holding.payoff(day), filter=candidate),
        )
        .order_by()
    )
    row = next(iter(rows), None)
    if row is None:
        return {
            "units": 0,
            "aged_units": 0,
            "capital_tied_up": D("0"),
            "carry_per_day": D("0"),
            "candidates": 0,
            "projected_cash_release": D("0"),
        }
    return {
        "units": row["units"],
        "aged_units": row["aged_units"],
        "capital_tied_up": costs.cents(row["capital"] or D("0")),
        "carry_per_day": holding.carry_per_day(
            dealer=dealer, units=row["units"], capital=row["capital"], interest=row["interest"]
        ),
        "candidates": row["candidates"],
        "projected_cash_release": costs.cents(
            (row["export_value"] or D("0"))
            - dealer.export_costs * row["candidates"]
            - (row["payoff"] or D("0"))
        ),
    }


def buckets_one_query(dealer, on):
    """The aging buckets as a GROUP BY of their own over every car on hand."""
    buckets = dealer.buckets
    whens = [
        When(days_in_stock__lte=bucket.high, then=Value(index))
        for index, bucket in enumerate(buckets[:-1])
    ]
    on_hand = Vehicle.objects.filter(dealer=dealer, status__in=ON_HAND)
    rows = (
        holding.with_open_floor_plan(holding.with_days_in_stock(on_hand, on), [dealer.pk])
        .annotate(bucket=Case(*whens, default=Value(len(buckets) - 1)))
        .values("bucket")
        .annotate(
            units=Count("id"),
            capital=Sum("acquisition_cost"),
            interest=Sum(holding.daily_interest()),
        )
        .order_by()
    )
    by_index = {row["bucket"]: row for row in rows}
    result = []
    for index, bucket in enumerate(buckets):
        row = by_index.get(index, {"units": 0, "capital": D("0"), "interest": 0})
        result.append(
            (
                bucket.key,
                row["units"],
                costs.cents(row["capital"] or 0),
                holding.carry_per_day(
                    dealer=dealer,
                    units=row["units"],
                    capital=row["capital"],
                    interest=row["interest"],
                ),
            )
        )
    return result


def ranked_in_python(dealer, on):
    """Every candidate's cash released worked out car by car, the most first."""
    ranked = []
    for car in Vehicle.objects.filter(dealer=dealer, export_candidate=True).select_related(
        "floor_plan__line"
    ):
        plan = getattr(car, "floor_plan", None)
        price = car.export_price
        if price is None:
            price = costs.cents(car.list_price * (100 - dealer.export_discount_pct) / 100)
        payoff = plan.payoff(on) if plan is not None else D("0")
        ranked.append((-(price - dealer.export_costs - payoff), car.pk))
    return [(pk, -minus) for minus, pk in sorted(ranked)]


def varied_dealer(dealer, seed):
    """Cars of every kind: floored or not, curtailed, paid off, reserved, allocated, sold,
    shipped, candidates priced by staff or at the list price, one stocked tomorrow."""
    rng = random.Random(seed)
    today = dealer.today()
    lines = [
        FloorPlanLineFactory(dealer=dealer, apr_pct=D("7.30")),
        FloorPlanLineFactory(
            dealer=dealer,
            apr_pct=D("5.95"),
            day_count_basis=360,
            flat_fee=D("300"),
            fee_pct=D("0.15"),
            first_curtailment_days=30,
            curtailment_pct=D("10"),
            curtailment_every_days=30,
        ),
    ]
    shipment = ShipmentFactory(
        dealer=dealer, status=ShipmentStatus.LOADED, fx_rate_to_base=D("7.1234")
    )
    statuses = [VehicleStatus.IN_STOCK] * 6 + [
        VehicleStatus.RESERVED,
        VehicleStatus.ALLOCATED,
        VehicleStatus.SOLD_DOMESTIC,
        VehicleStatus.EXPORTED,
    ]
    for n in range(60):
        status = rng.choice(statuses)
        stocked = today - timedelta(days=rng.choice([0, 1, 29, 30, 31, 60, 61, 90, 91, 200, 400]))
        car = VehicleFactory(
            dealer=dealer,
            stocked_on=stocked,
            acquisition_cost=D(rng.randrange(3_000_000, 30_000_000)) / 100,
            list_price=D(rng.randrange(4_000_000, 40_000_000)) / 100,
            export_price=rng.choice([None, D(rng.randrange(3_000_000, 30_000_000)) / 100]),
            export_candidate=status in ON_HAND and rng.random() < 0.6,
            stock_number=f"{dealer.code}-{n}",
        )
        if rng.random() < 0.6:
            plan = vehicle_floor(
                vehicle=car,
                line=rng.choice(lines),
                principal=D(rng.randrange(1_000_000, 20_000_000)) / 100,
                floored_on=stocked,
            )
            roll = rng.random() if stocked < today - timedelta(days=40) else 1
            if roll < 0.25:
                floor_plan_pay(
                    floor_plan=plan,
                    kind=PaymentKind.CURTAILMENT,
                    paid_on=today - timedelta(days=rng.randrange(1, 10)),
                    amount=D(rng.randrange(100_000, 500_000)) / 100,
                )
            elif roll < 0.4:  # paid off, as the payoff leaves it
                VehicleFloorPlan.objects.filter(pk=plan.pk).update(
                    paid_off_on=today, balance=0, accrued_through=today
                )
        # Floored while in stock; a car sold or shipped since may still owe its lender.
        Vehicle.objects.filter(pk=car.pk).update(
            status=status, left_stock_on=None if status in ON_HAND else today
        )
        if status == VehicleStatus.EXPORTED:
            ShipmentLine.objects.create(
                shipment=shipment,
                vehicle=car,
                sale_price=D(rng.randrange(1_500_000, 4_000_000)) / 100,
            )
    # Not stocked until tomorrow: in no figure, in the youngest bucket.
    VehicleFactory(dealer=dealer, stocked_on=today + timedelta(days=1), export_candidate=True)


@pytest.fixture
def dealers(db):
    """Three dealers; two of them always on different calendar days (UTC+14 and UTC-11)."""
    found = [
        DealerFactory(time_zone="Asia/Shanghai", aging_bucket_edges="30,60,90,180"),
        DealerFactory(time_zone="Pacific/Kiritimati", aging_bucket_edges="1,30,61"),
        DealerFactory(time_zone="Pacific/Pago_Pago", export_discount_pct=D("12.50")),
    ]
    for seed, dealer in enumerate(found):
        varied_dealer(dealer, seed)
    return found


def test_the_one_pass_figures_are_the_per_question_queries_to_the_cent(dealers):
    assert dealers[1].today() != dealers[2].today()
    for by_age in (False, True):
        figures = cashflow.dealer_figures(dealers, by_age=by_age)
        for dealer in dealers:
            got = figures[dealer.pk]
            assert got.on == dealer.today()
            expected = stock_figures_one_query_each(dealer, dealer.today())
            assert {name: getattr(got, name) for name in expected} == expected
            assert got.units and got.candidates and got.carry_per_day
        # all on one day: one statement for the three dealers
        day = dealers[0].today()
        figures = cashflow.dealer_figures(dealers, on=day, by_age=by_age)
        for dealer in dealers:
            expected = stock_figures_one_query_each(dealer, day)
            assert {name: getattr(figures[dealer.pk], name) for name in expected} == expected


def test_the_buckets_come_from_the_same_pass_and_match_a_query_of_their_own(dealers):
    for dealer in dealers:
        summary = dealer_summary(dealer)
        got = [
            (row.bucket.key, row.units, row.capital, row.carry_per_day) for row in summary.buckets
        ]
        assert got == buckets_one_query(dealer, dealer.today())
        # the car stocked tomorrow is in the first bucket, and in no tile
        assert sum(row.units for row in summary.buckets) == summary.figures.units + 1


def test_the_snapshot_and_the_dashboard_read_the_same_figures(dealers):
    snapshot = cashflow.dealer_figures(dealers)
    for dealer in dealers:
        assert dealer_summary(dealer).figures == snapshot[dealer.pk]


def test_the_top_candidates_are_those_worked_out_car_by_car(dealers):
    for dealer in dealers:
        on = dealer.today()
        top = dealer_summary(dealer).top_candidates
        expected = ranked_in_python(dealer, on)
        assert len(expected) > TOP_CANDIDATES
        assert [(car.pk, car.cash_released) for car in top] == expected[:TOP_CANDIDATES]


def test_the_cached_dashboard_shows_the_figures_computed_now_to_the_cent(dealers, client):
    """Each dealer's page, first computed and then from the cache (PostgreSQL), after writes
    of its own and of the other dealers, shows what `dealer_figures` computes at that moment."""
    import re

    from django.urls import reverse

    from inventory.templatetags.money import format_money
    from tests.factories import MembershipFactory, UserFactory

    def tiles():
        html = client.get(reverse("dashboard")).content.decode()
        return dict(re.findall(r'id="(kpi-[a-z-]+)">([^<]*)<', html))

    rng = random.Random(7)
    for dealer in dealers:
        client.force_login(MembershipFactory(dealer=dealer, user=UserFactory()).user)
        for step in range(3):
            first, again = tiles(), tiles()
            figures = cashflow.dealer_figures([dealer])[dealer.pk]
            expected = {
                "kpi-units": f"{figures.units:,}",
                "kpi-capital": format_money(figures.capital_tied_up, dealer.base_currency),
                "kpi-carry": format_money(figures.carry_per_day, dealer.base_currency),
                "kpi-release": format_money(figures.projected_cash_release, dealer.base_currency),
                "kpi-floor-plan": format_money(figures.floor_plan_balance, dealer.base_currency),
            }
            assert {key: first[key].strip() for key in expected} == expected, step
            assert again == first
            # a write to one car of each dealer, this one's among them
            for owner in dealers:
                car = rng.choice(list(Vehicle.objects.filter(dealer=owner, status__in=ON_HAND)))
                Vehicle.objects.filter(pk=car.pk).update(
                    acquisition_cost=D(rng.randrange(3_000_000, 30_000_000)) / 100
                )
