"""Reserving a car records the customer, the deposit and its last day; releasing, selling or
shipping it ends the reservation, and one past its last day lapses by itself, on the
dealer's own calendar, once however often the job runs."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from exports import services as export_services
from exports.models import DestinationMarket
from inventory import services
from inventory.models import JobRun, JobRunStatus, Reservation, ReservationEnd, VehicleStatus
from inventory.tasks import lapse_reservations
from tests.factories import DealerFactory, ShipmentFactory, VehicleFactory, reserve

pytestmark = pytest.mark.django_db


@pytest.fixture
def car(dealer_a):
    return VehicleFactory(dealer=dealer_a)


def page_of(client, vehicle):
    return client.get(reverse("inventory:vehicle_detail", args=[vehicle.pk])).content.decode()


def reserve_on_page(client, vehicle, **overrides):
    data = {
        "customer_name": "Wang Fang",
        "customer_phone": "+86 138 0000 1234",
        "deposit": "5000",
        "expires_on": (vehicle.dealer.today() + timedelta(days=7)).isoformat(),
        **overrides,
    }
    return client.post(reverse("inventory:vehicle_reserve", args=[vehicle.pk]), data, follow=True)


# Frozen moments come after the real clock's, and so after the cars' first history.
REAL_TODAY = timezone.now().date()


def later(days, hour):
    """`days` after the real today, at `hour` UTC."""
    return datetime.combine(REAL_TODAY + timedelta(days=days), time(hour), tzinfo=UTC)


def frozen_at(monkeypatch, moment):
    """Every clock the app reads (the dealers' today, history dates) stands at `moment`."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_reserving_records_the_customer_deposit_and_last_day(staff_client, staff_a, car):
    last_day = car.dealer.today() + timedelta(days=7)
    html = reserve_on_page(staff_client, car).content.decode()
    assert f"is reserved for Wang Fang until {last_day.isoformat()}" in html
    car.refresh_from_db()
    assert car.status == VehicleStatus.RESERVED
    reservation = car.reservations.get()
    assert (
        reservation.customer_name,
        reservation.customer_phone,
        reservation.deposit,
        reservation.currency,
        reservation.expires_on,
        reservation.reserved_by,
        reservation.is_open,
    ) == ("Wang Fang", "+86 138 0000 1234", Decimal("5000"), "CNY", last_day, staff_a, True)
    block = html.split('id="current-reservation"', 1)[1].split("</dl>", 1)[0]
    for shown in ("Wang Fang", "+86 138 0000 1234", "5,000.00 CNY", last_day.isoformat()):
        assert shown in block
    assert "Status: In stock → <strong>Reserved</strong>" in html


def test_the_form_offers_a_week_from_the_dealers_today(staff_client, car):
    html = page_of(staff_client, car)
    default = (car.dealer.today() + timedelta(days=7)).isoformat()
    assert f'name="expires_on" value="{default}"' in html


@pytest.mark.parametrize(
    "overrides, refusal",
    [
        ({"customer_name": "  "}, "Customer: This field is required."),
        ({"deposit": "-1"}, "The deposit is an amount of zero or more."),
        ({"deposit": "lots"}, "Deposit (CNY): Enter a number."),
        ({"expires_on": ""}, "Held until: This field is required."),
        ({"expires_on": "today"}, "The last day the car is held must be after today"),
        ({"expires_on": "yesterday"}, "The last day the car is held must be after today"),
    ],
)
def test_a_reservation_with_bad_terms_is_refused_by_field_and_nothing_changes(
    staff_client, car, overrides, refusal
):
    today = car.dealer.today()
    days = {"today": today, "yesterday": today - timedelta(days=1)}
    overrides = {k: days[v].isoformat() if v in days else v for k, v in overrides.items()}
    html = reserve_on_page(staff_client, car, **overrides).content.decode()
    assert refusal in html
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    assert not Reservation.objects.exists()


def test_only_a_car_in_stock_can_be_reserved_and_only_once(car, dealer_a):
    reserve(car)
    with pytest.raises(ValidationError, match="is reserved; only a car in stock"):
        reserve(car)
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    with pytest.raises(ValidationError, match="is sold domestic; only a car in stock"):
        reserve(sold)
    assert Reservation.objects.count() == 1


def test_the_database_holds_one_open_reservation_per_car(car):
    first = reserve(car)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            vehicle=car, customer_name="B", currency="CNY", expires_on=first.expires_on
        )


