"""A write that changes what the candidate rules read re-judges the car in the same
transaction: the flag, the verdict and every page that reads them move with the write, and
the nightly run, kept as the backstop, then finds nothing left to change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from dealerhub.summary import dealer_summary
from exports import candidates, services
from exports.cashflow import candidates_by_cash_released
from exports.models import DestinationMarket, MarketRule, ShipmentStatus
from inventory import services as inventory_services
from inventory.models import Vehicle, VehicleStatus
from inventory.vin import with_check_digit
from tests.factories import ShipmentFactory, VehicleFactory, issued_inspection
from tests.factories import reserve as reserve_for_a_customer

pytestmark = pytest.mark.django_db
S = ShipmentStatus
CONFIRMATION = "manufacturer_after_sales_confirmation"


def nightly_would_change():
    """What a dry run of the nightly job would still change: (flagged, unflagged, refreshed)."""
    run = services.export_candidates_flag(dry_run=True)
    return run.counts["flagged"], run.counts["unflagged"], run.counts["refreshed"]


@pytest.fixture
def car(dealer_a, markets):
    """An aged zero-km car registered 100 days ago, flagged by last night's run."""
    today = dealer_a.today()
    vehicle = VehicleFactory(
        dealer=dealer_a,
        manufactured_on=today - timedelta(days=300),
        registered_on=today - timedelta(days=100),
        stocked_on=today - timedelta(days=75),
        odometer_km=12,
    )
    services.export_candidates_flag()
    vehicle.refresh_from_db()
    assert vehicle.export_candidate
    return vehicle


def sell(car, staff):
    inventory_services.vehicle_change_status(vehicle=car, to_status="sold_domestic", by=staff)


def reserve(car, staff):
    reserve_for_a_customer(car, by=staff)


def drive_over_the_zero_km_limit(car, staff):
    inventory_services.vehicle_update(vehicle=car, odometer_km=51, by=staff)


def book_on_a_shipment(car, staff):
    shipment = ShipmentFactory(
        dealer=car.dealer, destination=DestinationMarket.objects.get(country_code="KZ")
    )
    services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("1"))
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED)


def make_right_hand_drive(car, staff):
    inventory_services.vehicle_update(vehicle=car, steering_side="RHD", by=staff)


def file_the_confirmation(car, staff):
    inventory_services.vehicle_document_add(
        vehicle=car,
        by=staff,
        kind=CONFIRMATION,
        country_code="KZ",
        issuer="BYD Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=car.dealer.today(),
    )


def issue_an_inspection(car, staff):
    issued_inspection(car, by=staff)


def revoke_the_inspection(car, staff):
    report = issued_inspection(car, by=staff)
    services.export_candidates_flag()  # last night's run saw the report
    inventory_services.inspection_revoke(report=report, reason="wrong car", by=staff)


# (write, still a candidate, markets it must name or not, papers still needed everywhere).
# The candidate test: in stock, aged past the dealer's threshold, at most its zero-km
# odometer limit (50 km by default), and exportable to a market (README, "Export candidates").
# Right-hand drive: Kazakhstan bans it (seed RHD_PROHIBITED), Kenya requires it (RHD_ONLY).
# Papers: China's after-sales confirmation within 180 days of registration, naming the
# destination (C12: filed for Kazakhstan, the other markets still need theirs), and the
# inspection report from an accredited lab (INSPECTION_ONE_PER_VEHICLE).
WRITES = [
    (sell, False, None, None),
    (reserve, False, None, None),
    (drive_over_the_zero_km_limit, False, None, None),
    (book_on_a_shipment, False, None, None),
    (make_right_hand_drive, True, ("KE", "KZ"), None),
    (file_the_confirmation, True, None, ["inspection_report"]),
    (issue_an_inspection, True, None, [CONFIRMATION]),
    (revoke_the_inspection, True, None, [CONFIRMATION, "inspection_report"]),
]


@pytest.mark.parametrize(("write", "flagged", "markets", "needs"), WRITES)
def test_each_write_re_judges_the_car_at_once(car, staff_a, write, flagged, markets, needs):
    since = car.export_candidate_since
    write(car, staff_a)
    car.refresh_from_db()
    assert car.export_candidate is flagged
    if flagged:
        assert car.export_candidate_since == since
    else:
        assert car.export_markets == "" and car.export_candidate_since is None
    if markets:
        present, absent = markets
        assert f" {present} " in car.export_markets and f" {absent} " not in car.export_markets
    if needs is not None:
        assert car.export_candidate_reasons["needs"] == needs
    assert nightly_would_change() == (0, 0, 0)


