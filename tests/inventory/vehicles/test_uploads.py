"""Files users upload and get back: stored under a name the server chose with the extension of
what the content is, served with that type and headers that keep a browser from running them,
pictures with too many pixels refused from their header, and stored files renamed in place."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from dealerhub.models import InventoryReport, ReportStatus
from exports.models import DocumentKind as ShipmentDocumentKind
from exports.models import ShipmentDocument
from inventory import certificates, services, uploads
from inventory.models import InspectionPhoto, VehicleDocument
from tests.factories import (
    MembershipFactory,
    ShipmentFactory,
    UserFactory,
    VehicleFactory,
    draft_inspection,
)

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"
SANDBOX = "sandbox; default-src 'none'"
REAL_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PDF_PREFIXED_PAGE = b"%PDF-" + SCRIPT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def car(dealer_a):
    return VehicleFactory(dealer=dealer_a)


@pytest.fixture
def other_dealer(dealer_b):
    other = Client()
    other.force_login(MembershipFactory(dealer=dealer_b).user)
    return other


def png_with_script(size=(8, 8)):
    """A real PNG that carries a page of script in a text chunk."""
    info = PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def huge_png(side=12000):
    """144 megapixels of one bit each: a few kilobytes on disk, gigabytes once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return buffer.getvalue()


def add_photo(client, report, name, content):
    return client.post(
        reverse("inventory:inspection_photo_add", args=[report.pk]),
        {"images": [SimpleUploadedFile(name, content, content_type="text/html")]},
        follow=True,
    )


def add_scan(client, car, name, content):
    return client.post(
        reverse("inventory:vehicle_document_add", args=[car.pk]),
        {
            "kind": "manufacturer_after_sales_confirmation",
            "country_code": "KZ",
            "issuer": "BYD Auto Co., Ltd.",
            "issued_on": car.dealer.today().isoformat(),
            "scan": SimpleUploadedFile(name, content, content_type="text/html"),
        },
        follow=True,
    )


def body(response):
    return b"".join(response.streaming_content)


def assert_served_safely(response, content_type, disposition):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["Content-Disposition"].startswith(f"{disposition}; filename=")
    assert ".html" not in response["Content-Disposition"]


def test_a_png_named_html_is_stored_and_served_as_a_png(staff_client, car):
    report = draft_inspection(car)
    add_photo(staff_client, report, "x.html", png_with_script())
    photo = report.photos.get()
    assert re.fullmatch(
        rf"inspections/{car.dealer_id}/{report.pk}/[0-9a-f]{{16}}\.png", photo.image.name
    )

    served = staff_client.get(reverse("inventory:inspection_photo", args=[report.pk, photo.pk]))
    assert_served_safely(served, "image/png", "inline")
    assert body(served).startswith(b"\x89PNG")


def test_a_jpeg_named_png_is_stored_as_a_jpeg(car):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("hood.png", buffer.getvalue(), content_type="image/png")
    [photo] = services.inspection_add_photos(report=draft_inspection(car), images=[upload])
    assert photo.image.name.endswith(".jpg")


def test_a_page_behind_a_pdf_prefix_named_html_is_refused(staff_client, car):
    page = add_scan(staff_client, car, "scan.html", PDF_PREFIXED_PAGE).content.decode()
    assert "Scan: scan.html is not a PDF, JPEG or PNG." in page
    assert not VehicleDocument.objects.exists()


def test_a_pdf_named_html_is_stored_as_a_pdf_and_served_as_a_download(
    staff_client, car, other_dealer
):
    add_scan(staff_client, car, "scan.html", REAL_PDF)
    document = VehicleDocument.objects.get()
    assert document.scan.name.startswith(f"documents/{car.dealer_id}/{car.pk}/")
    assert document.scan.name.endswith(".pdf")

    url = reverse("inventory:vehicle_document_scan", args=[car.pk, document.pk])
    served = staff_client.get(url)
    assert_served_safely(served, "application/pdf", "attachment")
    assert body(served) == REAL_PDF
    assert other_dealer.get(url).status_code == 404


def test_a_scan_picture_is_served_inline_as_its_type(staff_client, car):
    add_scan(staff_client, car, "scan.pdf", png_with_script())
    document = VehicleDocument.objects.get()
    assert document.scan.name.endswith(".png")
    served = staff_client.get(
        reverse("inventory:vehicle_document_scan", args=[car.pk, document.pk])
    )
    assert_served_safely(served, "image/png", "inline")


def test_a_photo_with_too_many_pixels_is_refused_naming_the_field(staff_client, car):
    report = draft_inspection(car)
    response = add_photo(staff_client, report, "bomb.png", huge_png())
    assert response.status_code == 200
    assert (
        "Photos: bomb.png is 12000 by 12000 pixels; a picture may have at most 40 megapixels."
        in response.content.decode()
    )
    assert not report.photos.exists()


def test_a_scan_with_too_many_pixels_is_refused_naming_the_field(staff_client, car):
    response = add_scan(staff_client, car, "scan.png", huge_png())
    assert response.status_code == 200
    assert "Scan: scan.png is 12000 by 12000 pixels" in response.content.decode()
    assert not VehicleDocument.objects.exists()


def test_the_pixel_limit_is_a_setting(settings, car):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 2_000_000
    upload = SimpleUploadedFile("hood.png", huge_png(1500))
    with pytest.raises(ValidationError) as refusal:
        services.inspection_add_photos(report=draft_inspection(car), images=[upload])
    assert refusal.value.message_dict == {
        "images": ["hood.png is 1500 by 1500 pixels; a picture may have at most 2 megapixels."]
    }


def test_pillows_own_bomb_guard_is_a_refusal_too(settings, monkeypatch):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    for side in (40, 100):  # over Pillow's limit (a warning), over twice it (an error)
        with pytest.raises(uploads.Refused) as refusal:
            uploads.sniff(io.BytesIO(huge_png(side)))
        assert refusal.value.reason == "too_many_pixels"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (REAL_PDF, uploads.PDF),
        (png_with_script(), uploads.PNG),
        (PDF_PREFIXED_PAGE, None),
        (b"%PDF-1.7\n" + SCRIPT, None),  # no end of file marker: not a PDF
        (SCRIPT, None),
        (b"GIF89a" + SCRIPT, None),
        (b"", None),
    ],
)
def test_what_a_file_is_comes_from_its_content(content, kind):
    if kind is None:
        with pytest.raises(uploads.Refused):
            uploads.sniff(io.BytesIO(content))
    else:
        assert uploads.sniff(io.BytesIO(content)) == kind


def legacy(name, content):
    """A file stored before names were chosen by content: the client's extension kept."""
    return default_storage.save(name, ContentFile(content))


def test_stored_files_are_renamed_by_type_once(
    staff_client, car, dealer_a, django_capture_on_commit_callbacks
):
    report = draft_inspection(car)
    folder = f"inspections/{dealer_a.pk}/{report.pk}"
    html_photo = legacy(f"{folder}/0123456789abcdef.html", png_with_script())
    good_photo = legacy(f"{folder}/fedcba9876543210.png", png_with_script())
    for name in (html_photo, html_photo, good_photo):  # a correction shares its photos
        InspectionPhoto.objects.create(report=report, image=name, sha256="0" * 64, size_bytes=1)
    pdf_scan = legacy(f"documents/{dealer_a.pk}/{car.pk}/00112233aabbccdd.html", REAL_PDF)
    page_scan = legacy(f"documents/{dealer_a.pk}/{car.pk}/44556677aabbccdd.html", SCRIPT)
    for scan in (pdf_scan, page_scan):
        VehicleDocument.objects.create(
            vehicle=car, kind="manufacturer_after_sales_confirmation", issuer="BYD",
            issued_on=dealer_a.today() - timedelta(days=1), scan=scan,
        )  # fmt: skip

    dry = io.StringIO()
    call_command("normalise_uploads", dry_run=True, stdout=dry, stderr=io.StringIO())
    assert "would rename 2, already named by type 1" in dry.getvalue()
    assert default_storage.exists(html_photo)

    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("normalise_uploads", stdout=out, stderr=err)
    assert out.getvalue().strip() == (
        "renamed 2, already named by type 1, not an allowed type 1, missing 0"
    )
    assert page_scan in err.getvalue() and "no allowed type" in err.getvalue()

    renamed = {p.image.name for p in report.photos.all()}
    assert len(renamed) == 2 and good_photo in renamed
    [new_photo] = renamed - {good_photo}
    assert new_photo.startswith(f"{folder}/") and new_photo.endswith(".png")
    assert default_storage.exists(new_photo) and not default_storage.exists(html_photo)
    assert VehicleDocument.objects.get(scan__endswith=".pdf").scan.read() == REAL_PDF
    assert VehicleDocument.objects.filter(scan=page_scan).exists()  # left for a person to judge

    again = io.StringIO()
    call_command("normalise_uploads", stdout=again, stderr=io.StringIO())
    assert again.getvalue().strip() == (
        "renamed 0, already named by type 3, not an allowed type 1, missing 0"
    )

    photo = report.photos.filter(image=new_photo).first()
    served = staff_client.get(reverse("inventory:inspection_photo", args=[report.pk, photo.pk]))
    assert_served_safely(served, "image/png", "inline")
    document = VehicleDocument.objects.get(scan=page_scan)
    served = staff_client.get(
        reverse("inventory:vehicle_document_scan", args=[car.pk, document.pk])
    )
    assert_served_safely(served, "application/octet-stream", "attachment")