def test_a_status_move_alone_cannot_reserve(car):
    with pytest.raises(ValidationError, match="A reservation records the customer"):
        services.vehicle_change_status(vehicle=car, to_status=VehicleStatus.RESERVED)
    with pytest.raises(ValidationError, match="A reservation records the customer"):
        services.vehicle_receive(
            dealer=car.dealer,
            vin="LGXCE4CB0S0999996",
            model="Seal",
            powertrain="BEV",
            acquisition_cost=Decimal("1"),
            list_price=Decimal("2"),
            status=VehicleStatus.RESERVED,
        )


def test_releasing_ends_the_reservation(staff_client, staff_a, car):
    reserve(car)
    html = staff_client.post(
        reverse("inventory:vehicle_status", args=[car.pk]), {"status": "in_stock"}, follow=True
    ).content.decode()
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    ended = car.reservations.get()
    assert (ended.end_reason, ended.ended_by, ended.is_open) == (
        ReservationEnd.RELEASED,
        staff_a,
        False,
    )
    assert "Earlier reservations" in html and "Released" in html
    assert 'id="current-reservation"' not in html


def test_selling_ends_the_reservation(car):
    reserve(car)
    services.vehicle_change_status(vehicle=car, to_status=VehicleStatus.SOLD_DOMESTIC)
    assert car.reservations.get().end_reason == ReservationEnd.SOLD


def test_booking_a_reserved_car_on_a_shipment_ends_the_reservation(car, markets):
    reserve(car)
    shipment = ShipmentFactory(
        dealer=car.dealer, destination=DestinationMarket.objects.get(country_code="KZ")
    )
    export_services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=Decimal("1"))
    export_services.shipment_advance(shipment=shipment, to_status="booked")
    car.refresh_from_db()
    assert car.status == VehicleStatus.ALLOCATED
    assert car.reservations.get().end_reason == ReservationEnd.SHIPPED


def test_a_reservation_lapses_the_day_after_its_last_day(staff_client, staff_a, car, monkeypatch):
    start = later(30, 4)  # 12:00 in Shanghai
    frozen_at(monkeypatch, start)
    reservation = reserve(car, days=3)
    last_day = start.date() + timedelta(days=3)
    assert reservation.expires_on == last_day

    frozen_at(monkeypatch, start + timedelta(days=3))  # the last day: still held
    assert services.reservations_lapse().counts == {"lapsed": 0}
    car.refresh_from_db()
    assert car.status == VehicleStatus.RESERVED

    frozen_at(monkeypatch, start + timedelta(days=4))  # the day after
    staff_client.force_login(staff_a)  # a fresh sign-in at the frozen hour
    html = page_of(staff_client, car)
    assert (
        f"expired after {last_day.isoformat()}; the car goes back into stock within the hour"
        in html
    )

    run = services.reservations_lapse()
    assert (run.status, run.counts) == (JobRunStatus.SUCCEEDED, {"lapsed": 1})
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
    reservation.refresh_from_db()
    assert (reservation.end_reason, reservation.ended_by) == (ReservationEnd.LAPSED, None)
    latest = car.history.latest()
    assert (latest.status, latest.history_change_reason, latest.history_user) == (
        VehicleStatus.IN_STOCK,
        "reservation lapsed",
        None,
    )
    html = page_of(staff_client, car)
    assert "Reason: Reservation lapsed" in html
    assert "Lapsed" in html.split("Earlier reservations", 1)[1]

    # A second run, as after a crash or a duplicate delivery, changes nothing.
    assert services.reservations_lapse().counts == {"lapsed": 0}
    assert car.history.filter(history_change_reason="reservation lapsed").count() == 1


