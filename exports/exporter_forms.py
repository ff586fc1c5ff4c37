"""Forms of the exporter and sale-for-export pages. They only read and check; every write goes
through `exports.services`, whose refusals are put back on the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory import vin as vin_rules
from inventory.forms import DateInput

from .models import (
    DECLARATION_NUMBER_MAX_LENGTH,
    DestinationMarket,
    Exporter,
    ExporterDocumentKind,
    PaymentTerms,
)
from .services import EXPORTER_FIELDS, MAX_PAYMENT_DAYS


class ExporterForm(forms.ModelForm):
    class Meta:
        model = Exporter
        fields = [*EXPORTER_FIELDS, "markets"]
        widgets = {
            "qualified_from": DateInput(),
            "qualified_until": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "markets": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, dealer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.dealer = dealer
        self.fields["markets"].queryset = DestinationMarket.objects.filter(
            is_active=True, is_origin=False
        ).order_by("name")

    def _clean_fields(self):
        # The code is checked as printed on the licence, whatever the case it was typed in.
        if self.is_bound:
            data = self.data.copy()
            key = self.add_prefix("credit_code")
            if key in data:
                data[key] = data[key].strip().upper()
            self.data = data
        super()._clean_fields()

    def validate_unique(self):
        # The service checks the credit code once per dealer, with the dealer it is given.
        pass

    def facts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ExporterDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExporterDocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, JPEG or PNG."),
        error_messages={"required": _("Choose the file to keep.")},
    )
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())


class SaleForm(forms.Form):
    vin = forms.CharField(label=_("VIN"), max_length=40)
    exporter = forms.ModelChoiceField(label=_("Exporter"), queryset=Exporter.objects.none())
    destination = forms.ModelChoiceField(
        label=_("Intended destination"), queryset=DestinationMarket.objects.none()
    )
    price = forms.DecimalField(label=_("Price"), max_digits=12, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    fx_rate_to_base = forms.DecimalField(
        label=_("FX rate to base currency"),
        max_digits=12,
        decimal_places=6,
        required=False,
        help_text=_("Only when the price is in another currency."),
    )
    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    payment_days = forms.IntegerField(
        label=_("Days to pay"), min_value=1, max_value=MAX_PAYMENT_DAYS, required=False
    )
    sold_on = forms.DateField(label=_("Sold on"), widget=DateInput())
    transferred_on = forms.DateField(
        label=_("Transferred pending export on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "The registration passes to the exporter when it buys the car; the 60 days of "
            "temporary plates run from this day. Leave it empty if the transfer is still to come."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, dealer, exporters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exporter"].queryset = exporters
        self.fields["destination"].queryset = DestinationMarket.objects.filter(
            is_active=True, is_origin=False
        ).order_by("name")
        self.fields["currency"].initial = dealer.base_currency

    def clean_vin(self):
        return vin_rules.normalise(self.cleaned_data["vin"])

    def terms(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "exporter",
                "destination",
                "price",
                "currency",
                "fx_rate_to_base",
                "payment_terms",
                "payment_days",
                "sold_on",
                "transferred_on",
                "notes",
            )
        }


class ProofForm(forms.Form):
    transferred_on = forms.DateField(
        label=_("Transferred pending export on"), required=False, widget=DateInput()
    )
    declaration_number = forms.CharField(
        label=_("Export declaration number"),
        max_length=DECLARATION_NUMBER_MAX_LENGTH + 10,
        required=False,
    )
    declared_on = forms.DateField(
        label=_("Export customs cleared on"), required=False, widget=DateInput()
    )
    deregistered_on = forms.DateField(
        label=_("De-registered on"), required=False, widget=DateInput()
    )


class CancelSaleForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the sale cancelled?"),
        max_length=200,
        error_messages={"required": _("Say why the sale is cancelled.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