def test_a_car_back_in_stock_is_a_candidate_again_from_that_day(car, staff_a):
    reserve(car, staff_a)
    services.export_candidates_flag()  # a night passes while it is reserved
    inventory_services.vehicle_change_status(vehicle=car, to_status="in_stock", by=staff_a)
    car.refresh_from_db()
    assert car.export_candidate and car.export_candidate_since == car.dealer.today()
    assert nightly_would_change() == (0, 0, 0)


def test_a_cancelled_shipment_gives_its_cars_back_as_candidates(car, staff_a):
    book_on_a_shipment(car, staff_a)
    services.export_candidates_flag()  # a night passes while it is booked
    shipment = car.shipment_lines.get().shipment
    services.shipment_advance(shipment=shipment, to_status=S.CANCELLED, reason="buyer withdrew")
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK and car.export_candidate
    assert nightly_would_change() == (0, 0, 0)


def test_a_car_received_aged_is_judged_on_arrival(dealer_a, staff_a, markets):
    today = dealer_a.today()
    received = inventory_services.vehicle_receive(
        dealer=dealer_a,
        vin=with_check_digit("LGXCE4CB0S0009999"),
        by=staff_a,
        make="BYD",
        model="Seal",
        model_year=2025,
        powertrain="BEV",
        odometer_km=8,
        registered_on=today - timedelta(days=90),
        stocked_on=today - timedelta(days=80),
        acquisition_cost=Decimal("150000"),
        list_price=Decimal("179800"),
    )
    assert received.export_candidate  # the returned instance is up to date too
    assert Vehicle.objects.get(pk=received.pk).export_candidate_since == today


def test_the_dealers_thresholds_changed_in_the_admin_re_judge_its_cars(
    client, manager_a, dealer_a, markets
):
    today = dealer_a.today()
    fresh = VehicleFactory(
        dealer=dealer_a, registered_on=today - timedelta(days=30), stocked_on=today - timedelta(20)
    )
    client.force_login(manager_a)
    url = reverse("admin:inventory_dealer_change", args=[dealer_a.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "aged_threshold_days": 10,
            "aging_bucket_edges": ",".join(str(edge) for edge in dealer_a.aging_bucket_edges)
            if isinstance(dealer_a.aging_bucket_edges, list)
            else dealer_a.aging_bucket_edges,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    fresh.refresh_from_db()
    assert fresh.export_candidate
    assert nightly_would_change() == (0, 0, 0)


def test_every_page_counts_the_same_cars_after_a_shipment_takes_one(client, car, staff_a, dealer_a):
    other = VehicleFactory(
        dealer=dealer_a,
        registered_on=car.registered_on,
        manufactured_on=car.manufactured_on,
        stocked_on=car.stocked_on,
    )
    inventory_services.vehicle_update(vehicle=other, list_price=Decimal("180000"), by=staff_a)
    book_on_a_shipment(car, staff_a)
    client.force_login(staff_a)
    page = client.get(reverse("exports:candidates")).content.decode()
    summary = dealer_summary(dealer_a, details=True)
    listed = list(candidates_by_cash_released(dealer_a, dealer_a.today()))
    assert car.vin not in page and other.vin in page
    assert [v.pk for v in summary.top_candidates] == [v.pk for v in listed] == [other.pk]
    assert summary.figures.candidates == 1


def test_the_nightly_run_judges_the_odometer_as_a_rule_reads_it(car, dealer_a):
    """A market that counts a registered car under 10 km as new: the set-based nightly run
    must tell 12 km from 8 km exactly as judging the one car does (profile key)."""
    oman = DestinationMarket.objects.get(country_code="OM")
    MarketRule.objects.create(
        market=oman,
        rule_code="NEW_VEHICLE_DEFINITION",
        severity="info",
        applies_to=["all"],
        params={"max_km": 10},
        source_url="https://example.org/gso-2698",
    )
    low = VehicleFactory(
        dealer=dealer_a,
        registered_on=car.registered_on,
        manufactured_on=car.manufactured_on,
        stocked_on=car.stocked_on,
        odometer_km=8,
    )
    services.export_candidates_flag()
    low.refresh_from_db()
    car.refresh_from_db()
    # Under 10 km Oman treats the BEV as new, and new BEVs need GSO 2698 conformity.
    assert "gso_conformity_certificate" in low.export_candidate_reasons["also"].get("OM", [])
    assert "OM" not in car.export_candidate_reasons["also"]
    judged = {v.pk: (v.export_candidate, v.export_verdict_id) for v in (low, car)}
    assert candidates.rejudge([low.pk, car.pk]) == 0
    for vehicle in (low, car):
        vehicle.refresh_from_db()
        assert (vehicle.export_candidate, vehicle.export_verdict_id) == judged[vehicle.pk]
