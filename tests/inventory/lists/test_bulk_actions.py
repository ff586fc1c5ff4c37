"""Bulk reprice and status change from the inventory list: a preview car by car, then all the
ticked cars or none, through the vehicle services; foreign or too many cars are refused."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from inventory import services
from inventory.idempotency import issue_token
from inventory.models import Vehicle, VehicleStatus
from tests.factories import VehicleFactory

PREVIEW = reverse("inventory:vehicle_bulk")
APPLY = reverse("inventory:vehicle_bulk_apply")
LIST = reverse("inventory:vehicle_list")


def prices(*cars):
    return [Vehicle.objects.get(pk=car.pk).list_price for car in cars]


def confirm_data(response):
    """The confirmation form's fields as the preview rendered them, token aside."""
    form = response.content.decode().split('id="bulk-confirm"')[1].split("</form>")[0]
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        if name in ("csrfmiddlewaretoken", "form_token"):
            continue
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


@pytest.fixture
def cars(dealer_a):
    return [
        VehicleFactory(dealer=dealer_a, list_price=Decimal("100000.00")),
        VehicleFactory(dealer=dealer_a, list_price=Decimal("85000.50")),
    ]


def test_bulk_reprice_by_an_amount_shows_old_and_new_then_changes_both(staff_client, staff_a, cars):
    preview = staff_client.post(
        PREVIEW,
        {
            "action": "reprice",
            "reprice_by": "amount",
            "change": "-2000",
            "vehicle": [c.pk for c in cars],
            "back": "make=BYD",
        },
    )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "100,000.00" in page and "98,000.00" in page
    assert "85,000.50" in page and "83,000.50" in page
    assert "-2,000.00" in page
    assert "2 cars will change, 0 stay as they are, 0 refused." in page
    # Nothing is changed by the preview.
    assert prices(*cars) == [Decimal("100000.00"), Decimal("85000.50")]

    done = staff_client.post(APPLY, confirm_data(preview))
    assert done.status_code == 302
    assert done["Location"] == f"{LIST}?make=BYD"
    assert prices(*cars) == [Decimal("98000.00"), Decimal("83000.50")]
    # Through the services: each change is in the car's history, by the person who made it.
    record = Vehicle.objects.get(pk=cars[0].pk).history.first()
    assert (record.list_price, record.history_user) == (Decimal("98000.00"), staff_a)


def test_bulk_reprice_by_a_percentage_rounds_to_the_cent(staff_client, cars):
    preview = staff_client.post(
        PREVIEW,
        {
            "action": "reprice",
            "reprice_by": "percent",
            "change": "-5",
            "vehicle": [c.pk for c in cars],
        },
    )
    page = preview.content.decode()
    # 85,000.50 less 5% is 80,750.475, half up to 80,750.48.
    assert "95,000.00" in page and "80,750.48" in page
    staff_client.post(APPLY, confirm_data(preview))
    assert prices(*cars) == [Decimal("95000.00"), Decimal("80750.48")]


def test_a_price_that_would_not_be_above_zero_refuses_every_car_by_name(staff_client, dealer_a):
    cheap = VehicleFactory(dealer=dealer_a, list_price=Decimal("1500.00"))
    dear = VehicleFactory(dealer=dealer_a, list_price=Decimal("150000.00"))
    data = {
        "action": "reprice",
        "reprice_by": "amount",
        "change": "-1500",
        "vehicle": [cheap.pk, dear.pk],
    }
    preview = staff_client.post(PREVIEW, data)
    page = preview.content.decode()
    assert f"{cheap.vin}: the new price 0.00 would not be above zero" in page
    assert 'id="bulk-confirm"' not in page
    # Posted anyway (a stale or forged confirmation): nothing is written, the car is named.
    refused = staff_client.post(
        APPLY,
        {
            **data,
            "shown": f"{cheap.pk}:1500.00 {dear.pk}:150000.00",
        },
    )
    assert refused.status_code == 409
    assert f"{cheap.vin}: the new price 0.00 would not be above zero" in refused.content.decode()
    assert "Nothing was changed." in refused.content.decode()
    assert prices(cheap, dear) == [Decimal("1500.00"), Decimal("150000.00")]


def test_a_car_changed_since_the_preview_refuses_them_all(staff_client, staff_a, cars):
    preview = staff_client.post(
        PREVIEW,
        {
            "action": "reprice",
            "reprice_by": "amount",
            "change": "500",
            "vehicle": [c.pk for c in cars],
        },
    )
    services.vehicle_update(vehicle=cars[1], list_price=Decimal("90000.00"), by=staff_a)
    refused = staff_client.post(APPLY, confirm_data(preview))
    assert refused.status_code == 409
    assert f"{cars[1].vin}: it changed since the preview (85000.50, now 90000.00)" in (
        refused.content.decode()
    )
    assert prices(*cars) == [Decimal("100000.00"), Decimal("90000.00")]


