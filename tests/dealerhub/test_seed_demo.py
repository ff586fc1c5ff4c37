"""The demo: three dealers, 660 vehicles with valid VINs, inspections, shipments; safe to rerun."""

from base64 import b32decode
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dealerhub.demo import DEMO_TOTP_SECRET
from exports import deadlines
from exports.models import CashFlowSnapshot, ExportShipment
from inventory import vin
from inventory.models import (
    Dealer,
    FloorPlanPayment,
    InspectionReport,
    Membership,
    Vehicle,
    VehicleFloorPlan,
)


def money_rows():
    return (
        VehicleFloorPlan.objects.count(),
        FloorPlanPayment.objects.count(),
        CashFlowSnapshot.objects.count(),
    )


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_is_complete_and_idempotent():
    first = seed()
    after_first = money_rows()
    second = seed()
    assert money_rows() == after_first
    assert "660 vehicles (660 new)" in first
    # Each step is announced as it starts, before the summary.
    steps = first[: first.index("Demo data:")].splitlines()
    assert steps[0] == "[1] Dealers and logins..."
    assert "Hangzhou Xinghe Auto: vehicles..." in steps[1]
    assert steps[-2:] == [
        f"[{len(steps) - 1}] Export candidates...",
        f"[{len(steps)}] Cash-flow history...",
    ]
    assert "660 vehicles (0 new)" in second
    assert "manager " in first and "staff.hz" in first and "dealerhub-demo" in first
    assert Dealer.objects.filter(code__in=["hz-xinghe", "nb-haitong", "cd-tianfu"]).count() == 3
    vehicles = Vehicle.objects.filter(dealer__code__in=["hz-xinghe", "nb-haitong", "cd-tianfu"])
    assert vehicles.count() == 660
    assert all(vin.validate(v).is_valid for v in vehicles.values_list("vin", flat=True))
    assert vehicles.filter(powertrain__in=["BEV", "PHEV"]).count() > 330
    assert vehicles.filter(registered_on__isnull=False).exists()
    assert vehicles.filter(odometer_km__lte=50).count() > 500
    assert set(
        Membership.objects.filter(user__username="manager").values_list("dealer__code", flat=True)
    ) == {"hz-xinghe", "nb-haitong"}
    assert InspectionReport.objects.filter(status="issued").count() >= 20
    statuses = set(ExportShipment.objects.values_list("status", flat=True))
    assert {"draft", "booked", "in_transit", "delivered", "cancelled"} <= statuses
    # The deadlines have something to say: plates running out, de-registrations overdue.
    hangzhou = Dealer.objects.get(code="hz-xinghe")
    due = Counter((d.kind, d.overdue) for d in deadlines.due(hangzhou))
    assert due == {("temporary_plate", False): 3, ("deregistration", True): 3}
    # Two dealers finance their stock, the third does not; each has 90 days of history.
    floored = set(VehicleFloorPlan.objects.values_list("dealer__code", flat=True))
    assert floored == {"hz-xinghe", "nb-haitong"}
    assert FloorPlanPayment.objects.filter(kind="curtailment").exists()
    assert CashFlowSnapshot.objects.filter(dealer__code="cd-tianfu").count() == 90
    # The managers' printed authenticator key, one device each however often seeded.
    assert f"oathtool --totp -b {DEMO_TOTP_SECRET}" in first
    assert f"secret={DEMO_TOTP_SECRET}" in first
    devices = TOTPDevice.objects.filter(user__username__in=["manager", "manager.cd"])
    assert devices.filter(confirmed=True).count() == 2


ADMIN_PAGES = [
    "inventory/dealer/",
    "inventory/membership/",
    "inventory/vehicle/",
    "inventory/vehicle/add/",
    "inventory/inspectionreport/",
    "inventory/inspectionreport/add/",
    "inventory/jobrun/",
    "exports/destinationmarket/",
    "exports/marketrule/",
    "exports/exportshipment/",
    "exports/exportshipment/add/",
    "exports/cashflowsnapshot/",
    "inventory/floorplanline/",
    "inventory/floorplanline/add/",
    "inventory/vehiclefloorplan/",
    "dealerhub/inventoryreport/",
    "dealerhub/inventoryreport/add/",
    "auth/user/",
    "django_celery_beat/periodictask/",
]


@pytest.mark.django_db
def test_the_demo_manager_can_work_in_the_admin(client):
    seed()
    signed_in = client.post(
        "/admin/login/?next=/admin/", {"username": "manager", "password": "dealerhub-demo"}
    )
    assert signed_in.status_code == 302
    # The README's way: the code of an authenticator app holding the printed key.
    asked = client.get("/admin/")
    assert asked.url.startswith(reverse("two_factor_verify"))
    code = TOTP(b32decode(DEMO_TOTP_SECRET)).token()
    verified = client.post(asked.url, {"code": f"{code:06d}", "next": "/admin/"})
    assert verified.url == "/admin/"
    for page in ADMIN_PAGES:
        response = client.get(f"/admin/{page}")
        assert response.status_code == 200, page
    vehicles = client.get("/admin/inventory/vehicle/").content.decode()
    assert "Chengdu Tianfu" not in vehicles
    shipment = ExportShipment.objects.filter(dealer__code="hz-xinghe").first()
    detail = client.get(f"/admin/exports/exportshipment/{shipment.pk}/change/")
    assert shipment.reference in detail.content.decode()
    history = client.get(f"/admin/exports/exportshipment/{shipment.pk}/history/")
    assert history.status_code == 200
    chengdu_car = Vehicle.objects.filter(dealer__code="cd-tianfu").first()
    assert client.get(f"/admin/inventory/vehicle/{chengdu_car.pk}/change/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_demo_staff_walk_their_inventory_pages(client, language):
    seed()
    assert client.login(username="staff.hz", password="dealerhub-demo")
    own = Vehicle.objects.filter(dealer__code="hz-xinghe").exclude(shipment_lines=None).first()
    pages = [
        "/",
        "/inventory/vehicles/",
        "/inventory/vehicles/?aging=61-90&sort=list_price&size=200",
        "/inventory/vehicles/new/",
        f"/inventory/vehicles/{own.pk}/",
        f"/inventory/vehicles/{own.pk}/edit/",
    ]
    for page in pages:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, page
    assert own.vin in client.get(f"/inventory/vehicles/{own.pk}/").content.decode()
    ningbo_car = Vehicle.objects.filter(dealer__code="nb-haitong").first()
    assert client.get(f"/inventory/vehicles/{ningbo_car.pk}/").status_code == 404
