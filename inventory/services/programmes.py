"""Makers' export programmes and the cars enrolled in them."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ON_HAND, ExportProgramme, ProgrammeEnrolment, Vehicle
from .vehicles import refuse_unless_on_hand


@transaction.atomic
def export_programme_save(*, programme: ExportProgramme) -> ExportProgramme:
    """Create or change a maker's programme; a car already enrolled keeps the support agreed."""
    programme.maker = (programme.maker or "").strip()
    programme.name = (programme.name or "").strip()
    programme.full_clean()
    programme.save()
    return programme


def enrolment_problem(vehicle: Vehicle, programme: ExportProgramme) -> str | None:
    """Why the car cannot join the programme: gone from stock, another dealer's, or another
    maker's."""
    if vehicle.status not in ON_HAND:
        return _("Vehicle %(vin)s is no longer in stock.") % {"vin": vehicle.vin}
    if programme.dealer_id != vehicle.dealer_id:
        return _("Choose a programme of this car's dealer.")
    if programme.maker.casefold() != vehicle.make.casefold():
        return _("Programme %(programme)s is for %(maker)s cars, not %(make)s.") % {
            "programme": programme.name,
            "maker": programme.maker,
            "make": vehicle.make,
        }
    return None


@transaction.atomic
def vehicle_enrol(
    *,
    vehicle: Vehicle,
    programme: ExportProgramme,
    support: Decimal | None = None,
    by: User | None = None,
) -> ProgrammeEnrolment:
    """Put a car of the programme's maker and dealer in the programme, with the programme's
    support per car unless another amount was agreed for it; a car already enrolled moves."""
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    refuse_unless_on_hand(locked, _("enrolled in an export programme"))
    problem = enrolment_problem(locked, programme)
    if problem:
        raise ValidationError({"programme": problem})
    support = programme.support_per_car if support is None else Decimal(support)
    enrolment = ProgrammeEnrolment.objects.filter(vehicle=locked).first() or ProgrammeEnrolment(
        vehicle=locked
    )
    enrolment.programme = programme
    enrolment.support = support
    enrolment.enrolled_on = locked.dealer.today()
    enrolment.enrolled_by = by
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def vehicle_unenrol(*, vehicle: Vehicle) -> None:
    ProgrammeEnrolment.objects.filter(vehicle=vehicle).delete()
