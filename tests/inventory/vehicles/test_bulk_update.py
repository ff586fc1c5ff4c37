"""Many cars' changed columns written in one statement read back as written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.bulk import bulk_update
from inventory.models import Vehicle
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_each_car_gets_its_own_values_and_the_others_keep_theirs(dealer_a):
    cars = VehicleFactory.create_batch(3, dealer=dealer_a, odometer_km=10)
    untouched = VehicleFactory(dealer=dealer_a, odometer_km=10)
    moment = timezone.now() - timedelta(hours=1)
    cars[0].list_price, cars[1].list_price, cars[2].list_price = (
        Decimal("1.50"),
        Decimal("200000.00"),
        Decimal("0"),
    )
    cars[1].status, cars[1].left_stock_on = "sold_domestic", dealer_a.today()
    for car in cars:
        car.updated_at = moment
    fields = ["list_price", "status", "left_stock_on", "updated_at"]
    assert bulk_update(Vehicle, cars, fields, batch_size=2) == 3
    stored = {car.pk: car for car in Vehicle.objects.filter(dealer=dealer_a)}
    for car in cars:
        assert [getattr(stored[car.pk], name) for name in fields] == [
            getattr(car, name) for name in fields
        ]
    assert stored[cars[0].pk].left_stock_on is None
    assert stored[untouched.pk].updated_at != moment
    assert stored[cars[0].pk].odometer_km == 10
    assert bulk_update(Vehicle, [], fields) == 0
