"""Marking a car sold asks once before it acts; releasing a reservation does not."""

import pytest
from django.urls import reverse

from inventory.models import VehicleStatus
from tests.confirming import confirm
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_marking_sold_asks_first_and_acts_once_confirmed(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a)
    page = staff_client.get(car.get_absolute_url()).content.decode()
    assert f'data-confirm="Mark {car.vin} as sold domestically?"' in page
    url = reverse("inventory:vehicle_status", args=[car.pk])

    asked = staff_client.post(url, {"status": VehicleStatus.SOLD_DOMESTIC})
    assert asked.status_code == 200
    assert f"Mark {car.vin} as sold domestically?" in asked.content.decode()
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK

    done = confirm(staff_client, asked, follow=True)
    car.refresh_from_db()
    assert car.status == VehicleStatus.SOLD_DOMESTIC
    assert f"Vehicle {car.vin} is now sold domestic" in done.content.decode()


def test_releasing_a_reservation_does_not_ask(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a, status=VehicleStatus.RESERVED)
    url = reverse("inventory:vehicle_status", args=[car.pk])
    assert staff_client.post(url, {"status": VehicleStatus.IN_STOCK}).status_code == 302
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK


def test_another_dealers_car_is_not_found_before_any_question(staff_client, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b)
    url = reverse("inventory:vehicle_status", args=[theirs.pk])
    assert staff_client.post(url, {"status": VehicleStatus.SOLD_DOMESTIC}).status_code == 404


def test_a_move_the_car_cannot_make_is_refused_without_a_question(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a, status=VehicleStatus.EXPORTED)
    url = reverse("inventory:vehicle_status", args=[car.pk])
    response = staff_client.post(url, {"status": VehicleStatus.SOLD_DOMESTIC}, follow=True)
    assert "confirm-step" not in response.content.decode()
    assert "cannot be marked" in response.content.decode()
    car.refresh_from_db()
    assert car.status == VehicleStatus.EXPORTED
