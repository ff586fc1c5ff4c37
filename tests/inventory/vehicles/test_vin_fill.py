"""Receiving a car fills an empty make and model year from its VIN and never overwrites what
was typed; the maker code table is advisory, kept in the database, and edited by operators."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory import services
from inventory.data import load_wmi_codes
from inventory.models import Vehicle, WorldManufacturerCode
from tests.factories import UserFactory, next_vin
from tests.inventory.dealers.test_admin import vehicle_form
from tests.inventory.vehicles.test_views import receive_data

pytestmark = pytest.mark.django_db
RECEIVE = reverse("inventory:vehicle_receive")


def test_the_migration_loads_the_shipped_codes():
    byd = WorldManufacturerCode.objects.get(wmi="LGX")
    assert (byd.maker, byd.country, byd.confidence) == ("BYD Auto", "China", "H")
    assert "vininfo" in byd.source_url


def test_loading_again_keeps_an_operators_edit_and_restores_a_deleted_code():
    WorldManufacturerCode.objects.filter(wmi="LGX").update(maker="BYD")
    WorldManufacturerCode.objects.filter(wmi="LVV").delete()
    created, kept = load_wmi_codes(WorldManufacturerCode)
    assert created == 1 and kept == WorldManufacturerCode.objects.count() - 1
    assert WorldManufacturerCode.objects.get(wmi="LGX").maker == "BYD"
    assert WorldManufacturerCode.objects.get(wmi="LVV").maker == "Chery"


def test_an_empty_make_and_year_are_read_from_the_vin(staff_client, dealer_a):
    data = receive_data(dealer_a, vin=next_vin("LGX"), make="", model_year="")
    response = staff_client.post(RECEIVE, data, follow=True)
    vehicle = Vehicle.objects.get(vin=data["vin"])
    assert (vehicle.make, vehicle.model_year) == ("BYD Auto", 2025)
    page = response.content.decode()
    assert "Read from the VIN: make BYD Auto, model year 2025." in page


def test_what_the_user_typed_is_kept(staff_client, dealer_a):
    data = receive_data(dealer_a, vin=next_vin("LGX"), make="BYD", model_year="2024")
    response = staff_client.post(RECEIVE, data, follow=True)
    vehicle = Vehicle.objects.get(vin=data["vin"])
    assert (vehicle.make, vehicle.model_year) == ("BYD", 2024)
    assert "Read from the VIN" not in response.content.decode()


def test_a_make_that_differs_from_the_vins_maker_is_saved_with_a_warning(staff_client, dealer_a):
    data = receive_data(dealer_a, vin=next_vin("LGX"), make="Geely")
    response = staff_client.post(RECEIVE, data, follow=True)
    assert Vehicle.objects.get(vin=data["vin"]).make == "Geely"
    assert "The make is Geely but the VIN&#x27;s maker code LGX is listed for BYD Auto" in (
        response.content.decode()
    )


def test_an_unknown_maker_is_a_warning_not_an_error(staff_client, dealer_a):
    data = receive_data(dealer_a, vin=next_vin("LZZ"), make="Changan")
    response = staff_client.post(RECEIVE, data, follow=True)
    assert Vehicle.objects.get(vin=data["vin"]).make == "Changan"
    assert "Unknown maker: LZZ" in response.content.decode()


def test_an_unknown_maker_with_no_make_typed_asks_for_it(staff_client, dealer_a):
    data = receive_data(dealer_a, vin=next_vin("LZZ"), make="")
    response = staff_client.post(RECEIVE, data)
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"make"}
    assert not Vehicle.objects.exists()


def test_editing_never_fills_from_the_vin(staff_client, dealer_a):
    vehicle = services.vehicle_receive(
        dealer=dealer_a,
        vin=next_vin("LGX"),
        make="BYD",
        model="Seal",
        model_year=2025,
        powertrain="BEV",
        acquisition_cost=Decimal("150000"),
        list_price=Decimal("179800"),
    )
    data = receive_data(dealer_a, vin=vehicle.vin, make="")
    response = staff_client.post(reverse("inventory:vehicle_edit", args=[vehicle.pk]), data)
    assert response.status_code == 422 and "make" in response.context["form"].errors


def test_the_service_fills_what_it_is_not_given(dealer_a):
    vehicle = services.vehicle_receive(
        dealer=dealer_a,
        vin=next_vin("L6T"),
        model="Galaxy E5",
        powertrain="BEV",
        acquisition_cost=Decimal("90000"),
        list_price=Decimal("109800"),
    )
    assert (vehicle.make, vehicle.model_year) == ("Geely", 2025)


def test_the_live_check_shows_what_the_vin_says(staff_client):
    response = staff_client.get(
        reverse("inventory:vin_check"), {"vin": next_vin("LGX"), "make": "Geely"}
    )
    page = response.content.decode()
    assert "BYD Auto" in page and "China" in page and "2025" in page and "1995" not in page
    assert "listed for BYD Auto" in page


def test_the_live_check_speaks_chinese(staff_client):
    response = staff_client.get(
        reverse("inventory:vin_check"),
        {"vin": next_vin("LZZ")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert "制造商" in page and "中国" in page and "未知制造商" in page


def test_the_admin_add_form_fills_from_the_vin(client, manager_a, dealer_a):
    client.force_login(manager_a)
    data = vehicle_form(dealer_a, vin=next_vin("LSJ"), make="", model_year="")
    client.post(reverse("admin:inventory_vehicle_add"), data)
    vehicle = Vehicle.objects.get(vin=data["vin"])
    assert (vehicle.make, vehicle.model_year) == ("SAIC MG", 2025)


def test_a_manager_reads_the_code_table_but_cannot_change_it(client, manager_a):
    client.force_login(manager_a)
    code = WorldManufacturerCode.objects.get(wmi="LGX")
    url = reverse("admin:inventory_worldmanufacturercode_change", args=[code.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    client.post(url, {"wmi": "LGX", "maker": "Someone else", "confidence": "L"})
    assert WorldManufacturerCode.objects.get(pk=code.pk).maker == "BYD Auto"
    assert client.get(reverse("admin:inventory_worldmanufacturercode_add")).status_code == 403


def test_a_superuser_corrects_a_maker(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    code = WorldManufacturerCode.objects.get(wmi="LGX")
    response = client.post(
        reverse("admin:inventory_worldmanufacturercode_change", args=[code.pk]),
        {"wmi": "LGX", "maker": "BYD", "country": "China", "confidence": "H"},
    )
    assert response.status_code == 302
    assert WorldManufacturerCode.objects.get(pk=code.pk).maker == "BYD"
