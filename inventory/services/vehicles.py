"""Vehicles and their papers: receive, update, reprice, status moves, delete, documents on
file."""

from datetime import date
from decimal import Decimal
from enum import Enum

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import bulk, constraints

from .. import judging, uploads
from .. import vin as vin_rules
from ..files import delete_files_on_commit
from ..models import (
    ON_HAND,
    Dealer,
    Fuel,
    RegisteredOwner,
    Reservation,
    ReservationEnd,
    SteeringSide,
    Vehicle,
    VehicleDocument,
    VehicleFloorPlan,
    VehicleStatus,
    VinDecoder,
    vin_decode,
)


class Unset(Enum):
    """A keyword the caller left out: the field keeps the value it has."""

    UNSET = "unset"


UNSET = Unset.UNSET

# What history keeps of a change's reason (django-simple-history's column).
REPRICE_REASON_MAX_LENGTH = 100

# Moves a person may make by hand; allocation and export follow shipments only.
MANUAL_STATUS_MOVES = {
    VehicleStatus.IN_STOCK: {VehicleStatus.RESERVED, VehicleStatus.SOLD_DOMESTIC},
    VehicleStatus.RESERVED: {VehicleStatus.IN_STOCK, VehicleStatus.SOLD_DOMESTIC},
    VehicleStatus.SOLD_DOMESTIC: {VehicleStatus.IN_STOCK},
}


def _move_status(vehicle, to_status, *, on=None) -> None:
    """Set a new status and, with it, the day the car left stock: `on` (default the dealer's
    today) when it leaves, nothing when it is on hand again. Its days in stock end that day."""
    if to_status in ON_HAND:
        vehicle.left_stock_on = None
    elif vehicle.left_stock_on is None:
        day = on or vehicle.dealer.today()
        vehicle.left_stock_on = max(day, vehicle.stocked_on)
    vehicle.status = to_status


def _refuse_status_move(vehicle, to_status) -> None:
    """Only the moves a person may make by hand (`MANUAL_STATUS_MOVES`)."""
    if VehicleStatus.SOLD_FOR_EXPORT in (vehicle.status, to_status):
        raise ValidationError(
            {"status": sold_for_export_by_sale_only(vehicle.vin)},
            code="illegal_status_move",
        )
    if to_status not in MANUAL_STATUS_MOVES.get(vehicle.status, set()):
        raise ValidationError(
            {
                "status": _("A vehicle that is %(from)s cannot be marked %(to)s by hand.")
                % {
                    "from": VehicleStatus(vehicle.status).label,
                    "to": VehicleStatus(to_status).label,
                }
            },
            code="illegal_status_move",
        )
    if to_status == VehicleStatus.RESERVED:
        raise ValidationError(
            {"status": reservation_terms_needed(vehicle.vin)}, code="reservation_terms_needed"
        )


def sold_for_export_by_sale_only(vin) -> str:
    return _(
        "Vehicle %(vin)s is sold for export only by recording its sale to an exporter, and "
        "comes back only by cancelling that sale."
    ) % {"vin": vin}


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


def new_vehicle(
    *,
    dealer: Dealer,
    vin: str,
    model: str,
    powertrain: str,
    acquisition_cost: Decimal,
    list_price: Decimal,
    make: str = "",
    model_year: int | None = None,
    stock_number: str = "",
    trim: str = "",
    engine_cc: int | None = None,
    fuel: str = Fuel.PETROL,
    power_kw: int | None = None,
    body_type: str = "",
    colour: str = "",
    steering_side: str = SteeringSide.LHD,
    odometer_km: int = 0,
    manufactured_on: date | None = None,
    stocked_on: date | None = None,
    registered_on: date | None = None,
    registered_owner: str = RegisteredOwner.DEALER,
    registered_owner_name: str = "",
    export_price: Decimal | None = None,
    status: str = VehicleStatus.IN_STOCK,
    is_salvage: bool = False,
    is_flood_damaged: bool = False,
    notes: str = "",
    decode_vin=vin_decode,
) -> Vehicle:
    """The unsaved vehicle a dealer receives, stocked today unless `stocked_on` says when: what
    `vehicle_receive` saves one at a time and `vehicle_receive_many` by the thousand.

    A make or model year left out is read from the VIN (maker code table, year code); one
    given is kept as given. `decode_vin` is `vin_decode`, or a `VinDecoder` for many cars. A car
    is reserved after it is received, with `vehicle_reserve`.
    """
    if status == VehicleStatus.RESERVED:
        raise ValidationError(
            {"status": reservation_terms_needed(vin)}, code="reservation_terms_needed"
        )
    if status == VehicleStatus.SOLD_FOR_EXPORT:
        raise ValidationError(
            {"status": sold_for_export_by_sale_only(vin)}, code="illegal_status_move"
        )
    if not make or model_year is None:
        decoded = decode_vin(vin, today=dealer.today())
        make = make or decoded.make
        model_year = decoded.model_year if model_year is None else model_year
    vehicle = Vehicle(
        dealer=dealer,
        vin=vin_rules.normalise(vin),
        stock_number=stock_number,
        make=make,
        model=model,
        trim=trim,
        model_year=model_year,
        powertrain=powertrain,
        engine_cc=engine_cc,
        fuel=fuel,
        power_kw=power_kw,
        body_type=body_type,
        colour=colour,
        steering_side=steering_side,
        odometer_km=odometer_km,
        manufactured_on=manufactured_on,
        stocked_on=stocked_on or dealer.today(),
        registered_on=registered_on,
        registered_owner=registered_owner,
        registered_owner_name=registered_owner_name,
        acquisition_cost=acquisition_cost,
        list_price=list_price,
        export_price=export_price,
        status=status,
        is_salvage=is_salvage,
        is_flood_damaged=is_flood_damaged,
        notes=notes,
    )
    _move_status(vehicle, vehicle.status)
    return vehicle


