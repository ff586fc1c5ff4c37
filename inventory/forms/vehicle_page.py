"""The vehicle page's own forms: quick reprice, photos and reserving the car."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .. import services
from .base import DateInput
from .inspections import PhotosField


class RepriceForm(forms.Form):
    """A new list price and why; saved by `vehicle_reprice`."""

    list_price = forms.DecimalField(
        label=_("New list price"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("A list price must be more than zero.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=services.REPRICE_REASON_MAX_LENGTH,
        required=False,
        help_text=_("For example: matched a competitor, aged stock, model year change."),
    )


class VehiclePhotoForm(forms.Form):
    """Several photos from one file input; each is checked by `vehicle_photos_add`."""

    images = PhotosField(label=_("Photos"))


class PhotoMoveForm(forms.Form):
    to = forms.ChoiceField(choices=[(move, move) for move in services.PHOTO_MOVES])


class ReservationForm(forms.Form):
    """Who the car is held for, the deposit taken and its last day; saved by
    `vehicle_reserve`."""

    customer_name = forms.CharField(label=_("Customer"), max_length=120)
    customer_phone = forms.CharField(label=_("Customer's phone"), max_length=40, required=False)
    deposit = forms.DecimalField(
        label=_("Deposit"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        error_messages={"min_value": _("The deposit is an amount of zero or more.")},
    )
    expires_on = forms.DateField(
        label=_("Held until"),
        widget=DateInput(),
        help_text=_("The last day the car is held; it goes back into stock the day after."),
    )

    def __init__(self, *args, dealer, **kwargs):
        super().__init__(*args, **kwargs)
        today = dealer.today()
        self.fields["deposit"].label = _("Deposit (%(currency)s)") % {
            "currency": dealer.base_currency
        }
        self.fields["expires_on"].initial = today + timedelta(
            days=settings.RESERVATION_DEFAULT_DAYS
        )
        self.fields["expires_on"].widget.attrs["min"] = (today + timedelta(days=1)).isoformat()
