"""What a shipment brings in: hand-worked figures for each Incoterm, the payoff taken on the
loading day, and the same money on the dashboard as on the shipments."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from dealerhub.summary import dealer_summary
from exports import services, shipments
from exports.models import ShipmentStatus
from exports.money import shipment_money
from inventory import services as inventory_services
from tests.factories import ShipmentFactory, shippable_vehicle

S = ShipmentStatus


@pytest.mark.parametrize(
    ("incoterm", "freight", "insurance", "realised"),
    [
        ("FOB", D("0"), D("0"), D("284000.00")),  # 40,000 USD x 7.1; the buyer carries
        ("FCA", D("0"), D("0"), D("284000.00")),
        ("CFR", D("1800"), D("0"), D("271220.00")),  # (40,000 - 1,800) x 7.1
        ("CIF", D("1800"), D("120"), D("270368.00")),  # (40,000 - 1,800 - 120) x 7.1
        ("CIP", D("1800"), D("120"), D("270368.00")),
    ],
)
def test_realised_cash_follows_who_pays_under_the_incoterm(incoterm, freight, insurance, realised):
    money = shipment_money(
        prices=[D("21000"), D("19000")],
        incoterm=incoterm,
        freight=D("1800"),
        insurance=D("120"),
        fx_rate=D("7.1"),
        costs=[D("150000"), D("130000")],
        payoffs=[D("101300"), D("0")],
    )
    assert (money.seller_freight, money.seller_insurance) == (freight, insurance)
    assert money.realised == realised
    assert money.margin_on_cost == realised - D("280000")
    assert money.cash_after_payoff == realised - D("101300")


@pytest.mark.django_db
def test_the_payoff_is_taken_on_the_loading_day(dealer_a, line, markets):
    """7.3% on 100,000 is 20.00 a day; floored 30 days before loading, loaded 5 days ago."""
    today = dealer_a.today()
    car = shippable_vehicle(dealer_a)
    inventory_services.vehicle_floor(
        vehicle=car, line=line, principal=D("100000"), floored_on=today - timedelta(days=35)
    )
    shipment = ShipmentFactory(dealer=dealer_a, fx_rate_to_base=D("7.1"))
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=D("21000"))
    for step, days_ago in ((S.BOOKED, 9), (S.CUSTOMS_CLEARED, 7), (S.LOADED, 5)):
        services.shipment_advance(
            shipment=shipment, to_status=step, on=today - timedelta(days=days_ago)
        )
    money = shipments.money_of(shipment)
    # 100,000 + 30 days x 20.00 + fees 500 + 0.2% = 101,300.00
    assert money.payoff == D("101300.00")
    assert money.realised == D("149100.00")
    assert money.cash_after_payoff == D("47800.00")


@pytest.mark.django_db
def test_the_dashboard_shows_the_cash_the_shipments_realised(dealer_a, markets):
    shipped = []
    for incoterm, prices in (("FOB", ["20000", "18000"]), ("CIF", ["25000"])):
        shipment = ShipmentFactory(
            dealer=dealer_a,
            incoterm=incoterm,
            fx_rate_to_base=D("7.2"),
            freight_cost=D("900"),
            insurance_cost=D("60"),
        )
        for price in prices:
            services.shipment_add_vehicle(
                shipment=shipment, vehicle=shippable_vehicle(dealer_a), sale_price=D(price)
            )
        for step in (S.BOOKED, S.CUSTOMS_CLEARED, S.LOADED):
            services.shipment_advance(shipment=shipment, to_status=step)
        shipped.append(shipment)
    booked_only = ShipmentFactory(dealer=dealer_a, fx_rate_to_base=D("7.2"))
    services.shipment_add_vehicle(
        shipment=booked_only, vehicle=shippable_vehicle(dealer_a), sale_price=D("30000")
    )
    services.shipment_advance(shipment=booked_only, to_status=S.BOOKED)

    expected = sum(shipments.money_of(s).realised for s in shipped)
    assert expected == D("273600.00") + D("173088.00")  # 38,000 x 7.2; (25,000 - 960) x 7.2
    figures = dealer_summary(dealer_a).figures
    assert figures.realised_export_proceeds == expected  # the booked one has not left yet


def _loaded(dealer, *, prices, incoterm="FOB", fx="7.1", freight="0", insurance="0", **car):
    shipment = ShipmentFactory(
        dealer=dealer,
        incoterm=incoterm,
        fx_rate_to_base=D(fx),
        freight_cost=D(freight),
        insurance_cost=D(insurance),
    )
    for price in prices:
        services.shipment_add_vehicle(
            shipment=shipment, vehicle=shippable_vehicle(dealer, **car), sale_price=D(price)
        )
    for step in (S.BOOKED, S.CUSTOMS_CLEARED, S.LOADED):
        services.shipment_advance(shipment=shipment, to_status=step)
    return shipment


# One rounding rule (README "Export shipments", Money): the sale is converted once
# per shipment, (sales - the seller's freight and insurance) x FX, rounded half up to the
# cent; the dashboard adds these shipment figures. Car by car, 20,000.10 x 7.125 =
# 142,500.7125 rounds to 142,500.71 twice (285,001.42); once, 285,001.425 rounds to .43.
@pytest.mark.parametrize(
    ("prices", "incoterm", "fx", "realised"),
    [
        (["20000.10", "20000.10"], "FOB", "7.125", D("285001.43")),
        (["20000.10", "20000.10", "20000.10"], "FOB", "7.125", D("427502.14")),  # .1375
        (["20000.10", "20000.10"], "CIF", "7.125", D("284288.93")),  # (40,000.20 - 100) x 7.125
    ],
)
def test_the_dashboard_and_the_shipment_page_round_the_same_way(
    dealer_a, markets, prices, incoterm, fx, realised
):
    shipment = _loaded(
        dealer_a, prices=prices, incoterm=incoterm, fx=fx, freight="60", insurance="40"
    )
    money = shipments.money_of(shipment)
    assert money.realised == realised
    figures = dealer_summary(dealer_a).figures
    assert figures.realised_export_proceeds == money.realised
    assert figures.realised_export_margin == money.margin_on_cost


def test_the_readme_worked_example_of_a_shipment_margin(dealer_a, line):
    """README "Export shipments", Money: 23,000 USD at 7.1 for a car bought for 150,000,
    floored for 100,000 at 7.3% 30 days before loading, with 500 + 0.2% fees."""
    today = dealer_a.today()
    car = shippable_vehicle(dealer_a, acquisition_cost=D("150000"))
    inventory_services.vehicle_floor(
        vehicle=car, line=line, principal=D("100000"), floored_on=today - timedelta(days=35)
    )
    shipment = ShipmentFactory(dealer=dealer_a, fx_rate_to_base=D("7.1"))
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=D("23000"))
    for step, days_ago in ((S.BOOKED, 9), (S.CUSTOMS_CLEARED, 7), (S.LOADED, 5)):
        services.shipment_advance(
            shipment=shipment, to_status=step, on=today - timedelta(days=days_ago)
        )
    money = shipments.money_of(shipment)
    assert money.realised == D("163300.00")  # 23,000 x 7.1
    assert (money.acquisition, money.interest, money.fees, money.export_costs) == (
        D("150000.00"),
        D("600.00"),  # 30 days x 20.00, up to the loading day
        D("700.00"),  # 500 + 0.2% of 100,000
        D("4500.00"),  # inspection 800 + transport 2,500 + documents 1,200
    )
    assert money.cost == D("155800.00")
    assert money.margin_on_cost == D("7500.00")
    assert money.payoff == D("101300.00")
    assert money.cash_after_payoff == D("62000.00")
    assert dealer_summary(dealer_a).figures.realised_export_margin == D("7500.00")


# A cancelled shipment settles nothing, whatever its Incoterm and however far it got.
@pytest.mark.parametrize("incoterm", ["FOB", "CFR", "CIF", "CIP"])
@pytest.mark.parametrize("got_to", [S.DRAFT, S.BOOKED, S.CUSTOMS_CLEARED])
def test_a_cancelled_shipment_settles_nothing(client, staff_a, dealer_a, markets, incoterm, got_to):
    shipment = ShipmentFactory(
        dealer=dealer_a, incoterm=incoterm, freight_cost=D("1800"), insurance_cost=D("120")
    )
    services.shipment_add_vehicle(
        shipment=shipment, vehicle=shippable_vehicle(dealer_a), sale_price=D("21000")
    )
    for step in (S.BOOKED, S.CUSTOMS_CLEARED)[
        : [S.DRAFT, S.BOOKED, S.CUSTOMS_CLEARED].index(got_to)
    ]:
        services.shipment_advance(shipment=shipment, to_status=step)
    services.shipment_advance(shipment=shipment, to_status=S.CANCELLED, reason="Buyer withdrew")
    shipment.refresh_from_db()
    assert shipments.money_of(shipment) is None
    client.force_login(staff_a)
    page = client.get(shipment.get_absolute_url()).content.decode()
    assert "settled at customs clearance" not in page
    assert f"Cancelled on {dealer_a.today().isoformat()}: nothing was cleared" in page
    assert 'id="money-cancelled"' in page
    for figure in ("money-net", "money-realised", "money-margin", "money-cash"):
        assert f'id="{figure}"' not in page
    assert dealer_summary(dealer_a).figures.realised_export_proceeds == 0
