"""The database itself holds the invariants, even for writes that skip validation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory.models import InspectionReport, PaintReading, Vehicle
from tests.factories import VehicleFactory, next_vin

pytestmark = pytest.mark.django_db


def refuses(**update):
    vehicle = VehicleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Vehicle.objects.filter(pk=vehicle.pk).update(**update)


@pytest.mark.parametrize(
    "update",
    [
        {"acquisition_cost": Decimal("-1")},
        {"list_price": Decimal("-0.01")},
        {"vin": "LGXCE4CB8S01234"},
        {"stocked_on": timezone.localdate() + timedelta(days=5)},
    ],
)
def test_vehicle_rows_that_break_an_invariant_are_refused(update):
    refuses(**update)


def test_negative_odometer_is_refused_by_the_database():
    vehicle = VehicleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Vehicle.objects.filter(pk=vehicle.pk).update(odometer_km=-1)


def test_vin_is_unique_in_the_database():
    vehicle = VehicleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleFactory(vin=vehicle.vin)


def test_stock_number_unique_per_dealer_only(dealer_a, dealer_b):
    VehicleFactory(dealer=dealer_a, stock_number="S1")
    VehicleFactory(dealer=dealer_b, stock_number="S1")
    VehicleFactory(dealer=dealer_a, stock_number="")
    VehicleFactory(dealer=dealer_a, stock_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleFactory(dealer=dealer_a, stock_number="S1", vin=next_vin())


def test_paint_reading_out_of_range_is_refused():
    report = InspectionReport.objects.create(
        vehicle=VehicleFactory(),
        inspected_on=timezone.localdate(),
        inspector="Li",
        agency="CCIC",
        odometer_km=10,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PaintReading.objects.create(report=report, panel="hood", microns=5001)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaintReading.objects.create(report=report, panel="hood", substrate="steel", microns=None)
