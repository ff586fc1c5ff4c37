"""The cars ticked in the inventory list put on a shipment still taking cars: each car's fate
shown first, then all of them or none, through the shipment services."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exports import services
from exports.models import DestinationMarket, ShipmentLine, ShipmentStatus
from exports.services import OPEN_FOR_LINES
from exports.shipments import TAKING_CARS
from tests.factories import ShipmentFactory, VehicleFactory

PREVIEW = reverse("exports:ship_ticked")
APPLY = reverse("exports:ship_ticked_apply")


@pytest.fixture
def kz(markets):
    return DestinationMarket.objects.get(country_code="KZ")


@pytest.fixture
def shipment(dealer_a, kz):
    return ShipmentFactory(dealer=dealer_a, destination=kz, reference="KZ-BULK-1")


def confirm_data(response):
    form = response.content.decode().split('id="bulk-confirm"')[1].split("</form>")[0]
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        if name not in ("csrfmiddlewaretoken", "form_token"):
            data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def on_shipment(shipment):
    return set(
        ShipmentLine.objects.filter(shipment=shipment, is_active=True).values_list(
            "vehicle", flat=True
        )
    )


def test_the_list_offers_the_dealers_shipments_that_still_take_cars(
    staff_client, dealer_a, dealer_b, shipment, kz
):
    VehicleFactory(dealer=dealer_a)
    cancelled = ShipmentFactory(dealer=dealer_a, status=ShipmentStatus.CANCELLED, reference="X-1")
    theirs = ShipmentFactory(dealer=dealer_b, reference="BRAVO-9")
    page = staff_client.get(reverse("inventory:vehicle_list")).content.decode()
    assert f'<option value="{shipment.pk}">KZ-BULK-1 · Kazakhstan</option>' in page
    assert cancelled.reference not in page and theirs.reference not in page
    assert set(TAKING_CARS) == set(OPEN_FOR_LINES)


def test_preview_then_add_every_ticked_car(staff_client, staff_a, dealer_a, shipment):
    # Registered, so China's rules ask papers of them: the preview says which.
    cars = [
        VehicleFactory(dealer=dealer_a, registered_on=dealer_a.today() - timedelta(days=30))
        for _ in range(2)
    ]
    preview = staff_client.post(
        PREVIEW, {"action": "ship", "shipment": shipment.pk, "vehicle": [c.pk for c in cars]}
    )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 cars will join the shipment, 0 refused." in page
    assert "Still needs:" in page
    assert on_shipment(shipment) == set()

    done = staff_client.post(APPLY, confirm_data(preview), follow=True)
    assert done.redirect_chain[-1][0] == shipment.get_absolute_url()
    assert "2 cars are on shipment KZ-BULK-1." in done.content.decode()
    assert on_shipment(shipment) == {c.pk for c in cars}
    assert ShipmentLine.objects.filter(shipment=shipment, added_by=staff_a).count() == 2


def test_a_car_the_rules_refuse_stops_them_all_and_is_named(staff_client, dealer_a, shipment):
    fine = VehicleFactory(dealer=dealer_a)
    right_hand = VehicleFactory(dealer=dealer_a, steering_side="RHD")
    data = {"action": "ship", "shipment": shipment.pk, "vehicle": [fine.pk, right_hand.pk]}
    page = staff_client.post(PREVIEW, data).content.decode()
    refusal = f"Vehicle {right_hand.vin} cannot go to Kazakhstan: RHD_PROHIBITED"
    assert refusal in page
    assert 'id="bulk-confirm"' not in page
    # Confirmed anyway: no car is added, the refused one named.
    refused = staff_client.post(APPLY, data)
    assert refused.status_code == 409
    assert refusal in refused.content.decode()
    assert "No car was added." in refused.content.decode()
    assert on_shipment(shipment) == set()


def test_the_service_adds_all_or_none(dealer_a, shipment):
    fine = VehicleFactory(dealer=dealer_a)
    right_hand = VehicleFactory(dealer=dealer_a, steering_side="RHD")
    with pytest.raises(ValidationError):
        services.shipment_add_vehicles(shipment=shipment, vehicles=[fine, right_hand])
    assert on_shipment(shipment) == set()
    assert services.shipment_add_plan(shipment=shipment, vehicles=[fine])[0].changes


def test_another_dealers_shipment_or_car_is_a_404(staff_client, dealer_a, dealer_b, shipment, kz):
    mine = VehicleFactory(dealer=dealer_a)
    theirs_car = VehicleFactory(dealer=dealer_b)
    theirs_shipment = ShipmentFactory(dealer=dealer_b, destination=kz)
    for data in (
        {"action": "ship", "shipment": theirs_shipment.pk, "vehicle": [mine.pk]},
        {"action": "ship", "shipment": shipment.pk, "vehicle": [mine.pk, theirs_car.pk]},
        {"action": "ship", "shipment": "x", "vehicle": [mine.pk]},
    ):
        assert staff_client.post(PREVIEW, data).status_code == 404
        assert staff_client.post(APPLY, data).status_code == 404
    assert on_shipment(shipment) == set() and on_shipment(theirs_shipment) == set()
