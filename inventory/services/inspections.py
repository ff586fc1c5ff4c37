"""Every write to dealers' vehicles and inspections: receive, update, status, issue."""

import hashlib
import posixpath
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import certificates, costs, judging, paint, uploads
from .. import vin as vin_rules
from ..access import PLATFORM_OPERATORS_GROUP
from ..files import delete_files_on_commit
from ..idempotency import MAX_AGE_SECONDS as FORM_TOKEN_MAX_AGE
from ..models import (
    CONTENT_VERSION,
    LIFECYCLE_FIELDS,
    ON_HAND,
    REPORT_CONTENT_FIELDS,
    CurtailmentOwed,
    Dealer,
    FloorPlanLine,
    FloorPlanPayment,
    InspectionPhoto,
    InspectionReport,
    InspectionStatus,
    JobRun,
    JobRunStatus,
    PaintReading,
    Panel,
    PaymentKind,
    Powertrain,
    ReportIsFrozen,
    StructuralFinding,
    SubmissionToken,
    Substrate,
    Vehicle,
    VehicleDocument,
    VehicleFloorPlan,
    VehicleStatus,
    accident_grade_problem,
)

# Moves a person may make by hand; allocation and export follow shipments only.
MANUAL_STATUS_MOVES = {
    VehicleStatus.IN_STOCK: {VehicleStatus.RESERVED, VehicleStatus.SOLD_DOMESTIC},
    VehicleStatus.RESERVED: {VehicleStatus.IN_STOCK, VehicleStatus.SOLD_DOMESTIC},
    VehicleStatus.SOLD_DOMESTIC: {VehicleStatus.IN_STOCK},
}
VEHICLE_FIELDS = frozenset(
    f.name
    for f in Vehicle._meta.concrete_fields
    if f.name not in {"id", "created_at", "updated_at", "left_stock_on"}
)


def _move_status(vehicle, to_status, *, on=None) -> None:
    """Set a new status and, with it, the day the car left stock: `on` (default the dealer's
    today) when it leaves, nothing when it is on hand again. Its days in stock end that day."""
    if to_status in ON_HAND:
        vehicle.left_stock_on = None
    elif vehicle.left_stock_on is None:
        day = on or vehicle.dealer.today()
        vehicle.left_stock_on = max(day, vehicle.stocked_on)
    vehicle.status = to_status


def refuse_unless_on_hand(vehicle, action) -> None:
    """Stock actions (flooring, the export check) are for cars the dealer still holds."""
    if vehicle.status not in ON_HAND:
        raise ValidationError(
            _(
                "Vehicle %(vin)s is %(status)s, no longer in stock; only a car in stock can "
                "be %(action)s."
            )
            % {
                "vin": vehicle.vin,
                "status": VehicleStatus(vehicle.status).label.lower(),
                "action": action,
            },
            code="not_in_stock",
        )


def _save_vehicle(vehicle, *, by):
    """Validate and save; a unique clash that slipped past validation reads as a field error."""
    vehicle.full_clean()
    vehicle._history_user = by
    try:
        with transaction.atomic():
            vehicle.save()
    except IntegrityError as exc:
        if "vin" in str(exc).lower():
            raise ValidationError(
                {"vin": _("A vehicle with this VIN is already registered.")}
            ) from exc
        raise


# The dealer's settings the candidate test reads: its day, its aged threshold, its zero-km limit.
CANDIDATE_SETTINGS = frozenset({"time_zone", "aged_threshold_days", "zero_km_max_odometer_km"})


@transaction.atomic
def dealer_save(*, dealer, changed=()) -> Dealer:
    """Save a dealer's details and settings; when a setting the candidate test reads changed,
    every one of its cars is judged again in the same transaction."""
    dealer.save()
    if CANDIDATE_SETTINGS & set(changed):
        judging.rejudge_dealer(dealer)
    return dealer


@transaction.atomic
def vehicle_receive(*, dealer, vin, by=None, **facts) -> Vehicle:
    """Take a vehicle into a dealer's stock."""
    unknown = set(facts) - VEHICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown vehicle fields: {', '.join(sorted(unknown))}")
    facts.setdefault("stocked_on", dealer.today())
    vehicle = Vehicle(dealer=dealer, vin=vin_rules.normalise(vin), **facts)
    _move_status(vehicle, vehicle.status)
    _save_vehicle(vehicle, by=by)
    judging.rejudge([vehicle])
    return vehicle


