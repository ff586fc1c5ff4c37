"""Quick reprice on the vehicle page: a new list price with its reason, kept in the car's price
history with who and when, and the export figures following at once."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from inventory import judging, services
from inventory.models import VehicleStatus
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def reprice_url(vehicle):
    return reverse("inventory:vehicle_reprice", args=[vehicle.pk])


def page_of(client, vehicle):
    return client.get(reverse("inventory:vehicle_detail", args=[vehicle.pk])).content.decode()


def price_rows(html):
    table = html.split('id="price-history"', 1)[1].split("<tbody>", 1)[1].split("</tbody>")[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_a_reprice_is_saved_with_its_reason_and_shown_in_the_price_history(staff_client, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a, list_price=Decimal("179800"))
    response = staff_client.post(
        reprice_url(vehicle),
        {"list_price": "169800", "reason": "Matched the dealer across the road"},
        follow=True,
    )
    html = response.content.decode()
    assert "List price of" in html and "changed from 179,800.00 to 169,800.00" in html
    vehicle.refresh_from_db()
    assert vehicle.list_price == Decimal("169800")
    rows = price_rows(html)
    assert "staff_a" in rows[0]
    assert "179,800.00 169,800.00 Matched the dealer across the road" in rows[0]
    assert "received" in rows[-1] and "179,800.00" in rows[-1]
    # The timeline keeps the reason beside the change.
    assert "Reason: Matched the dealer across the road" in html
    # The export figure is the new list price less the dealer's 20%.
    export_side = html.split('id="export-side"', 1)[1].split("</section>", 1)[0]
    assert "135,840.00" in export_side


def test_each_reprice_is_a_row_newest_first(staff_client, staff_a, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a, list_price=Decimal("100000"))
    for price, reason in (("95000", "aged"), ("90000", "")):
        services.vehicle_reprice(
            vehicle=vehicle, list_price=Decimal(price), reason=reason, by=staff_a
        )
    services.vehicle_update(vehicle=vehicle, odometer_km=30, by=staff_a)  # not a price
    rows = price_rows(page_of(staff_client, vehicle))
    assert len(rows) == 3
    assert "95,000.00 90,000.00 —" in rows[0]
    assert "100,000.00 95,000.00 aged" in rows[1]


@pytest.mark.parametrize("price", ["0", "0.00", "-5", "abc", ""])
def test_a_price_of_zero_or_less_is_refused_by_name(staff_client, dealer_a, price):
    vehicle = VehicleFactory(dealer=dealer_a, list_price=Decimal("179800"))
    html = staff_client.post(
        reprice_url(vehicle), {"list_price": price, "reason": "x"}, follow=True
    ).content.decode()
    assert "New list price:" in html
    vehicle.refresh_from_db()
    assert vehicle.list_price == Decimal("179800")
    assert vehicle.history.count() == 1


def test_the_service_refuses_zero_a_long_reason_and_a_car_that_left(dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    with pytest.raises(ValidationError) as zero:
        services.vehicle_reprice(vehicle=vehicle, list_price=Decimal("0"))
    assert "list_price" in zero.value.message_dict
    with pytest.raises(ValidationError) as long:
        services.vehicle_reprice(vehicle=vehicle, list_price=Decimal("1"), reason="x" * 101)
    assert "reason" in long.value.message_dict
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    with pytest.raises(ValidationError, match="only a car in stock can be repriced"):
        services.vehicle_reprice(vehicle=sold, list_price=Decimal("1000"))


def test_the_car_is_re_judged_inside_the_repricing_transaction(dealer_a, monkeypatch):
    seen = []

    def judge(cars):
        seen.extend((car.list_price, connection.in_atomic_block) for car in cars)
        return len(seen)

    monkeypatch.setattr(judging, "_vehicle_judges", [judge])
    vehicle = VehicleFactory(dealer=dealer_a)
    services.vehicle_reprice(vehicle=vehicle, list_price=Decimal("150000"))
    assert seen == [(Decimal("150000"), True)]


def test_the_same_price_again_records_nothing(staff_client, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a, list_price=Decimal("179800"))
    html = staff_client.post(
        reprice_url(vehicle), {"list_price": "179800.00"}, follow=True
    ).content.decode()
    assert "The list price is already 179,800.00." in html
    assert vehicle.history.count() == 1


def test_another_dealers_car_cannot_be_repriced(staff_client, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b, list_price=Decimal("179800"))
    response = staff_client.post(reprice_url(theirs), {"list_price": "1000"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.list_price == Decimal("179800")


def test_a_car_that_left_stock_shows_no_reprice_form(staff_client, dealer_a):
    sold = VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    html = page_of(staff_client, sold)
    assert 'id="price-history"' in html
    assert reprice_url(sold) not in html
