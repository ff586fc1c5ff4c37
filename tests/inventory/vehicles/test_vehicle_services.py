"""Receiving and changing vehicles: errors name the field, history is kept, nothing half-saved."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory import services
from inventory.models import Vehicle, VehicleStatus
from tests.factories import VehicleFactory, next_vin, reserve

pytestmark = pytest.mark.django_db


def receive(dealer, user=None, **overrides):
    facts = {
        "vin": next_vin(),
        "make": "BYD",
        "model": "Seal",
        "model_year": 2025,
        "powertrain": "BEV",
        "acquisition_cost": Decimal("150000"),
        "list_price": Decimal("179800"),
        **overrides,
    }
    return services.vehicle_receive(dealer=dealer, by=user, **facts)


def field_errors(exc_info):
    return exc_info.value.message_dict


def test_receive_normalises_the_vin_and_stocks_today(dealer_a, staff_a):
    vin = next_vin()
    vehicle = receive(dealer_a, staff_a, vin=f" {vin[:8].lower()}-{vin[8:]} ")
    assert vehicle.vin == vin
    assert vehicle.stocked_on == dealer_a.today()
    assert vehicle.status == VehicleStatus.IN_STOCK


def test_wrong_check_digit_is_refused_with_the_expected_digit(dealer_a):
    good = next_vin()
    bad = good[:8] + ("0" if good[8] != "0" else "1") + good[9:]
    with pytest.raises(ValidationError) as exc:
        receive(dealer_a, vin=bad)
    assert f"should be {good[8]}" in field_errors(exc)["vin"][0]
    assert not Vehicle.objects.exists()


def test_duplicate_vin_is_refused_on_the_vin_field(dealer_a, dealer_b):
    vin = next_vin()
    receive(dealer_a, vin=vin)
    with pytest.raises(ValidationError) as exc:
        receive(dealer_b, vin=vin)
    assert field_errors(exc)["vin"] == ["A vehicle with this VIN is already registered."]
    assert Vehicle.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("acquisition_cost", Decimal("-1"), "cannot be negative"),
        ("list_price", Decimal("-5"), "cannot be negative"),
        ("odometer_km", -3, "greater than or equal to 0"),
    ],
)
def test_negative_money_and_odometer_name_the_field(dealer_a, field, value, message):
    with pytest.raises(ValidationError) as exc:
        receive(dealer_a, **{field: value})
    errors = field_errors(exc)
    text = " ".join(errors.get(field, []) + errors.get("__all__", []))
    assert message in text
    assert not Vehicle.objects.exists()


def test_stocked_on_in_the_future_is_refused(dealer_a):
    with pytest.raises(ValidationError) as exc:
        receive(dealer_a, stocked_on=dealer_a.today() + timedelta(days=1))
    assert field_errors(exc)["stocked_on"] == ["The stocked-on date cannot be in the future."]


def test_registration_before_manufacture_is_refused(dealer_a):
    today = dealer_a.today()
    with pytest.raises(ValidationError) as exc:
        receive(dealer_a, manufactured_on=today, registered_on=today - timedelta(days=3))
    assert "registered before it was built" in " ".join(field_errors(exc)["__all__"])


def test_odometer_going_down_needs_confirmation_and_is_recorded(dealer_a, staff_a):
    vehicle = VehicleFactory(dealer=dealer_a, odometer_km=40)
    with pytest.raises(ValidationError) as exc:
        services.vehicle_update(vehicle=vehicle, by=staff_a, odometer_km=12)
    assert "goes down from 40 km to 12 km" in field_errors(exc)["odometer_km"][0]
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 40

    services.vehicle_update(
        vehicle=vehicle, by=staff_a, odometer_km=12, confirm_odometer_decrease=True
    )
    latest = vehicle.history.latest()
    assert latest.odometer_km == 12
    assert latest.history_user == staff_a
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("odometer_km", 40, 12)]


def test_price_and_status_changes_keep_who_when_old_and_new(dealer_a, staff_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    services.vehicle_update(vehicle=vehicle, by=staff_a, list_price=Decimal("169800.00"))
    reserve(vehicle, by=staff_a)
    records = list(vehicle.history.order_by("history_date"))
    changes = [
        (c.field, str(c.old), str(c.new), rec.history_user.username)
        for rec in records[1:]
        for c in rec.diff_against(rec.prev_record).changes
        if c.field != "updated_at"
    ]
    assert changes == [
        ("list_price", "179800.00", "169800.00", "staff_a"),
        ("status", "in_stock", "reserved", "staff_a"),
    ]


def test_an_update_that_changes_nothing_writes_no_history(dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    before = vehicle.history.count()
    services.vehicle_update(vehicle=vehicle, list_price=vehicle.list_price)
    assert vehicle.history.count() == before


def test_status_moves_reserved_for_shipments_are_refused_by_hand(dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    with pytest.raises(ValidationError) as exc:
        services.vehicle_change_status(vehicle=vehicle, to_status=VehicleStatus.EXPORTED)
    assert "cannot be marked Exported by hand" in field_errors(exc)["status"][0]


def test_a_dealer_time_zone_must_exist(dealer_a):
    dealer_a.time_zone = "Asia/Beijing"
    with pytest.raises(ValidationError) as exc:
        dealer_a.full_clean()
    assert exc.value.message_dict["time_zone"] == [
        "Asia/Beijing is not a time zone; use a name such as Asia/Shanghai."
    ]


@pytest.mark.parametrize(
    ("time_zone", "issued_on", "accepted"),
    [
        # "today" is the dealer's date. At 12:00 UTC on 4 Dec it is already
        # 5 Dec in Auckland (UTC+13) while the server's Shanghai still reads 4 Dec.
        ("Pacific/Auckland", date(2026, 12, 5), True),
        ("Pacific/Auckland", date(2026, 12, 6), False),
        ("Asia/Shanghai", date(2026, 12, 4), True),
        ("Asia/Shanghai", date(2026, 12, 5), False),
    ],
)
def test_a_papers_issue_date_is_judged_by_the_dealers_today(
    dealer_a, monkeypatch, time_zone, issued_on, accepted
):
    dealer_a.time_zone = time_zone
    dealer_a.save()
    vehicle = VehicleFactory(dealer=dealer_a, stocked_on=date(2026, 11, 1))
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 4, 12, 0, tzinfo=UTC))

    def add():
        return services.vehicle_document_add(
            vehicle=vehicle,
            kind="manufacturer_after_sales_confirmation",
            issuer="BYD Auto Co., Ltd.",
            issuer_is_listed_manufacturer=True,
            issued_on=issued_on,
        )

    if accepted:
        assert add().issued_on == issued_on
    else:
        with pytest.raises(ValidationError) as refused:
            add()
        assert "issued_on" in refused.value.message_dict
