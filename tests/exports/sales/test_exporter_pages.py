"""The exporter and sale pages as staff use them: the list with each qualification's state,
the exporter's page and its documents served only to its dealer, the sale form and the
sale's page with its proof of export and cancellation; and in Chinese."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from exports import services
from exports.models import Exporter, ExporterDocument, ExportSale
from inventory.models import VehicleStatus
from tests.factories import PDF_BYTES, ExporterFactory, VehicleFactory, pdf_upload

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_qualifications_state(staff_client, dealer_a, exporter):
    today = dealer_a.today()
    services.exporter_create(
        dealer=dealer_a,
        name="Ningbo Lapsed Trading",
        credit_code="91110000600037341L",
        qualification_list="mofcom_enterprise",
        qualified_from=today - timedelta(days=400),
        qualified_until=today - timedelta(days=1),
    )
    page = staff_client.get(reverse("exports:exporter_list")).content.decode()
    assert "Hangzhou Export Co." in page and "Valid" in page
    assert "Ningbo Lapsed Trading" in page and "Lapsed" in page
    services.exporter_update(exporter=exporter, qualified_until=today + timedelta(days=30))
    page = staff_client.get(reverse("exports:exporter_list")).content.decode()
    assert "Expires within 30 days" in page


def test_an_exporter_is_created_and_edited_through_the_form(staff_client, dealer_a, markets):
    today = dealer_a.today()
    data = {
        "name": "Suzhou Auto Export",
        "credit_code": "91440300708461136A",
        "qualification_list": "mofcom_enterprise",
        "qualified_from": today.isoformat(),
        "qualified_until": (today + timedelta(days=364)).isoformat(),
        "is_active": "on",
    }
    refused = staff_client.post(reverse("exports:exporter_create"), data)
    assert refused.status_code == 400
    assert "should be T" in refused.content.decode()
    data["credit_code"] = "91440300708461136t"
    saved = staff_client.post(reverse("exports:exporter_create"), data)
    exporter = Exporter.objects.get(name="Suzhou Auto Export")
    assert saved["Location"] == exporter.get_absolute_url()
    assert exporter.credit_code == "91440300708461136T"
    data["contact_name"] = "Chen Jie"
    staff_client.post(reverse("exports:exporter_edit", args=[exporter.pk]), data)
    exporter.refresh_from_db()
    assert exporter.contact_name == "Chen Jie"


def test_documents_are_checked_and_served_back_safely(staff_client, exporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("exports:exporter_document_add", args=[exporter.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = SimpleUploadedFile("licence.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    refused = staff_client.post(url, {"kind": "business_licence", "file": page})
    assert refused.status_code == 400
    assert "is not a PDF, JPEG or PNG" in refused.content.decode()
    assert not ExporterDocument.objects.exists()
    staff_client.post(url, {"kind": "business_licence", "file": pdf_upload("x.html")})
    document = ExporterDocument.objects.get()
    assert document.file.name.endswith(".pdf") and "x.html" not in document.file.name
    served = staff_client.get(
        reverse("exports:exporter_document_download", args=[exporter.pk, document.pk])
    )
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PDF_BYTES


def test_the_sale_form_sells_the_car_named_by_its_vin(staff_client, dealer_a, exporter, kazakhstan):
    today = dealer_a.today()
    car = VehicleFactory(
        dealer=dealer_a,
        registered_on=today - timedelta(days=300),
        stocked_on=today - timedelta(days=310),
    )
    form = staff_client.get(reverse("exports:export_sale_create"), {"vehicle": car.pk})
    assert car.vin in form.content.decode()
    # The transfer pending export is recorded with the sale, the sale day unless changed.
    assert f'name="transferred_on" value="{today.isoformat()}"' in form.content.decode()
    data = {
        "vin": car.vin,
        "exporter": exporter.pk,
        "destination": kazakhstan.pk,
        "price": "120000",
        "currency": "CNY",
        "payment_terms": "in_advance",
        "sold_on": (today + timedelta(days=1)).isoformat(),
    }
    refused = staff_client.post(reverse("exports:export_sale_create"), data)
    assert refused.status_code == 400
    assert "cannot be dated after today" in refused.content.decode()
    data["sold_on"] = (today - timedelta(days=2)).isoformat()
    data["transferred_on"] = (today - timedelta(days=3)).isoformat()
    refused = staff_client.post(reverse("exports:export_sale_create"), data)
    assert refused.status_code == 400
    assert "The transfer cannot come before the sale on" in refused.content.decode()
    data["sold_on"] = today.isoformat()
    data["transferred_on"] = ""  # the transfer is still to come
    done = staff_client.post(reverse("exports:export_sale_create"), data)
    sale = ExportSale.objects.get()
    assert sale.transferred_on is None
    assert done["Location"] == sale.get_absolute_url()
    car.refresh_from_db()
    assert car.status == VehicleStatus.SOLD_FOR_EXPORT
    vehicle_page = staff_client.get(car.get_absolute_url()).content.decode()
    assert sale.get_absolute_url() in vehicle_page
    page = staff_client.get(sale.get_absolute_url()).content.decode()
    assert 'id="proceeds"' in page and "Hangzhou Export Co." in page


def test_a_lapsed_exporter_is_refused_by_name_on_the_form(
    staff_client, dealer_a, exporter, kazakhstan
):
    today = dealer_a.today()
    services.exporter_update(exporter=exporter, qualified_until=today - timedelta(days=1))
    car = VehicleFactory(dealer=dealer_a, registered_on=today - timedelta(days=300))
    refused = staff_client.post(
        reverse("exports:export_sale_create"),
        {
            "vin": car.vin,
            "exporter": exporter.pk,
            "destination": kazakhstan.pk,
            "price": "120000",
            "currency": "CNY",
            "payment_terms": "in_advance",
            "sold_on": today.isoformat(),
        },
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Hangzhou Export Co. is not qualified" in body
    assert (today - timedelta(days=1)).isoformat() in body


def test_proof_and_cancel_on_the_sale_page(staff_client, dealer_a, exporter, kazakhstan):
    today = dealer_a.today()
    car = VehicleFactory(
        dealer=dealer_a,
        registered_on=today - timedelta(days=300),
        stocked_on=today - timedelta(days=310),
    )
    sale = services.vehicle_sell_for_export(
        vehicle=car,
        exporter=exporter,
        destination=kazakhstan,
        price=Decimal("100000"),
        currency="CNY",
        sold_on=today - timedelta(days=5),
        payment_terms="in_advance",
    )
    proof_url = reverse("exports:export_sale_proof", args=[sale.pk])
    refused = staff_client.post(proof_url, {"proof-declared_on": today.isoformat()})
    assert refused.status_code == 400
    assert "Record the transfer pending export before the declaration" in refused.content.decode()
    staff_client.post(proof_url, {"proof-transferred_on": (today - timedelta(days=4)).isoformat()})
    sale.refresh_from_db()
    assert sale.transferred_on == today - timedelta(days=4)
    cancel_url = reverse("exports:export_sale_cancel", args=[sale.pk])
    asked = staff_client.post(cancel_url, {"cancel-reason": "Exporter withdrew"})
    assert "Cancel the sale of" in asked.content.decode()
    staff_client.post(cancel_url, {"cancel-reason": "Exporter withdrew", "confirmed": "yes"})
    car.refresh_from_db()
    assert car.status == VehicleStatus.IN_STOCK


def test_the_new_pages_read_in_chinese(staff_client, staff_a, dealer_a, exporter, kazakhstan):
    today = dealer_a.today()
    car = VehicleFactory(dealer=dealer_a, registered_on=today - timedelta(days=300))
    sale = services.vehicle_sell_for_export(
        vehicle=car,
        exporter=exporter,
        destination=kazakhstan,
        price=Decimal("100000"),
        currency="CNY",
        sold_on=today,
        payment_terms="in_advance",
    )
    staff_client.cookies["django_language"] = "zh-hans"
    for url, english in [
        (reverse("exports:exporter_list"), "Qualified until"),
        (exporter.get_absolute_url(), "Cars sold to this exporter"),
        (reverse("exports:exporter_create"), "Export qualification"),
        (reverse("exports:export_sale_create"), "Record the sale"),
        (sale.get_absolute_url(), "Papers passed to the exporter"),
    ]:
        page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        body = page.content.decode()
        assert page.status_code == 200
        assert 'lang="zh-hans"' in body, url
        assert english not in body, url


def test_the_sale_form_of_another_dealers_car_or_exporter_is_a_404(
    staff_client, dealer_b, kazakhstan
):
    car = VehicleFactory(dealer=dealer_b)
    theirs = ExporterFactory(dealer=dealer_b, name="Someone Else's Exporter")
    create = reverse("exports:export_sale_create")
    assert staff_client.get(create, {"vehicle": car.pk}).status_code == 404
    assert staff_client.get(create, {"exporter": theirs.pk}).status_code == 404
