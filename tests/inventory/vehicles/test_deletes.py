"""Deleting keeps history: records with a past are refused by name, what may go goes through a
service that also removes its stored files, and the admin's delete buttons follow the same
rules without a server error."""

import io
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from exports import services as export_services
from exports.models import ExportShipment, ShipmentDocument, ShipmentLine, ShipmentStatus
from inventory import services
from inventory.models import InspectionPhoto, InspectionReport, Vehicle, VehicleStatus
from tests.factories import (
    ShipmentFactory,
    ShipmentLineFactory,
    VehicleFactory,
    draft_inspection,
    reserve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="paper.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% signed and sealed\n%%EOF\n", content_type="application/pdf"
    )


def file_paper(vehicle, **fields):
    return services.vehicle_document_add(
        vehicle=vehicle,
        kind="manufacturer_after_sales_confirmation",
        issuer="BYD Auto Co., Ltd.",
        issued_on=timezone.localdate(),
        **fields,
    )


def test_a_vehicle_received_by_mistake_is_deleted(dealer_a, manager_a):
    vehicle = services.vehicle_receive(
        dealer=dealer_a,
        vin=VehicleFactory.build().vin,
        make="BYD",
        model="Seal",
        model_year=2025,
        powertrain="BEV",
        acquisition_cost=Decimal("1"),
        list_price=Decimal("2"),
        by=manager_a,
    )
    services.vehicle_delete(vehicle=vehicle, by=manager_a)
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


