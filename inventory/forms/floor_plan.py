"""Forms for floor-plan finance: flooring a car on a line and paying the lender."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import FloorPlanLine, PaymentKind
from .base import DateInput


class VehicleFloorForm(forms.Form):
    """Finance a car on one of the dealer's lines; saved by `vehicle_floor`."""

    line = forms.ModelChoiceField(queryset=FloorPlanLine.objects.none(), label=_("Line"))
    principal = forms.DecimalField(
        label=_("Principal"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    floored_on = forms.DateField(label=_("Floored on"), widget=DateInput())

    def __init__(self, *args, vehicle, **kwargs):
        kwargs.setdefault(
            "initial", {"principal": vehicle.acquisition_cost, "floored_on": vehicle.stocked_on}
        )
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = FloorPlanLine.objects.filter(
            dealer_id=vehicle.dealer_id, is_active=True
        )


class FloorPlanPaymentForm(forms.Form):
    """Record a payment to the lender; saved by `floor_plan_pay`."""

    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty for a payoff: the amount owed that day is paid."),
    )
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)
