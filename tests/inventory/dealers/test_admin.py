"""Managers run the business from the admin: forms and actions go through the services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import InspectionReport, Vehicle, VehicleStatus
from inventory.services import inspection_issue
from tests.factories import VehicleFactory, draft_inspection, next_vin

pytestmark = pytest.mark.django_db


def vehicle_form(dealer, **overrides):
    data = {
        "dealer": dealer.pk,
        "vin": next_vin(),
        "stock_number": "A-1",
        "make": "BYD",
        "model": "Seal",
        "model_year": 2025,
        "powertrain": "BEV",
        "steering_side": "LHD",
        "odometer_km": 8,
        "stocked_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "acquisition_cost": "150000",
        "list_price": "179800",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "inspections-TOTAL_FORMS": "0",
        "inspections-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_manager_adds_a_vehicle_and_history_names_them(client, manager_a, dealer_a):
    client.force_login(manager_a)
    response = client.post(reverse("admin:inventory_vehicle_add"), vehicle_form(dealer_a))
    assert response.status_code == 302, response.context["adminform"].form.errors
    vehicle = Vehicle.objects.get()
    assert vehicle.history.get().history_user == manager_a


def test_admin_shows_the_check_digit_message_on_the_vin_field(client, manager_a, dealer_a):
    good = next_vin()
    bad = good[:8] + ("0" if good[8] != "0" else "1") + good[9:]
    client.force_login(manager_a)
    response = client.post(reverse("admin:inventory_vehicle_add"), vehicle_form(dealer_a, vin=bad))
    errors = response.context["adminform"].form.errors
    assert f"Check digit (position 9) should be {good[8]}, not {bad[8]}." in errors["vin"][0]
    assert not Vehicle.objects.exists()


def test_admin_refuses_a_future_stock_date_and_saves_nothing(client, manager_a, dealer_a):
    client.force_login(manager_a)
    future = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("admin:inventory_vehicle_add"), vehicle_form(dealer_a, stocked_on=future)
    )
    assert response.context["adminform"].form.errors["stocked_on"] == [
        "The stocked-on date cannot be in the future."
    ]
    assert not Vehicle.objects.exists()


def test_admin_odometer_correction_needs_the_tick(client, manager_a, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a, odometer_km=40)
    client.force_login(manager_a)
    url = reverse("admin:inventory_vehicle_change", args=[vehicle.pk])
    data = vehicle_form(
        dealer_a, vin=vehicle.vin, odometer_km=10, stocked_on=vehicle.stocked_on.isoformat()
    )
    response = client.post(url, data)
    assert (
        "goes down from 40 km to 10 km"
        in response.context["adminform"].form.errors["odometer_km"][0]
    )
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 40
    response = client.post(url, {**data, "confirm_odometer_decrease": "on"})
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 10


def test_status_action_moves_vehicles_and_reports_refusals(client, manager_a, dealer_a):
    movable = VehicleFactory(dealer=dealer_a)
    exported = VehicleFactory(dealer=dealer_a, status=VehicleStatus.EXPORTED)
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:inventory_vehicle_changelist"),
        {"action": "mark_sold_domestic", "_selected_action": [movable.pk, exported.pk]},
        follow=True,
    )
    movable.refresh_from_db()
    exported.refresh_from_db()
    assert movable.status == VehicleStatus.SOLD_DOMESTIC
    assert exported.status == VehicleStatus.EXPORTED
    text = response.content.decode()
    assert "1 vehicle marked sold domestic." in text
    assert (
        f"{exported.vin}: A vehicle that is Exported cannot be marked Sold domestic by hand."
        in text
    )


def _draft(dealer):
    return draft_inspection(VehicleFactory(dealer=dealer))


def test_issue_action_freezes_the_report(client, manager_a, dealer_a):
    report = _draft(dealer_a)
    client.force_login(manager_a)
    client.post(
        reverse("admin:inventory_inspectionreport_changelist"),
        {"action": "issue_reports", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == "issued"
    assert len(report.content_hash) == 64
    assert report.issued_by == manager_a


def test_an_issued_report_cannot_be_changed_in_the_admin(client, manager_a, dealer_a):
    report = inspection_issue(report=_draft(dealer_a), by=manager_a)
    client.force_login(manager_a)
    url = reverse("admin:inventory_inspectionreport_change", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="inspector"' not in page.content  # shown read-only
    client.post(url, {"inspector": "Someone else", "odometer_km": 1})
    report.refresh_from_db()
    assert report.inspector == "Li Na"


def test_a_manager_cannot_make_anyone_superuser(client, manager_a, staff_a):
    client.force_login(manager_a)
    url = reverse("admin:auth_user_change", args=[staff_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    client.post(
        url, {"username": "staff_a", "is_superuser": "on", "is_staff": "on", "is_active": "on"}
    )
    staff_a.refresh_from_db()
    assert not staff_a.is_superuser
    assert not staff_a.is_staff


def test_users_of_other_dealers_are_hidden_from_a_manager(client, manager_a, manager_b):
    client.force_login(manager_a)
    response = client.get(reverse("admin:auth_user_change", args=[manager_b.pk]))
    assert response.status_code == 404


def test_a_european_vin_saves_with_a_warning(client, manager_a, dealer_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:inventory_vehicle_add"),
        vehicle_form(dealer_a, vin="VF1LM1B0H36666155", make="Renault", model="Megane"),
        follow=True,
    )
    assert Vehicle.objects.filter(vin="VF1LM1B0H36666155").exists()
    assert "Check digit (position 9) should be 8, not H." in response.content.decode()


def post_inspection(client, vehicle, hood_readings):
    empty = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}
    return client.post(
        reverse("admin:inventory_inspectionreport_add"),
        {
            "vehicle": vehicle.pk,
            "inspected_on": timezone.localdate().isoformat(),
            "inspector": "Li Na",
            "agency": "CCIC",
            "odometer_km": 12,
            "accident_grade": "A",
            "verdict": "pass",
            "readings-TOTAL_FORMS": "2",
            "readings-INITIAL_FORMS": "0",
            "readings-0-panel": "roof",
            "readings-0-substrate": "steel",
            "readings-0-points": "128 130 132",
            "readings-1-panel": "hood",
            "readings-1-substrate": "steel",
            "readings-1-points": hood_readings,
            **{f"structural_findings-{key}": value for key, value in empty.items()},
            **{f"photos-{key}": value for key, value in empty.items()},
        },
    )


@pytest.mark.parametrize(
    ("hood", "message"),
    [
        ("300 9000", "9000 µm is outside 0 to 5,000 µm."),
        ("", "Enter at least one reading, or choose plastic or glass."),
        ("3oo", "“3oo” is not a whole number of microns."),
    ],
)
def test_a_manager_is_told_what_is_wrong_with_readings(client, manager_a, dealer_a, hood, message):
    client.force_login(manager_a)
    response = post_inspection(client, VehicleFactory(dealer=dealer_a), hood)
    assert message in response.content.decode()
    assert not InspectionReport.objects.exists()


def test_manager_records_a_draft_inspection_with_readings(client, manager_a, dealer_a):
    client.force_login(manager_a)
    response = post_inspection(client, VehicleFactory(dealer=dealer_a), "300, 320")
    assert response.status_code == 302
    report = InspectionReport.objects.get()
    # P6 with a median baseline: two steel panels are too few to compare with, so the draft
    # says it cannot judge them yet rather than guess.
    assert {r.panel: (r.points, r.microns, r.verdict) for r in report.readings.all()} == {
        "roof": ([128, 130, 132], 130, "no_baseline"),
        "hood": ([300, 320], 310, "no_baseline"),
    }
