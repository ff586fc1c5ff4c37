"""Changes to many cars at once from the inventory list: what each would change, then all of
them or none, through the single-car services."""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import judging
from ..models import Vehicle, VehicleStatus
from .vehicles import (
    MANUAL_STATUS_MOVES,
    refuse_unless_on_hand,
    vehicle_change_status,
    vehicle_update,
)

# One bulk action takes at most this many cars: a page of the list holds 200, so a request
# that names more was not made by ticking them; and each car goes through its own service
# (about 50 ms with its validation and history), which a request should not wait on for more.
BULK_MAX_VEHICLES = 200
CENT = Decimal("0.01")
# The largest price a money column holds (12 digits, 2 after the point).
PRICE_CEILING = Decimal("9999999999.99")


class RepriceBy(models.TextChoices):
    AMOUNT = "amount", gettext_lazy("By an amount")
    PERCENT = "percent", gettext_lazy("By a percentage")


@dataclass
class PlannedChange:
    """One car of a bulk action: its value before and after, or why it is refused."""

    vehicle: Vehicle
    old: object
    new: object
    refusal: str = ""

    @property
    def changes(self) -> bool:
        return not self.refusal and self.old != self.new

    @property
    def shown(self) -> str:
        """The old value as the preview carries it, to notice a car changed since."""
        return str(self.old)


def refuse_too_many(count: int) -> None:
    if count > BULK_MAX_VEHICLES:
        raise ValidationError(
            _("A bulk action takes at most %(max)s cars; %(count)s were ticked.")
            % {"max": BULK_MAX_VEHICLES, "count": count},
            code="too_many",
        )


def _named(vehicle, text) -> str:
    return _("%(vin)s: %(problem)s") % {"vin": vehicle.vin, "problem": text}


def repriced(price: Decimal, *, reprice_by: str, change: Decimal) -> Decimal:
    """The new list price: `change` added, or `change` per cent of the price added, to the cent
    (half up)."""
    if reprice_by == RepriceBy.PERCENT:
        return (price + price * change / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return (price + change).quantize(CENT, rounding=ROUND_HALF_UP)


def reprice_plan(vehicles: Iterable[Vehicle], *, reprice_by: str, change: Decimal):
    plan = []
    for vehicle in vehicles:
        new = repriced(vehicle.list_price, reprice_by=reprice_by, change=change)
        refusal = ""
        try:
            refuse_unless_on_hand(vehicle, _("repriced"))
        except ValidationError as exc:
            refusal = exc.messages[0]
        else:
            if new <= 0:
                refusal = _named(
                    vehicle, _("the new price %(price)s would not be above zero") % {"price": new}
                )
            elif new > PRICE_CEILING:
                refusal = _named(
                    vehicle, _("the new price %(price)s is too large") % {"price": new}
                )
        plan.append(PlannedChange(vehicle, vehicle.list_price, new, refusal))
    return plan


def status_plan(vehicles: Iterable[Vehicle], *, to_status: str):
    plan = []
    for vehicle in vehicles:
        refusal = ""
        if vehicle.status != to_status and to_status not in MANUAL_STATUS_MOVES.get(
            vehicle.status, ()
        ):
            refusal = _named(
                vehicle,
                _("a vehicle that is %(from)s cannot be marked %(to)s by hand")
                % {
                    "from": VehicleStatus(vehicle.status).label.lower(),
                    "to": VehicleStatus(to_status).label.lower(),
                },
            )
        plan.append(PlannedChange(vehicle, vehicle.status, to_status, refusal))
    return plan


def _locked(vehicles) -> list[Vehicle]:
    """The cars locked in the order of their ids, so two bulk actions never wait on each
    other in a circle."""
    ids = sorted({vehicle.pk for vehicle in vehicles})
    refuse_too_many(len(ids))
    return list(
        Vehicle.objects.select_for_update()
        .select_related("dealer")
        .filter(pk__in=ids)
        .order_by("pk")
    )


@contextmanager
def _naming(vehicle):
    """A single-car service's refusal, about a fact other than the one changed (a record
    that no longer validates), named by the car it stopped at."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(
            [_named(vehicle, text) for text in exc.messages], code="bulk_refused"
        ) from exc


def _refuse(plan, shown: dict[int, str] | None) -> None:
    """Raise every refusal of `plan`, and a car whose value is no longer the one the preview
    showed, by car; nothing has been written yet."""
    problems = [change.refusal for change in plan if change.refusal]
    if shown is not None:
        problems += [
            _named(
                change.vehicle,
                _("it changed since the preview (%(shown)s, now %(now)s); check again")
                % {"shown": shown.get(change.vehicle.pk, "-"), "now": change.shown},
            )
            for change in plan
            if shown.get(change.vehicle.pk) != change.shown
        ]
    if problems:
        raise ValidationError(problems, code="bulk_refused")


@transaction.atomic
def vehicles_reprice(
    *,
    vehicles: Iterable[Vehicle],
    reprice_by: str,
    change: Decimal,
    shown: dict[int, str] | None = None,
    by: User | None = None,
) -> list[PlannedChange]:
    """Change the list price of every car by `change` (an amount, or a percentage of each
    price), each through `vehicle_update` with its history. Any refused car, or one whose price
    is no longer the one in `shown` (the preview's, by id), refuses them all by name."""
    if reprice_by not in RepriceBy.values:
        raise ValueError(f"not a way to reprice: {reprice_by!r}")
    plan = reprice_plan(_locked(vehicles), reprice_by=reprice_by, change=change)
    _refuse(plan, shown)
    with judging.batch():
        for planned in plan:
            if planned.changes:
                with _naming(planned.vehicle):
                    vehicle_update(vehicle=planned.vehicle, list_price=planned.new, by=by)
    return plan


@transaction.atomic
def vehicles_change_status(
    *,
    vehicles: Iterable[Vehicle],
    to_status: str,
    shown: dict[int, str] | None = None,
    by: User | None = None,
) -> list[PlannedChange]:
    """Reserve, release or sell every car, each through `vehicle_change_status`; a car that
    may not make the move, or whose status is no longer the one in `shown`, refuses them all."""
    if to_status not in VehicleStatus.values:
        raise ValueError(f"not a status: {to_status!r}")
    plan = status_plan(_locked(vehicles), to_status=to_status)
    _refuse(plan, shown)
    with judging.batch():
        for planned in plan:
            if planned.changes:
                with _naming(planned.vehicle):
                    vehicle_change_status(vehicle=planned.vehicle, to_status=to_status, by=by)
    return plan
