"""Taking a car off a shipment and cancelling a shipment ask once before they act: the first
post without a confirmation changes nothing and asks; the confirmed one acts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from exports import services
from exports.models import DestinationMarket, ShipmentMilestone
from exports.models import ShipmentStatus as S
from inventory.models import VehicleStatus
from tests.confirming import confirm, confirmation_form
from tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(dealer_a, staff_a, markets):
    shipment = services.shipment_create(
        dealer=dealer_a,
        reference="KZ-2026-001",
        destination=DestinationMarket.objects.get(country_code="KZ"),
        consignee="Almaty Auto Trade LLP",
        fx_rate_to_base=Decimal("7.1"),
        by=staff_a,
    )
    for _ in range(2):
        services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    return services.shipment_advance(shipment=shipment, to_status=S.BOOKED, by=staff_a)


def test_the_shipment_page_asks_in_a_dialog_before_removing_or_cancelling(staff_client, booked):
    page = staff_client.get(booked.get_absolute_url()).content.decode()
    line = booked.lines.select_related("vehicle").first()
    assert f'data-confirm="Take {line.vehicle.vin} off shipment KZ-2026-001?"' in page
    assert 'data-confirm="Cancel shipment KZ-2026-001?"' in page


def test_removing_a_car_asks_first_and_acts_once_confirmed(staff_client, booked):
    line = booked.lines.select_related("vehicle").first()
    remove = reverse("exports:shipment_line_remove", args=[booked.pk, line.pk])
    asked = staff_client.post(remove)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert f"Take {line.vehicle.vin} off shipment KZ-2026-001?" in page
    assert f'href="{booked.get_absolute_url()}#line-{line.pk}"' in page  # Cancel goes back
    line.refresh_from_db()
    assert line.is_active
    assert line.vehicle.status == VehicleStatus.ALLOCATED

    done = confirm(staff_client, asked, follow=True)
    assert f"Vehicle {line.vehicle.vin} taken off KZ-2026-001." in done.content.decode()
    line.vehicle.refresh_from_db()
    assert line.vehicle.status == VehicleStatus.IN_STOCK
    assert booked.lines.filter(is_active=True).count() == 1


def test_cancelling_checks_the_form_then_asks_then_cancels(staff_client, booked):
    advance = reverse("exports:shipment_advance", args=[booked.pk])
    today = booked.dealer.today().isoformat()
    no_reason = staff_client.post(advance, {"cancel-to_status": "cancelled", "cancel-on": today})
    assert no_reason.status_code == 400
    assert "Say why the shipment is cancelled." in no_reason.content.decode()
    assert "confirm-step" not in no_reason.content.decode()

    asked = staff_client.post(
        advance,
        {"cancel-to_status": "cancelled", "cancel-on": today, "cancel-reason": "Buyer withdrew"},
    )
    assert asked.status_code == 200
    assert "Cancel shipment KZ-2026-001?" in asked.content.decode()
    assert "Its 2 vehicles go back to stock" in asked.content.decode()
    _action, fields = confirmation_form(asked)
    assert ("cancel-reason", "Buyer withdrew") in fields
    booked.refresh_from_db()
    assert booked.status == S.BOOKED

    done = confirm(staff_client, asked, follow=True)
    assert "its vehicles are back in stock" in done.content.decode()
    booked.refresh_from_db()
    assert booked.status == S.CANCELLED
    milestone = ShipmentMilestone.objects.get(shipment=booked, status=S.CANCELLED)
    assert milestone.note == "Buyer withdrew"


def test_another_dealers_shipment_is_not_found_before_any_question(staff_client, dealer_b, markets):
    from tests.factories import ShipmentFactory, ShipmentLineFactory

    theirs = ShipmentFactory(dealer=dealer_b)
    line = ShipmentLineFactory(shipment=theirs, vehicle=VehicleFactory(dealer=dealer_b))
    for name, args in (
        ("exports:shipment_line_remove", [theirs.pk, line.pk]),
        ("exports:shipment_advance", [theirs.pk]),
    ):
        response = staff_client.post(
            reverse(name, args=args),
            {"cancel-to_status": "cancelled", "cancel-reason": "x", "confirmed": "yes"},
        )
        assert response.status_code == 404
