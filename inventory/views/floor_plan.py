"""Staff actions on a car's floor plan: putting it on a lender's line and paying the lender.
Both answer on the vehicle page's money section."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..forms import FloorPlanPaymentForm, VehicleFloorForm
from ..idempotency import once_per_form
from ..models import Vehicle, VehicleFloorPlan
from ..templatetags.money import format_money
from .base import form_errors, shown_refusal, staff_view


def _money_section(pk):
    return redirect(reverse("inventory:vehicle_detail", args=[pk]) + "#money")


@staff_view("POST")
@once_per_form
def floor(request, pk):
    """Put a car on a floor-plan line; errors are shown on the vehicle page by field."""
    vehicle = request.dealer_scope.get(Vehicle.objects.all(), pk=pk)
    form = VehicleFloorForm(request.POST, vehicle=vehicle)
    if not form.is_valid():
        form_errors(request, form)
    else:
        with shown_refusal(request, form):
            services.vehicle_floor(vehicle=vehicle, by=request.user, **form.cleaned_data)
            messages.success(
                request, _("Floored on %(line)s.") % {"line": form.cleaned_data["line"]}
            )
    return _money_section(vehicle.pk)


@staff_view("POST")
@once_per_form
def pay(request, pk):
    """Record a payment to the lender for a car the user may see."""
    plan = request.dealer_scope.get(
        VehicleFloorPlan.objects.select_related("vehicle"), vehicle_id=pk
    )
    form = FloorPlanPaymentForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        with shown_refusal(request, form):
            payment = services.floor_plan_pay(floor_plan=plan, by=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("%(kind)s of %(amount)s recorded; balance %(balance)s.")
                % {
                    "kind": payment.get_kind_display(),
                    "amount": format_money(payment.amount),
                    "balance": format_money(payment.balance_after),
                },
            )
    return _money_section(pk)
