"""Compliance deadlines after a car joins a shipment, the daily digest to managers and the
dashboard's list."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from dealerhub import services as dealerhub_services
from dealerhub.models import ComplianceDigest
from exports import deadlines, services
from exports.deadlines import add_months
from exports.models import ShipmentStatus
from tests.factories import ShipmentFactory, VehicleFactory, shippable_vehicle

S = ShipmentStatus


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 2, date(2026, 5, 10)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),  # February is shorter
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # a leap year
        (date(2026, 11, 30), 1, date(2026, 12, 30)),
    ],
)
def test_two_months_after_clearance(day, months, expected):
    assert add_months(day, months) == expected


@pytest.fixture
def today(dealer_a):
    return dealer_a.today()


def kinds(found):
    return [(d.kind, d.vehicle.vin, d.due_on, d.overdue) for d in found]


@pytest.mark.django_db
def test_a_missing_confirmation_is_due_by_the_etd(dealer_a, today, markets):
    car = VehicleFactory(dealer=dealer_a, registered_on=today - timedelta(days=20))
    shipment = ShipmentFactory(dealer=dealer_a, etd=today + timedelta(days=5))
    services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    old = VehicleFactory(dealer=dealer_a, registered_on=today - timedelta(days=400))
    services.shipment_add_vehicle(shipment=shipment, vehicle=old)
    assert kinds(deadlines.due(dealer_a, today)) == [
        ("after_sales_confirmation", car.vin, today + timedelta(days=5), False)
    ]
    # Eight days out is beyond the week the alerts look ahead.
    assert deadlines.due(dealer_a, today - timedelta(days=3)) == []


@pytest.mark.django_db
def test_temporary_plates_and_deregistration(dealer_a, today, markets):
    car = shippable_vehicle(dealer_a)
    shipment = ShipmentFactory(dealer=dealer_a)
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car, sale_price=D("21000"))
    services.shipment_line_set_dates(
        line=line,
        transferred_on=today - timedelta(days=58),
        temp_plate_expires_on=today + timedelta(days=2),
    )
    assert kinds(deadlines.due(dealer_a, today)) == [
        ("temporary_plate", car.vin, today + timedelta(days=2), False)
    ]
    cleared = today - timedelta(days=63)
    services.shipment_advance(shipment=shipment, to_status=S.BOOKED, on=cleared)
    services.shipment_advance(shipment=shipment, to_status=S.CUSTOMS_CLEARED, on=cleared)
    services.shipment_advance(shipment=shipment, to_status=S.LOADED)
    # Loaded: the plate no longer matters; de-registration was due two months after clearance.
    assert kinds(deadlines.due(dealer_a, today)) == [
        ("deregistration", car.vin, add_months(cleared, 2), True)
    ]
    services.shipment_line_set_dates(line=line, deregistered_on=today)
    assert deadlines.due(dealer_a, today) == []


@pytest.mark.django_db
def test_cancelled_shipments_raise_nothing(dealer_a, today, markets):
    car = VehicleFactory(dealer=dealer_a, registered_on=today)
    shipment = ShipmentFactory(dealer=dealer_a, etd=today)
    services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    services.shipment_advance(shipment=shipment, to_status=S.CANCELLED, reason="No buyer")
    assert deadlines.due(dealer_a, today) == []


@pytest.fixture
def overdue_plate(dealer_a, today, markets):
    car = shippable_vehicle(dealer_a)
    shipment = ShipmentFactory(dealer=dealer_a, reference="KZ-26-007")
    line = services.shipment_add_vehicle(shipment=shipment, vehicle=car)
    services.shipment_line_set_dates(
        line=line,
        transferred_on=today - timedelta(days=61),
        temp_plate_expires_on=today - timedelta(days=1),
    )
    return car


@pytest.mark.django_db
def test_managers_get_one_digest_a_day(dealer_a, manager_a, staff_a, overdue_plate, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager_a.email = "li.manager@example.com"
    manager_a.save()
    counts = dealerhub_services.compliance_digests_send()
    assert counts == {"sent": 1, "nothing_due": 0, "already": 0}
    [message] = mail.outbox
    assert message.to == ["li.manager@example.com"]
    assert "1 export deadlines due, 1 overdue" in message.subject
    assert overdue_plate.vin in message.body and "KZ-26-007" in message.body
    assert "overdue" in message.alternatives[0][0]

    assert dealerhub_services.compliance_digests_send() == {
        "sent": 0,
        "nothing_due": 0,
        "already": 1,
    }
    assert len(mail.outbox) == 1
    digest = ComplianceDigest.objects.get()
    assert (digest.deadlines, digest.overdue, digest.recipients) == (
        1,
        1,
        ["li.manager@example.com"],
    )


@pytest.mark.django_db
def test_the_digest_command_says_what_it_did(dealer_a, manager_a, overdue_plate, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    manager_a.email = "li.manager@example.com"
    manager_a.save()
    call_command("send_compliance_digest", dealer=dealer_a.pk)
    call_command("send_compliance_digest", dealer=dealer_a.pk)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Alpha Motors: 1 due (1 overdue), sent to li.manager@example.com",
        "Alpha Motors: already sent today",
    ]


@pytest.mark.django_db
def test_the_dashboard_lists_deadlines_due_this_week(client, staff_a, overdue_plate):
    client.force_login(staff_a)
    page = client.get(reverse("dashboard")).content.decode()
    start = page.index('id="deadlines"')
    table = page[start : page.index("</table>", start)]
    assert overdue_plate.vin in table
    assert "Temporary plate expires" in table and "overdue" in table
