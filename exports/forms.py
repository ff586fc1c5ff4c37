"""Forms of the shipment pages. They only read and check; every write goes through
`exports.services`, whose refusals are put back on the form field they name."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inventory import vin as vin_rules
from inventory.forms import DateInput
from inventory.models import Vehicle

from .models import DestinationMarket, ExportShipment, ShipmentStatus
from .services import CHECKED_WHEN_ADDED, FIXED_AT_BOOKING

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
        label=_("Sale price"), required=False, max_digits=14, decimal_places=2
    )

    def clean_vin(self):
        return vin_rules.normalise(self.cleaned_data["vin"])


class LinePriceForm(forms.Form):
    sale_price = forms.DecimalField(label=_("Sale price"), max_digits=14, decimal_places=2)


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
