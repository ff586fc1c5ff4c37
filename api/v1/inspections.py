"""Inspection reports and their certificates through the API, read only: the readings and
findings, and for an issued report its number, hash and the public link a buyer verifies it
at."""

from datetime import date, datetime
from typing import Annotated

from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import WithJsonSchema

from inventory import certificates
from inventory.models import InspectionReport, InspectionStatus
from inventory.views.inspections import INSPECTIONS

from .. import scope
from ..errors import READ_ERRORS
from ..lists import page_of
from .schemas import Page, Rate

router = Router(tags=["inspections"])


def _param(schema: dict, description: str):
    return Annotated[str | None, WithJsonSchema({**schema, "description": description})]


def _sorts(spec):
    return [f"{direction}{key}" for key in spec.sorts for direction in ("", "-")]


class InspectionQuery(Schema):
    q: _param({"type": "string"}, "VIN, stock number or certificate number.") = None
    status: _param({"type": "string", "enum": InspectionStatus.values}, "Report status.") = None
    sort: _param({"type": "string", "enum": _sorts(INSPECTIONS)}, "Default -created_at.") = None
    after: _param({"type": "string"}, "The `next` cursor of the page before.") = None
    before: _param({"type": "string"}, "The `previous` cursor of the page after.") = None


class CertificateOut(Schema):
    number: str
    status: str
    issued_at: datetime
    issued_by: str
    content_sha256: str
    verification_url: str
    superseded_by: int | None
    revoked_reason: str


class InspectionOut(Schema):
    id: int
    url: str
    vehicle: int
    vin: str
    status: str
    status_label: str
    revision: int
    inspected_on: date
    inspector: str
    agency: str
    agency_accreditation: str
    standard_ref: str
    odometer_km: int
    battery_soh_pct: Rate | None
    structural_damage: bool
    accident_grade: str
    flood_damage: bool
    fire_damage: bool
    grade: str
    verdict: str
    paint_finding: str
    findings: str
    certificate: CertificateOut | None


class ReadingOut(Schema):
    panel: str
    panel_label: str
    substrate: str
    points: list[int]
    microns: int | None
    verdict: str
    local_finding: str


class StructuralFindingOut(Schema):
    point: str
    defect: str
    note: str


class InspectionDetailOut(InspectionOut):
    verification: str | None
    readings: list[ReadingOut]
    structural_findings: list[StructuralFindingOut]


class InspectionPage(Page):
    results: list[InspectionOut]


def certificate_out(request, report) -> dict | None:
    if report.status == InspectionStatus.DRAFT:
        return None
    successor = getattr(report, "superseded_by", None)
    return {
        "number": report.certificate_number,
        "status": report.status,
        "issued_at": report.issued_at,
        "issued_by": report.issued_by_name,
        "content_sha256": report.content_hash,
        "verification_url": certificates.public_url(request, report.get_verification_url()),
        "superseded_by": successor.pk if successor is not None else None,
        "revoked_reason": report.revoked_reason,
    }


def inspection_out(request, report) -> dict:
    return {
        **{
            name: getattr(report, name)
            for name in InspectionOut.model_fields
            if hasattr(report, name)
        },
        "url": request.build_absolute_uri(reverse("api-v1:inspection", args=[report.pk])),
        "vehicle": report.vehicle_id,
        "vin": report.vehicle.vin,
        "status_label": report.get_status_display(),
        "certificate": certificate_out(request, report),
    }


REPORTS = InspectionReport.objects.select_related("vehicle", "superseded_by")


@router.get(
    "/inspections",
    response={200: InspectionPage, **READ_ERRORS},
    summary="List inspection reports",
)
def inspection_list(request, filters: Query[InspectionQuery]):
    """The dealer's inspection reports, drafts included, newest first."""
    shown = page_of(request, INSPECTIONS, scope.rows(request, REPORTS))
    return shown.envelope([inspection_out(request, report) for report in shown.rows])


@router.get(
    "/certificates",
    response={200: InspectionPage, **READ_ERRORS},
    summary="List issued certificates",
)
def certificate_list(request, filters: Query[InspectionQuery]):
    """Reports with a certificate (issued, superseded or revoked), each with the public link
    a buyer verifies it at."""
    reports = scope.rows(request, REPORTS.exclude(status=InspectionStatus.DRAFT))
    shown = page_of(request, INSPECTIONS, reports)
    return shown.envelope([inspection_out(request, report) for report in shown.rows])


@router.get(
    "/inspections/{int:inspection_id}",
    response={200: InspectionDetailOut, **READ_ERRORS},
    url_name="inspection",
    summary="Read an inspection report",
)
def inspection_detail(request, inspection_id: int):
    """One report with every panel's readings and verdict and the structural findings; for a
    certificate, `verification` is what its public page says now (valid, superseded, revoked,
    or tampered when the stored content no longer matches its hash)."""
    report = scope.get(
        request,
        REPORTS.select_related("vehicle__dealer").prefetch_related(
            "readings", "structural_findings", "photos"
        ),
        pk=inspection_id,
    )
    issued = report.status != InspectionStatus.DRAFT
    return {
        **inspection_out(request, report),
        "verification": certificates.verify(report).state if issued else None,
        "readings": [
            {
                "panel": reading.panel,
                "panel_label": reading.get_panel_display(),
                "substrate": reading.substrate,
                "points": list(reading.points or []),
                "microns": reading.microns,
                "verdict": reading.verdict,
                "local_finding": reading.local_finding,
            }
            for reading in certificates.readings_in_order(report)
        ],
        "structural_findings": [
            {"point": f.point, "defect": f.defect, "note": f.note}
            for f in report.structural_findings.all()
        ],
    }