def test_a_car_that_left_stock_is_not_repriced(staff_client, dealer_a, cars):
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    page = staff_client.post(
        PREVIEW,
        {
            "action": "reprice",
            "reprice_by": "amount",
            "change": "100",
            "vehicle": [cars[0].pk, sold.pk],
        },
    ).content.decode()
    assert f"Vehicle {sold.vin} is sold domestic, no longer in stock" in page
    assert 'id="bulk-confirm"' not in page


def test_bulk_status_change_previews_each_move_and_makes_them(staff_client, dealer_a, cars):
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    preview = staff_client.post(
        PREVIEW,
        {
            "action": "status",
            "to_status": "sold_domestic",
            "vehicle": [*[c.pk for c in cars], sold.pk],
        },
    )
    page = preview.content.decode()
    assert "2 cars will change, 1 stay as they are, 0 refused." in page
    done = staff_client.post(APPLY, confirm_data(preview), follow=True)
    assert "2 cars are now sold domestic." in done.content.decode()
    assert {Vehicle.objects.get(pk=c.pk).status for c in cars} == {VehicleStatus.SOLD_DOMESTIC}


def test_the_bulk_status_change_cannot_reserve(staff_client, cars):
    # Reserving records a customer, a deposit and a last day, one car at a time on its page.
    page = staff_client.post(
        PREVIEW, {"action": "status", "to_status": "reserved", "vehicle": [cars[0].pk]}, follow=True
    ).content.decode()
    assert 'id="bulk-confirm"' not in page
    assert Vehicle.objects.get(pk=cars[0].pk).status == VehicleStatus.IN_STOCK


def test_a_status_move_not_allowed_refuses_all_and_names_the_car(staff_client, dealer_a, cars):
    exported = VehicleFactory(dealer=dealer_a, status=VehicleStatus.EXPORTED)
    data = {"action": "status", "to_status": "sold_domestic", "vehicle": [cars[0].pk, exported.pk]}
    page = staff_client.post(PREVIEW, data).content.decode()
    message = f"{exported.vin}: a vehicle that is exported cannot be marked sold domestic by hand"
    assert message in page
    refused = staff_client.post(
        APPLY, {**data, "shown": f"{cars[0].pk}:in_stock {exported.pk}:exported"}
    )
    assert message in refused.content.decode()
    assert Vehicle.objects.get(pk=cars[0].pk).status == VehicleStatus.IN_STOCK


def test_another_dealers_car_among_the_ticked_is_a_404_and_nothing_changes(
    staff_client, dealer_b, cars
):
    theirs = VehicleFactory(dealer=dealer_b, list_price=Decimal("50000.00"))
    data = {
        "action": "reprice",
        "reprice_by": "amount",
        "change": "-100",
        "vehicle": [cars[0].pk, theirs.pk],
    }
    assert staff_client.post(PREVIEW, data).status_code == 404
    applied = staff_client.post(
        APPLY, {**data, "shown": f"{cars[0].pk}:100000.00 {theirs.pk}:50000.00"}
    )
    assert applied.status_code == 404
    assert prices(cars[0], theirs) == [Decimal("100000.00"), Decimal("50000.00")]
    for bad in (["x1"], ["99999999999999"], ["9" * 40]):
        assert staff_client.post(PREVIEW, {**data, "vehicle": bad}).status_code == 404


def test_more_cars_than_a_bulk_action_takes_are_refused_by_the_limit(staff_client, cars):
    ids = [str(n) for n in range(1, services.BULK_MAX_VEHICLES + 2)]
    response = staff_client.post(
        PREVIEW,
        {"action": "reprice", "reprice_by": "amount", "change": "1", "vehicle": ids},
        follow=True,
    )
    assert "A bulk action takes at most 200 cars; 201 were ticked." in response.content.decode()


def test_bad_bulk_input_is_named_and_changes_nothing(staff_client, cars):
    response = staff_client.post(
        PREVIEW,
        {"action": "reprice", "reprice_by": "amount", "change": "0", "vehicle": [cars[0].pk]},
        follow=True,
    )
    assert "A change of zero changes nothing." in response.content.decode()
    nothing = staff_client.post(
        PREVIEW, {"action": "status", "to_status": "sold_domestic"}, follow=True
    )
    assert "Tick at least one car in the list." in nothing.content.decode()


def test_a_confirmation_posted_twice_changes_the_prices_once(staff_client, staff_a, cars):
    preview = staff_client.post(
        PREVIEW,
        {"action": "reprice", "reprice_by": "amount", "change": "1000", "vehicle": [cars[0].pk]},
    )
    token = issue_token(staff_a)
    data = {**confirm_data(preview), "form_token": token}
    staff_client.post(APPLY, data)
    staff_client.post(APPLY, data)
    assert prices(cars[0]) == [Decimal("101000.00")]


def test_the_list_offers_the_bulk_actions_on_every_car(staff_client, dealer_a, cars):
    gone = VehicleFactory(dealer=dealer_a, status=VehicleStatus.EXPORTED)
    page = staff_client.get(LIST).content.decode()
    assert f'action="{PREVIEW}" id="bulk"' in page
    for car in [*cars, gone]:
        assert f'name="vehicle" value="{car.pk}" form="bulk"' in page
    assert 'data-tick-all="vehicle"' in page