@transaction.atomic
def vehicle_receive(*, dealer: Dealer, by: User | None = None, **facts) -> Vehicle:
    """Take a vehicle into a dealer's stock: the facts of `new_vehicle`, validated, saved
    with its history and judged for export at once."""
    vehicle = new_vehicle(dealer=dealer, **facts)
    _save_vehicle(vehicle, by=by)
    judging.rejudge([vehicle])
    return vehicle


class VehiclesRefused(ValidationError):
    """`vehicle_receive_many` refused the car at `index` of the facts it was given."""

    def __init__(self, index: int, error: ValidationError):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.index = index


# Cars written by one INSERT statement.
BULK_BATCH = 1000


@transaction.atomic
def vehicle_receive_many(
    *, dealer: Dealer, vehicles: list[dict], by: User | None = None
) -> list[Vehicle]:
    """Take many vehicles into a dealer's stock at once: every car or none.

    Each car is built and validated as `vehicle_receive` does (`new_vehicle`, field checks,
    `clean`, the check constraints), its VIN and stock number checked for the whole batch in
    one query each, then all are inserted with their history in a few statements and judged
    for export once, set-based (`judging.batch`). A refused car raises `VehiclesRefused`
    with its index in `vehicles`.
    """
    decode_vin = VinDecoder()
    built = []
    for index, facts in enumerate(vehicles):
        try:
            vehicle = new_vehicle(dealer=dealer, decode_vin=decode_vin, **facts)
            # The dealer is the one given: no query a car to see that it exists.
            vehicle.full_clean(
                exclude=["dealer"], validate_unique=False, validate_constraints=False
            )
            constraints.validate_constraints(vehicle, unique=False)
        except ValidationError as exc:
            raise VehiclesRefused(index, exc) from exc
        built.append(vehicle)
    _refuse_duplicates(dealer, built)
    with judging.batch():
        bulk_create_with_history(built, Vehicle, batch_size=BULK_BATCH, default_user=by)
        judging.rejudge(built)
    return built


def _refuse_duplicates(dealer, vehicles, *, own=False) -> None:
    """The VIN (anywhere) and stock number (at the dealer) of each car are not yet taken, by
    a car on record or an earlier car of the batch; `own`: the cars are on record, and
    their own rows do not count."""
    if not vehicles:
        return
    others = Vehicle.objects.exclude(pk__in=[v.pk for v in vehicles]) if own else Vehicle.objects
    taken_vins = set()
    for start in range(0, len(vehicles), BULK_BATCH):
        vins = [vehicle.vin for vehicle in vehicles[start : start + BULK_BATCH]]
        taken_vins.update(others.filter(vin__in=vins).values_list("vin", flat=True))
    numbers = {vehicle.stock_number for vehicle in vehicles if vehicle.stock_number}
    taken_numbers = set()
    numbers_list = sorted(numbers)
    for start in range(0, len(numbers_list), BULK_BATCH):
        chunk = numbers_list[start : start + BULK_BATCH]
        taken_numbers.update(
            others.filter(dealer=dealer, stock_number__in=chunk).values_list(
                "stock_number", flat=True
            )
        )
    for index, vehicle in enumerate(vehicles):
        if vehicle.vin in taken_vins:
            raise VehiclesRefused(
                index,
                ValidationError({"vin": _("A vehicle with this VIN is already registered.")}),
            )
        taken_vins.add(vehicle.vin)
        if vehicle.stock_number in taken_numbers:
            raise VehiclesRefused(
                index,
                ValidationError(
                    {"stock_number": _("This stock number is already used at this dealer.")}
                ),
            )
        if vehicle.stock_number:
            taken_numbers.add(vehicle.stock_number)