@transaction.atomic
def vehicle_update(*, vehicle, by=None, confirm_odometer_decrease=False, **changes) -> Vehicle:
    """Change a vehicle's facts; a lower odometer reading needs an explicit confirmation."""
    forbidden = set(changes) - (VEHICLE_FIELDS - {"status", "dealer"})
    if forbidden:
        raise TypeError(f"not changeable here: {', '.join(sorted(forbidden))}")
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if "vin" in changes:
        changes["vin"] = vin_rules.normalise(changes["vin"])
    changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
    if not changed:
        return locked
    new_odometer = changed.get("odometer_km")
    if (
        new_odometer is not None
        and new_odometer < locked.odometer_km
        and not confirm_odometer_decrease
    ):
        raise ValidationError(
            {
                "odometer_km": _(
                    "The odometer goes down from %(old)s km to %(new)s km; confirm that this "
                    "correction is intended."
                )
                % {"old": locked.odometer_km, "new": new_odometer}
            },
            code="odometer_decrease",
        )
    for name, value in changed.items():
        setattr(locked, name, value)
    _save_vehicle(locked, by=by)
    judging.rejudge([locked])
    return locked


@transaction.atomic
def vehicle_change_status(*, vehicle, to_status, by=None) -> Vehicle:
    """Reserve, release or sell a vehicle domestically."""
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if locked.status == to_status:
        return locked
    if to_status not in MANUAL_STATUS_MOVES.get(locked.status, set()):
        raise ValidationError(
            {
                "status": _("A vehicle that is %(from)s cannot be marked %(to)s by hand.")
                % {
                    "from": VehicleStatus(locked.status).label,
                    "to": VehicleStatus(to_status).label,
                }
            },
            code="illegal_status_move",
        )
    _move_status(locked, to_status)
    locked._history_user = by
    locked.save(update_fields=["status", "left_stock_on", "updated_at"])
    judging.rejudge([locked])
    return locked


def vehicle_delete_refusal(vehicle) -> str | None:
    """Why a vehicle must stay on record, or None when it may be deleted.

    Only a car entered by mistake may go: once anything happened to it (a status, price or
    odometer change kept by its history, a paper, an inspection, a shipment, a floor plan),
    that record is kept, and the car is sold domestically or its shipment cancelled instead.
    """
    if vehicle.history.count() > 1:
        return _("its history records changes since it was received")
    if vehicle.documents.exists():
        return _("papers are filed for it")
    if vehicle.inspections.exists():
        return _("it has inspections")
    if vehicle.shipment_lines.exists():
        return _("it has been on a shipment")
    if VehicleFloorPlan.objects.filter(vehicle=vehicle).exists():
        return _("it is floored on a lender's line")
    return None


@transaction.atomic
def vehicle_delete(*, vehicle, by=None) -> None:
    """Delete a vehicle received by mistake; one with any record is refused by name."""
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    refusal = vehicle_delete_refusal(locked)
    if refusal:
        raise ValidationError(
            _(
                "Vehicle %(vin)s cannot be deleted: %(reason)s. Mark it sold domestically or "
                "cancel its shipment instead."
            )
            % {"vin": locked.vin, "reason": refusal},
            code="vehicle_on_record",
        )
    locked._history_user = by
    locked.delete()


def vehicle_set_shipment_status(*, vehicles, to_status, by=None, on=None) -> int:
    """Move vehicles as their shipment moves; only the exports services call this.

    `on` is the day of the shipment's move: loaded cars leave stock that day."""
    moved = []
    for vehicle in vehicles:
        if vehicle.status != to_status:
            _move_status(vehicle, to_status, on=on)
            vehicle._history_user = by
            vehicle.save(update_fields=["status", "left_stock_on", "updated_at"])
            moved.append(vehicle)
    judging.rejudge(moved)
    return len(moved)


# What staff file about a paper, in the order the form asks for it.
DOCUMENT_FIELDS = (
    "kind",
    "country_code",
    "issuer",
    "issuer_is_listed_manufacturer",
    "holder",
    "issued_on",
    "reference",
    "scan",
)


@transaction.atomic
def vehicle_document_add(*, vehicle, by=None, **fields) -> VehicleDocument:
    """File a paper an export rule asks for (an after-sales confirmation, a certificate)."""
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown document fields: {', '.join(sorted(unknown))}")
    scan = fields.get("scan")
    if scan:
        problem = uploads.upload_problem(
            scan, kinds=uploads.PAPER_KINDS, described=_("a PDF, JPEG or PNG")
        )
        if problem:
            raise ValidationError({"scan": problem})
    document = VehicleDocument(vehicle=vehicle, added_by=by, **fields)
    document.full_clean()
    document.save()
    judging.rejudge([vehicle])
    return document


