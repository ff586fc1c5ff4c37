"""Staff pages for inspections: recording a draft on the panel grid, issuing, correcting,
revoking, photos and the certificate PDF, each for the dealer's own cars only."""

import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from PIL import Image

from inventory.models import InspectionReport, Panel
from tests.factories import VehicleFactory, draft_inspection, issued_inspection

pytestmark = pytest.mark.django_db


def grid(**overrides):
    """A complete form: every panel steel at about 125 µm, the roof 120; `overrides` maps a
    form field to its value."""
    data = {
        "inspected_on": "",
        "inspector": "Zhang Wei",
        "agency": "CCIC Zhejiang",
        "agency_accreditation": "CNAS L1234",
        "odometer_km": "15",
        "vin_at_windshield": "on",
        "vin_at_door_frame": "on",
        "vin_at_chassis": "on",
        "battery_soh_pct": "98.5",
        "battery_soh_method": "bms_readout",
        "accident_grade": "A",
        "verdict": "pass",
        "findings-TOTAL_FORMS": "2",
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "26",
    }
    for panel in Panel.values:
        data[f"substrate_{panel}"] = "steel"
        data[f"points_{panel}"] = "118 120 122" if panel == "roof" else "124 126"
    data.update(overrides)
    return data


@pytest.fixture
def car(dealer_a):
    return VehicleFactory(dealer=dealer_a)


def start(client, car, **overrides):
    data = grid(inspected_on=car.dealer.today().isoformat(), **overrides)
    return client.post(reverse("inventory:inspection_start", args=[car.pk]), data)


