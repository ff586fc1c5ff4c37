"""What an inspection certificate says and proves: its canonical content, the SHA-256 over it,
and the state a buyer's verification shows (valid, superseded, revoked or tampered)."""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .models import PANEL_ORDER, InspectionReport, InspectionStatus


def _decimal(value):
    return None if value is None else str(Decimal(value).normalize())


def _vehicle(vehicle):
    return {
        "vin": vehicle.vin,
        "make": vehicle.make,
        "model": vehicle.model,
        "model_year": vehicle.model_year,
    }


def _content_v1(report):
    """The first layout: one mean reading per panel, no structure, battery or photo detail."""
    return {
        "vehicle": _vehicle(report.vehicle),
        "inspected_on": report.inspected_on.isoformat(),
        "inspector": report.inspector,
        "agency": report.agency,
        "agency_accreditation": report.agency_accreditation,
        "odometer_km": report.odometer_km,
        "battery_soh_pct": _decimal(report.battery_soh_pct),
        "structural_damage": report.structural_damage,
        "flood_damage": report.flood_damage,
        "fire_damage": report.fire_damage,
        "grade": report.grade,
        "verdict": report.verdict,
        "findings": report.findings,
        "readings": [
            {"panel": r.panel, "substrate": r.substrate, "microns": r.microns}
            for r in sorted(report.readings.all(), key=lambda r: r.panel)
        ],
    }


IDENTITY_FIELDS = ("vin", "make", "model", "trim", "model_year", "colour", "powertrain")


def vehicle_identity(vehicle) -> dict:
    """What a certificate states about the car, taken when it is issued."""
    identity = {name: getattr(vehicle, name) for name in IDENTITY_FIELDS}
    identity["registered_on"] = vehicle.registered_on.isoformat() if vehicle.registered_on else None
    return identity


def _content_v2(report):
    return {
        "certificate_number": report.certificate_number,
        "revision": report.revision,
        "supersedes": report.supersedes.certificate_number if report.supersedes_id else None,
        "issued_at": report.issued_at.isoformat() if report.issued_at else None,
        "vehicle": report.vehicle_identity,
        "inspected_on": report.inspected_on.isoformat(),
        "inspector": report.inspector,
        "agency": report.agency,
        "agency_accreditation": report.agency_accreditation,
        "standard_ref": report.standard_ref,
        "odometer_km": report.odometer_km,
        "vin_checked": {
            "windshield": report.vin_at_windshield,
            "door_frame": report.vin_at_door_frame,
            "chassis": report.vin_at_chassis,
        },
        "battery": {
            "soh_pct": _decimal(report.battery_soh_pct),
            "method": report.battery_soh_method,
            "tool": report.battery_tool,
            "cell_spread_mv": report.battery_cell_spread_mv,
            "cycle_count": report.battery_cycle_count,
        },
        "structure": {
            "damage": report.structural_damage,
            "accident_grade": report.accident_grade,
            "findings": sorted(
                [f.point, f.defect, f.note] for f in report.structural_findings.all()
            ),
        },
        "flood_damage": report.flood_damage,
        "fire_damage": report.fire_damage,
        "grade": report.grade,
        "verdict": report.verdict,
        "findings": report.findings,
        "paint": {
            "thresholds": report.paint_thresholds,
            "baseline_um": report.paint_baseline_um,
            "finding": report.paint_finding,
            "readings": [
                {
                    "panel": r.panel,
                    "substrate": r.substrate,
                    "points": list(r.points),
                    "microns": r.microns,
                    "verdict": r.verdict,
                }
                for r in sorted(report.readings.all(), key=lambda r: PANEL_ORDER[r.panel])
            ],
        },
        "photos": sorted(p.sha256 for p in report.photos.all()),
    }


def _content_v3(report):
    """The second layout and the issuer's full name, so that it cannot change unnoticed."""
    return {**_content_v2(report), "issued_by": report.issued_by_name}


def _content_v4(report):
    """The third layout with paint judged per point: each material's baseline, and for every
    panel its verdict, its local finding and one verdict per reading."""
    content = _content_v3(report)
    readings = {r.panel: r for r in report.readings.all()}
    content["paint"] = {
        "thresholds": report.paint_thresholds,
        "baselines": report.paint_baselines,
        "finding": report.paint_finding,
        "readings": [
            {
                **reading,
                "local_finding": readings[reading["panel"]].local_finding,
                "point_verdicts": list(readings[reading["panel"]].point_verdicts),
            }
            for reading in content["paint"]["readings"]
        ],
    }
    return content


CONTENT_LAYOUTS = {1: _content_v1, 2: _content_v2, 3: _content_v3, 4: _content_v4}


def canonical_content(report) -> dict:
    """What the certificate hash covers: vehicle identity, findings, every reading and photo."""
    return CONTENT_LAYOUTS[report.content_version](report)


def content_hash(report) -> str:
    payload = json.dumps(
        canonical_content(report), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verification:
    """What a buyer is told about a certificate."""

    report: InspectionReport
    stored_hash: str
    computed_hash: str

    @property
    def tampered(self):
        return self.stored_hash != self.computed_hash

    @property
    def state(self):
        """valid, superseded, revoked or tampered: the word on the verification page."""
        if self.tampered:
            return "tampered"
        return {
            InspectionStatus.ISSUED: "valid",
            InspectionStatus.SUPERSEDED: "superseded",
            InspectionStatus.REVOKED: "revoked",
        }[self.report.status]

    @property
    def successor(self):
        """The revision that replaced a superseded report, once it is issued."""
        successor = getattr(self.report, "superseded_by", None)
        if successor is None or successor.status == InspectionStatus.DRAFT:
            return None
        return successor


def for_certificate():
    """Issued, superseded and revoked reports with what their content and pages read."""
    return (
        InspectionReport.objects.exclude(status=InspectionStatus.DRAFT)
        .select_related("vehicle", "vehicle__dealer", "supersedes", "superseded_by")
        .prefetch_related("readings", "structural_findings", "photos")
    )


def verify(report) -> Verification:
    """Recompute the hash from what is stored now and compare it with the one issued."""
    return Verification(report, report.content_hash, content_hash(report))


def readings_in_order(report):
    """The report's readings in the order an inspector walks round the car, roof first."""
    return sorted(report.readings.all(), key=lambda r: PANEL_ORDER[r.panel])


def public_url(request, path):
    """An address a buyer abroad can open: under PUBLIC_BASE_URL when set, else the host the
    request came in on."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def verify_language(code):
    """`code` if it is one of the verification page's languages, else None."""
    return code if code in dict(settings.VERIFY_LANGUAGES) else None
