"""Taking a checked stock file into a dealer's stock: every row or none, through the same
services as a single car."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Dealer, FloorPlanLine, Vehicle
from .floor_plan import vehicle_floor
from .vehicles import vehicle_change_status, vehicle_receive, vehicle_update

_DATES = {"stocked_on", "registered_on"}
_MONEY = {"acquisition_cost", "list_price"}
_NUMBERS = {"model_year", "odometer_km"}


@dataclass
class ImportCounts:
    new: int = 0
    changed: int = 0


def _typed(facts: dict) -> dict:
    typed = {}
    for name, value in facts.items():
        if value is None or value == "":
            typed[name] = None if name in _DATES else value
        elif name in _DATES:
            typed[name] = date.fromisoformat(value)
        elif name in _MONEY:
            typed[name] = Decimal(value)
        elif name in _NUMBERS:
            typed[name] = int(value)
        else:
            typed[name] = value
    return {name: value for name, value in typed.items() if value is not None}


def _refusal(number, exc: ValidationError) -> ValidationError:
    return ValidationError(
        [_("Row %(row)s: %(problem)s") % {"row": number, "problem": text} for text in exc.messages]
    )


@transaction.atomic
def vehicle_import(*, dealer: Dealer, rows: list[dict], by: User | None = None) -> ImportCounts:
    """Apply the previewed rows of a stock file: receive the new cars (floored when the row
    names a line), change price, odometer and status of those in stock. One refusal undoes
    the whole file. A row is a dict of `RowPlan` fields as kept by the preview."""
    counts = ImportCounts()
    for row in rows:
        if row["action"] not in ("new", "update"):
            continue
        try:
            if row["action"] == "new":
                _receive(row, dealer=dealer, by=by)
                counts.new += 1
            elif _update(row, dealer=dealer, by=by):
                counts.changed += 1
        except ValidationError as exc:
            raise _refusal(row["number"], exc) from exc
    return counts


def _receive(row, *, dealer, by):
    facts = _typed(row["facts"])
    vehicle = vehicle_receive(dealer=dealer, by=by, **facts)
    if row.get("line_id"):
        line = FloorPlanLine.objects.get(dealer=dealer, pk=row["line_id"])
        amount = row.get("floored_amount")
        vehicle_floor(
            vehicle=vehicle, line=line, principal=Decimal(amount) if amount else None, by=by
        )


def _update(row, *, dealer, by) -> bool:
    vehicle = Vehicle.objects.select_for_update().get(dealer=dealer, pk=row["vehicle_id"])
    facts = _typed(row["facts"])
    status = facts.pop("status", None)
    before = (vehicle.list_price, vehicle.odometer_km, vehicle.status)
    if facts:
        # The preview showed the lower reading as a change; applying it is that confirmation.
        vehicle = vehicle_update(vehicle=vehicle, by=by, confirm_odometer_decrease=True, **facts)
    if status:
        vehicle = vehicle_change_status(vehicle=vehicle, to_status=status, by=by)
    return before != (vehicle.list_price, vehicle.odometer_km, vehicle.status)
