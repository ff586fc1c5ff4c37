"""Floor-plan finance: lenders' lines, the cars floored on them, payments and curtailments."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import constraints

from .. import costs
from ..models import (
    CurtailmentOwed,
    FloorPlanLine,
    FloorPlanPayment,
    PaymentKind,
    Vehicle,
    VehicleFloorPlan,
)
from .vehicles import VehiclesRefused, refuse_unless_on_hand


@transaction.atomic
def floor_plan_line_delete(*, line: FloorPlanLine) -> None:
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
def floor_plan_line_save(*, line: FloorPlanLine) -> FloorPlanLine:
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
    CurtailmentOwed.objects.bulk_create(_curtailments_owed(floor_plan))


def _curtailments_owed(floor_plan) -> list:
    if not floor_plan.is_open:
        return []
    return [
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
    ]


def _new_floor_plan(*, vehicle, line, principal, floored_on, by, used, floored):
    """The unsaved floor plan of one car, or the refusal (field -> message): what
    `vehicle_floor` saves for one car and `vehicle_floor_many` for many. `used` is the line's
    credit already in use, `floored` whether the car is already floored."""
    refuse_unless_on_hand(vehicle, _("floored"))
    principal = vehicle.acquisition_cost if principal is None else Decimal(principal)
    floored_on = floored_on or vehicle.stocked_on
    errors = {}
    if line.dealer_id != vehicle.dealer_id:
        errors["line"] = _("Choose one of this dealer's floor-plan lines.")
    elif not line.is_active:
        errors["line"] = _("This line no longer takes new cars.")
    if floored:
        errors["vehicle"] = _("This car is already floored.")
    if principal <= 0:
        errors["principal"] = _("The principal must be more than zero.")
    elif (
        line.credit_limit is not None
        and "line" not in errors
        and used + principal > line.credit_limit
    ):
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
    return floor_plan


def _credit_used(line) -> Decimal:
    return (
        VehicleFloorPlan.objects.open()
        .filter(line=line)
        .aggregate(used=Sum("balance", default=Decimal("0")))["used"]
    )


@transaction.atomic
def vehicle_floor(
    *,
    vehicle: Vehicle,
    line: FloorPlanLine,
    principal: Decimal | None = None,
    floored_on: date | None = None,
    by: User | None = None,
) -> VehicleFloorPlan:
    """Finance a car on a lender's line; the principal defaults to its acquisition cost."""
    vehicle = Vehicle.objects.select_for_update().select_related("dealer").get(pk=vehicle.pk)
    line = FloorPlanLine.objects.select_for_update().get(pk=line.pk)
    floor_plan = _new_floor_plan(
        vehicle=vehicle,
        line=line,
        principal=principal,
        floored_on=floored_on,
        by=by,
        used=_credit_used(line) if line.credit_limit is not None else Decimal("0"),
        floored=VehicleFloorPlan.objects.filter(vehicle=vehicle).exists(),
    )
    floor_plan.full_clean()
    floor_plan.save()
    _store_curtailments_owed(floor_plan)
    return floor_plan


@transaction.atomic
def vehicle_floor_many(*, floorings: list[tuple], by: User | None = None) -> list:
    """Finance many cars at once, each `(vehicle, line, principal or None)` floored on the
    day it was stocked: the checks of `vehicle_floor` (each line's credit limit counting
    the cars before it), then a few statements for them all. A refused car raises
    `VehiclesRefused` with its index in `floorings`."""
    if not floorings:
        return []
    line_ids = {line.pk for _vehicle, line, _principal in floorings}
    locked = FloorPlanLine.objects.select_for_update().filter(pk__in=line_ids)
    lines = {line.pk: line for line in locked}
    used = {
        pk: _credit_used(line) if line.credit_limit is not None else Decimal("0")
        for pk, line in lines.items()
    }
    vehicle_ids = [vehicle.pk for vehicle, _line, _principal in floorings]
    floored = set(
        VehicleFloorPlan.objects.filter(vehicle_id__in=vehicle_ids).values_list(
            "vehicle_id", flat=True
        )
    )
    plans = []
    for index, (vehicle, line, principal) in enumerate(floorings):
        line = lines[line.pk]
        try:
            floor_plan = _new_floor_plan(
                vehicle=vehicle,
                line=line,
                principal=principal,
                floored_on=None,
                by=by,
                used=used[line.pk],
                floored=vehicle.pk in floored,
            )
            # The relations were just read or written in this transaction: no query each.
            floor_plan.full_clean(
                exclude=["dealer", "vehicle", "line", "created_by"],
                validate_unique=False,
                validate_constraints=False,
            )
            constraints.validate_constraints(floor_plan, unique=False)
        except ValidationError as exc:
            raise VehiclesRefused(index, exc) from exc
        floored.add(vehicle.pk)
        used[line.pk] += floor_plan.principal
        plans.append(floor_plan)
    VehicleFloorPlan.objects.bulk_create(plans, batch_size=1000)
    CurtailmentOwed.objects.bulk_create(
        (owed for floor_plan in plans for owed in _curtailments_owed(floor_plan)), batch_size=1000
    )
    return plans


@transaction.atomic
def floor_plan_pay(
    *,
    floor_plan: VehicleFloorPlan,
    kind: str,
    paid_on: date,
    amount: Decimal | None = None,
    reference: str = "",
    by: User | None = None,
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
