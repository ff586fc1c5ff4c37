"""Every write to shipments, market rules, export-candidate flags and cash-flow snapshots."""

from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Dealer, JobRun, JobRunStatus, Vehicle, VehicleStatus
from inventory.services import job_run_finish, job_run_start, vehicle_set_shipment_status

from . import candidates, cashflow, customs
from .models import CashFlowSnapshot, ExportShipment, MarketRule, ShipmentLine, ShipmentStatus

S = ShipmentStatus
NEXT_STATUSES = {
    S.DRAFT: {S.BOOKED, S.CANCELLED},
    S.BOOKED: {S.CUSTOMS_CLEARED, S.CANCELLED},
    S.CUSTOMS_CLEARED: {S.LOADED, S.CANCELLED},
    S.LOADED: {S.IN_TRANSIT},
    S.IN_TRANSIT: {S.ARRIVED},
    S.ARRIVED: {S.DELIVERED},
    S.DELIVERED: set(),
    S.CANCELLED: set(),
}
# Where the vehicles on a shipment stand once it reaches a status.
VEHICLE_STATUS_FOR = {
    S.BOOKED: VehicleStatus.ALLOCATED,
    S.LOADED: VehicleStatus.EXPORTED,
    S.CANCELLED: VehicleStatus.IN_STOCK,
}
OPEN_FOR_LINES = {S.DRAFT, S.BOOKED}
SHIPPABLE_VEHICLE_STATUSES = {VehicleStatus.IN_STOCK, VehicleStatus.RESERVED}


def next_statuses(shipment):
    return sorted(NEXT_STATUSES[ShipmentStatus(shipment.status)], key=list(S).index)


@transaction.atomic
def shipment_create(*, dealer, reference, destination, consignee, by=None, **details):
    shipment = ExportShipment(
        dealer=dealer,
        reference=reference.strip(),
        destination=destination,
        consignee=consignee,
        created_by=by,
        **details,
    )
    if destination.is_origin:
        raise ValidationError({"destination": _("Choose the country the vehicles are going to.")})
    shipment.full_clean()
    shipment._history_user = by
    shipment.save()
    return shipment


@transaction.atomic
def shipment_update(*, shipment, by=None, **changes) -> ExportShipment:
    """Change a shipment's details; its status moves only through `shipment_advance`."""
    if {"status", "dealer"} & set(changes):
        raise TypeError("status and dealer change only through shipment_advance")
    locked = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
    if not changed:
        return locked
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def shipment_add_vehicle(*, shipment, vehicle, sale_price=None, by=None) -> ShipmentLine:
    """Put a dealer's vehicle on a draft or booked shipment; it can be on only one at a time."""
    shipment = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.dealer_id != shipment.dealer_id:
        raise ValidationError(
            {"vehicle": _("Vehicle %(vin)s belongs to another dealer.") % {"vin": vehicle.vin}}
        )
    if shipment.status not in OPEN_FOR_LINES:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s; vehicles can only be added while draft or booked.")
            % {"ref": shipment.reference, "status": shipment.get_status_display().lower()}
        )
    if vehicle.status not in SHIPPABLE_VEHICLE_STATUSES:
        raise ValidationError(
            {
                "vehicle": _("Vehicle %(vin)s is %(status)s and cannot be shipped.")
                % {"vin": vehicle.vin, "status": vehicle.get_status_display().lower()}
            }
        )
    existing = ShipmentLine.objects.filter(vehicle=vehicle, is_active=True).first()
    if existing:
        if existing.shipment_id == shipment.pk:
            return existing
        raise ValidationError(
            {
                "vehicle": _("Vehicle %(vin)s is already on shipment %(ref)s.")
                % {"vin": vehicle.vin, "ref": existing.shipment.reference}
            }
        )
    code, _reason = customs.hs_code(vehicle.powertrain, vehicle.engine_cc)
    line = ShipmentLine(shipment=shipment, vehicle=vehicle, hs_code=code)
    if sale_price is not None:
        line.sale_price = sale_price
    line.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "vehicle": _("Vehicle %(vin)s is already on another active shipment.")
                % {"vin": vehicle.vin}
            }
        ) from exc
    if shipment.status == S.BOOKED:
        vehicle_set_shipment_status(vehicles=[vehicle], to_status=VehicleStatus.ALLOCATED, by=by)
    return line


@transaction.atomic
def shipment_line_set_price(*, line, sale_price) -> ShipmentLine:
    locked = ShipmentLine.objects.select_for_update().select_related("shipment").get(pk=line.pk)
    if locked.shipment.status not in OPEN_FOR_LINES:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s; its prices can no longer change.")
            % {
                "ref": locked.shipment.reference,
                "status": locked.shipment.get_status_display().lower(),
            }
        )
    locked.sale_price = sale_price
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=["sale_price"])
    return locked


@transaction.atomic
def shipment_remove_vehicle(*, shipment, vehicle, by=None) -> None:
    shipment = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status not in OPEN_FOR_LINES:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s; its vehicles can no longer be removed.")
            % {"ref": shipment.reference, "status": shipment.get_status_display().lower()}
        )
    line = shipment.lines.filter(vehicle=vehicle, is_active=True).first()
    if line is None:
        return
    line.delete()
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if locked.status == VehicleStatus.ALLOCATED:
        vehicle_set_shipment_status(vehicles=[locked], to_status=VehicleStatus.IN_STOCK, by=by)


@transaction.atomic
def shipment_advance(*, shipment, to_status, by=None, reason="") -> ExportShipment:
    """Move a shipment one step along its lifecycle; its vehicles follow."""
    shipment = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    to_status = ShipmentStatus(to_status)
    if shipment.status == to_status:
        return shipment
    if to_status not in NEXT_STATUSES[ShipmentStatus(shipment.status)]:
        raise ValidationError(
            _("Shipment %(ref)s cannot go from %(from)s to %(to)s.")
            % {
                "ref": shipment.reference,
                "from": shipment.get_status_display().lower(),
                "to": to_status.label.lower(),
            },
            code="illegal_shipment_move",
        )
    lines = list(shipment.lines.filter(is_active=True).select_related("vehicle"))
    if to_status == S.BOOKED and not lines:
        raise ValidationError(_("Add at least one vehicle before booking the shipment."))
    vehicles = list(
        Vehicle.objects.select_for_update().filter(pk__in=[line.vehicle_id for line in lines])
    )
    if to_status in VEHICLE_STATUS_FOR:
        vehicle_set_shipment_status(
            vehicles=vehicles, to_status=VEHICLE_STATUS_FOR[to_status], by=by
        )
    if to_status == S.CANCELLED:
        shipment.lines.filter(is_active=True).update(is_active=False)
        shipment.cancelled_reason = reason
    shipment.status = to_status
    shipment._history_user = by
    shipment.save()
    return shipment


@transaction.atomic
def market_rule_mark_verified(*, rules, on) -> int:
    """Record that managers re-read the sources of these rules on a date."""
    return MarketRule.objects.filter(pk__in=[r.pk for r in rules]).update(last_verified=on)


CANDIDATE_JOB = "flag export candidates"
# PostgreSQL advisory-lock key that lets one candidate run go at a time.
CANDIDATE_LOCK_KEY = 4_242_001
CANDIDATE_LOCK_CACHE_KEY = "lock:flag-export-candidates"


@contextmanager
def _single_candidate_run():
    """The transaction of one candidate run; yields False when another run holds the lock.

    On PostgreSQL an advisory lock lives and dies with the transaction. Elsewhere (the
    embedded SQLite default) the cache holds the lock, released once the transaction ends,
    however it ends: committed, rolled back by a dry run, or broken.
    """
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CANDIDATE_LOCK_KEY])
                held = cursor.fetchone()[0]
            yield held
        return
    if not cache.add(CANDIDATE_LOCK_CACHE_KEY, True, timeout=settings.CELERY_TASK_TIME_LIMIT):
        yield False
        return
    try:
        with transaction.atomic():
            yield True
    finally:
        cache.delete(CANDIDATE_LOCK_CACHE_KEY)


def _last_fingerprint(dealer):
    run = (
        JobRun.objects.filter(job=CANDIDATE_JOB, dealer=dealer, status=JobRunStatus.SUCCEEDED)
        .exclude(counts__dry_run=True)
        .order_by("-started_at", "-id")
        .first()
    )
    return (run.counts or {}).get("fingerprint", "") if run else ""


def export_candidates_flag(*, dealer=None, dry_run=False, on=None) -> JobRun:
    """Flag the zero-km export candidates of one dealer, or of all active dealers.

    One transaction: a crash leaves the flags as they were. One run at a time: a second run
    while one is going finishes at once as "skipped". Each run leaves a JobRun.
    """
    run = job_run_start(job=CANDIDATE_JOB, dealer=dealer)
    dealers = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealer is not None:
        dealers = dealers.filter(pk=dealer.pk)
    outcome = None
    try:
        with _single_candidate_run() as held:
            if held:
                outcome = candidates.run(
                    dealers=dealers,
                    on=on or timezone.localdate(),
                    dry_run=dry_run,
                    last_fingerprint="" if dry_run else _last_fingerprint(dealer),
                )
                if dry_run:  # nothing a dry run wrote on the way (verdict rows) stays
                    transaction.set_rollback(True)
    except Exception as exc:
        job_run_finish(run=run, error=f"{exc.__class__.__name__}: {exc}")
        raise
    if outcome is None:
        return job_run_finish(
            run=run,
            status=JobRunStatus.SKIPPED,
            counts={"skipped": "another run was going"},
        )
    return job_run_finish(run=run, counts={**outcome.counts(), "dry_run": dry_run})


SNAPSHOT_JOB = "snapshot cash flow"
SNAPSHOT_FIELDS = [name for name in cashflow.Figures.__dataclass_fields__ if name != "on"]


def cash_flow_snapshot_take(*, dealer=None, on=None) -> JobRun:
    """Store each active dealer's cash position for its own today (or `on`).

    A rerun on the same day replaces that day's row, so the job is safe to run twice.
    """
    run = job_run_start(job=SNAPSHOT_JOB, dealer=dealer)
    dealers = Dealer.objects.filter(is_active=True).order_by("pk")
    if dealer is not None:
        dealers = dealers.filter(pk=dealer.pk)
    try:
        with transaction.atomic():
            figures = cashflow.dealer_figures(list(dealers), on=on)
            CashFlowSnapshot.objects.bulk_create(
                [
                    CashFlowSnapshot(dealer_id=dealer_id, **row.as_fields())
                    for dealer_id, row in figures.items()
                ],
                update_conflicts=True,
                unique_fields=["dealer", "on"],
                update_fields=[*SNAPSHOT_FIELDS, "taken_at"],
            )
    except Exception as exc:
        job_run_finish(run=run, error=f"{exc.__class__.__name__}: {exc}")
        raise
    days = sorted({row.on.isoformat() for row in figures.values()})
    return job_run_finish(run=run, counts={"dealers": len(figures), "days": days})
