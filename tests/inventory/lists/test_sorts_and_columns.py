"""The inventory list sorted by days in stock and by status, and the columns a reader picks."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from inventory.models import VehicleStatus
from tests.factories import VehicleFactory

LIST = reverse("inventory:vehicle_list")


def listed_vins(response):
    return re.findall(
        r'/inventory/vehicles/\d+/">([A-HJ-NPR-Z0-9]{17})<', response.content.decode()
    )


def headers(response):
    head = response.content.decode().split("<thead>")[1].split("</thead>")[0]
    return [re.sub(r"<[^>]+>|[▲▼]", "", cell).strip() for cell in re.findall(r"<th.*?</th>", head)]


@pytest.fixture
def aged(dealer_a):
    """Four cars: stocked 10, 40 and 90 days ago, and one stocked 200 days ago that was sold
    domestically 150 days ago, so its days in stock stopped at 50."""
    today = dealer_a.today()
    cars = {
        days: VehicleFactory(dealer=dealer_a, stocked_on=today - timedelta(days=days))
        for days in (10, 40, 90)
    }
    cars[50] = VehicleFactory(
        dealer=dealer_a,
        stocked_on=today - timedelta(days=200),
        status=VehicleStatus.SOLD_DOMESTIC,
        left_stock_on=today - timedelta(days=150),
    )
    return cars


def test_sort_by_days_in_stock_counts_a_car_that_left_until_the_day_it_left(staff_client, aged):
    ascending = listed_vins(staff_client.get(LIST, {"sort": "days_in_stock"}))
    assert ascending == [aged[d].vin for d in (10, 40, 50, 90)]
    descending = listed_vins(staff_client.get(LIST, {"sort": "-days_in_stock"}))
    assert descending == [aged[d].vin for d in (90, 50, 40, 10)]


def test_sort_by_days_in_stock_pages_by_keyset_without_losing_or_repeating_a_car(
    staff_client, dealer_a
):
    today = dealer_a.today()
    # Several cars share each day count, so the page breaks fall inside ties.
    cars = [
        VehicleFactory(dealer=dealer_a, stocked_on=today - timedelta(days=n % 4)) for n in range(60)
    ]
    seen, params = [], {"sort": "-days_in_stock", "size": "25"}
    while True:
        response = staff_client.get(LIST, params)
        seen += listed_vins(response)
        page = response.context["page"]
        if not page.has_next:
            break
        params = {**params, "after": page.next_cursor}
    assert sorted(seen) == sorted(car.vin for car in cars)
    days = [(today - next(c for c in cars if c.vin == vin).stocked_on).days for vin in seen]
    assert days == sorted(days, reverse=True)


def test_sort_by_status_follows_a_cars_life_and_the_oldest_first_within_one(staff_client, dealer_a):
    today = dealer_a.today()
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    reserved = VehicleFactory(dealer=dealer_a, status=VehicleStatus.RESERVED)
    young = VehicleFactory(dealer=dealer_a, stocked_on=today - timedelta(days=5))
    old = VehicleFactory(dealer=dealer_a, stocked_on=today - timedelta(days=95))
    assert listed_vins(staff_client.get(LIST, {"sort": "status"})) == [
        old.vin,
        young.vin,
        reserved.vin,
        sold.vin,
    ]
    assert listed_vins(staff_client.get(LIST, {"sort": "-status"})) == [
        sold.vin,
        reserved.vin,
        young.vin,
        old.vin,
    ]


def test_the_status_and_days_headers_sort_and_say_so(staff_client, aged):
    page = staff_client.get(LIST, {"sort": "-days_in_stock"}).content.decode()
    assert 'aria-sort="descending"><a href="?sort=days_in_stock">Days in stock ▼' in page
    assert '<a href="?sort=status">Status</a>' in page


def test_the_csv_follows_the_sort_by_days_in_stock(staff_client, aged):
    response = staff_client.get(reverse("inventory:vehicle_csv"), {"sort": "-days_in_stock"})
    text = b"".join(response.streaming_content).decode("utf-8")
    vins = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert vins == [aged[d].vin for d in (90, 50, 40, 10)]


def test_columns_shown_until_chosen_and_as_chosen(staff_client, dealer_a):
    car = VehicleFactory(dealer=dealer_a, colour="Aurora Green")
    default = staff_client.get(LIST)
    assert "Odometer" in headers(default)
    assert "Colour" not in headers(default)
    assert "Aurora Green" not in default.content.decode()

    chosen = staff_client.get(LIST, {"col": ["", "colour", "list_price"]})
    assert headers(chosen) == ["", "Photo", "VIN", "Model", "Colour", "List price", "Status"]
    assert "Aurora Green" in chosen.content.decode()
    assert car.vin in listed_vins(chosen)
    # The filter form keeps the choice, ticked as made.
    assert 'name="col" value="colour" checked aria-label="Show Colour"' in chosen.content.decode()
    assert 'name="col" value="odometer_km" aria-label="Show Odometer"' in chosen.content.decode()


def test_every_optional_column_can_be_hidden_and_unknown_ones_are_ignored(staff_client, dealer_a):
    VehicleFactory(dealer=dealer_a)
    bare = staff_client.get(LIST, {"col": ["", "margin", "<script>"]})
    assert headers(bare) == ["", "Photo", "VIN", "Model", "Status"]
    assert "margin" not in headers(bare)


def test_sort_links_keep_the_chosen_columns(staff_client, dealer_a):
    VehicleFactory(dealer=dealer_a)
    page = staff_client.get(LIST, {"col": ["", "colour"]}).content.decode()
    assert 'href="?col=&amp;col=colour&amp;sort=status"' in page


def test_the_csv_keeps_every_column_whatever_the_list_shows(staff_client, dealer_a):
    VehicleFactory(dealer=dealer_a)
    response = staff_client.get(reverse("inventory:vehicle_csv"), {"col": [""]})
    header = b"".join(response.streaming_content).decode("utf-8").splitlines()[0]
    assert "Odometer (km)" in header and "List price" in header and "Colour" in header
