"""Writes sent with an Idempotency-Key happen once: a repeat replays the first answer."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from api.models import IdempotencyRecord
from inventory.models import Vehicle
from tests.factories import VehicleFactory, next_vin

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def _car(**more):
    return {
        "vin": next_vin(),
        "model": "Seal",
        "make": "BYD",
        "model_year": 2025,
        "powertrain": "BEV",
        "acquisition_cost": "150000.00",
        "list_price": "179800.00",
        **more,
    }


def test_a_repeated_create_writes_once_and_answers_the_same(api_a):
    car = _car()
    first = api_a.post("/api/v1/vehicles", car, headers={"Idempotency-Key": "receive-1"})
    again = api_a.post("/api/v1/vehicles", car, headers={"Idempotency-Key": "receive-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Vehicle.objects.filter(vin=car["vin"]).count() == 1
    assert Vehicle.objects.count() == 1


def test_without_a_key_a_repeat_is_a_new_request(api_a):
    car = _car()
    assert api_a.post("/api/v1/vehicles", car).status_code == 201
    repeat = api_a.post("/api/v1/vehicles", car)
    assert repeat.status_code == 422
    assert repeat.json()["errors"][0]["field"] == "vin"


def test_the_same_key_with_another_body_is_refused(api_a):
    api_a.post("/api/v1/vehicles", _car(), headers={"Idempotency-Key": "k"})
    other = api_a.post("/api/v1/vehicles", _car(), headers={"Idempotency-Key": "k"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Vehicle.objects.count() == 1


def test_a_refused_write_is_not_kept_and_may_be_sent_again(api_a, dealer_a):
    car = VehicleFactory(dealer=dealer_a, odometer_km=40)
    lower = {"odometer_km": 10}
    path = f"/api/v1/vehicles/{car.pk}"
    assert api_a.patch(path, lower, headers={"Idempotency-Key": "fix"}).status_code == 422
    assert not IdempotencyRecord.objects.exists()
    fixed = api_a.patch(
        path, {**lower, "confirm_odometer_decrease": True}, headers={"Idempotency-Key": "fix2"}
    )
    assert fixed.status_code == 200


def test_keys_are_per_token_and_expire_after_a_day(api_a, dealer_a, manager_a):
    from .conftest import make_token

    other = ApiClient(make_token(dealer_a, manager_a, name="second")[1])
    one, two = _car(), _car()
    assert api_a.post("/api/v1/vehicles", one, headers={"Idempotency-Key": "x"}).status_code == 201
    assert other.post("/api/v1/vehicles", two, headers={"Idempotency-Key": "x"}).status_code == 201
    IdempotencyRecord.objects.update(
        created_at=IdempotencyRecord.objects.get(token__name="DMS sync").created_at
        - timedelta(days=2)
    )
    three = _car()
    fresh = api_a.post("/api/v1/vehicles", three, headers={"Idempotency-Key": "x"})
    assert fresh.status_code == 201 and fresh.json()["vin"] == three["vin"]
    assert Vehicle.objects.count() == 3


def test_a_status_change_replays_without_moving_again(api_a, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    path = f"/api/v1/vehicles/{car.pk}/status"
    first = api_a.post(path, {"status": "sold_domestic"}, headers={"Idempotency-Key": "r"})
    again = api_a.post(path, {"status": "sold_domestic"}, headers={"Idempotency-Key": "r"})
    assert first.json() == again.json()
    assert car.history.count() == 2  # received, sold


@pytest.mark.django_db(transaction=True)
def test_simultaneous_repeats_write_once(on_postgres, dealer_a, manager_a):
    from .conftest import make_token

    key = make_token(dealer_a, manager_a)[1]
    car = _car()
    barrier = threading.Barrier(4)
    answers = []

    def send():
        try:
            barrier.wait()
            response = ApiClient(key).post(
                "/api/v1/vehicles", car, headers={"Idempotency-Key": "same-moment"}
            )
            answers.append((response.status_code, response.json()["vin"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [(201, car["vin"])] * 4
    assert Vehicle.objects.filter(vin=car["vin"]).count() == 1
    assert IdempotencyRecord.objects.count() == 1
