"""Managers build and move shipments in the admin; every write goes through the services."""

import pytest
from django.urls import reverse

from exports.models import MarketRule, ShipmentStatus
from inventory.models import VehicleStatus
from tests.factories import ShipmentFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def shipment_form(shipment, **lines):
    data = {
        "reference": shipment.reference,
        "destination": shipment.destination_id,
        "consignee": shipment.consignee,
        "consignee_type": "commercial",
        "transport_mode": "roro",
        "incoterm": "FOB",
        "sale_currency": "USD",
        "fx_rate_to_base": "7.12",
        "freight_cost": "0",
        "insurance_cost": "0",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    data.update(lines)
    return data


def test_adding_a_vehicle_inline_allocates_nothing_until_booked(client, manager_a, dealer_a):
    shipment = ShipmentFactory(dealer=dealer_a)
    vehicle = VehicleFactory(dealer=dealer_a)
    client.force_login(manager_a)
    url = reverse("admin:exports_exportshipment_change", args=[shipment.pk])
    response = client.post(
        url,
        shipment_form(
            shipment,
            **{
                "lines-TOTAL_FORMS": "1",
                "lines-0-vehicle": vehicle.pk,
                "lines-0-sale_price": "19000",
            },
        ),
    )
    assert response.status_code == 302
    line = shipment.lines.get()
    assert (line.vehicle, line.hs_code, str(line.sale_price)) == (vehicle, "8703.80", "19000.00")

    client.post(
        reverse("admin:exports_exportshipment_changelist"),
        {"action": "advance_to_next", "_selected_action": [shipment.pk]},
    )
    shipment.refresh_from_db()
    vehicle.refresh_from_db()
    assert shipment.status == ShipmentStatus.BOOKED
    assert vehicle.status == VehicleStatus.ALLOCATED


def test_cancel_action_asks_why_and_refuses_a_loaded_shipment(client, manager_a, dealer_a):
    shipment = ShipmentFactory(dealer=dealer_a, status=ShipmentStatus.LOADED)
    draft = ShipmentFactory(dealer=dealer_a)
    client.force_login(manager_a)
    url = reverse("admin:exports_exportshipment_changelist")
    chosen = {"action": "cancel_shipments", "_selected_action": [shipment.pk, draft.pk]}
    asked = client.post(url, chosen).content.decode()
    assert "Why are they cancelled?" in asked
    draft.refresh_from_db()
    assert draft.status == ShipmentStatus.DRAFT

    response = client.post(url, {**chosen, "apply": "1", "reason": "Buyer withdrew"}, follow=True)
    draft.refresh_from_db()
    assert (draft.status, draft.cancelled_reason) == ("cancelled", "Buyer withdrew")
    assert f"Shipment {shipment.reference} cannot go from loaded to cancelled." in (
        response.content.decode()
    )
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.LOADED


def test_eta_before_etd_is_a_form_error(client, manager_a, dealer_a):
    shipment = ShipmentFactory(dealer=dealer_a)
    client.force_login(manager_a)
    url = reverse("admin:exports_exportshipment_change", args=[shipment.pk])
    response = client.post(url, shipment_form(shipment, etd="2026-12-10", eta="2026-12-01"))
    assert "The ETA cannot be before the ETD." in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.etd is None


def test_mark_verified_action_stamps_the_rules(client, operator):
    rule = MarketRule.objects.get(rule_code="RHD_PROHIBITED", market__country_code="KZ")
    client.force_login(operator)
    client.post(
        reverse("admin:exports_marketrule_changelist"),
        {"action": "mark_verified_today", "_selected_action": [rule.pk]},
    )
    rule.refresh_from_db()
    assert rule.last_verified is not None


def test_a_manager_has_no_action_on_the_shared_rules(client, manager_a):
    rule = MarketRule.objects.get(rule_code="RHD_PROHIBITED", market__country_code="KZ")
    client.force_login(manager_a)
    client.post(
        reverse("admin:exports_marketrule_changelist"),
        {"action": "mark_verified_today", "_selected_action": [rule.pk]},
    )
    rule.refresh_from_db()
    assert rule.last_verified is None


def test_shipment_list_costs_the_same_queries_for_many_shipments(client, manager_a, dealer_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exports import services

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:exports_exportshipment_changelist")).status_code == 200
        return len(captured)

    client.force_login(manager_a)
    ShipmentFactory(dealer=dealer_a)
    few = queries_for_list()
    for _ in range(5):
        shipment = ShipmentFactory(dealer=dealer_a)
        services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    assert queries_for_list() == few
