"""Makers' export programmes and the cars enrolled in them."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ExportProgramme, ProgrammeEnrolment, Vehicle
from .vehicles import refuse_unless_on_hand


@transaction.atomic
def export_programme_save(*, programme: ExportProgramme) -> ExportProgramme:
    """Create or change a maker's programme; a car already enrolled keeps the support agreed."""
    programme.maker = (programme.maker or "").strip()
    programme.name = (programme.name or "").strip()
    programme.full_clean()
    programme.save()
    return programme


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
    if programme.dealer_id != locked.dealer_id:
        raise ValidationError({"programme": _("Choose a programme of this car's dealer.")})
    if programme.maker.casefold() != locked.make.casefold():
        raise ValidationError(
            {
                "programme": _("Programme %(programme)s is for %(maker)s cars, not %(make)s.")
                % {"programme": programme.name, "maker": programme.maker, "make": locked.make}
            }
        )
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