def test_staff_record_a_draft_on_the_panel_grid_and_see_the_verdicts(client, staff_a, car):
    client.force_login(staff_a)
    page = client.get(reverse("inventory:inspection_start", args=[car.pk]))
    assert page.status_code == 200
    assert page.content.decode().count('data-panel="') == 17

    response = start(client, car, points_front_door_l="310\uff0c330\u3001290")
    report = InspectionReport.objects.get()
    assert response.url == report.get_absolute_url()
    detail = client.get(response.url).content.decode()
    assert "Draft inspection" in detail
    assert "310 330 290" in detail
    assert "Repaint suspected" in detail
    assert "Steel baseline 125 µm" in detail  # the median of the steel panels' means


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points_hood", "125 5200", "5200 µm is outside 0 to 5,000 µm."),
        (
            "points_sill_r",
            "",
            "Sill, right: enter at least one reading, or choose plastic or glass.",
        ),
        ("points_trunk", "12o", "“12o” is not a whole number of microns."),
        ("battery_soh_pct", "104", "Ensure this value is less than or equal to 100."),
        ("odometer_km", "-4", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(client, staff_a, car, field, value, message):
    client.force_login(staff_a)
    response = start(client, car, **{field: value})
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert "Nothing was saved" in text
    assert not InspectionReport.objects.exists()


def test_a_plastic_panel_needs_no_readings(client, staff_a, car):
    client.force_login(staff_a)
    start(client, car, substrate_trunk="plastic", points_trunk="")
    assert InspectionReport.objects.get().readings.get(panel="trunk").verdict == "not_measurable"


def test_grade_a_with_a_structural_finding_is_refused(client, staff_a, car):
    client.force_login(staff_a)
    response = start(client, car, **{"findings-0-point": "front_rail_l", "findings-0-defect": "SH"})
    assert response.status_code == 400
    assert "Grade A means no structural damage" in response.content.decode()
    assert not InspectionReport.objects.exists()


def test_issuing_from_the_page_and_what_an_issued_report_offers(client, staff_a, car):
    client.force_login(staff_a)
    report = draft_inspection(car)
    response = client.post(
        reverse("inventory:inspection_issue", args=[report.pk]), {"confirmed": "yes"}, follow=True
    )
    report.refresh_from_db()
    text = response.content.decode()
    assert f"Certificate {report.certificate_number} issued" in text
    assert report.verification_token in text  # the link for buyers
    assert report.content_hash in text
    assert "<svg" in text and "Certificate PDF" in text
    assert "Edit draft" not in text


def test_an_issued_report_cannot_be_edited_from_the_pages(client, staff_a, car):
    client.force_login(staff_a)
    report = issued_inspection(car)
    url = reverse("inventory:inspection_edit", args=[report.pk])
    response = client.post(url, grid(inspected_on=report.inspected_on.isoformat(), grade="Z"))
    assert response.status_code == 302
    followed = client.get(response.url).content.decode()
    assert "is issued and cannot be changed; issue a correction." in followed
    report.refresh_from_db()
    assert report.grade == ""


def test_a_correction_then_supersedes_the_original(client, staff_a, car):
    client.force_login(staff_a)
    original = issued_inspection(car)
    response = client.post(reverse("inventory:inspection_revise", args=[original.pk]))
    correction = InspectionReport.objects.get(supersedes=original)
    assert response.url == reverse("inventory:inspection_edit", args=[correction.pk])
    client.post(
        response.url,
        grid(inspected_on=original.inspected_on.isoformat(), points_hood="410 420"),
    )
    client.post(reverse("inventory:inspection_issue", args=[correction.pk]), {"confirmed": "yes"})
    original.refresh_from_db()
    assert original.status == "superseded"
    page = client.get(original.get_absolute_url()).content.decode()
    correction.refresh_from_db()
    assert "Superseded by" in page and correction.certificate_number in page


def test_revoking_needs_a_reason(client, staff_a, car):
    client.force_login(staff_a)
    report = issued_inspection(car)
    url = reverse("inventory:inspection_revoke", args=[report.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Say why the report is revoked." in page
    report.refresh_from_db()
    assert report.status == "issued"
    client.post(url, {"reason": "Measured the wrong car", "confirmed": "yes"})
    report.refresh_from_db()
    assert (report.status, report.revoked_reason) == ("revoked", "Measured the wrong car")


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 10)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "hood.png"
    return buffer


def test_photos_upload_show_to_staff_and_refuse_other_files(
    client, staff_a, car, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_a)
    report = draft_inspection(car)
    url = reverse("inventory:inspection_photo_add", args=[report.pk])
    fake = io.BytesIO(b"MZ\x90\x00 an executable")
    fake.name = "photo.jpg"
    page = client.post(url, {"images": [_png(), fake]}, follow=True).content.decode()
    assert "photo.jpg is not a JPEG, PNG or WebP photo." in page
    assert not report.photos.exists()

    client.post(url, {"images": [_png()], "caption": "Hood, left side"})
    photo = report.photos.get()
    served = client.get(reverse("inventory:inspection_photo", args=[report.pk, photo.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_the_certificate_pdf_is_offered_once_issued(client, staff_a, car):
    client.force_login(staff_a)
    draft = draft_inspection(car)
    url = reverse("inventory:inspection_certificate", args=[draft.pk])
    assert client.get(url).status_code == 302  # a draft is no certificate
    report = issued_inspection(VehicleFactory(dealer=car.dealer))
    response = client.get(reverse("inventory:inspection_certificate", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert report.certificate_number in response["Content-Disposition"]


def test_the_list_finds_reports_by_vin_and_status(client, staff_a, car, dealer_a):
    client.force_login(staff_a)
    issued = issued_inspection(car)
    draft = draft_inspection(VehicleFactory(dealer=dealer_a))
    url = reverse("inventory:inspection_list")
    page = client.get(url, {"status": "issued"}).content.decode()
    assert issued.certificate_number in page and draft.vehicle.vin not in page
    page = client.get(url, {"q": draft.vehicle.vin[-6:]}).content.decode()
    assert draft.vehicle.vin in page and issued.certificate_number not in page


def test_another_dealers_inspections_are_not_found(client, staff_a, dealer_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_a)
    theirs = draft_inspection(VehicleFactory(dealer=dealer_b))
    issued = issued_inspection(VehicleFactory(dealer=dealer_b))
    for name in ("inspection_detail", "inspection_edit", "inspection_certificate"):
        assert client.get(reverse(f"inventory:{name}", args=[issued.pk])).status_code == 404
    for name in ("inspection_issue", "inspection_discard", "inspection_photo_add"):
        assert client.post(reverse(f"inventory:{name}", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("inventory:inspection_revoke", args=[issued.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("inventory:inspection_start", args=[theirs.vehicle.pk])).status_code
        == 404
    )
    theirs.refresh_from_db()
    issued.refresh_from_db()
    assert (theirs.status, issued.status) == ("draft", "issued")
    assert (
        issued.certificate_number
        not in client.get(reverse("inventory:inspection_list")).content.decode()
    )


@pytest.mark.parametrize(
    ("time_zone", "shown"),
    [
        # A time a person reads is the dealer's local one. 18:14 UTC on
        # 4 Dec is 02:14 on 5 Dec in Shanghai and 07:14 on 5 Dec in Auckland (UTC+13).
        ("Asia/Shanghai", "2026-12-05 02:14"),
        ("Pacific/Auckland", "2026-12-05 07:14"),
        ("UTC", "2026-12-04 18:14"),
    ],
)
def test_the_issue_time_reads_in_the_dealers_zone(client, staff_a, car, time_zone, shown):
    client.force_login(staff_a)
    report = issued_inspection(car)
    InspectionReport.objects.filter(pk=report.pk).update(
        issued_at=datetime(2026, 12, 4, 18, 14, tzinfo=UTC)
    )
    car.dealer.time_zone = time_zone
    car.dealer.save()
    html = client.get(reverse("inventory:inspection_detail", args=[report.pk])).content.decode()
    assert f"<dd>{shown}" in html
