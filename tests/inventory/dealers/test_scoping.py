"""A manager of one dealer never sees another dealer's rows, in queries or in the admin."""

import json

import pytest
from django.urls import reverse

from exports.models import ExportShipment, ShipmentLine
from inventory.models import Dealer, InspectionReport, Membership, PaintReading, Vehicle
from tests.factories import MembershipFactory, ShipmentFactory, UserFactory, VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_dealers(dealer_a, dealer_b):
    return VehicleFactory(dealer=dealer_a), VehicleFactory(dealer=dealer_b)


def test_staff_see_only_their_dealer(staff_a, two_dealers):
    mine, _theirs = two_dealers
    assert list(Vehicle.objects.visible_to(staff_a)) == [mine]
    assert list(Dealer.objects.visible_to(staff_a)) == [mine.dealer]


def test_a_manager_of_two_dealers_sees_both(dealer_a, dealer_b, two_dealers):
    user = UserFactory()
    MembershipFactory(user=user, dealer=dealer_a, role="manager")
    MembershipFactory(user=user, dealer=dealer_b, role="manager")
    assert set(Vehicle.objects.visible_to(user)) == set(two_dealers)


def test_superuser_sees_everything_and_anonymous_nothing(two_dealers):
    from django.contrib.auth.models import AnonymousUser

    assert Vehicle.objects.visible_to(UserFactory(is_superuser=True)).count() == 2
    assert Vehicle.objects.visible_to(AnonymousUser()).count() == 0


def test_every_dealer_owned_model_is_scoped(staff_a, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b)
    shipment = ShipmentFactory(dealer=dealer_b)
    ShipmentLine.objects.create(shipment=shipment, vehicle=theirs)
    report = InspectionReport.objects.create(
        vehicle=theirs, inspected_on=theirs.stocked_on, inspector="x", agency="y", odometer_km=1
    )
    PaintReading.objects.create(report=report, panel="roof", microns=120)
    for model in (Vehicle, InspectionReport, PaintReading, ExportShipment, ShipmentLine):
        assert not model.objects.visible_to(staff_a).exists(), model
    assert list(
        Membership.objects.visible_to(staff_a).values_list("user__username", flat=True)
    ) == ["staff_a"]


ADMIN_PAGES = [
    "admin:inventory_vehicle_change",
    "admin:inventory_vehicle_history",
    "admin:inventory_vehicle_delete",
    "admin:inventory_dealer_change",
    "admin:exports_exportshipment_change",
    "admin:exports_exportshipment_history",
]


def _object_for(url_name, vehicle, shipment):
    if "shipment" in url_name:
        return shipment
    if "dealer_change" in url_name:
        return vehicle.dealer
    return vehicle


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
@pytest.mark.parametrize(("owner", "status"), [("dealer_a", 200), ("dealer_b", 404)])
def test_admin_pages_open_for_own_dealer_and_404_for_another(
    client, request, manager_a, url_name, owner, status
):
    dealer = request.getfixturevalue(owner)
    vehicle = VehicleFactory(dealer=dealer)
    shipment = ShipmentFactory(dealer=dealer)
    client.force_login(manager_a)
    response = client.get(reverse(url_name, args=[_object_for(url_name, vehicle, shipment).pk]))
    assert response.status_code == status


def test_changelist_and_dealer_filter_show_only_own_rows(client, manager_a, two_dealers):
    mine, theirs = two_dealers
    client.force_login(manager_a)
    page = client.get(reverse("admin:inventory_vehicle_changelist")).content.decode()
    assert mine.vin in page
    assert theirs.vin not in page
    assert theirs.dealer.name not in page


@pytest.mark.parametrize(
    ("url_name", "field", "expected"),
    [
        ("admin:exports_exportshipment_add", "dealer", ["Alpha Motors"]),
        ("admin:inventory_vehicle_add", "dealer", ["Alpha Motors"]),
        ("admin:inventory_inspectionreport_add", "vehicle", ["own"]),
    ],
)
def test_add_forms_offer_only_own_rows(
    client, manager_a, dealer_a, dealer_b, url_name, field, expected
):
    VehicleFactory(dealer=dealer_a, model="own")
    VehicleFactory(dealer=dealer_b, model="theirs")
    client.force_login(manager_a)
    response = client.get(reverse(url_name))
    choices = response.context["adminform"].form.fields[field].queryset
    names = [getattr(obj, "name", None) or obj.model for obj in choices]
    assert names == expected


def test_autocomplete_never_returns_another_dealers_vehicle(client, manager_a, two_dealers):
    mine, _theirs = two_dealers
    client.force_login(manager_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "exports", "model_name": "shipmentline", "field_name": "vehicle", "term": ""},
    )
    ids = {row["id"] for row in json.loads(response.content)["results"]}
    assert ids == {str(mine.pk)}


def test_posting_another_dealers_id_is_refused(client, manager_a, dealer_b):
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:exports_exportshipment_add"),
        {
            "dealer": dealer_b.pk,
            "reference": "X-1",
            "destination": 1,
            "consignee": "C",
            "consignee_type": "commercial",
            "transport_mode": "roro",
            "incoterm": "FOB",
            "sale_currency": "USD",
            "fx_rate_to_base": "7.1",
            "freight_cost": "0",
            "insurance_cost": "0",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ExportShipment.objects.exists()
