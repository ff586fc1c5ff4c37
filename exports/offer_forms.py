"""Forms of the offer pages. They only read and check; every write goes through
`exports.services`, whose refusals are put back on the field they name."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from inventory.forms import DateInput

from .models import Exporter, ResponseKind
from .models.offers import NOTE_MAX_LENGTH

DEFAULT_VALIDITY_DAYS = 14


class OfferCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note to recipients"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    fx_rate_to_base = forms.DecimalField(
        label=_("Exchange rate to the base currency"),
        max_digits=14,
        decimal_places=6,
        min_value=0.000001,
        initial=1,
        help_text=_("Base currency units for one unit of the offer's currency."),
    )
    discount_pct = forms.DecimalField(
        label=_("Discount off the export price (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=99.99,
        initial=0,
    )

    def __init__(self, *args, dealer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = dealer.base_currency
        self.fields["valid_until"].initial = dealer.today() + timedelta(days=DEFAULT_VALIDITY_DAYS)


class DiscountForm(forms.Form):
    discount_pct = forms.DecimalField(
        label=_("Discount off the export price (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=99.99,
    )


class LinePriceForm(forms.Form):
    asking_price = forms.DecimalField(
        label=_("Asking price"), max_digits=14, decimal_places=2, min_value=0.01, required=False
    )
    discount_pct = forms.DecimalField(
        label=_("Discount off the export price (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=99.99,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("asking_price") is None and data.get("discount_pct") is None:
            raise forms.ValidationError(_("Give a price or a discount."))
        return data


def language_choices():
    return list(settings.VERIFY_LANGUAGES)


class RecipientForm(forms.Form):
    exporter = forms.ModelChoiceField(
        label=_("Exporter"), queryset=Exporter.objects.none(), required=False
    )
    buyer_name = forms.CharField(label=_("Buyer's name"), max_length=120, required=False)
    buyer_company = forms.CharField(label=_("Buyer's company"), max_length=200, required=False)
    buyer_country = forms.CharField(
        label=_("Buyer's country (ISO code)"), max_length=2, required=False
    )
    buyer_email = forms.EmailField(label=_("Buyer's e-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    expires_on = forms.DateField(
        label=_("Link valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: until the offer's last day."),
    )

    def __init__(self, *args, dealer, **kwargs):
        super().__init__(*args, **kwargs)
        # Another dealer's exporter is not a choice: posting its id is refused as invalid.
        self.fields["exporter"].queryset = Exporter.objects.filter(dealer=dealer, is_active=True)


class RecordBidForm(forms.Form):
    """A bid or interest a recipient gave by phone or message, recorded by staff."""

    recipient = forms.TypedChoiceField(label=_("On behalf of"), coerce=int, choices=())
    line = forms.TypedChoiceField(label=_("Car"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Kind"), choices=ResponseKind.choices)
    amount = forms.CharField(label=_("Amount"), max_length=40, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, recipients, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [(r.pk, r.display_name) for r in recipients]
        self.fields["line"].choices = [
            (line.pk, f"{line.vehicle.make} {line.vehicle.model} {line.vehicle.vin}")
            for line in lines
        ]


class AcceptForm(forms.Form):
    expires_on = forms.DateField(
        label=_("Held until"),
        widget=DateInput(),
        help_text=_("The last day the car is reserved for the bidder."),
    )