@transaction.atomic
def vehicle_update(
    *,
    vehicle: Vehicle,
    by: User | None = None,
    confirm_odometer_decrease: bool = False,
    vin: str | Unset = UNSET,
    stock_number: str | Unset = UNSET,
    make: str | Unset = UNSET,
    model: str | Unset = UNSET,
    trim: str | Unset = UNSET,
    model_year: int | Unset = UNSET,
    powertrain: str | Unset = UNSET,
    engine_cc: int | Unset | None = UNSET,
    fuel: str | Unset = UNSET,
    power_kw: int | Unset | None = UNSET,
    body_type: str | Unset = UNSET,
    colour: str | Unset = UNSET,
    steering_side: str | Unset = UNSET,
    odometer_km: int | Unset = UNSET,
    manufactured_on: date | Unset | None = UNSET,
    stocked_on: date | Unset = UNSET,
    registered_on: date | Unset | None = UNSET,
    registered_owner: str | Unset = UNSET,
    registered_owner_name: str | Unset = UNSET,
    acquisition_cost: Decimal | Unset = UNSET,
    list_price: Decimal | Unset = UNSET,
    export_price: Decimal | Unset | None = UNSET,
    is_salvage: bool | Unset = UNSET,
    is_flood_damaged: bool | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> Vehicle:
    """Change the facts given; a lower odometer reading needs an explicit confirmation. The
    status moves through `vehicle_change_status` and the shipments, never here."""
    given = {
        "vin": vin if vin is UNSET else vin_rules.normalise(vin),
        "stock_number": stock_number,
        "make": make,
        "model": model,
        "trim": trim,
        "model_year": model_year,
        "powertrain": powertrain,
        "engine_cc": engine_cc,
        "fuel": fuel,
        "power_kw": power_kw,
        "body_type": body_type,
        "colour": colour,
        "steering_side": steering_side,
        "odometer_km": odometer_km,
        "manufactured_on": manufactured_on,
        "stocked_on": stocked_on,
        "registered_on": registered_on,
        "registered_owner": registered_owner,
        "registered_owner_name": registered_owner_name,
        "acquisition_cost": acquisition_cost,
        "list_price": list_price,
        "export_price": export_price,
        "is_salvage": is_salvage,
        "is_flood_damaged": is_flood_damaged,
        "notes": notes,
    }
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    changed = _apply_changes(locked, given, confirm_odometer_decrease=confirm_odometer_decrease)
    if not changed:
        return locked
    _save_vehicle(locked, by=by)
    judging.rejudge([locked])
    return locked


def _apply_changes(locked, given, *, confirm_odometer_decrease) -> dict:
    """Set on `locked` the facts of `given` (name -> value or UNSET) that differ, and return
    them; a lower odometer reading without the confirmation is refused."""
    changed = {
        name: value
        for name, value in given.items()
        if value is not UNSET and getattr(locked, name) != value
    }
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
    return changed


# The facts a person records of a car, in the order the forms ask them; `vehicle_update`
# changes them, and the status has its own service.
VEHICLE_FACTS = (
    "vin",
    "stock_number",
    "make",
    "model",
    "trim",
    "model_year",
    "powertrain",
    "engine_cc",
    "fuel",
    "power_kw",
    "body_type",
    "colour",
    "steering_side",
    "manufactured_on",
    "stocked_on",
    "registered_on",
    "registered_owner",
    "registered_owner_name",
    "odometer_km",
    "acquisition_cost",
    "list_price",
    "export_price",
    "is_salvage",
    "is_flood_damaged",
    "notes",
)


@transaction.atomic
def vehicle_update_many(
    *,
    dealer: Dealer,
    updates: list[tuple[int, dict]],
    by: User | None = None,
    confirm_odometer_decrease: bool = False,
) -> list[Vehicle]:
    """Change many of a dealer's cars at once, each `(vehicle id, facts)`: the facts of
    `vehicle_update` and a `status` moved as `vehicle_change_status` moves it, with the same
    checks, in a few statements for them all. Returns the cars that changed, each with one
    history record; a refused car raises `VehiclesRefused` with its index in `updates`."""
    ids = [pk for pk, _facts in updates]
    locked = {
        vehicle.pk: vehicle
        for vehicle in Vehicle.objects.select_for_update()
        .select_related("dealer")
        .filter(dealer=dealer, pk__in=ids)
    }
    now = timezone.now()
    changed_cars, fields, identities = [], {"updated_at"}, []
    leaving_reservation = []
    for index, (pk, facts) in enumerate(updates):
        facts = dict(facts)
        to_status = facts.pop("status", None)
        unknown = set(facts) - set(VEHICLE_FACTS)
        if unknown:
            raise TypeError(f"vehicle_update_many() got unknown facts: {sorted(unknown)}")
        vehicle = locked.get(pk)
        try:
            if vehicle is None:
                raise ValidationError(_("This car is no longer in this dealer's stock."))
            if "vin" in facts:
                facts["vin"] = vin_rules.normalise(facts["vin"])
            changed = _apply_changes(
                vehicle, facts, confirm_odometer_decrease=confirm_odometer_decrease
            )
            if to_status and to_status != vehicle.status:
                _refuse_status_move(vehicle, to_status)
                if vehicle.status == VehicleStatus.RESERVED:
                    leaving_reservation.append(vehicle)
                _move_status(vehicle, to_status)
                changed.update(status=to_status, left_stock_on=vehicle.left_stock_on)
            if not changed:
                continue
            # Its dealer and verdict are the ones just read: no query a car to see them.
            vehicle.full_clean(
                exclude=["dealer", "export_verdict"],
                validate_unique=False,
                validate_constraints=False,
            )
            constraints.validate_constraints(vehicle, unique=False)
        except ValidationError as exc:
            raise VehiclesRefused(index, exc) from exc
        vehicle.updated_at = now
        changed_cars.append(vehicle)
        fields.update(changed)
        if {"vin", "stock_number"} & set(changed):
            identities.append((index, vehicle))
    try:
        _refuse_duplicates(dealer, [vehicle for _index, vehicle in identities], own=True)
    except VehiclesRefused as exc:
        raise VehiclesRefused(identities[exc.index][0], exc) from exc
    bulk.bulk_update(Vehicle, changed_cars, sorted(fields), batch_size=BULK_BATCH)
    # No change reason, as a car changed through `vehicle_update` has none.
    Vehicle.history.bulk_history_create(
        changed_cars,
        update=True,
        default_user=by,
        default_change_reason=None,
        batch_size=BULK_BATCH,
    )
    for vehicle in leaving_reservation:
        reservation_end_open(
            vehicle=vehicle,
            reason=(
                ReservationEnd.SOLD
                if vehicle.status == VehicleStatus.SOLD_DOMESTIC
                else ReservationEnd.RELEASED
            ),
            by=by,
        )
    judging.rejudge(changed_cars)
    return changed_cars


@transaction.atomic
def vehicle_change_status(*, vehicle, to_status, by=None) -> Vehicle:
    """Release a reserved vehicle, sell it domestically or take it back into stock. Releasing
    or selling ends its reservation; reserving goes through `vehicle_reserve`, which records
    the customer, the deposit and the last day the car is held."""
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if locked.status == to_status:
        return locked
    _refuse_status_move(locked, to_status)
    ending = (
        ReservationEnd.SOLD if to_status == VehicleStatus.SOLD_DOMESTIC else ReservationEnd.RELEASED
    )
    set_status(locked, to_status, by=by, reservation_end=ending)
    return locked


def reservation_terms_needed(vin) -> str:
    return _(
        "A reservation records the customer, the deposit and the last day the car is held; "
        "reserve vehicle %(vin)s from its page."
    ) % {"vin": vin}


def set_status(vehicle, to_status, *, by=None, on=None, reservation_end=None, reason=None):
    """Move a locked vehicle to `to_status`, save it with history (`reason` is the history's
    change reason) and re-judge it. A car that stops being reserved ends its open reservation
    with `reservation_end`."""
    was_reserved = vehicle.status == VehicleStatus.RESERVED
    _move_status(vehicle, to_status, on=on)
    vehicle._history_user = by
    vehicle._change_reason = reason
    vehicle.save(update_fields=["status", "left_stock_on", "updated_at"])
    if was_reserved and to_status != VehicleStatus.RESERVED:
        reservation_end_open(vehicle=vehicle, reason=reservation_end, by=by)
    judging.rejudge([vehicle])


def reservation_end_open(*, vehicle, reason, by=None) -> Reservation | None:
    """End the vehicle's open reservation, if it has one, for `reason`."""
    reservation = Reservation.objects.select_for_update().open().filter(vehicle=vehicle).first()
    if reservation is None:
        return None
    reservation.ended_at = timezone.now()
    reservation.end_reason = reason
    reservation.ended_by = by
    reservation.save(update_fields=["ended_at", "end_reason", "ended_by"])
    return reservation


@transaction.atomic
def vehicle_reprice(
    *, vehicle: Vehicle, list_price: Decimal, reason: str = "", by: User | None = None
) -> Vehicle:
    """Set a new list price with the reason for it, kept in the price history. The export
    figures and the candidate flag follow in the same transaction."""
    reason = (reason or "").strip()
    errors = {}
    if list_price is None or list_price <= 0:
        errors["list_price"] = _("A list price must be more than zero.")
    if len(reason) > REPRICE_REASON_MAX_LENGTH:
        errors["reason"] = _("Keep the reason to %(limit)s characters.") % {
            "limit": REPRICE_REASON_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors, code="invalid_price")
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    refuse_unless_on_hand(locked, _("repriced"))
    if locked.list_price == list_price:
        return locked
    locked.list_price = list_price
    locked._change_reason = reason or None
    _save_vehicle(locked, by=by)
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
    photos = list(locked.photos.all())
    locked._history_user = by
    locked.delete()
    delete_files_on_commit([file for photo in photos for file in (photo.image, photo.thumbnail)])


def vehicle_set_shipment_status(*, vehicles, to_status, by=None, on=None) -> int:
    """Move vehicles as their shipment moves; only the exports services call this.

    `on` is the day of the shipment's move: loaded cars leave stock that day."""
    moved = []
    for vehicle in vehicles:
        if vehicle.status != to_status:
            was_reserved = vehicle.status == VehicleStatus.RESERVED
            _move_status(vehicle, to_status, on=on)
            vehicle._history_user = by
            vehicle.save(update_fields=["status", "left_stock_on", "updated_at"])
            if was_reserved:
                reservation_end_open(vehicle=vehicle, reason=ReservationEnd.SHIPPED, by=by)
            moved.append(vehicle)
    judging.rejudge(moved)
    return len(moved)


def vehicle_set_export_sale_status(*, vehicle, sold_on=None, by=None, reason=None) -> Vehicle:
    """Move a locked car as its sale for export moves; only the exports services call this.

    With `sold_on` the car leaves stock that day as sold for export (an open reservation ends
    as sold); without it, the sale was cancelled and the car is back in stock. It is re-judged
    at once, so a sold car stops being an export candidate in the same transaction."""
    to_status = VehicleStatus.SOLD_FOR_EXPORT if sold_on else VehicleStatus.IN_STOCK
    if vehicle.status != to_status:
        if sold_on:
            vehicle.left_stock_on = None
        set_status(
            vehicle,
            to_status,
            by=by,
            on=sold_on,
            reservation_end=ReservationEnd.SOLD,
            reason=reason,
        )
    return vehicle


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
def vehicle_document_add(
    *,
    vehicle: Vehicle,
    by: User | None = None,
    kind: str,
    issuer: str,
    issued_on: date,
    country_code: str = "",
    issuer_is_listed_manufacturer: bool = False,
    holder: str = "",
    reference: str = "",
    scan: File | None = None,
) -> VehicleDocument:
    """File a paper an export rule asks for (an after-sales confirmation, a certificate)."""
    if scan:
        problem = uploads.upload_problem(
            scan, kinds=uploads.PAPER_KINDS, described=_("a PDF, JPEG or PNG")
        )
        if problem:
            raise ValidationError({"scan": problem})
    document = VehicleDocument(
        vehicle=vehicle,
        added_by=by,
        kind=kind,
        country_code=country_code,
        issuer=issuer,
        issuer_is_listed_manufacturer=issuer_is_listed_manufacturer,
        holder=holder,
        issued_on=issued_on,
        reference=reference,
        scan=scan,
    )
    document.full_clean()
    document.save()
    judging.rejudge([vehicle])
    return document


# Once its shipment is booked, a car's papers are what customs clearance was judged on.
PAPERS_FIXED_FOR = frozenset(
    {VehicleStatus.ALLOCATED, VehicleStatus.EXPORTED, VehicleStatus.SOLD_FOR_EXPORT}
)


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