def test_renaming_keeps_an_issued_certificate_valid(car, media):
    report = draft_inspection(car)
    [photo] = services.inspection_add_photos(
        report=report, images=[SimpleUploadedFile("hood.png", png_with_script())]
    )
    legacy_name = photo.image.name.rsplit(".", 1)[0] + ".PNG.html"
    (media / photo.image.name).rename(media / legacy_name)
    InspectionPhoto.objects.filter(pk=photo.pk).update(image=legacy_name)
    issued = services.inspection_issue(report=report, by=UserFactory())

    call_command("normalise_uploads", stdout=io.StringIO(), stderr=io.StringIO())
    photo.refresh_from_db()
    assert photo.image.name.endswith(".png") and photo.image.name != legacy_name
    issued.refresh_from_db()
    assert not certificates.verify(issued).tampered


def test_a_missing_file_is_reported_not_fatal(car):
    report = draft_inspection(car)
    InspectionPhoto.objects.create(
        report=report, image="inspections/gone.html", sha256="0" * 64, size_bytes=1
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("normalise_uploads", stdout=out, stderr=err)
    assert "missing 1" in out.getvalue()
    assert "inspections/gone.html" in err.getvalue()


def test_another_dealers_photo_and_scan_are_not_found(staff_client, dealer_b):
    theirs = VehicleFactory(dealer=dealer_b)
    [photo] = services.inspection_add_photos(
        report=draft_inspection(theirs),
        images=[SimpleUploadedFile("hood.png", png_with_script())],
    )
    document = services.vehicle_document_add(
        vehicle=theirs,
        kind="manufacturer_after_sales_confirmation",
        issuer="BYD",
        issued_on=dealer_b.today(),
        scan=SimpleUploadedFile("scan.pdf", REAL_PDF),
    )
    photo_url = reverse("inventory:inspection_photo", args=[photo.report_id, photo.pk])
    scan_url = reverse("inventory:vehicle_document_scan", args=[theirs.pk, document.pk])
    assert staff_client.get(photo_url).status_code == 404
    assert staff_client.get(scan_url).status_code == 404


def test_shipment_documents_and_reports_are_served_as_downloads(staff_client, dealer_a):
    document = ShipmentDocument(
        shipment=ShipmentFactory(dealer=dealer_a),
        kind=ShipmentDocumentKind.PACKING_LIST,
        version=1,
        currency="USD",
    )
    document.pdf.save("list.pdf", ContentFile(REAL_PDF), save=False)
    document.xlsx.save("list.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    document.save()
    for fmt, content_type in (
        ("pdf", "application/pdf"),
        ("xlsx", uploads.XLSX.content_type),
    ):
        served = staff_client.get(
            reverse(
                "exports:shipment_document_download",
                args=[document.shipment_id, document.pk, fmt],
            )
        )
        assert_served_safely(served, content_type, "attachment")

    report = InventoryReport(
        dealer=dealer_a, week_start=dealer_a.today(), status=ReportStatus.READY, progress=100
    )
    report.file.save("inventory-alpha.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    served = staff_client.get(reverse("report_download", args=[report.pk]))
    assert_served_safely(served, uploads.XLSX.content_type, "attachment")


def test_the_admin_links_a_photo_through_the_staff_page(client, manager_a, car):
    report = draft_inspection(car)
    [photo] = services.inspection_add_photos(
        report=report, images=[SimpleUploadedFile("x.html", png_with_script())]
    )
    client.force_login(manager_a)
    page = client.get(reverse("admin:inventory_inspectionreport_change", args=[report.pk]))
    html = page.content.decode()
    served = reverse("inventory:inspection_photo", args=[report.pk, photo.pk])
    assert f'href="{served}"' in html
    assert "/media/" not in html
    assert_served_safely(client.get(served), "image/png", "inline")
