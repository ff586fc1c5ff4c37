"""The dashboard, the vehicle page's money section, floor-plan forms and ranked candidates."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.urls import reverse

from dealerhub.summary import dealer_summary
from exports.models import CashFlowSnapshot, ShipmentLine
from exports.services import SNAPSHOT_FIELDS
from inventory.models import FloorPlanPayment
from inventory.services import floor_plan_pay, vehicle_floor
from tests.factories import FloorPlanLineFactory, ShipmentFactory, VehicleFactory

# PostgreSQL keeps a version of each dealer's data and the dashboard caches under it.
KEPT_CURRENT = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def body_of(response):
    """The dashboard's own content, without the page's per-request form tokens."""
    html = response.content.decode()
    return html[html.index("<h1>") : html.index("Carrying cost is floor-plan interest")]


def store_snapshot(dealer, on, **figures):
    """A stored day of history; every figure not given is zero."""
    fields = dict.fromkeys(SNAPSHOT_FIELDS, 0)
    CashFlowSnapshot.objects.create(dealer=dealer, on=on, **{**fields, **figures})


def text_of(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return " ".join(match.group(1).split())


def test_dashboard_tiles_show_the_worked_example(staff_client, book, dealer_b):
    VehicleFactory(dealer=dealer_b, acquisition_cost=D("999999"), export_candidate=True)
    html = staff_client.get(reverse("dashboard")).content.decode()
    assert text_of(html, "kpi-units") == "3"
    assert text_of(html, "kpi-aged") == "2"
    assert text_of(html, "kpi-capital") == "¥300,000.00"
    assert text_of(html, "kpi-carry") == "¥245.00"
    assert text_of(html, "kpi-candidates") == "2"
    assert text_of(html, "kpi-release") == "¥149,700.00"
    assert text_of(html, "kpi-floor-plan") == "¥100,000.00"
    assert text_of(html, "kpi-curtailments").startswith("¥10,000.00")
    assert text_of(html, "kpi-realised") == "¥142,000.00"
    assert "999,999.00" not in html  # the other dealer's car


def test_dashboard_ranks_candidates_and_lists_curtailments_due(staff_client, book):
    html = staff_client.get(reverse("dashboard")).content.decode()
    ranked = re.findall(r"<strong>([\d,.]+)</strong>", html.split('id="top-candidates"')[1])
    assert ranked[:2] == ["95,500.00", "54,200.00"]
    curtailments = html.split('id="curtailments"')[1].split("</table>")[0]
    assert book["floored"].vin in curtailments and "10,000.00" in curtailments


def test_dashboard_charts_are_svg_with_a_text_equivalent(staff_client, book):
    html = staff_client.get(reverse("dashboard")).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert 'role="img"' in html and "<desc" in html
    buckets = html.split('id="aging-buckets"')[1].split("</table>")[0]
    rows = dict(re.findall(r">(\d+(?:-\d+|\+))</a></th>(.*?)</tr>", buckets, re.S))
    assert "150,000.00" in rows["61-90"] and "100,000.00" in rows["91-180"]
    assert "50,000.00" in rows["0-30"]
    # the bar chart's text equivalent carries the same money
    chart_table = html.split("Capital tied up per aging bucket</caption>")[1].split("</table>")[0]
    assert "¥150,000.00" in chart_table and "¥100,000.00" in chart_table


def test_the_trend_reads_stored_snapshots_and_today(staff_client, book, dealer_a):
    for days_ago, capital in ((2, D("1000")), (1, D("2000"))):
        store_snapshot(
            dealer_a, dealer_a.today() - timedelta(days=days_ago), capital_tied_up=capital
        )
    html = staff_client.get(reverse("dashboard")).content.decode()
    trend = html.split("<h2>Trend</h2>")[1]
    for day, amount in (
        (dealer_a.today() - timedelta(days=2), "1,000.00"),
        (dealer_a.today(), "300,000.00"),
    ):
        assert re.search(rf"{day.isoformat()}</th><td[^>]*>¥{amount}", trend), day


@pytest.mark.parametrize("count", [3, 30])
def test_dashboard_queries_do_not_grow_with_the_stock(
    staff_client, dealer_a, line, count, django_assert_num_queries
):
    shipment = ShipmentFactory(dealer=dealer_a, etd=dealer_a.today())
    for n in range(count):
        vehicle = VehicleFactory(dealer=dealer_a, export_candidate=True)
        if n % 3 == 0:
            vehicle_floor(vehicle=vehicle, line=line)
        if n % 3 == 1:
            ShipmentLine.objects.create(shipment=shipment, vehicle=vehicle)
    # session, user, dealers, the stock with its aging buckets in one aggregate, the floor
    # plans, the curtailments owed and the loaded shipments (none yet), trend, top
    # candidates, curtailments, and the export deadlines: shipment lines, their cars' papers,
    # their shipments' milestones and China's rules; the candidates' programme support, the
    # sales to exporters and their open deadlines; on PostgreSQL the dealer is read again
    # with its data version first
    with django_assert_num_queries(17 + KEPT_CURRENT):
        response = staff_client.get(reverse("dashboard"))
    assert response.status_code == 200
    # the same data again: session, user, dealers and the dealer with its version
    with django_assert_num_queries(4 if KEPT_CURRENT else 17):
        assert body_of(staff_client.get(reverse("dashboard"))) == body_of(response)


@pytest.mark.parametrize("count", [1, 6])
def test_dashboard_queries_do_not_grow_with_the_loaded_shipments(
    staff_client, dealer_a, line, markets, count, django_assert_num_queries
):
    from exports import services
    from exports.models import ShipmentStatus as S
    from tests.factories import shippable_vehicle

    for _ in range(count):
        shipment = ShipmentFactory(dealer=dealer_a)
        for _car in range(2):
            car = shippable_vehicle(dealer_a)
            vehicle_floor(vehicle=car, line=line)
            services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=1000)
        for step in (S.BOOKED, S.CUSTOMS_CLEARED, S.LOADED):
            services.shipment_advance(shipment=shipment, to_status=step)
    # as above, with the loaded shipments' milestones and cars (and their floor plans)
    with django_assert_num_queries(18 + KEPT_CURRENT):
        response = staff_client.get(reverse("dashboard"))
    assert response.status_code == 200
    with django_assert_num_queries(4 if KEPT_CURRENT else 18):
        assert body_of(staff_client.get(reverse("dashboard"))) == body_of(response)


def test_vehicle_page_weighs_export_against_holding(staff_client, book):
    html = staff_client.get(book["floored"].get_absolute_url()).content.decode()
    # 160,000 - 4,500 - (100,000 + 600 interest + 700 fees)
    assert text_of(html, "cash-released") == "¥54,200.00"
    # Cash against cash (README "Cash flow"): 170,000 - 101,300 - 60 days of (20.00 interest
    # + 25.00 overhead); the 60 days of 75.00 depreciation are value lost, shown apart.
    assert text_of(html, "cash-if-held") == "¥66,000.00"
    assert "¥4,500.00" in text_of(html, "value-lost")
    assert "Holding leaves ¥11,800.00 more cash" in html
    assert text_of(html, "carry-per-day") == "¥120.00"
    assert text_of(html, "floor-plan-payoff") == "¥101,300.00"


def test_staff_floor_a_car_and_record_a_payment(staff_client, dealer_a, line):
    vehicle = VehicleFactory(dealer=dealer_a, acquisition_cost=D("100000"))
    today = dealer_a.today()
    response = staff_client.post(
        reverse("inventory:vehicle_floor", args=[vehicle.pk]),
        {"line": line.pk, "principal": "100000", "floored_on": (today - timedelta(days=10))},
        follow=True,
    )
    assert "Floored on" in response.content.decode()
    response = staff_client.post(
        reverse("inventory:floor_plan_pay", args=[vehicle.pk]),
        {"kind": "curtailment", "paid_on": today, "amount": "200000"},
        follow=True,
    )
    assert "Amount: The balance is only 100000" in response.content.decode()
    assert not FloorPlanPayment.objects.exists()
    response = staff_client.post(
        reverse("inventory:floor_plan_pay", args=[vehicle.pk]),
        {"kind": "payoff", "paid_on": today, "amount": ""},
        follow=True,
    )
    html = response.content.decode()
    # 100,000 + 10 days at 20.00 + 700 fees
    assert "Payoff of 100,900.00 recorded; balance 0.00." in html
    assert "Paid off on" in html


def test_another_dealers_car_cannot_be_floored_or_paid(staff_client, dealer_b):
    foreign = VehicleFactory(dealer=dealer_b)
    line_b = FloorPlanLineFactory(dealer=dealer_b)
    floor = staff_client.post(
        reverse("inventory:vehicle_floor", args=[foreign.pk]),
        {"line": line_b.pk, "principal": "1", "floored_on": foreign.stocked_on},
    )
    pay = staff_client.post(
        reverse("inventory:floor_plan_pay", args=[foreign.pk]),
        {"kind": "payoff", "paid_on": foreign.stocked_on},
    )
    assert (floor.status_code, pay.status_code) == (404, 404)


def test_candidates_page_ranks_the_current_dealers_candidates(staff_client, book, dealer_b):
    other = VehicleFactory(dealer=dealer_b, export_candidate=True)
    html = staff_client.get(reverse("exports:candidates")).content.decode()
    table = html.split('id="candidates"')[1]
    assert table.index(book["priced"].vin) < table.index(book["floored"].vin)
    assert other.vin not in html


def test_the_e_mailed_trend_lists_one_day_a_week_ending_today(dealer_a):
    today = dealer_a.today()
    for back in range(1, 20):
        store_snapshot(dealer_a, today - timedelta(days=back), capital_tied_up=back)
    summary = dealer_summary(dealer_a)
    assert len(summary.trend_chart.rows) == 20
    days = [row[0] for row in summary.weekly_trend_chart.rows]
    assert days == [(today - timedelta(days=back)).isoformat() for back in (14, 7, 0)]


def test_each_overdue_curtailment_shows_with_its_mark_on_both_pages(staff_client, dealer_a, line):
    """A car two curtailments behind (days 35 and 65 of 70) shows both, each
    marked overdue; once the older is paid the other still is, and the tile drops by it."""
    today = dealer_a.today()
    vehicle = VehicleFactory(dealer=dealer_a, acquisition_cost=D("100000"))
    plan = vehicle_floor(vehicle=vehicle, line=line, floored_on=today - timedelta(days=70))
    html = staff_client.get(reverse("dashboard")).content.decode()
    assert text_of(html, "kpi-curtailments").startswith("¥20,000.00")
    table = html.split('id="curtailments"')[1].split("</table>")[0]
    assert table.count('class="overdue"') == 2
    page = staff_client.get(vehicle.get_absolute_url()).content.decode()
    owed = page.split('id="curtailments-owed"')[1].split("</dd>")[0]
    assert owed.count('class="overdue"') == 2 and (today - timedelta(days=35)).isoformat() in owed
    floor_plan_pay(floor_plan=plan, kind="curtailment", paid_on=today, amount=D("10000"))
    html = staff_client.get(reverse("dashboard")).content.decode()
    assert text_of(html, "kpi-curtailments").startswith("¥10,000.00")
    table = html.split('id="curtailments"')[1].split("</table>")[0]
    assert table.count('class="overdue"') == 1
    assert (today - timedelta(days=5)).isoformat() in table
    page = staff_client.get(vehicle.get_absolute_url()).content.decode()
    owed = page.split('id="curtailments-owed"')[1].split("</dd>")[0]
    assert owed.count('class="overdue"') == 1 and (today - timedelta(days=5)).isoformat() in owed
