"""The vehicle's check constraints judged in Python agree with the database, row by row."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.db.models.functions import Upper

from core.constraints import Unreadable, holds, validate_constraints
from inventory.models import Vehicle
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

# Each case changes a valid car; the constraint that must fail, or None.
CASES = [
    ({}, None),
    ({"vin": "LGXCE4CB0S000001X"[:16]}, "vehicle_vin_17_chars"),
    ({"acquisition_cost": Decimal("-1")}, "vehicle_acquisition_cost_not_negative"),
    ({"list_price": Decimal("-0.01")}, "vehicle_list_price_not_negative"),
    ({"export_price": None}, None),
    ({"export_price": Decimal("-5")}, "vehicle_export_price_not_negative"),
    ({"odometer_km": -3}, "vehicle_odometer_not_negative"),
    (
        {"manufactured_on": date(2025, 5, 1), "registered_on": date(2025, 4, 1)},
        "vehicle_registered_after_manufacture",
    ),
    ({"manufactured_on": None, "registered_on": date(2025, 4, 1)}, None),
    ({"status": "sold_domestic", "left_stock_on": None}, "vehicle_left_stock_iff_gone"),
    ({"status": "in_stock", "left_stock_on": date(2025, 6, 1)}, "vehicle_left_stock_iff_gone"),
    (
        {"status": "sold_domestic", "left_stock_on": date(2020, 1, 1)},
        "vehicle_left_stock_after_stocked",
    ),
    ({"status": "sold_domestic", "left_stock_on": date(2025, 6, 1)}, None),
]


@pytest.mark.parametrize(("changes", "failing"), CASES)
def test_each_check_constraint_reads_as_the_database_reads_it(dealer_a, changes, failing):
    car = VehicleFactory.build(dealer=dealer_a, stocked_on=date(2025, 3, 1))
    for name, value in changes.items():
        setattr(car, name, value)
    for constraint in Vehicle._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        in_python = holds(constraint.condition, car) is not False
        against = car._get_field_expression_map(meta=Vehicle._meta)
        in_database = Q(constraint.condition).check(against)
        assert in_python == in_database, constraint.name
        assert in_python == (constraint.name != failing), constraint.name


def test_a_failing_car_gets_the_constraints_own_message(dealer_a):
    car = VehicleFactory.build(dealer=dealer_a, odometer_km=-1, list_price=Decimal("-1"))
    with pytest.raises(ValidationError) as refused:
        validate_constraints(car, unique=False)
    assert set(refused.value.messages) == {
        "The odometer cannot be negative.",
        "The list price cannot be negative.",
    }


def test_a_constraint_on_an_excluded_field_is_skipped_as_django_skips_it(dealer_a):
    car = VehicleFactory.build(dealer=dealer_a, odometer_km=-1)
    validate_constraints(car, exclude={"odometer_km"}, unique=False)


def test_a_condition_it_cannot_read_is_asked_of_the_database(dealer_a, monkeypatch):
    constraint = CheckConstraint(condition=Q(make=Upper("make")), name="make_in_capitals")
    with pytest.raises(Unreadable):
        holds(constraint.condition, VehicleFactory.build(dealer=dealer_a))
    monkeypatch.setattr(Vehicle._meta, "constraints", [constraint])
    validate_constraints(VehicleFactory.build(dealer=dealer_a, make="BYD"), unique=False)
    with pytest.raises(ValidationError):
        validate_constraints(VehicleFactory.build(dealer=dealer_a, make="Byd"), unique=False)


def test_unique_constraints_still_ask_the_database_unless_left_to_the_caller(dealer_a):
    VehicleFactory(dealer=dealer_a, stock_number="A-1")
    twin = VehicleFactory.build(dealer=dealer_a, stock_number="A-1")
    with pytest.raises(ValidationError, match="already used at this dealer"):
        twin.full_clean(validate_unique=False)
    validate_constraints(twin, unique=False)
