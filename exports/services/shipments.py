"""Shipments: create, change, move along the lifecycle, delete a draft, and make their trade
documents."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from inventory.files import delete_files_on_commit
from inventory.models import Dealer, Vehicle, VehicleStatus
from inventory.services import vehicle_set_shipment_status

from .. import documents, shipments
from ..models import (
    DocumentKind,
    ExportShipment,
    ShipmentDocument,
    ShipmentMilestone,
    ShipmentStatus,
)
from . import shipment_checks as checks

NEXT_STATUSES = {
    ShipmentStatus.DRAFT: {ShipmentStatus.BOOKED, ShipmentStatus.CANCELLED},
    ShipmentStatus.BOOKED: {ShipmentStatus.CUSTOMS_CLEARED, ShipmentStatus.CANCELLED},
    ShipmentStatus.CUSTOMS_CLEARED: {ShipmentStatus.LOADED, ShipmentStatus.CANCELLED},
    ShipmentStatus.LOADED: {ShipmentStatus.IN_TRANSIT},
    ShipmentStatus.IN_TRANSIT: {ShipmentStatus.ARRIVED},
    ShipmentStatus.ARRIVED: {ShipmentStatus.DELIVERED},
    ShipmentStatus.DELIVERED: set(),
    ShipmentStatus.CANCELLED: set(),
}
# Where the vehicles on a shipment stand once it reaches a status.
VEHICLE_STATUS_FOR = {
    ShipmentStatus.BOOKED: VehicleStatus.ALLOCATED,
    ShipmentStatus.LOADED: VehicleStatus.EXPORTED,
    ShipmentStatus.CANCELLED: VehicleStatus.IN_STOCK,
}


def next_statuses(shipment):
    return sorted(NEXT_STATUSES[ShipmentStatus(shipment.status)], key=list(ShipmentStatus).index)


def _milestone(shipment, *, status, from_status="", on=None, by=None, note=""):
    return ShipmentMilestone.objects.create(
        shipment=shipment,
        status=status,
        from_status=from_status,
        on=on or shipment.dealer.today(),
        by=by,
        note=note,
    )


@transaction.atomic
def shipment_create(
    *, dealer, destination, consignee, reference: str = "", by=None, **details
) -> ExportShipment:
    """A draft shipment. Without a reference it takes the dealer's next number of the year
    (SH-2026-0001, ...); a typed one is kept as typed and must be the dealer's only one."""
    reference = (reference or "").strip()
    if not reference:
        # The dealer's row is the lock that numbers its shipments one after another, so two
        # shipments saved at the same moment never get the same number.
        Dealer.objects.select_for_update().filter(pk=dealer.pk).first()
        reference = shipments.next_reference(dealer, dealer.today().year)
    shipment = ExportShipment(
        dealer=dealer,
        reference=reference,
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
    _milestone(shipment, status=ShipmentStatus.DRAFT, by=by)
    return shipment


# What booking fixes: the sale is converted at the rate agreed when the ship is booked.
FIXED_AT_BOOKING = frozenset({"fx_rate_to_base", "sale_currency"})
# What each car was checked against when it was added; another market needs a new shipment.
CHECKED_WHEN_ADDED = frozenset({"destination", "consignee_type"})


@transaction.atomic
def shipment_update(*, shipment, by=None, **changes) -> ExportShipment:
    """Change a shipment's details; its status moves only through `shipment_advance`, and its
    FX rate and currency are fixed once it is booked."""
    if {"status", "dealer"} & set(changes):
        raise TypeError("status and dealer change only through shipment_advance")
    locked = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
    if not changed:
        return locked
    frozen = sorted(FIXED_AT_BOOKING & set(changed)) if locked.fx_fixed_on else []
    if locked.lines.filter(is_active=True).exists():
        judged_by = sorted(CHECKED_WHEN_ADDED & set(changed))
        if judged_by:
            raise ValidationError(
                {
                    name: _(
                        "The cars on this shipment were checked against it; remove them "
                        "first or make a new shipment."
                    )
                    for name in judged_by
                }
            )
    if frozen:
        raise ValidationError(
            {
                name: _("Fixed when the shipment was booked on %(day)s.")
                % {"day": locked.fx_fixed_on.isoformat()}
                for name in frozen
            }
        )
    for name, value in changed.items():
        setattr(locked, name, value)
    # What a past move needed stays recorded, and the ETD stays on or before the loading day.
    kept = checks.missing_for(locked, locked.status)
    loaded_on = locked.milestone_on(ShipmentStatus.LOADED)
    if loaded_on and locked.etd and locked.etd > loaded_on:
        kept["etd"] = _("The cars were loaded on %(day)s; the ETD cannot be later.") % {
            "day": loaded_on.isoformat()
        }
    if kept:
        raise ValidationError(kept)
    locked.full_clean()
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def shipment_delete_draft(*, shipment, by=None) -> None:
    """Delete a shipment that never left draft, with its cars, its draft milestone and any
    documents made for it, files included. A booked shipment is cancelled instead: its lines,
    milestones and papers are the record of what was sold abroad."""
    locked = ExportShipment.objects.select_for_update().get(pk=shipment.pk)
    if locked.status != ShipmentStatus.DRAFT:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s and stays on record; cancel it instead.")
            % {"ref": locked.reference, "status": locked.get_status_display().lower()},
            code="shipment_on_record",
        )
    documents = list(locked.documents.all())
    # A draft's cars were never allocated, so taking them off changes no vehicle's status.
    locked.lines.all().delete()
    locked.milestones.all().delete()
    locked.documents.all().delete()
    locked._history_user = by
    locked.delete()
    delete_files_on_commit(
        [document.pdf for document in documents] + [document.xlsx for document in documents]
    )


# The moves that commit the cars to the export: each re-applies the rules on its day, since a
# car can become blocked after it was added (a newer inspection, a salvage title, a new rule).
COMMITTING_MOVES = frozenset(
    {ShipmentStatus.BOOKED, ShipmentStatus.CUSTOMS_CLEARED, ShipmentStatus.LOADED}
)


@transaction.atomic
def shipment_advance(*, shipment, to_status, by=None, reason="", on=None) -> ExportShipment:
    """Move a shipment one step along its lifecycle, recorded with who, when and the day it
    happened; its vehicles follow. Customs clearance waits for every outstanding paper and
    for every car's commodity code; booking and clearance re-form the licence batches."""
    shipment = (
        ExportShipment.objects.select_for_update()
        .select_related("dealer", "destination")
        .get(pk=shipment.pk)
    )
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
    on = on or shipment.dealer.today()
    if on > shipment.dealer.today():
        raise ValidationError({"on": _("A move cannot be dated in the future.")})
    # The draft is dated the day it was entered; moves entered afterwards may be older.
    last = shipment.milestones.exclude(status=ShipmentStatus.DRAFT).order_by("-at", "-id").first()
    if last and on < last.on:
        raise ValidationError(
            {
                "on": _("A move cannot be dated before the one before it, on %(day)s.")
                % {"day": last.on.isoformat()}
            }
        )
    lines = list(shipment.lines.filter(is_active=True).select_related("vehicle"))
    if to_status == ShipmentStatus.BOOKED and not lines:
        raise ValidationError(_("Add at least one vehicle before booking the shipment."))
    needs = {
        **checks.missing_for(shipment, to_status),
        **checks.before_etd(shipment, to_status, on),
    }
    if needs:
        raise ValidationError(needs, code="move_needs")
    if to_status in COMMITTING_MOVES:
        refusals = checks.rule_refusals(shipment, lines, on)
        if refusals:
            raise ValidationError(refusals, code="vehicle_refused")
    if to_status == ShipmentStatus.CUSTOMS_CLEARED:
        # The licences are applied for before clearance, one per batch and code.
        refusals = checks.licence_problems(shipment, lines, on)
        if refusals:
            raise ValidationError(refusals, code="vehicle_refused")
    if to_status in (ShipmentStatus.BOOKED, ShipmentStatus.CUSTOMS_CLEARED):
        checks.rebatch(shipment, on)
    if to_status == ShipmentStatus.CUSTOMS_CLEARED:
        problems = checks.clearance_problems(shipment)
        if problems:
            raise ValidationError(problems, code="outstanding_documents")
    if to_status == ShipmentStatus.CANCELLED and not reason.strip():
        raise ValidationError({"reason": _("Say why the shipment is cancelled.")})
    vehicles = list(
        Vehicle.objects.select_for_update().filter(pk__in=[line.vehicle_id for line in lines])
    )
    if to_status in VEHICLE_STATUS_FOR:
        vehicle_set_shipment_status(
            vehicles=vehicles, to_status=VEHICLE_STATUS_FOR[to_status], by=by, on=on
        )
    if to_status == ShipmentStatus.CANCELLED:
        shipment.lines.filter(is_active=True).update(is_active=False)
        shipment.cancelled_reason = reason.strip()
    if to_status == ShipmentStatus.BOOKED:
        shipment.fx_fixed_on = on
    previous = shipment.status
    shipment.status = to_status
    shipment._history_user = by
    shipment.save()
    _milestone(shipment, status=to_status, from_status=previous, on=on, by=by, note=reason)
    return shipment


@transaction.atomic
def shipment_documents_generate(*, shipment, by=None, language=None) -> list[ShipmentDocument]:
    """A new version of every trade document of the shipment, each as PDF and XLSX, all made
    from one reading of its lines so that they carry the same VINs and figures."""
    locked = (
        ExportShipment.objects.select_for_update()
        .select_related("dealer", "destination")
        .get(pk=shipment.pk)
    )
    if locked.status == ShipmentStatus.CANCELLED:
        raise ValidationError(_("A cancelled shipment needs no documents."))
    lines = shipments.active_lines(locked)
    if not lines:
        raise ValidationError(_("Add vehicles to the shipment before making its documents."))
    unpriced = [line.vehicle.vin for line in lines if not line.sale_price]
    if unpriced:
        raise ValidationError(
            _("Give every car a sale price before making the documents: %(vins)s.")
            % {"vins": ", ".join(unpriced)}
        )
    data = documents.document_data(locked, lines)
    made = []
    for kind in DocumentKind:
        version = 1 + (
            locked.documents.filter(kind=kind).aggregate(newest=Max("version"))["newest"] or 0
        )
        pdf, xlsx = documents.render(kind, data, language=language)
        document = ShipmentDocument(
            shipment=locked,
            kind=kind,
            version=version,
            vins=data.vins,
            total=data.total,
            currency=locked.sale_currency,
            created_by=by,
        )
        name = f"{locked.reference}-{kind.value.replace('_', '-')}-v{version}"
        document.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        document.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        document.save()
        made.append(document)
    return made