# Once its shipment is booked, a car's papers are what customs clearance was judged on.
PAPERS_FIXED_FOR = frozenset({VehicleStatus.ALLOCATED, VehicleStatus.EXPORTED})


@transaction.atomic
def vehicle_document_remove(*, document, by=None) -> None:
    """Take a paper off the file, for example one filed against the wrong car, with its scan.

    Refused once the car is on a booked shipment or exported: the paper is then part of the
    export's record."""
    vehicle = Vehicle.objects.select_for_update().get(pk=document.vehicle_id)
    if vehicle.status in PAPERS_FIXED_FOR:
        raise ValidationError(
            _("Vehicle %(vin)s is %(status)s; its papers stay on file with the export.")
            % {"vin": vehicle.vin, "status": vehicle.get_status_display().lower()},
            code="paper_on_record",
        )
    stored = VehicleDocument.objects.filter(pk=document.pk).first()
    if stored is None:
        return
    stored.delete()
    delete_files_on_commit([stored.scan])
    judging.rejudge([vehicle])


@transaction.atomic
def floor_plan_line_delete(*, line) -> None:
    """Delete a line opened by mistake; one that financed cars is closed to new cars instead."""
    locked = FloorPlanLine.objects.select_for_update().get(pk=line.pk)
    if locked.floor_plans.exists():
        raise ValidationError(
            _("Line %(line)s financed cars and stays on record; close it to new cars instead.")
            % {"line": locked.name},
            code="line_on_record",
        )
    locked.delete()


@transaction.atomic
def floor_plan_line_save(*, line) -> FloorPlanLine:
    """Open or change a lender's line; cars already floored keep their booked interest."""
    line.full_clean()
    line.save()
    return line


def _schedule_next_curtailment(floor_plan):
    due = costs.next_curtailment(
        principal=floor_plan.principal,
        balance=floor_plan.balance,
        floored_on=floor_plan.floored_on,
        terms=floor_plan.line.terms,
    )
    floor_plan.next_curtailment_due = due.due_on if due else None
    floor_plan.next_curtailment_amount = due.amount if due else None


def _store_curtailments_owed(floor_plan):
    """One row per instalment still owed, so that each overdue one is listed and counted."""
    CurtailmentOwed.objects.filter(floor_plan=floor_plan).delete()
    if not floor_plan.is_open:
        return
    CurtailmentOwed.objects.bulk_create(
        CurtailmentOwed(
            dealer_id=floor_plan.dealer_id,
            floor_plan=floor_plan,
            due_on=instalment.due_on,
            amount=instalment.amount,
        )
        for instalment in costs.curtailments_owed(
            principal=floor_plan.principal,
            balance=floor_plan.balance,
            floored_on=floor_plan.floored_on,
            terms=floor_plan.line.terms,
        )
    )


@transaction.atomic
def vehicle_floor(*, vehicle, line, principal=None, floored_on=None, by=None) -> VehicleFloorPlan:
    """Finance a car on a lender's line; the principal defaults to its acquisition cost."""
    vehicle = Vehicle.objects.select_for_update().select_related("dealer").get(pk=vehicle.pk)
    refuse_unless_on_hand(vehicle, _("floored"))
    line = FloorPlanLine.objects.select_for_update().get(pk=line.pk)
    principal = vehicle.acquisition_cost if principal is None else Decimal(principal)
    floored_on = floored_on or vehicle.stocked_on
    errors = {}
    if line.dealer_id != vehicle.dealer_id:
        errors["line"] = _("Choose one of this dealer's floor-plan lines.")
    elif not line.is_active:
        errors["line"] = _("This line no longer takes new cars.")
    if VehicleFloorPlan.objects.filter(vehicle=vehicle).exists():
        errors["vehicle"] = _("This car is already floored.")
    if principal <= 0:
        errors["principal"] = _("The principal must be more than zero.")
    elif line.credit_limit is not None and "line" not in errors:
        used = (
            VehicleFloorPlan.objects.open()
            .filter(line=line)
            .aggregate(used=Sum("balance", default=Decimal("0")))["used"]
        )
        if used + principal > line.credit_limit:
            errors["principal"] = _(
                "The line has %(left)s of credit left, less than this principal."
            ) % {"left": line.credit_limit - used}
    if floored_on > vehicle.dealer.today():
        errors["floored_on"] = _("The flooring date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    floor_plan = VehicleFloorPlan(
        dealer=vehicle.dealer,
        vehicle=vehicle,
        line=line,
        principal=principal,
        floored_on=floored_on,
        balance=principal,
        accrued_through=floored_on,
        fees=costs.flooring_fees(principal, line.terms),
        created_by=by,
    )
    _schedule_next_curtailment(floor_plan)
    floor_plan.full_clean()
    floor_plan.save()
    _store_curtailments_owed(floor_plan)
    return floor_plan


