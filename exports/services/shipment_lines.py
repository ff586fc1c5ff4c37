"""The cars on a shipment: add and remove them, and set each one's price and dates."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inventory.models import Vehicle, VehicleStatus
from inventory.services import refuse_too_many, vehicle_set_shipment_status

from .. import customs, eligibility, shipments
from ..models import ExportShipment, ShipmentLine, ShipmentStatus
from . import shipment_checks as checks

OPEN_FOR_LINES = {ShipmentStatus.DRAFT, ShipmentStatus.BOOKED}
SHIPPABLE_VEHICLE_STATUSES = {VehicleStatus.IN_STOCK, VehicleStatus.RESERVED}


@transaction.atomic
def shipment_add_vehicle(*, shipment, vehicle, sale_price=None, by=None) -> ShipmentLine:
    """Put a dealer's vehicle on a draft or booked shipment; it can be on only one at a time.

    The destination's rules are applied as the shipment stands (its market, the day, the
    consignee): a rule that blocks the car refuses it by name; papers the car still needs are
    returned as `line.outstanding` and hold the shipment back from customs clearance. Without
    a `sale_price` the car is offered at its export price in the sale currency."""
    shipment = (
        ExportShipment.objects.select_for_update()
        .select_related("destination", "dealer")
        .get(pk=shipment.pk)
    )
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if sale_price is not None:
        _refuse_unpriced(vehicle, sale_price, field="sale_price")
    existing, verdict = _check_addition(shipment, vehicle)
    if existing:
        return existing
    code, _reason = customs.vehicle_hs_code(vehicle)
    line = ShipmentLine(shipment=shipment, vehicle=vehicle, hs_code=code, added_by=by)
    if sale_price is None:
        sale_price = shipments.sale_price_from_export(vehicle, shipment)
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
    if shipment.status == ShipmentStatus.BOOKED:
        vehicle_set_shipment_status(vehicles=[vehicle], to_status=VehicleStatus.ALLOCATED, by=by)
    checks.rebatch(shipment)
    line.refresh_from_db(fields=["licence_batch", "commodity_code"])
    line.outstanding = [str(kind) for kind in verdict.missing_documents]
    return line


def _check_addition(shipment, vehicle):
    """Raise why `vehicle` may not join `shipment` as they stand; else (the active line that
    already holds it on this shipment or None, the destination rules' verdict). Reads only,
    so the preview of a bulk addition asks it too."""
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
            return existing, None
        raise ValidationError(
            {
                "vehicle": _("Vehicle %(vin)s is already on shipment %(ref)s.")
                % {"vin": vehicle.vin, "ref": existing.shipment.reference}
            }
        )
    verdict = eligibility.market_verdict(
        vehicle,
        shipment.destination.country_code,
        shipment.dealer.today(),
        buyer=shipment.consignee_type,
        declarant=shipment.declarant,
    )
    refusals = checks.refusals(vehicle, shipment, verdict)
    if refusals:
        raise ValidationError({"vehicle": refusals})
    return None, verdict


def _refuse_unpriced(vehicle, sale_price, *, field="sale_price") -> None:
    # A price of nothing is not a price: the car would be "priced" and still count as missing.
    if sale_price is None or sale_price <= 0:
        raise ValidationError(
            {field: _("The sale price of %(vin)s must be more than 0.00.") % {"vin": vehicle.vin}},
            code="price_not_positive",
        )


def _refuse_closed_prices(shipment) -> None:
    if shipment.status not in OPEN_FOR_LINES:
        raise ValidationError(
            _("Shipment %(ref)s is %(status)s; its prices can no longer change.")
            % {"ref": shipment.reference, "status": shipment.get_status_display().lower()}
        )


@transaction.atomic
def shipment_line_set_price(*, line, sale_price) -> ShipmentLine:
    locked = (
        ShipmentLine.objects.select_for_update()
        .select_related("shipment", "vehicle")
        .get(pk=line.pk)
    )
    _refuse_closed_prices(locked.shipment)
    _refuse_unpriced(locked.vehicle, sale_price)
    locked.sale_price = sale_price
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=["sale_price"])
    return locked


@transaction.atomic
def shipment_set_prices(
    *,
    shipment,
    sale_price: Decimal | None = None,
    percent_of_export: Decimal | None = None,
    by=None,
) -> list[ShipmentLine]:
    """Give every car on the shipment one sale price, or a percentage of its own export price
    in the sale currency; all the cars or none, and a car the result leaves at 0.00 is named.
    """
    if (sale_price is None) == (percent_of_export is None):
        raise TypeError("give either sale_price or percent_of_export")
    locked = ExportShipment.objects.select_for_update().select_related("dealer").get(pk=shipment.pk)
    _refuse_closed_prices(locked)
    if sale_price is not None and sale_price <= 0:
        raise ValidationError(
            {"sale_price": _("A sale price must be more than 0.00.")}, code="price_not_positive"
        )
    if percent_of_export is not None and percent_of_export <= 0:
        raise ValidationError(
            {"percent_of_export": _("The percentage must be more than 0.")},
            code="price_not_positive",
        )
    lines = list(
        locked.lines.select_for_update()
        .filter(is_active=True)
        .select_related("vehicle")
        .order_by("id")
    )
    if not lines:
        raise ValidationError(_("There are no vehicles on this shipment to price."))
    refused = []
    for line in lines:
        price = (
            sale_price
            if sale_price is not None
            else shipments.sale_price_from_export(line.vehicle, locked, percent_of_export)
        )
        try:
            _refuse_unpriced(line.vehicle, price)
        except ValidationError as exc:
            refused.extend(exc.message_dict["sale_price"])
            continue
        line.sale_price = price
        line.full_clean(validate_constraints=False)
    if refused:
        field = "sale_price" if sale_price is not None else "percent_of_export"
        raise ValidationError({field: refused}, code="price_not_positive")
    for line in lines:
        line.save(update_fields=["sale_price"])
    return lines


LINE_DATES = frozenset({"transferred_on", "insurance_ends_on", "deregistered_on"})


@transaction.atomic
def shipment_line_set_dates(*, line, **dates) -> ShipmentLine:
    """Record a car's transfer pending export, the end of its compulsory insurance (which,
    with the 60 days, sets its temporary plate's expiry) and its de-registration after
    export."""
    unknown = set(dates) - LINE_DATES
    if unknown:
        raise TypeError(f"not a line date: {', '.join(sorted(unknown))}")
    locked = ShipmentLine.objects.select_for_update().select_related("shipment").get(pk=line.pk)
    for name, value in dates.items():
        setattr(locked, name, value)
    today = locked.shipment.dealer.today()
    future = [
        name
        for name in ("transferred_on", "deregistered_on")
        if (getattr(locked, name) or today) > today
    ]
    if future:
        raise ValidationError({name: _("This date cannot be in the future.") for name in future})
    cleared = locked.shipment.milestone_on(ShipmentStatus.CUSTOMS_CLEARED)
    if locked.deregistered_on and (cleared is None or locked.deregistered_on < cleared):
        raise ValidationError(
            {"deregistered_on": _("A car is de-registered after its export customs clearance.")}
        )
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=sorted(dates))
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
    checks.rebatch(shipment)


@dataclass
class PlannedAddition:
    """One car of a bulk addition: refused (why), already on the shipment, or added with the
    papers it still needs."""

    vehicle: Vehicle
    refusals: list[str] = field(default_factory=list)
    already_on: bool = False
    outstanding: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return not self.refusals and not self.already_on


def shipment_add_plan(*, shipment, vehicles) -> list[PlannedAddition]:
    """What putting `vehicles` on `shipment` would do, car by car, as the rules stand; writes
    nothing."""
    plan = []
    for vehicle in vehicles:
        try:
            existing, verdict = _check_addition(shipment, vehicle)
        except ValidationError as exc:
            plan.append(PlannedAddition(vehicle, refusals=exc.messages))
            continue
        plan.append(
            PlannedAddition(
                vehicle,
                already_on=existing is not None,
                outstanding=[str(kind) for kind in verdict.missing_documents] if verdict else [],
            )
        )
    return plan


@transaction.atomic
def shipment_add_vehicles(*, shipment, vehicles, by=None) -> list[ShipmentLine]:
    """Put several cars on a shipment, all or none: each goes through `shipment_add_vehicle`,
    and any car refused refuses them all, every refusal named."""
    vehicles = sorted({vehicle.pk: vehicle for vehicle in vehicles}.values(), key=lambda v: v.pk)
    refuse_too_many(len(vehicles))
    lines, refusals = [], []
    for vehicle in vehicles:
        try:
            lines.append(shipment_add_vehicle(shipment=shipment, vehicle=vehicle, by=by))
        except ValidationError as exc:
            refusals.extend(text for text in exc.messages if text not in refusals)
    if refusals:
        raise ValidationError(refusals, code="bulk_refused")
    return lines