def test_each_dealer_lapses_on_its_own_calendar(monkeypatch):
    shanghai = DealerFactory(time_zone="Asia/Shanghai")
    los_angeles = DealerFactory(time_zone="America/Los_Angeles")
    east = VehicleFactory(dealer=shanghai)
    west = VehicleFactory(dealer=los_angeles)
    # At 20:00 UTC on day D it is D+1 in Shanghai and D in Los Angeles: both are held until
    # D+2 on their own calendars.
    frozen_at(monkeypatch, later(30, 20))
    assert (shanghai.today() - los_angeles.today()).days == 1
    reserve(east, days=1)
    reserve(west, days=2)
    # 17:00 UTC on D+2: D+3 in Shanghai, still D+2 in Los Angeles.
    frozen_at(monkeypatch, later(32, 17))
    assert services.reservations_lapse().counts == {"lapsed": 1}
    east.refresh_from_db()
    west.refresh_from_db()
    assert (east.status, west.status) == (VehicleStatus.IN_STOCK, VehicleStatus.RESERVED)


def test_a_released_car_is_not_lapsed_again(car, monkeypatch):
    start = later(30, 4)
    frozen_at(monkeypatch, start)
    reserve(car, days=1)
    services.vehicle_change_status(vehicle=car, to_status=VehicleStatus.IN_STOCK)
    services.vehicle_change_status(vehicle=car, to_status=VehicleStatus.SOLD_DOMESTIC)
    frozen_at(monkeypatch, start + timedelta(days=5))
    assert services.reservations_lapse().counts == {"lapsed": 0}
    car.refresh_from_db()
    assert car.status == VehicleStatus.SOLD_DOMESTIC


def test_the_task_lapses_for_one_dealer_or_all(dealer_a, dealer_b, monkeypatch):
    start = later(30, 4)
    frozen_at(monkeypatch, start)
    ours, theirs = VehicleFactory(dealer=dealer_a), VehicleFactory(dealer=dealer_b)
    reserve(ours, days=1)
    reserve(theirs, days=1)
    frozen_at(monkeypatch, start + timedelta(days=3))
    only_a = lapse_reservations.apply(kwargs={"dealer_id": dealer_a.pk}).get()
    assert only_a["counts"] == {"lapsed": 1}
    assert JobRun.objects.get(pk=only_a["job_run"]).dealer == dealer_a
    assert lapse_reservations.apply().get()["counts"] == {"lapsed": 1}
    assert not Reservation.objects.open().exists()


def test_the_lapse_runs_every_hour_on_the_beat_schedule():
    task = PeriodicTask.objects.get(task="inventory.tasks.lapse_reservations")
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("5", "*")


def test_another_dealers_car_cannot_be_reserved(staff_client, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b)
    response = staff_client.post(
        reverse("inventory:vehicle_reserve", args=[theirs.pk]),
        {
            "customer_name": "X",
            "deposit": "0",
            "expires_on": (dealer_b.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == VehicleStatus.IN_STOCK
    assert not Reservation.objects.exists()


def test_a_car_reserved_before_reservations_had_terms_says_so(staff_client, dealer_a):
    old = VehicleFactory(dealer=dealer_a, status=VehicleStatus.RESERVED)
    html = page_of(staff_client, old)
    assert 'id="no-reservation-terms"' in html
    assert "Release the reservation" in html


def test_reservations_are_visible_only_to_their_dealers_people(staff_a, car, dealer_b):
    reserve(car)
    reserve(VehicleFactory(dealer=dealer_b))
    assert list(Reservation.objects.visible_to(staff_a)) == list(car.reservations.all())


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_lapses_a_reservation(on_redis):
    from celery.contrib.testing.worker import start_worker

    from dealerhub.celery import app

    car = VehicleFactory()
    reservation = reserve(car)
    # Its last day passed (written directly: the service refuses a past day).
    Reservation.objects.filter(pk=reservation.pk).update(
        expires_on=car.dealer.today() - timedelta(days=1)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = lapse_reservations.delay().get(timeout=30)
    assert result["counts"] == {"lapsed": 1}
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK
