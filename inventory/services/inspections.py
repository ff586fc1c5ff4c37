"""Inspection reports: drafts with their readings, findings and photos; issue, correction,
revocation and discard; the user files the site stores, moved to server-chosen names."""

import hashlib
import posixpath
from collections.abc import Collection, Sequence
from enum import StrEnum
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import certificates, judging, paint, uploads
from ..files import delete_files_on_commit
from ..models import (
    CONTENT_VERSION,
    LIFECYCLE_FIELDS,
    REPORT_CONTENT_FIELDS,
    InspectionPhoto,
    InspectionReport,
    InspectionStatus,
    PaintReading,
    Panel,
    Powertrain,
    ReportIsFrozen,
    StructuralFinding,
    Substrate,
    VehicleDocument,
    accident_grade_problem,
)


def _refuse_unless_draft(report):
    if report.status != InspectionStatus.DRAFT:
        raise ReportIsFrozen(
            _("Report %(number)s is %(status)s and can no longer be changed; issue a correction.")
            % {"number": report.certificate_number, "status": report.get_status_display().lower()},
            code="report_not_editable",
        )


def _lock_report(report):
    return (
        InspectionReport.objects.select_for_update()
        .select_related("vehicle", "vehicle__dealer")
        .get(pk=report.pk)
    )


def _replace_readings(report, readings):
    """Check every panel's readings, then store them in place of the old ones."""
    errors, seen = [], set()
    for reading in readings:
        label = Panel(reading.panel).label if reading.panel in Panel.values else reading.panel
        if reading.panel in seen:
            errors.append(_("%(panel)s: this panel is listed twice.") % {"panel": label})
        seen.add(reading.panel)
        reading.report = report
        reading.points = [] if reading.substrate == Substrate.PLASTIC else list(reading.points)
        if reading.substrate != Substrate.PLASTIC and not reading.points:
            errors.append(
                _("%(panel)s: enter at least one reading, or choose plastic or glass.")
                % {"panel": label}
            )
            continue
        reading.microns = paint.mean_um(reading.points)
        try:
            reading.full_clean(exclude=["report"], validate_unique=False)
        except ValidationError as exc:
            errors.extend(f"{label}: {message}" for message in exc.messages)
    if errors:
        raise ValidationError(errors)
    report.readings.all().delete()
    for reading in readings:
        reading.pk = None
    PaintReading.objects.bulk_create(readings)


def _replace_findings(report, findings):
    errors, seen = [], set()
    for finding in findings:
        finding.report = report
        key = (finding.point, finding.defect)
        if key in seen:
            errors.append(
                _("%(point)s: %(defect)s is listed twice.")
                % {"point": finding.get_point_display(), "defect": finding.get_defect_display()}
            )
        seen.add(key)
        try:
            finding.full_clean(exclude=["report"], validate_unique=False)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    report.structural_findings.all().delete()
    for finding in findings:
        finding.pk = None
    StructuralFinding.objects.bulk_create(findings)
    if findings and not report.structural_damage:
        report.structural_damage = True
        report.save(update_fields=["structural_damage"])


def _judge_paint(report):
    """Every panel's and point's verdict and the report's finding, by the dealer's thresholds
    now, against the median of the panels of the same material."""
    limits = report.vehicle.dealer.paint_thresholds
    readings = list(report.readings.all())
    assessment = paint.assess({r.panel: (r.substrate, r.points) for r in readings}, limits)
    by_panel = {result.panel: result for result in assessment.panels}
    for reading in readings:
        result = by_panel[reading.panel]
        reading.microns = result.microns
        reading.verdict = result.verdict
        reading.local_finding = result.local or ""
        reading.point_verdicts = [str(verdict) for verdict in result.point_verdicts]
    PaintReading.objects.bulk_update(
        readings, ["microns", "verdict", "local_finding", "point_verdicts"]
    )
    report.paint_baselines = {
        substrate: um for substrate, um in assessment.baselines.items() if um is not None
    }
    report.paint_baseline_um = assessment.baselines.get(Substrate.STEEL)
    report.paint_finding = assessment.finding if readings else ""
    report.paint_thresholds = limits.as_json()
    report.save(
        update_fields=["paint_baseline_um", "paint_baselines", "paint_finding", "paint_thresholds"]
    )


@transaction.atomic
def inspection_save_draft(
    *,
    report: InspectionReport,
    by: User | None = None,
    readings: Sequence[PaintReading] | None = None,
    findings: Sequence[StructuralFinding] | None = None,
) -> InspectionReport:
    """Create or change a draft report, and with it, when given, its paint readings (one
    PaintReading per panel) and structural findings. An issued report is refused, and a refused
    change leaves everything as it was."""
    if report.pk:
        _refuse_unless_draft(_lock_report(report))
    report.status = InspectionStatus.DRAFT
    report.full_clean()
    report.save()
    if readings is not None:
        _replace_readings(report, readings)
    if findings is not None:
        _replace_findings(report, findings)
    _judge_paint(report)
    return report


@transaction.atomic
def inspection_save_readings(*, report: InspectionReport, readings: Sequence[PaintReading]) -> None:
    """Replace a draft's readings with `readings` (PaintReading objects, saved or not)."""
    locked = _lock_report(report)
    _refuse_unless_draft(locked)
    _replace_readings(locked, readings)
    _judge_paint(locked)


@transaction.atomic
def inspection_save_findings(
    *, report: InspectionReport, findings: Sequence[StructuralFinding]
) -> None:
    """Replace a draft's structural findings; any finding marks structural damage."""
    locked = _lock_report(report)
    _refuse_unless_draft(locked)
    _replace_findings(locked, findings)


def _sha256(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def inspection_add_photos(
    *,
    report: InspectionReport,
    images: Sequence[UploadedFile],
    caption: str = "",
    by: User | None = None,
) -> list[InspectionPhoto]:
    """Store photos with a draft report. Anything but a JPEG, PNG or WebP within the size limit
    is refused, and then none of them is stored."""
    locked = _lock_report(report)
    _refuse_unless_draft(locked)
    problems = [
        problem
        for problem in (
            uploads.upload_problem(
                image, kinds=uploads.PHOTO_KINDS, described=_("a JPEG, PNG or WebP photo")
            )
            for image in images
        )
        if problem
    ]
    if problems:
        raise ValidationError({"images": problems})
    photos = []
    for image in images:
        photo = InspectionPhoto(
            report=locked,
            image=image,
            caption=caption.strip(),
            sha256=_sha256(image),
            size_bytes=image.size,
            uploaded_by=by,
        )
        photo.full_clean(exclude=["image"])
        photo.save()
        photos.append(photo)
    return photos


def _delete_unshared_photo_files(photos) -> None:
    """Remove the files of deleted photos that no other report still shows: a correction
    starts with its original's photos and shares their files."""
    names = {photo.image.name for photo in photos if photo.image}
    shared = set(InspectionPhoto.objects.filter(image__in=names).values_list("image", flat=True))
    delete_files_on_commit(photo.image for photo in photos if photo.image.name not in shared)


@transaction.atomic
def inspection_remove_photo(*, photo: InspectionPhoto) -> None:
    _refuse_unless_draft(_lock_report(photo.report))
    photo.delete()
    _delete_unshared_photo_files([photo])


# Every file the site keeps from a user, with the kinds it may be: (model, file field, kinds).
STORED_UPLOADS = (
    (InspectionPhoto, "image", uploads.PHOTO_KINDS),
    (VehicleDocument, "scan", uploads.PAPER_KINDS),
)


class StoredFileOutcome(StrEnum):
    UNCHANGED = "unchanged"
    RENAMED = "renamed"
    REFUSED = "refused"
    MISSING = "missing"


@transaction.atomic
def stored_upload_normalise(
    *,
    model: type[Model],
    field: str,
    name: str,
    kinds: Collection[str],
    dry_run: bool = False,
) -> tuple[StoredFileOutcome, str]:
    """Move one stored user file to a server-chosen name with the extension of what its
    content is, and point every row that holds it (revisions share photos) at the new name.
    The old file is deleted once the rows have moved. A file that is none of `kinds` stays
    where it is (it is served as bytes to save) and is reported. Returns the outcome and the
    name the file has (or would have, in a dry run) afterwards; running it again changes
    nothing."""
    storage = model._meta.get_field(field).storage
    try:
        with storage.open(name, "rb") as handle:
            kind = uploads.sniff(handle)
    except FileNotFoundError:
        return StoredFileOutcome.MISSING, name
    except uploads.Refused:
        kind = None
    if kind not in kinds:
        return StoredFileOutcome.REFUSED, name
    if uploads.is_canonical(name, kind):
        return StoredFileOutcome.UNCHANGED, name
    target = uploads.new_name(posixpath.dirname(name), kind)
    if dry_run:
        return StoredFileOutcome.RENAMED, target
    rows = model.objects.select_for_update().filter(**{field: name})
    list(rows.values_list("pk", flat=True))  # hold the rows while their file moves
    with storage.open(name, "rb") as handle:
        target = storage.save(target, handle)
    # An update, not save(): the content is the same bytes, so an issued report's photos
    # (frozen, and hashed by content, not by name) stay as they were.
    rows.update(**{field: target})
    transaction.on_commit(partial(storage.delete, name))
    return StoredFileOutcome.RENAMED, target


def _issue_problems(report):
    problems = {}
    readings = {r.panel: r for r in report.readings.all()}
    missing = [Panel(p).label for p in Panel.values if p not in readings]
    if missing:
        problems[NON_FIELD_ERRORS] = [
            _("Record paint readings for every panel before issuing; missing: %(panels)s.")
            % {"panels": ", ".join(str(label) for label in missing)}
        ]
    if not report.verdict:
        problems["verdict"] = _("Give the report a verdict before issuing it.")
    if report.vehicle.powertrain == Powertrain.BEV and (
        report.battery_soh_pct is None or not report.battery_soh_method
    ):
        problems["battery_soh_pct"] = _(
            "A battery-electric car needs its battery state of health and how it was measured."
        )
    grade_problem = accident_grade_problem(
        damaged=report.structural_damage, grade=report.accident_grade
    )
    if grade_problem:
        problems["accident_grade"] = grade_problem
    try:
        report.full_clean()
    except ValidationError as exc:
        problems.update(exc.message_dict)
    return problems


@transaction.atomic
def inspection_issue(*, report: InspectionReport, by: User | None) -> InspectionReport:
    """Freeze a draft: certificate number, issuer and their full name, time and the SHA-256 of
    its content. The report it corrects, if any, becomes superseded."""
    locked = _lock_report(report)
    if locked.status == InspectionStatus.ISSUED:
        return locked
    _refuse_unless_draft(locked)
    # The certificate names its issuer to buyers; a login name is not a name to show them.
    issuer_name = by.get_full_name().strip() if by is not None else ""
    if not issuer_name:
        raise ValidationError(
            _("Enter your full name in your account before issuing a certificate.")
        )
    problems = _issue_problems(locked)
    if problems:
        raise ValidationError(problems)
    _judge_paint(locked)
    now = timezone.now().replace(microsecond=0)
    locked.status = InspectionStatus.ISSUED
    locked.issued_at = now
    locked.issued_by = by
    locked.issued_by_name = issuer_name
    # The date in the number is the one the issuer and the buyer read: the dealer's own.
    issued_on = locked.vehicle.dealer.local_date(now)
    locked.certificate_number = f"DH{issued_on:%Y%m%d}-{locked.pk:06d}"
    locked.content_version = CONTENT_VERSION
    locked.vehicle_identity = certificates.vehicle_identity(locked.vehicle)
    locked.content_hash = certificates.content_hash(locked)
    locked.save()
    if locked.supersedes_id:
        previous = InspectionReport.objects.select_for_update().get(pk=locked.supersedes_id)
        if previous.status == InspectionStatus.ISSUED:
            previous.status = InspectionStatus.SUPERSEDED
            previous.save(update_fields=["status"])
    judging.rejudge([locked.vehicle_id])
    return locked


@transaction.atomic
def inspection_revise(*, report: InspectionReport, by: User | None = None) -> InspectionReport:
    """A draft correction of an issued report, with its content copied; issuing it supersedes
    the original. Asking again returns the draft already started."""
    locked = _lock_report(report)
    existing = InspectionReport.objects.filter(supersedes=locked).first()
    if existing is not None:
        return existing
    if locked.status != InspectionStatus.ISSUED:
        raise ValidationError(
            _("Only an issued report can be corrected; %(number)s is %(status)s.")
            % {"number": locked.certificate_number, "status": locked.get_status_display().lower()}
        )
    draft = InspectionReport(
        **{name: getattr(locked, name) for name in REPORT_CONTENT_FIELDS},
        revision=locked.revision + 1,
        supersedes=locked,
    )
    draft.save()
    PaintReading.objects.bulk_create(
        PaintReading(
            report=draft, panel=r.panel, substrate=r.substrate, points=r.points, microns=r.microns
        )
        for r in locked.readings.all()
    )
    StructuralFinding.objects.bulk_create(
        StructuralFinding(report=draft, point=f.point, defect=f.defect, note=f.note)
        for f in locked.structural_findings.all()
    )
    InspectionPhoto.objects.bulk_create(
        InspectionPhoto(
            report=draft,
            image=p.image.name,
            caption=p.caption,
            sha256=p.sha256,
            size_bytes=p.size_bytes,
            uploaded_by=p.uploaded_by,
        )
        for p in locked.photos.all()
    )
    _judge_paint(draft)
    return draft


@transaction.atomic
def inspection_revoke(
    *, report: InspectionReport, reason: str, by: User | None
) -> InspectionReport:
    """Withdraw an issued report; its verification page says so, with the reason."""
    locked = _lock_report(report)
    if locked.status != InspectionStatus.ISSUED:
        raise ValidationError(
            _("Only an issued report can be revoked; %(number)s is %(status)s.")
            % {
                "number": locked.certificate_number or _("this draft"),
                "status": locked.get_status_display().lower(),
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"revoked_reason": _("Say why the report is revoked.")})
    locked.status = InspectionStatus.REVOKED
    locked.revoked_reason = reason
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=sorted(LIFECYCLE_FIELDS))
    judging.rejudge([locked.vehicle_id])
    return locked


@transaction.atomic
def inspection_discard(*, report: InspectionReport) -> None:
    """Delete a draft report with its readings, findings and photos."""
    locked = _lock_report(report)
    _refuse_unless_draft(locked)
    photos = list(locked.photos.all())
    locked.delete()
    _delete_unshared_photo_files(photos)
