"""A form deep in the shipment page that is refused reopens the page at that form, with the
error beside the field and the field focused, not at the top with the error far below."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from exports import services
from exports.models import DestinationMarket

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipment(dealer_a, staff_a, markets):
    return services.shipment_create(
        dealer=dealer_a,
        reference="KZ-2026-001",
        destination=DestinationMarket.objects.get(country_code="KZ"),
        consignee="Almaty Auto Trade LLP",
        fx_rate_to_base=Decimal("7.1"),
        by=staff_a,
    )


def form_at(page, anchor):
    """The form whose id is `anchor`, as the page renders it."""
    return page.split(f'id="{anchor}"', 1)[1].split("</form>", 1)[0]


def test_every_deep_form_posts_to_its_own_anchor(staff_client, shipment, dealer_a):
    from tests.factories import VehicleFactory

    line = services.shipment_add_vehicle(shipment=shipment, vehicle=VehicleFactory(dealer=dealer_a))
    page = staff_client.get(shipment.get_absolute_url()).content.decode()
    actions = set(re.findall(r'<form method="post" action="([^"]+)"', page))
    base = shipment.get_absolute_url()
    assert actions >= {
        f"{base}vehicles/#add-vehicle",
        f"{base}prices/#set-prices",
        f"{base}advance/#status",
        f"{base}edit/#details",
        f"{base}documents/#documents",
        f"{base}lines/{line.pk}/price/#line-{line.pk}",
        f"{base}lines/{line.pk}/dates/#line-{line.pk}",
    }
    assert f'id="line-{line.pk}"' in page


def test_a_wrong_vin_is_refused_beside_the_add_vehicle_field(staff_client, shipment):
    response = staff_client.post(
        reverse("exports:shipment_add_vehicle", args=[shipment.pk]),
        {"add-vin": "LGXCE4CB8S0999999"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    form = form_at(page, "add-vehicle")
    message = "No vehicle with VIN LGXCE4CB8S0999999 in the stock of Alpha Motors."
    assert page.count(message) == 1
    assert message in form
    assert 'role="alert"' in form
    field = re.search(r'<input[^>]*name="add-vin"[^>]*>', form).group(0)
    assert "autofocus" in field
    # Nothing else on the page takes the focus away from it.
    assert page.count("autofocus") == 1
    # The page is answered at the form's own address, whose anchor the browser scrolls to.
    assert 'action="' + shipment.get_absolute_url() + 'vehicles/#add-vehicle"' in page
