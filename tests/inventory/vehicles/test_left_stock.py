"""Cars that left stock (sold at home, loaded for export) stop aging and costing, everywhere."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dealerhub import reports
from inventory import services
from inventory.models import Vehicle, VehicleFloorPlan, VehicleStatus
from tests.factories import FloorPlanLineFactory, InventoryReportFactory, VehicleFactory

STOCKED = date(2026, 9, 1)
LEFT_AFTER = 40  # days in stock on the day the car left
LATER = 25  # days the test then waits


class Clock:
    """The dealer's today, moved on by the test (noon UTC is the same date in Shanghai)."""

    def __init__(self, monkeypatch, day):
        self.day = day
        monkeypatch.setattr(
            timezone,
            "now",
            lambda: datetime.combine(self.day, datetime.min.time(), UTC) + timedelta(hours=4),
        )

    def advance(self, days):
        self.day += timedelta(days=days)


def sell(vehicle, by):
    services.vehicle_change_status(vehicle=vehicle, to_status=VehicleStatus.SOLD_DOMESTIC, by=by)


def load_for_export(vehicle, by):
    # The moves a shipment makes its cars take: booked (allocated), then loaded (exported).
    for status in (VehicleStatus.ALLOCATED, VehicleStatus.EXPORTED):
        locked = Vehicle.objects.get(pk=vehicle.pk)
        services.vehicle_set_shipment_status(vehicles=[locked], to_status=status, by=by)


def listed_days(client, vin):
    html = client.get(reverse("inventory:vehicle_list")).content.decode()
    row = html.split(f">{vin}</a>")[1].split("</tr>")[0]
    return int(re.search(r'<td class="num">(\d+)<br>', row).group(1))


def page_figures(client, vehicle):
    html = client.get(reverse("inventory:vehicle_detail", args=[vehicle.pk])).content.decode()
    return {
        "days": int(re.search(r'id="days-in-stock">(\d+)', html).group(1)),
        "holding": re.search(r'id="holding-to-date">([^<]+)<', html).group(1).strip(),
        "per_day": re.search(r'id="carry-per-day">([^<]+)<', html).group(1).strip(),
    }


def csv_days(client, vin):
    text = client.get(reverse("inventory:vehicle_csv")).getvalue().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = rows[0]
    row = next(row for row in rows if row[0] == vin)
    return int(row[header.index("Days in stock")])


def admin_days(client, manager, vehicle):
    client.force_login(manager)
    html = client.get(reverse("admin:inventory_vehicle_changelist")).content.decode()
    row = html.split(f"/admin/inventory/vehicle/{vehicle.pk}/change/")[1].split("</tr>")[0]
    return int(re.search(r'class="field-days_in_stock_display">(\d+)<', row).group(1))


def report_vins(dealer, tmp_path):
    report = InventoryReportFactory(dealer=dealer, week_start=dealer.today())
    path = tmp_path / "report.xlsx"
    reports.write_workbook(report, path)
    workbook = openpyxl.load_workbook(path)
    return {row[0] for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)}


# Days in stock end on the day the car left stock, whether it was sold at home or loaded for
# export; only cars in stock accrue holding cost.
@pytest.mark.parametrize("leave", [sell, load_for_export], ids=["sold", "exported"])
def test_a_car_that_left_stock_shows_the_same_frozen_days_and_cost_everywhere(
    client, staff_a, manager_a, dealer_a, monkeypatch, tmp_path, leave
):
    clock = Clock(monkeypatch, STOCKED)
    vehicle = VehicleFactory(
        dealer=dealer_a, stocked_on=STOCKED, acquisition_cost=Decimal("100000")
    )
    services.vehicle_floor(
        vehicle=vehicle, line=FloorPlanLineFactory(dealer=dealer_a), principal=Decimal("100000")
    )
    clock.advance(LEFT_AFTER)
    leave(vehicle, staff_a)
    vehicle.refresh_from_db()
    assert vehicle.left_stock_on == STOCKED + timedelta(days=LEFT_AFTER)
    client.force_login(staff_a)
    on_leaving = page_figures(client, vehicle)

    clock.advance(LATER)
    client.force_login(staff_a)
    later = page_figures(client, vehicle)
    assert later["days"] == LEFT_AFTER
    assert later["holding"] == on_leaving["holding"]
    assert later["per_day"] == "¥0.00"
    assert listed_days(client, vehicle.vin) == LEFT_AFTER
    assert csv_days(client, vehicle.vin) == LEFT_AFTER
    assert admin_days(client, manager_a, vehicle) == LEFT_AFTER
    # The weekly workbook lists cars on hand only: the car is neither aged stock nor a candidate.
    assert vehicle.vin not in report_vins(dealer_a, tmp_path)


# A car that comes back into stock (a domestic sale undone) has no left-stock day and ages on.
def test_back_in_stock_clears_the_day_and_the_car_ages_again(
    staff_client, staff_a, dealer_a, monkeypatch
):
    clock = Clock(monkeypatch, STOCKED)
    vehicle = VehicleFactory(dealer=dealer_a, stocked_on=STOCKED)
    clock.advance(LEFT_AFTER)
    sell(vehicle, staff_a)
    clock.advance(LATER)
    services.vehicle_change_status(vehicle=vehicle, to_status=VehicleStatus.IN_STOCK, by=staff_a)
    vehicle.refresh_from_db()
    assert vehicle.left_stock_on is None
    assert page_figures(staff_client, vehicle)["days"] == LEFT_AFTER + LATER


# Stock actions (flooring, the export check) are offered and accepted only for cars the dealer
# still holds: in stock, reserved, or booked on a shipment not yet loaded.
@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (VehicleStatus.IN_STOCK, True),
        (VehicleStatus.RESERVED, True),
        (VehicleStatus.ALLOCATED, True),
        (VehicleStatus.SOLD_DOMESTIC, False),
        (VehicleStatus.EXPORTED, False),
    ],
)
def test_stock_actions_are_for_cars_in_stock_only(staff_client, dealer_a, status, offered):
    line = FloorPlanLineFactory(dealer=dealer_a)
    vehicle = VehicleFactory(dealer=dealer_a, status=status)
    page = staff_client.get(reverse("inventory:vehicle_detail", args=[vehicle.pk]))
    html = page.content.decode()
    assert ("Floor this car" in html) is offered
    assert ('id="eligibility-matrix"' in html) is offered
    check = staff_client.get(reverse("exports:vehicle_eligibility", args=[vehicle.pk]))
    assert check.status_code == 200
    assert ('id="eligibility"' in check.content.decode()) is offered
    posted = staff_client.post(
        reverse("inventory:vehicle_floor", args=[vehicle.pk]),
        {"line": line.pk, "principal": "100000", "floored_on": vehicle.stocked_on.isoformat()},
        follow=True,
    )
    assert posted.status_code == 200
    assert VehicleFloorPlan.objects.filter(vehicle=vehicle).exists() is offered
    if not offered:
        label = VehicleStatus(status).label.lower()
        refusal = f"Vehicle {vehicle.vin} is {label}, no longer in stock"
        assert refusal in posted.content.decode()
        assert refusal in check.content.decode()
        with pytest.raises(ValidationError, match=refusal):
            services.vehicle_floor(vehicle=vehicle, line=line)
