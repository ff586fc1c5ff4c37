"""Inspection reports through the services: verdicts by the dealer's thresholds, issuing an
immutable certificate, corrections, revocation, tamper evidence, photos and what eligibility
reads from the latest issued report."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from exports.eligibility import evaluate_vehicle
from inventory import certificates, services
from inventory.models import (
    InspectionPhoto,
    InspectionReport,
    PaintReading,
    Panel,
    ReportIsFrozen,
    StructuralFinding,
    message_text,
)
from tests.factories import VehicleFactory, draft_inspection, issued_inspection

pytestmark = pytest.mark.django_db


def png(name="door.png", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def verdicts(report):
    return {r.panel: r.verdict for r in report.readings.all()}


def test_a_draft_gets_a_verdict_for_every_panel_and_an_overall_finding(dealer_a):
    report = draft_inspection(
        VehicleFactory(dealer=dealer_a), points={"front_door_l": [310, 330, 290]}
    )
    report.refresh_from_db()
    found = verdicts(report)
    assert len(found) == len(Panel) == 17
    assert found["front_door_l"] == "repaint_suspected"
    assert found["hood"] == "original"
    # The median of the steel panels' means (16 at 126, the roof 120), not the roof alone.
    assert report.paint_baseline_um == 126
    assert report.paint_baselines == {"steel": 126}
    assert report.paint_finding == "repaint_suspected"
    door = report.readings.get(panel="front_door_l")
    assert (door.points, door.microns) == ([310, 330, 290], 310)


def test_the_dealers_own_thresholds_judge_its_reports(dealer_a):
    dealer_a.paint_repaint_min_um = 150
    dealer_a.save()
    # Above 1.5 x the steel baseline of 126 = 189 and above the dealer's 150; original by the
    # default 200 µm.
    report = draft_inspection(VehicleFactory(dealer=dealer_a), points={"hood": [195]})
    assert verdicts(report)["hood"] == "repaint_suspected"
    assert report.paint_thresholds["repaint_min_um"] == 150


def test_issuing_freezes_the_report_with_a_number_and_a_hash(dealer_a, manager_a):
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    assert report.status == "issued"
    assert report.certificate_number == f"DH{dealer_a.today():%Y%m%d}-{report.pk:06d}"
    assert report.issued_by == manager_a
    assert len(report.content_hash) == 64
    assert certificates.verify(report).state == "valid"


@pytest.mark.parametrize(
    ("time_zone", "issued_at_utc", "number_date"),
    [
        # Issued 02:14 on 5 Dec in Shanghai (UTC+8) is numbered 5 Dec, the
        # date the issuer and the buyer read, not the UTC 4 Dec.
        ("Asia/Shanghai", datetime(2026, 12, 4, 18, 14, tzinfo=UTC), "20261205"),
        ("Asia/Shanghai", datetime(2026, 12, 4, 15, 59, tzinfo=UTC), "20261204"),  # 23:59
        ("Asia/Shanghai", datetime(2026, 12, 4, 16, 0, tzinfo=UTC), "20261205"),  # 00:00
        ("Asia/Almaty", datetime(2026, 12, 4, 18, 14, tzinfo=UTC), "20261204"),  # UTC+5, 23:14
        ("UTC", datetime(2026, 12, 4, 23, 59, tzinfo=UTC), "20261204"),
    ],
)
def test_the_certificate_number_carries_the_dealers_local_date(
    dealer_a, manager_a, monkeypatch, time_zone, issued_at_utc, number_date
):
    dealer_a.time_zone = time_zone
    dealer_a.save()
    vehicle = VehicleFactory(dealer=dealer_a, stocked_on=date(2026, 11, 1))
    report = draft_inspection(vehicle, inspected_on=date(2026, 11, 2))
    monkeypatch.setattr(timezone, "now", lambda: issued_at_utc)
    report = services.inspection_issue(report=report, by=manager_a)
    assert report.certificate_number == f"DH{number_date}-{report.pk:06d}"
    assert certificates.verify(report).state == "valid"


def test_nobody_can_change_an_issued_report(dealer_a, manager_a):
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    reading = report.readings.get(panel="hood")

    report.findings = "Edited afterwards"
    with pytest.raises(ReportIsFrozen, match="can no longer be changed"):
        services.inspection_save_draft(report=report, by=manager_a)
    with pytest.raises(ReportIsFrozen):
        report.save()  # even bypassing the services
    reading.points = [400]
    with pytest.raises(ReportIsFrozen):
        reading.save()
    with pytest.raises(ReportIsFrozen):
        reading.delete()
    with pytest.raises(ReportIsFrozen):
        services.inspection_save_readings(report=report, readings=[PaintReading(panel="hood")])
    with pytest.raises(ReportIsFrozen):
        services.inspection_add_photos(report=report, images=[png()])
    with pytest.raises(ReportIsFrozen):
        report.delete()

    report.refresh_from_db()
    assert report.findings == ""
    assert report.readings.get(panel="hood").points == [124, 126, 128]
    assert not report.photos.exists()
    assert certificates.verify(report).state == "valid"


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"hood": [120, 6000]}, "Hood: 6000 µm is outside 0 to 5,000 µm."),
        ({"front_door_r": []}, "Front door, right: enter at least one reading"),
    ],
)
def test_bad_readings_name_the_panel_and_change_nothing(dealer_a, points, message):
    report = draft_inspection(VehicleFactory(dealer=dealer_a))
    readings = [
        PaintReading(panel=r.panel, substrate=r.substrate, points=points.get(r.panel, r.points))
        for r in report.readings.all()
    ]
    with pytest.raises(ValidationError) as caught:
        services.inspection_save_readings(report=report, readings=readings)
    assert any(message in text for text in caught.value.messages)
    assert report.readings.count() == 17
    assert report.readings.get(panel="hood").points == [124, 126, 128]


def test_a_plastic_panel_needs_no_reading_and_is_not_measurable(dealer_a):
    report = draft_inspection(
        VehicleFactory(dealer=dealer_a), points={"trunk": []}, substrates={"trunk": "plastic"}
    )
    assert verdicts(report)["trunk"] == "not_measurable"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"verdict": ""}, "verdict", "Give the report a verdict"),
        (
            {"structural": [("front_rail_l", "SH")]},
            "accident_grade",
            "Grade A means no structural damage",
        ),
    ],
)
def test_issuing_refuses_an_incomplete_report(dealer_a, manager_a, change, field, message):
    report = draft_inspection(VehicleFactory(dealer=dealer_a), **change)
    with pytest.raises(ValidationError) as caught:
        services.inspection_issue(report=report, by=manager_a)
    assert message in " ".join(caught.value.message_dict[field])
    report.refresh_from_db()
    assert (report.status, report.certificate_number) == ("draft", None)


def test_issuing_needs_every_panel(dealer_a, manager_a):
    report = draft_inspection(VehicleFactory(dealer=dealer_a))
    report.readings.filter(panel__in=["hood", "sill_l"]).delete()
    with pytest.raises(ValidationError, match="missing: Hood, Sill, left"):
        services.inspection_issue(report=report, by=manager_a)


def test_a_battery_electric_car_needs_its_battery_health_to_be_issued(dealer_a, manager_a):
    report = draft_inspection(
        VehicleFactory(dealer=dealer_a, powertrain="BEV", engine_cc=None), battery_soh_pct=None
    )
    with pytest.raises(ValidationError) as caught:
        services.inspection_issue(report=report, by=manager_a)
    assert "battery state of health" in caught.value.message_dict["battery_soh_pct"][0]


def test_a_combustion_car_has_no_battery_to_report(dealer_a):
    with pytest.raises(ValidationError) as caught:
        draft_inspection(
            VehicleFactory(dealer=dealer_a, powertrain="ICE", engine_cc=1498),
            battery_soh_pct=Decimal("97"),
        )
    assert "no traction battery" in caught.value.message_dict["battery_soh_pct"][0]
    assert not InspectionReport.objects.exists()


def test_a_structural_finding_marks_structural_damage(dealer_a):
    report = draft_inspection(
        VehicleFactory(dealer=dealer_a), structural=[("front_rail_l", "SH")], accident_grade="C"
    )
    report.refresh_from_db()
    assert report.structural_damage
    assert [str(f) for f in report.structural_findings.all()] == [
        "Front longitudinal rail, left: SH welded"
    ]


def test_the_inspection_date_cannot_be_in_the_future(dealer_a):
    tomorrow = dealer_a.today() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        draft_inspection(VehicleFactory(dealer=dealer_a), inspected_on=tomorrow)
    assert "future" in caught.value.message_dict["inspected_on"][0]


def test_a_correction_supersedes_the_original_when_issued(dealer_a, manager_a):
    original = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    draft = services.inspection_revise(report=original, by=manager_a)
    assert (draft.status, draft.revision, draft.supersedes) == ("draft", 2, original)
    assert verdicts(draft) == verdicts(original)
    assert services.inspection_revise(report=original, by=manager_a) == draft  # one at a time

    readings = [
        PaintReading(panel=r.panel, substrate=r.substrate, points=r.points)
        for r in draft.readings.all()
    ]
    next(r for r in readings if r.panel == "hood").points = [420, 430]
    services.inspection_save_readings(report=draft, readings=readings)
    original.refresh_from_db()
    assert original.status == "issued"  # until the correction is issued

    corrected = services.inspection_issue(report=draft, by=manager_a)
    original.refresh_from_db()
    assert original.status == "superseded"
    assert verdicts(original)["hood"] == "original"  # the original's content is untouched
    assert verdicts(corrected)["hood"] == "repaint_suspected"
    check = certificates.verify(original)
    assert (check.state, check.successor) == ("superseded", corrected)


def test_revoking_needs_a_reason_and_shows_on_verification(dealer_a, manager_a):
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    with pytest.raises(ValidationError) as caught:
        services.inspection_revoke(report=report, reason="  ", by=manager_a)
    assert "revoked_reason" in caught.value.message_dict

    services.inspection_revoke(report=report, reason="Wrong car measured", by=manager_a)
    report.refresh_from_db()
    assert (report.status, report.revoked_reason, report.revoked_by) == (
        "revoked",
        "Wrong car measured",
        manager_a,
    )
    assert certificates.verify(report).state == "revoked"
    with pytest.raises(ValidationError, match="Only an issued report can be revoked"):
        services.inspection_revoke(report=report, reason="again", by=manager_a)
    with pytest.raises(ValidationError, match="Only an issued report can be corrected"):
        services.inspection_revise(report=report, by=manager_a)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: PaintReading.objects.filter(report=r, panel="front_door_l").update(
            points=[125, 126], microns=126, verdict="original"
        ),
        lambda r: InspectionReport.objects.filter(pk=r.pk).update(flood_damage=False, grade="A"),
        lambda r: StructuralFinding.objects.filter(report=r).delete(),
        lambda r: InspectionReport.objects.filter(pk=r.pk).update(
            vehicle_identity={**r.vehicle_identity, "vin": "LFV2A21K0P3999999"}
        ),
    ],
    ids=["reading", "findings", "structure", "vin"],
)
def test_a_report_changed_behind_the_services_back_shows_as_tampered(dealer_a, manager_a, tamper):
    report = issued_inspection(
        VehicleFactory(dealer=dealer_a),
        by=manager_a,
        points={"front_door_l": [320, 340]},
        structural=[("front_rail_l", "BX")],
        accident_grade="B",
        flood_damage=True,
        grade="C",
    )
    tamper(report)
    stored = certificates.for_certificate().get(pk=report.pk)
    check = certificates.verify(stored)
    assert check.tampered
    assert check.state == "tampered"
    assert check.computed_hash != stored.content_hash


def test_registering_or_correcting_the_car_later_leaves_the_certificate_as_issued(
    dealer_a, manager_a
):
    vehicle = VehicleFactory(dealer=dealer_a, registered_on=None, colour="White")
    report = issued_inspection(vehicle, by=manager_a)
    services.vehicle_update(
        vehicle=vehicle, by=manager_a, registered_on=dealer_a.today(), colour="Pearl white"
    )
    stored = certificates.for_certificate().get(pk=report.pk)
    assert certificates.verify(stored).state == "valid"
    certified = stored.certified_vehicle
    assert (certified.vin, certified.colour, certified.registered_on) == (
        vehicle.vin,
        "White",
        None,
    )


def test_changing_thresholds_later_leaves_issued_certificates_valid(dealer_a, manager_a):
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    dealer_a.paint_repaint_min_um = 100
    dealer_a.save()
    assert certificates.verify(certificates.for_certificate().get(pk=report.pk)).state == "valid"


def test_a_certificate_issued_under_the_first_layout_still_verifies(dealer_a, manager_a):
    report = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    InspectionReport.objects.filter(pk=report.pk).update(content_version=1)
    report.refresh_from_db()
    v1_hash = certificates.content_hash(report)
    InspectionReport.objects.filter(pk=report.pk).update(content_hash=v1_hash)
    report.refresh_from_db()
    assert certificates.verify(report).state == "valid"


def test_photos_are_stored_with_the_report_and_covered_by_its_hash(
    dealer_a, manager_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report = draft_inspection(VehicleFactory(dealer=dealer_a))
    [photo] = services.inspection_add_photos(
        report=report, images=[png()], caption="Left door", by=manager_a
    )
    assert photo.image.name.startswith(f"inspections/{dealer_a.pk}/{report.pk}/")
    assert len(photo.sha256) == 64
    issued = services.inspection_issue(report=report, by=manager_a)
    InspectionPhoto.objects.filter(pk=photo.pk).update(sha256="0" * 64)
    assert certificates.verify(certificates.for_certificate().get(pk=issued.pk)).tampered


def test_photos_that_are_not_images_or_too_large_are_refused_all_together(
    dealer_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.INSPECTION_PHOTO_MAX_BYTES = 2_000
    report = draft_inspection(VehicleFactory(dealer=dealer_a))
    fake = SimpleUploadedFile("report.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg")
    big = png("big.png", size=(400, 400))
    big.size = 3_000_000
    with pytest.raises(ValidationError) as caught:
        services.inspection_add_photos(report=report, images=[png(), fake, big])
    assert caught.value.message_dict["images"] == [
        "report.jpg is not a JPEG, PNG or WebP photo.",
        "big.png is 3.0 MB; a file may be at most 0.002 MB.",
    ]
    assert not report.photos.exists()
    assert not list(tmp_path.rglob("*.png"))


def test_a_draft_can_be_discarded_but_not_an_issued_report(dealer_a, manager_a):
    draft = draft_inspection(VehicleFactory(dealer=dealer_a))
    services.inspection_discard(report=draft)
    assert not InspectionReport.objects.filter(pk=draft.pk).exists()
    issued = issued_inspection(VehicleFactory(dealer=dealer_a), by=manager_a)
    with pytest.raises(ReportIsFrozen):
        services.inspection_discard(report=issued)


def _jordan(vehicle):
    _rulebook, verdicts_, _origin = evaluate_vehicle(vehicle)
    return next(v for v in verdicts_ if v.market == "JO")


def test_the_latest_issued_report_feeds_the_export_rules(dealer_a, manager_a, markets):
    """Jordan takes used EVs only with at least 90% battery health (domain_rules B3)."""
    vehicle = VehicleFactory(
        dealer=dealer_a, powertrain="BEV", engine_cc=None, registered_on=dealer_a.today()
    )
    needed = {"inspection_report", "battery_health_report"}
    assert needed <= set(_jordan(vehicle).missing_documents)

    weak = issued_inspection(
        vehicle, by=manager_a, battery_soh_pct=Decimal("85.0"), battery_soh_method="capacity_test"
    )
    jordan = _jordan(vehicle)
    assert jordan.verdict == "blocked"
    assert any("85.0" in message_text(r.message) for r in jordan.reasons if r.outcome == "block")

    services.inspection_revoke(report=weak, reason="Battery re-tested", by=manager_a)
    assert needed <= set(_jordan(vehicle).missing_documents)

    issued_inspection(
        vehicle, by=manager_a, battery_soh_pct=Decimal("96.5"), battery_soh_method="capacity_test"
    )
    jordan = _jordan(vehicle)
    assert jordan.verdict != "blocked"
    assert not needed & set(jordan.missing_documents)
