"""Forms of the shipment pages. They only read and check; every write goes through
`exports.services`, whose refusals are put back on the form field they name."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inventory import vin as vin_rules
from inventory.forms import DateInput
from inventory.models import Vehicle

from . import shipments
from .models import DestinationMarket, ExportShipment, ShipmentStatus
from .services import CHECKED_WHEN_ADDED, FIXED_AT_BOOKING

PRICE_LIMITS = {"max_digits": 14, "decimal_places": 2}


def positive_price(value, vin=None):
    """A sale price the car can be sold at: 0.00 is no price, and is refused, not saved."""
    if value is not None and value <= 0:
        if vin:
            raise ValidationError(
                _("The sale price of %(vin)s must be more than 0.00.") % {"vin": vin}
            )
        raise ValidationError(_("A sale price must be more than 0.00."))
    return value


SHIPMENT_FIELDS = [
    "reference",
    "destination",
    "consignee",
    "consignee_type",
    "consignee_address",
    "declarant",
    "port_of_loading",
    "port_of_discharge",
    "transport_mode",
    "stowage",
    "no_leakage",
    "fuel_empty_batteries_protected",
    "vessel",
    "voyage",
    "bill_of_lading",
    "incoterm",
    "sale_currency",
    "fx_rate_to_base",
    "freight_cost",
    "insurance_cost",
    "etd",
    "eta",
]
CURRENCY = re.compile(r"^[A-Z]{3}$")


class ShipmentForm(forms.ModelForm):
    """A shipment's details, for creating one or editing it.

    `dealer` scopes the reference check and names the base currency. On an existing shipment
    the destination and consignee type are read-only once cars are on it, and the currency and
    FX rate once it is booked."""

    class Meta:
        model = ExportShipment
        fields = SHIPMENT_FIELDS
        widgets = {
            "consignee_address": forms.Textarea(attrs={"rows": 2}),
            "etd": DateInput(),
            "eta": DateInput(),
        }

    def __init__(self, *args, dealer, has_lines=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.dealer = dealer
        self.fields["destination"].queryset = DestinationMarket.objects.filter(
            is_active=True, is_origin=False
        ).order_by("name")
        self.fields["destination"].empty_label = _("Choose the country")
        rate = self.fields["fx_rate_to_base"]
        rate.label = _("FX rate to %(base)s") % {"base": dealer.base_currency}
        rate.help_text = _("How many %(base)s one unit of the sale currency buys.") % {
            "base": dealer.base_currency
        }
        self.fields["sale_currency"].help_text = _("Three-letter code, e.g. USD.")
        if self.instance.pk is None:
            rate.initial = None
        else:
            if has_lines or self.instance.status != ShipmentStatus.DRAFT:
                for name in CHECKED_WHEN_ADDED:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Fixed once vehicles are on the shipment: they were checked against it."
                    )
            if self.instance.fx_fixed_on:
                for name in FIXED_AT_BOOKING:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Fixed when the shipment was booked on %(day)s."
                    ) % {"day": self.instance.fx_fixed_on.isoformat()}

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        taken = ExportShipment.objects.filter(dealer=self.dealer, reference__iexact=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("%(dealer)s already has a shipment %(ref)s.")
                % {"dealer": self.dealer.name, "ref": reference}
            )
        return reference

    def clean_sale_currency(self):
        currency = (self.cleaned_data.get("sale_currency") or "").strip().upper()
        if not CURRENCY.match(currency):
            raise ValidationError(_("Use the three-letter currency code, e.g. USD."))
        return currency

    def clean(self):
        cleaned = super().clean()
        etd, eta = cleaned.get("etd"), cleaned.get("eta")
        if etd and eta and eta < etd:
            self.add_error("eta", _("The ETA cannot be before the ETD."))
        return cleaned

    def details(self):
        """The cleaned values `shipment_create` and `shipment_update` take as keyword
        arguments; read-only fields are left out."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in SHIPMENT_FIELDS and not self.fields[name].disabled
        }


class SelectedVehiclesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.vin} · {obj.model_year} {obj.make} {obj.model}"


