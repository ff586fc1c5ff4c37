"""The printable A4 stock sheet: one car's from its page, several from the list's bulk action;
the QR code of its issued certificate when it has one, never its cost."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from exports.services import export_candidates_flag
from tests.factories import VehicleFactory, issued_inspection

A4 = (595, 842)  # points


def pdf_pages(response):
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content)).pages


def text_of(page):
    return " ".join(page.extract_text().split())


@pytest.fixture
def car(dealer_a):
    return VehicleFactory(
        dealer=dealer_a,
        make="BYD",
        model="Seal",
        trim="Premium",
        colour="Aurora Green",
        odometer_km=1234,
        list_price=Decimal("179800.00"),
        acquisition_cost=Decimal("151234.00"),
        stock_number="HZ-0042",
    )


def test_a_cars_stock_sheet_is_one_a4_page_of_its_facts_without_cost(staff_client, car):
    response = staff_client.get(reverse("inventory:vehicle_stock_sheet", args=[car.pk]))
    assert response.status_code == 200
    (page,) = pdf_pages(response)
    assert tuple(round(float(n)) for n in page.mediabox[2:]) == A4
    text = text_of(page)
    for fact in (
        car.vin,
        "BYD Seal Premium",
        "Aurora Green",
        "1,234 km",
        "¥179,800.00",
        "HZ-0042",
    ):
        assert fact in text
    assert "151,234" not in text and "151234" not in text
    assert "No certificate issued yet." in text
    assert "Days in stock" not in text


def test_the_sheet_prints_the_certificate_and_its_qr_code_once_issued(staff_client, car, settings):
    settings.PUBLIC_BASE_URL = "https://verify.example.com"
    report = issued_inspection(car)
    response = staff_client.get(reverse("inventory:vehicle_stock_sheet", args=[car.pk]))
    text = text_of(pdf_pages(response)[0])
    assert report.certificate_number in text
    assert f"https://verify.example.com{report.get_verification_url()}" in text.replace(" ", "")
    assert "No certificate issued yet." not in text


def test_the_sheet_names_the_markets_the_car_may_go_to(staff_client, dealer_a):
    candidate = VehicleFactory(
        dealer=dealer_a, odometer_km=12, stocked_on=dealer_a.today() - timedelta(days=80)
    )
    export_candidates_flag()
    url = reverse("inventory:vehicle_stock_sheet", args=[candidate.pk])
    text = text_of(pdf_pages(staff_client.get(url))[0])
    assert "Kazakhstan" in text
    assert "No export market as of the last check." not in text


def test_several_sheets_print_one_page_a_car(staff_client, dealer_a, car):
    other = VehicleFactory(dealer=dealer_a, make="Geely", model="Galaxy E5")
    response = staff_client.get(
        reverse("inventory:vehicle_stock_sheets"), {"vehicle": [car.pk, other.pk]}
    )
    pages = pdf_pages(response)
    assert len(pages) == 2
    assert {car.vin, other.vin} == {
        vin for page in pages for vin in (car.vin, other.vin) if vin in text_of(page)
    }


def test_the_bulk_action_opens_the_sheets_of_the_ticked_cars(staff_client, dealer_a, car):
    other = VehicleFactory(dealer=dealer_a)
    response = staff_client.post(
        reverse("inventory:vehicle_bulk"), {"action": "sheets", "vehicle": [car.pk, other.pk]}
    )
    assert response.status_code == 302
    ids = sorted([car.pk, other.pk], key=lambda pk: car.vin if pk == car.pk else other.vin)
    assert response["Location"] == (
        reverse("inventory:vehicle_stock_sheets") + "?" + "&".join(f"vehicle={pk}" for pk in ids)
    )


def test_another_dealers_car_has_no_stock_sheet_here(staff_client, dealer_a, dealer_b, car):
    theirs = VehicleFactory(dealer=dealer_b)
    assert (
        staff_client.get(reverse("inventory:vehicle_stock_sheet", args=[theirs.pk])).status_code
        == 404
    )
    mixed = staff_client.get(
        reverse("inventory:vehicle_stock_sheets"), {"vehicle": [car.pk, theirs.pk]}
    )
    assert mixed.status_code == 404


def test_the_vehicle_page_links_its_stock_sheet(staff_client, car):
    page = staff_client.get(reverse("inventory:vehicle_detail", args=[car.pk])).content.decode()
    assert f'href="{reverse("inventory:vehicle_stock_sheet", args=[car.pk])}"' in page