@pytest.mark.parametrize(
    "past",
    [
        lambda v: reserve(v),
        lambda v: file_paper(v),
        lambda v: draft_inspection(v),
        lambda v: ShipmentLineFactory(vehicle=v),
    ],
    ids=["status changed", "paper", "inspection", "shipment line"],
)
def test_a_vehicle_with_a_past_is_refused(dealer_a, past):
    vehicle = VehicleFactory(dealer=dealer_a)
    past(vehicle)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.vehicle_delete(vehicle=vehicle)
    assert Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_the_database_keeps_a_vehicles_papers_whoever_deletes(dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    file_paper(vehicle)
    with pytest.raises(ProtectedError):
        Vehicle.objects.filter(pk=vehicle.pk).delete()


def test_removing_a_paper_removes_its_scan_once_committed(
    dealer_a, media, django_capture_on_commit_callbacks
):
    vehicle = VehicleFactory(dealer=dealer_a)
    document = file_paper(vehicle, scan=pdf())
    stored = media / document.scan.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.vehicle_document_remove(document=document)
    assert not vehicle.documents.exists()
    assert not stored.exists()


def test_the_papers_of_an_exported_car_stay_on_file(dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a, status=VehicleStatus.EXPORTED)
    document = file_paper(vehicle)
    with pytest.raises(ValidationError, match="stay on file"):
        services.vehicle_document_remove(document=document)
    assert vehicle.documents.exists()


def test_a_discarded_draft_takes_its_own_photos_and_leaves_shared_ones(
    dealer_a, manager_a, media, django_capture_on_commit_callbacks
):
    vehicle = VehicleFactory(dealer=dealer_a)
    original = draft_inspection(vehicle)
    services.inspection_add_photos(report=original, images=[png()])
    original = services.inspection_issue(report=original, by=manager_a)
    correction = services.inspection_revise(report=original, by=manager_a)
    services.inspection_add_photos(report=correction, images=[png("new.png")])
    shared, own = (media / p.image.name for p in correction.photos.order_by("id"))

    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_discard(report=correction)

    assert not InspectionReport.objects.filter(pk=correction.pk).exists()
    assert not own.exists()
    assert shared.exists(), "the issued original still shows this photo"
    assert InspectionPhoto.objects.filter(report=original).count() == 1


def test_an_issued_report_is_never_discarded(dealer_a, manager_a):
    report = services.inspection_issue(
        report=draft_inspection(VehicleFactory(dealer=dealer_a)), by=manager_a
    )
    with pytest.raises(ValidationError):
        services.inspection_discard(report=report)


def shipment_with_papers(dealer, status=ShipmentStatus.DRAFT):
    shipment = ShipmentFactory(dealer=dealer, status=status)
    ShipmentLine.objects.create(shipment=shipment, vehicle=VehicleFactory(dealer=dealer))
    document = ShipmentDocument(shipment=shipment, kind="packing_list", version=1, currency="USD")
    document.pdf.save("packing-list.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.xlsx.save("packing-list.xlsx", ContentFile(b"PK"), save=False)
    document.save()
    return shipment, document


def test_a_draft_shipment_is_deleted_with_its_files(
    dealer_a, media, django_capture_on_commit_callbacks
):
    shipment, document = shipment_with_papers(dealer_a)
    files = [media / document.pdf.name, media / document.xlsx.name]
    assert all(f.exists() for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        export_services.shipment_delete_draft(shipment=shipment)
    assert not ExportShipment.objects.filter(pk=shipment.pk).exists()
    assert not any(f.exists() for f in files)


def test_a_delivered_shipment_stays_with_its_lines_and_papers(dealer_a, media):
    shipment, document = shipment_with_papers(dealer_a, ShipmentStatus.DELIVERED)
    with pytest.raises(ValidationError, match="cancel it instead"):
        export_services.shipment_delete_draft(shipment=shipment)
    with pytest.raises(ProtectedError):
        ExportShipment.objects.filter(pk=shipment.pk).delete()
    assert shipment.lines.exists()
    assert (media / document.pdf.name).exists()


def test_the_admin_offers_no_delete_for_a_delivered_shipment(client, manager_a, dealer_a):
    shipment, _document = shipment_with_papers(dealer_a, ShipmentStatus.DELIVERED)
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:exports_exportshipment_delete", args=[shipment.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ExportShipment.objects.filter(pk=shipment.pk).exists()


def test_bulk_delete_takes_drafts_and_names_the_shipments_that_stay(
    client, manager_a, dealer_a, django_capture_on_commit_callbacks
):
    draft, _ = shipment_with_papers(dealer_a)
    delivered, _ = shipment_with_papers(dealer_a, ShipmentStatus.DELIVERED)
    client.force_login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:exports_exportshipment_changelist"),
            {
                "action": "delete_selected",
                ACTION_CHECKBOX_NAME: [draft.pk, delivered.pk],
                "post": "yes",
            },
            follow=True,
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{delivered.reference}: A shipment past draft stays on record" in page
    assert list(ExportShipment.objects.all()) == [delivered]
    assert delivered.lines.count() == 1 and delivered.documents.count() == 1


def test_bulk_delete_of_vehicles_keeps_those_with_history(client, manager_a, dealer_a):
    fresh = VehicleFactory(dealer=dealer_a)
    sold = VehicleFactory(dealer=dealer_a)
    services.vehicle_change_status(vehicle=sold, to_status=VehicleStatus.SOLD_DOMESTIC)
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:inventory_vehicle_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [fresh.pk, sold.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert "its history records changes since it was received" in response.content.decode()
    assert list(Vehicle.objects.all()) == [sold]


def test_the_admin_delete_page_of_a_vehicle_with_papers_is_refused(client, manager_a, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    file_paper(vehicle)
    client.force_login(manager_a)
    response = client.get(reverse("admin:inventory_vehicle_delete", args=[vehicle.pk]))
    assert response.status_code == 403


def test_bulk_delete_never_takes_an_issued_report(client, manager_a, dealer_a):
    issued = services.inspection_issue(
        report=draft_inspection(VehicleFactory(dealer=dealer_a)), by=manager_a
    )
    draft = draft_inspection(VehicleFactory(dealer=dealer_a))
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:inventory_inspectionreport_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [issued.pk, draft.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert list(InspectionReport.objects.all()) == [issued]


def test_the_admin_deletes_a_draft_shipment_with_its_lines(
    client, manager_a, dealer_a, django_capture_on_commit_callbacks
):
    draft, _document = shipment_with_papers(dealer_a)
    url = reverse("admin:exports_exportshipment_delete", args=[draft.pk])
    client.force_login(manager_a)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "would require deleting the following protected" not in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not ExportShipment.objects.exists()
    assert not ShipmentDocument.objects.exists()
