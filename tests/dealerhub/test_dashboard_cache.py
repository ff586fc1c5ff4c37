"""The cached dashboard is current: every write to what it reads, whatever path it takes,
raises the dealer's data version in its own transaction, and the next request shows it."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealerhub import dataversion
from dealerhub.dashboard_cache import render_body
from exports import services as export_services
from exports.models import ShipmentLine
from inventory.models import Dealer, PaymentKind, Vehicle, VehicleFloorPlan
from inventory.services import dealer_save, floor_plan_pay, vehicle_receive
from tests.factories import VehicleFactory, next_vin

pytestmark = pytest.mark.postgres

# What the dashboard reads that is not the dealer's data: the signed-in user and their dealers.
NOT_CACHED = {"django_session", "auth_user", "inventory_membership", "dealer_data_version"}


def shown(client, element_id="kpi-units"):
    html = client.get(reverse("dashboard")).content.decode()
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return " ".join(match.group(1).split())


def version(dealer):
    return dataversion.with_versions(Dealer.objects.filter(pk=dealer.pk)).get().data_version


@pytest.fixture
def warm(on_postgres, staff_client, book):
    """The dashboard as shown once, so the next request would come from the cache."""
    staff_client.get(reverse("dashboard"))
    return staff_client


def test_every_table_the_dashboard_queries_raises_the_version(
    on_postgres, staff_client, book, dealer_a, line, markets
):
    # a loaded shipment, so the deadlines read its cars' papers, milestones and China's rules
    from exports.models import ShipmentStatus as S
    from inventory.services import vehicle_floor
    from tests.factories import ShipmentFactory, shippable_vehicle

    shipment = ShipmentFactory(dealer=dealer_a)
    car = shippable_vehicle(dealer_a)
    vehicle_floor(vehicle=car, line=line)
    export_services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=1000)
    for step in (S.BOOKED, S.CUSTOMS_CLEARED, S.LOADED):
        export_services.shipment_advance(shipment=shipment, to_status=step)
    with CaptureQueriesContext(connection) as queries:
        staff_client.get(reverse("dashboard"))
    read = set()
    for query in queries.captured_queries:
        read |= set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"]))
    triggered = dataversion.triggered_tables()
    unchanging = set(dataversion.UNCHANGING_TABLES)
    assert read - NOT_CACHED - unchanging - triggered == set(), "read without a trigger"
    assert {"exports_shipmentmilestone", "inventory_vehicledocument"} <= read
    assert triggered == set(dataversion.DASHBOARD_TABLES)


def test_a_car_received_through_the_service_shows_at_once(warm, dealer_a):
    assert shown(warm) == "3"
    vehicle_receive(
        dealer=dealer_a,
        vin=next_vin(),
        make="BYD",
        model="Seal",
        model_year=2025,
        powertrain="BEV",
        colour="white",
        stocked_on=dealer_a.today(),
        acquisition_cost=D("1000"),
        list_price=D("2000"),
    )
    assert shown(warm) == "4"


def test_a_bulk_update_shows_at_once(warm, dealer_a, book):
    assert shown(warm, "kpi-capital") == "¥300,000.00"
    Vehicle.objects.filter(pk=book["fresh"].pk).update(acquisition_cost=D("60000.01"))
    assert shown(warm, "kpi-capital") == "¥310,000.01"


def test_a_plain_sql_update_shows_at_once(warm, book):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_vehicle SET acquisition_cost = acquisition_cost + 0.50 WHERE id = %s",
            [book["fresh"].pk],
        )
    assert shown(warm, "kpi-capital") == "¥300,000.50"


def test_a_floor_plan_payment_shows_at_once(warm, book, dealer_a):
    assert shown(warm, "kpi-floor-plan") == "¥100,000.00"
    floor_plan = VehicleFloorPlan.objects.get(vehicle=book["floored"])
    floor_plan_pay(
        floor_plan=floor_plan,
        kind=PaymentKind.CURTAILMENT,
        amount=D("10000"),
        paid_on=dealer_a.today(),
    )
    assert shown(warm, "kpi-floor-plan") == "¥90,000.00"


def test_a_shipment_line_change_shows_at_once(warm):
    assert shown(warm, "kpi-realised") == "¥142,000.00"
    ShipmentLine.objects.filter(sale_price=D("20000")).update(sale_price=D("10000"))
    assert shown(warm, "kpi-realised") == "¥71,000.00"


def test_a_dealer_setting_shows_at_once(warm, dealer_a):
    assert shown(warm, "kpi-aged") == "2"
    dealer_a.aged_threshold_days = 5
    dealer_save(dealer=dealer_a, changed=["aged_threshold_days"])
    assert shown(warm, "kpi-aged") == "3"


def test_the_candidate_job_shows_at_once(warm, dealer_a, markets):
    today = dealer_a.today()
    VehicleFactory(
        dealer=dealer_a,
        stocked_on=today - timedelta(days=90),
        manufactured_on=today - timedelta(days=300),
        registered_on=today - timedelta(days=100),
        odometer_km=12,
    )
    before = shown(warm, "kpi-candidates")
    export_services.export_candidates_flag()
    on_hand = Vehicle.objects.filter(dealer=dealer_a, status__in=("in_stock", "reserved"))
    flagged = on_hand.filter(export_candidate=True).count()
    assert shown(warm, "kpi-candidates") == str(flagged) != before


def test_a_rolled_back_write_leaves_the_version_and_the_page(warm, dealer_a, book):
    before = version(dealer_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        Vehicle.objects.filter(pk=book["fresh"].pk).update(acquisition_cost=D("1"))
        assert version(dealer_a) == before + 1  # seen inside the transaction
        raise RuntimeError
    assert version(dealer_a) == before
    assert shown(warm, "kpi-capital") == "¥300,000.00"


def test_another_dealers_write_leaves_this_dealers_version(warm, dealer_a, dealer_b):
    before = version(dealer_a)
    VehicleFactory(dealer=dealer_b)
    Vehicle.objects.filter(dealer=dealer_b).update(acquisition_cost=D("5"))
    assert version(dealer_a) == before
    assert version(dealer_b) > 0


def test_the_warm_dashboard_is_served_from_the_cache(
    warm, dealer_a, django_assert_num_queries, monkeypatch
):
    # session, user, dealers, the dealer with its version: nothing of the stock
    with django_assert_num_queries(4):
        assert shown(warm) == "3"
    # the next local day computes again, so aging and interest move at midnight
    tomorrow = dealer_a.today() + timedelta(days=1)
    monkeypatch.setattr(Dealer, "today", lambda self: tomorrow)
    with CaptureQueriesContext(connection) as queries:
        warm.get(reverse("dashboard"))
    assert len(queries) > 4


def test_the_cached_body_is_the_one_computed_now(warm, dealer_a, book):
    Vehicle.objects.filter(pk=book["priced"].pk).update(list_price=D("130000.10"))
    page = warm.get(reverse("dashboard")).content.decode()
    again = warm.get(reverse("dashboard")).content.decode()  # from the cache
    fresh = render_body(Dealer.objects.get(pk=dealer_a.pk))
    assert fresh in page and fresh in again


def test_the_dealer_table_triggers_follow_a_dealer_in_and_out(on_postgres, dealer_a):
    dealer_a.name = "Alpha renamed"
    dealer_a.save()
    first = version(dealer_a)
    dealer_a.save()
    assert version(dealer_a) == first + 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dealer_data_version")
        cursor.execute("UPDATE inventory_dealer SET city = city WHERE id = %s", [dealer_a.pk])
    assert version(dealer_a) == 1


def test_a_request_waits_for_the_body_another_is_computing(warm, dealer_a, monkeypatch):
    from django.core.cache import cache

    from dealerhub import dashboard_cache

    Vehicle.objects.filter(dealer=dealer_a).update(acquisition_cost=D("1000"))
    monkeypatch.setattr(dashboard_cache, "WAIT_SECONDS", 0.3)
    read = dataversion.with_versions(Dealer.objects.filter(pk=dealer_a.pk)).get()
    stamp = (read.shared_version, read.data_version, dealer_a.today().isoformat())
    key = dashboard_cache.cache_key(dealer_a.pk, "en")
    cache.add(dashboard_cache.computing_key(key, stamp), 1)  # another request is at it
    # Its result arrives while this one waits: this one shows it and computes nothing.
    monkeypatch.setattr(
        dashboard_cache.time, "sleep", lambda seconds: cache.set(key, (stamp, "from the other"))
    )
    monkeypatch.setattr(dashboard_cache, "render_body", lambda dealer: pytest.fail("computed"))
    assert dashboard_cache.dashboard_body(dealer_a) == "from the other"


def test_a_request_computes_when_the_other_never_delivers(warm, dealer_a, monkeypatch):
    from django.core.cache import cache

    from dealerhub import dashboard_cache

    Vehicle.objects.filter(dealer=dealer_a).update(acquisition_cost=D("1000"))
    monkeypatch.setattr(dashboard_cache, "WAIT_SECONDS", 0.2)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)  # always someone else's
    assert shown(warm, "kpi-capital") == "¥3,000.00"


def test_a_deleted_dealer_takes_its_version_row_with_it(on_postgres, dealer_b):
    from inventory.models import DealerDataVersion

    VehicleFactory(dealer=dealer_b)
    assert version(dealer_b) > 0
    Vehicle.objects.filter(dealer=dealer_b).delete()  # the dealer's data protects it
    dealer_b.delete()
    assert not DealerDataVersion.objects.filter(dealer_id=dealer_b.pk).exists()