@transaction.atomic
def floor_plan_pay(
    *, floor_plan, kind, paid_on, amount=None, reference="", by=None
) -> FloorPlanPayment:
    """Record money paid to the lender for one car.

    A curtailment pays principal, an interest payment pays booked interest, a payoff pays
    everything still owed on that day (balance, interest and fees) and closes the floor plan.
    Interest up to the payment day is booked first, so every payment leaves exact figures.
    """
    locked = (
        VehicleFloorPlan.objects.select_for_update()
        .select_related("line", "vehicle__dealer")
        .get(pk=floor_plan.pk)
    )
    if not locked.is_open:
        raise ValidationError(
            _("This floor plan was paid off on %(date)s.") % {"date": locked.paid_off_on},
            code="paid_off",
        )
    if kind not in PaymentKind.values:
        raise ValidationError({"kind": _("Choose curtailment, interest or payoff.")})
    if paid_on < locked.accrued_through:
        raise ValidationError(
            {
                "paid_on": _(
                    "A payment cannot be dated before %(date)s, the last date already booked."
                )
                % {"date": locked.accrued_through}
            }
        )
    if paid_on > locked.vehicle.dealer.today():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    locked.interest_accrued += costs.interest_between(
        locked.balance, locked.line.terms, locked.accrued_through, paid_on
    )
    locked.accrued_through = paid_on
    parts = {"principal": Decimal("0"), "interest": Decimal("0"), "fees": Decimal("0")}
    if kind == PaymentKind.PAYOFF:
        parts = {
            "principal": locked.balance,
            "interest": locked.interest_accrued,
            "fees": locked.fees - locked.fees_paid,
        }
        owed = sum(parts.values())
        if amount is not None and Decimal(amount) != owed:
            raise ValidationError(
                {
                    "amount": _("The payoff on %(date)s is %(owed)s, not %(amount)s.")
                    % {"date": paid_on, "owed": owed, "amount": amount}
                }
            )
        locked.paid_off_on = paid_on
    else:
        amount = Decimal(amount) if amount is not None else None
        limit = locked.balance if kind == PaymentKind.CURTAILMENT else locked.interest_accrued
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("Enter an amount more than zero.")})
        if amount > limit:
            message = (
                _("The balance is only %(limit)s; record a payoff to close the floor plan.")
                if kind == PaymentKind.CURTAILMENT
                else _("Only %(limit)s of interest is due on that day.")
            )
            raise ValidationError({"amount": message % {"limit": limit}})
        parts["principal" if kind == PaymentKind.CURTAILMENT else "interest"] = amount
    locked.balance -= parts["principal"]
    locked.interest_accrued -= parts["interest"]
    locked.interest_paid += parts["interest"]
    locked.fees_paid += parts["fees"]
    _schedule_next_curtailment(locked)
    locked.full_clean()
    locked.save()
    _store_curtailments_owed(locked)
    payment = FloorPlanPayment(
        floor_plan=locked,
        kind=kind,
        paid_on=paid_on,
        amount=sum(parts.values()),
        balance_after=locked.balance,
        reference=reference,
        recorded_by=by,
        **parts,
    )
    payment.full_clean()
    payment.save()
    return payment


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
def inspection_save_draft(*, report, by=None, readings=None, findings=None) -> InspectionReport:
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
def inspection_save_readings(*, report, readings) -> None:
    """Replace a draft's readings with `readings` (PaintReading objects, saved or not)."""
    locked = _lock_report(report)
    _refuse_unless_draft(locked)
    _replace_readings(locked, readings)
    _judge_paint(locked)


@transaction.atomic
def inspection_save_findings(*, report, findings) -> None:
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
def inspection_add_photos(*, report, images, caption="", by=None) -> list[InspectionPhoto]:
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
def inspection_remove_photo(*, photo) -> None:
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
    *, model, field, name, kinds, dry_run=False
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
def inspection_issue(*, report, by) -> InspectionReport:
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
def inspection_revise(*, report, by=None) -> InspectionReport:
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
def inspection_revoke(*, report, reason, by) -> InspectionReport:
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
def inspection_discard(*, report) -> None:
    """Delete a draft report with its readings, findings and photos."""
    locked = _lock_report(report)
    _refuse_unless_draft(locked)
    photos = list(locked.photos.all())
    locked.delete()
    _delete_unshared_photo_files(photos)


@transaction.atomic
def submission_tokens_prune(*, now=None) -> int:
    """Forget posted form tokens old enough that their forms are refused as expired anyway."""
    before = (now or timezone.now()) - timedelta(seconds=FORM_TOKEN_MAX_AGE)
    deleted, _by_model = SubmissionToken.objects.filter(submitted_at__lt=before).delete()
    return deleted


MANAGER_APPS = ("inventory", "exports", "django_celery_beat", "dealerhub")
MANAGER_EXCLUDED = {"add_dealer", "delete_dealer", "add_jobrun", "change_jobrun", "delete_jobrun"}
MANAGER_USER_PERMS = {"view_user", "add_user", "change_user"}


@transaction.atomic
def managers_group_sync() -> Group:
    """The "Managers" group: what a dealer manager may do in the admin, kept up to date."""
    group, _created = Group.objects.get_or_create(name="Managers")
    perms = Permission.objects.filter(
        Q(content_type__app_label__in=MANAGER_APPS) & ~Q(codename__in=MANAGER_EXCLUDED)
        | Q(content_type__app_label="auth", codename__in=MANAGER_USER_PERMS)
    )
    group.permissions.set(perms)
    return group


# Settings shared by every dealer, which platform operators maintain.
PLATFORM_MODELS = (
    ("exports", "destinationmarket"),
    ("exports", "marketrule"),
    ("django_celery_beat", "periodictask"),
    ("django_celery_beat", "intervalschedule"),
    ("django_celery_beat", "crontabschedule"),
    ("django_celery_beat", "solarschedule"),
    ("django_celery_beat", "clockedschedule"),
)


@transaction.atomic
def platform_operators_group_sync() -> Group:
    """The platform operators' group: may change the markets, rules and schedules."""
    group, _created = Group.objects.get_or_create(name=PLATFORM_OPERATORS_GROUP)
    models_q = Q()
    for app_label, model in PLATFORM_MODELS:
        models_q |= Q(content_type__app_label=app_label, content_type__model=model)
    group.permissions.set(Permission.objects.filter(models_q))
    return group


@transaction.atomic
def job_run_start(*, job, dealer=None) -> JobRun:
    """Record that a run begins. A run of the same job still "running" past the task's hard
    time limit cannot be alive any more (its worker was killed): it is marked abandoned."""
    limit = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    job_runs_abandon(job=job, started_before=limit)
    return JobRun.objects.create(job=job, dealer=dealer)


def job_runs_abandon(*, job, keep=None, started_before=None) -> int:
    """Close the runs of `job` left "running" by a worker that died before finishing.

    Called by every new run for runs past the time limit, and by a run that holds the job's
    lock for all others: while it holds the lock no other run can be going.
    """
    runs = JobRun.objects.filter(job=job, status=JobRunStatus.RUNNING)
    if keep is not None:
        runs = runs.exclude(pk=keep.pk)
    if started_before is not None:
        runs = runs.filter(started_at__lt=started_before)
    return runs.update(
        status=JobRunStatus.ABANDONED,
        finished_at=timezone.now(),
        error="Abandoned: the worker stopped before this run finished; a later run took over.",
    )


@transaction.atomic
def job_run_finish(*, run, counts=None, error="", status=None) -> JobRun:
    run.finished_at = timezone.now()
    run.counts = counts or {}
    run.error = error
    run.status = status or (JobRunStatus.FAILED if error else JobRunStatus.SUCCEEDED)
    run.save(update_fields=["finished_at", "counts", "error", "status"])
    return run


def worker_heartbeat() -> JobRun:
    """Record that a worker picked up and finished a job, with how much stock it could see."""
    run = job_run_start(job="worker heartbeat")
    return job_run_finish(run=run, counts={"vehicles": Vehicle.objects.count()})