class ShipmentCreateForm(ShipmentForm):
    """A new shipment with the cars chosen in the inventory list; each car is checked by the
    destination's rules as it is added, after the shipment is saved."""

    vehicle = SelectedVehiclesField(
        label=_("Vehicles to add"),
        queryset=Vehicle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chosen in the inventory list; untick a car to leave it out."),
    )

    def __init__(self, *args, vehicles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles
        reference = self.fields["reference"]
        reference.required = False
        reference.widget.attrs["placeholder"] = shipments.next_reference(
            self.dealer, self.dealer.today().year
        )
        reference.help_text = _(
            "Left empty, the shipment takes the next number of the year, as shown; a reference "
            "you type is kept."
        )

    def clean_reference(self):
        # Empty is numbered by the service, under the lock that keeps numbers unique.
        if not (self.cleaned_data.get("reference") or "").strip():
            return ""
        return super().clean_reference()


class AdvanceForm(forms.Form):
    """One move along the shipment's lifecycle, dated by the day it happened."""

    to_status = forms.ChoiceField(choices=ShipmentStatus.choices)
    on = forms.DateField(label=_("Date of the move"), widget=DateInput())


class CancelForm(AdvanceForm):
    """Cancelling releases the cars back to stock; the reason is kept on the timeline."""

    on = forms.DateField(label=_("Cancelled on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=2000,
        error_messages={"required": _("Say why the shipment is cancelled.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AddVehicleForm(forms.Form):
    vin = forms.CharField(
        label=_("VIN"),
        max_length=40,
        help_text=_("17 characters; spaces and dashes are ignored."),
    )
    sale_price = forms.DecimalField(
        label=_("Sale price"),
        required=False,
        help_text=_("Left empty, the car's export price in the sale currency."),
        **PRICE_LIMITS,
    )

    def clean_vin(self):
        return vin_rules.normalise(self.cleaned_data["vin"])

    def clean_sale_price(self):
        return positive_price(self.cleaned_data.get("sale_price"), self.cleaned_data.get("vin"))


class LinePriceForm(forms.Form):
    """One car's sale price; `vin` names the car in a refusal."""

    sale_price = forms.DecimalField(label=_("Sale price"), **PRICE_LIMITS)

    def __init__(self, *args, vin="", **kwargs):
        super().__init__(*args, **kwargs)
        self.vin = vin

    def clean_sale_price(self):
        return positive_price(self.cleaned_data["sale_price"], self.vin)


class SetPricesForm(forms.Form):
    """Every car on the shipment at one price, or at a percentage of its own export price."""

    ONE_PRICE = "price"
    PERCENT = "percent"

    how = forms.ChoiceField(
        label=_("Set every car's sale price to"),
        choices=[
            (ONE_PRICE, _("one price for every car")),
            (PERCENT, _("a percentage of each car's export price")),
        ],
        initial=PERCENT,
        widget=forms.RadioSelect,
    )
    sale_price = forms.DecimalField(label=_("Price for every car"), required=False, **PRICE_LIMITS)
    percent = forms.DecimalField(
        label=_("Percent of the export price"),
        required=False,
        initial=Decimal(100),
        max_digits=6,
        decimal_places=2,
    )

    def __init__(self, *args, currency="", **kwargs):
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["sale_price"].label = _("Price in %(currency)s") % {"currency": currency}

    def clean_sale_price(self):
        return positive_price(self.cleaned_data.get("sale_price"))

    def clean_percent(self):
        percent = self.cleaned_data.get("percent")
        if percent is not None and percent <= 0:
            raise ValidationError(_("The percentage must be more than 0."))
        return percent

    def clean(self):
        cleaned = super().clean()
        how = cleaned.get("how")
        if (
            how == self.ONE_PRICE
            and cleaned.get("sale_price") is None
            and not self.has_error("sale_price")
        ):
            self.add_error("sale_price", _("Give the price every car is sold at."))
        if how == self.PERCENT and cleaned.get("percent") is None and not self.has_error("percent"):
            self.add_error("percent", _("Give the percentage of the export price."))
        return cleaned

    def service_arguments(self):
        """What `shipment_set_prices` takes: the price, or the percentage."""
        if self.cleaned_data["how"] == self.ONE_PRICE:
            return {"sale_price": self.cleaned_data["sale_price"]}
        return {"percent_of_export": self.cleaned_data["percent"]}


class LineDatesForm(forms.Form):
    transferred_on = forms.DateField(
        label=_("Transferred pending export"), required=False, widget=DateInput()
    )
    insurance_ends_on = forms.DateField(
        label=_("Compulsory insurance ends"), required=False, widget=DateInput()
    )
    deregistered_on = forms.DateField(label=_("De-registered"), required=False, widget=DateInput())


class DocumentsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages
