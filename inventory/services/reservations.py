"""Reservations: holding a car for a customer with a deposit, and the lapse of those whose
last day has passed."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    ZERO,
    Dealer,
    JobRun,
    Reservation,
    ReservationEnd,
    Vehicle,
    VehicleStatus,
)
from .jobs import job_run_finish, job_run_start
from .vehicles import reservation_end_open, set_status

LAPSE_JOB = "lapse reservations"
# The change reason history keeps for a car the lapse job put back in stock; pages show it
# translated.
LAPSED_REASON = "reservation lapsed"


@transaction.atomic
def vehicle_reserve(
    *,
    vehicle: Vehicle,
    customer_name: str,
    expires_on: date,
    deposit: Decimal = ZERO,
    customer_phone: str = "",
    exporter=None,
    by: User | None = None,
) -> Reservation:
    """Hold a car in stock for a customer until `expires_on` (its last day, after the dealer's
    today), with the deposit taken in the dealer's currency. `exporter`, one of the dealer's
    partner exporters, is who the car is held for when it is to be sold for export."""
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if locked.status != VehicleStatus.IN_STOCK:
        raise ValidationError(
            {
                "status": _("Vehicle %(vin)s is %(status)s; only a car in stock can be reserved.")
                % {"vin": locked.vin, "status": VehicleStatus(locked.status).label.lower()}
            },
            code="not_reservable",
        )
    dealer = locked.dealer
    today = dealer.today()
    errors = {}
    customer_name = (customer_name or "").strip()
    if not customer_name:
        errors["customer_name"] = _("Name the customer the car is reserved for.")
    try:
        deposit = Decimal(deposit if deposit is not None else ZERO)
    except (InvalidOperation, TypeError, ValueError):
        deposit = None
    if deposit is None or not deposit.is_finite() or deposit < 0:
        errors["deposit"] = _("The deposit is an amount of zero or more.")
    if not isinstance(expires_on, date):
        errors["expires_on"] = _("Give the last day the car is held.")
    elif expires_on <= today:
        errors["expires_on"] = _(
            "The last day the car is held must be after today (%(today)s)."
        ) % {"today": today.isoformat()}
    if exporter is not None and exporter.dealer_id != dealer.pk:
        errors["exporter"] = _("The exporter is not one of this dealer's partners.")
    if errors:
        raise ValidationError(errors, code="invalid_reservation")
    reservation = Reservation(
        vehicle=locked,
        customer_name=customer_name,
        customer_phone=(customer_phone or "").strip(),
        deposit=deposit,
        currency=dealer.base_currency,
        expires_on=expires_on,
        exporter=exporter,
        reserved_by=by,
    )
    reservation.full_clean()
    set_status(locked, VehicleStatus.RESERVED, by=by)
    reservation.save()
    return reservation


def reservations_lapse(*, dealer: Dealer | None = None) -> JobRun:
    """Put back in stock every reserved car whose last held day has passed, on each dealer's
    own today, with "reservation lapsed" in its history.

    Each car is its own transaction: it is locked, and its reservation read again, so a run
    beside another, or after a crash, or a second time, lapses each reservation once and only
    the ones still open and past their day."""
    run = job_run_start(job=LAPSE_JOB, dealer=dealer)
    dealers = Dealer.objects.filter(
        pk__in=Reservation.objects.open().values("vehicle__dealer")
    ).order_by("pk")
    if dealer is not None:
        dealers = dealers.filter(pk=dealer.pk)
    lapsed = 0
    try:
        for each in dealers:
            today = each.today()
            due = (
                Reservation.objects.open()
                .filter(vehicle__dealer=each, expires_on__lt=today)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for pk in list(due):
                lapsed += _lapse(pk, today=today)
    except Exception as exc:
        job_run_finish(run=run, error=f"{exc.__class__.__name__}: {exc}")
        raise
    return job_run_finish(run=run, counts={"lapsed": lapsed})


@transaction.atomic
def _lapse(reservation_pk, *, today) -> int:
    vehicle_pk = Reservation.objects.filter(pk=reservation_pk).values("vehicle_id")
    locked = Vehicle.objects.select_for_update().get(pk__in=vehicle_pk)
    reservation = (
        Reservation.objects.select_for_update()
        .open()
        .filter(pk=reservation_pk, expires_on__lt=today)
        .first()
    )
    if reservation is None:  # released, sold or lapsed since the run listed it
        return 0
    if locked.status == VehicleStatus.RESERVED:
        set_status(
            locked,
            VehicleStatus.IN_STOCK,
            reservation_end=ReservationEnd.LAPSED,
            reason=LAPSED_REASON,
        )
    else:  # not reserved any more by a write that bypassed the services: only end it
        reservation_end_open(vehicle=locked, reason=ReservationEnd.LAPSED)
    return 1
