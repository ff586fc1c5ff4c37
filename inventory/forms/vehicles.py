"""Forms for receiving and editing vehicles and filing their papers (staff pages and admin)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from .. import services
from .. import vin as vin_rules
from ..models import (
    Fuel,
    RegisteredOwner,
    Vehicle,
    VehicleDocument,
    message_text,
    vin_decode,
)
from .base import DateInput, attach_refusal

VEHICLE_FACTS = list(services.VEHICLE_FACTS)


def _is_min_zero(validator) -> bool:
    # By type and limit: comparing validators compares their (lazy) messages, which
    # translates them.
    return type(validator) is MinValueValidator and validator.limit_value == 0


# Facts a received car's VIN can give when the user leaves them empty.
VIN_FILLS = ("make", "model_year")


class VehicleForm(forms.ModelForm):
    """A vehicle's facts; saving goes through `vehicle_receive` or `vehicle_update`.

    The dealer is fixed by the caller (`dealer=`) unless a subclass adds it as a field.
    `duplicate` is the existing vehicle when the VIN is already registered at a dealer the
    user may see, so the page can link to it.

    When a car is received, a make or model year left empty is filled from the VIN (its maker
    code and year code); what the user typed always wins. `filled_from_vin` names what was
    filled, `decoded` is what the VIN said.
    """

    # Longer than a VIN: people paste VINs with spaces or dashes, which are dropped.
    vin = forms.CharField(
        label=Vehicle._meta.get_field("vin").verbose_name,
        max_length=40,
        help_text=_("17 characters; spaces and dashes are ignored."),
    )
    confirm_odometer_decrease = forms.BooleanField(
        label=_("Confirm the odometer correction"),
        required=False,
        help_text=_("Tick when a lower odometer reading than before is intended."),
    )

    class Meta:
        model = Vehicle
        fields = VEHICLE_FACTS
        widgets = {
            "manufactured_on": DateInput(),
            "stocked_on": DateInput(),
            "registered_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, dealer=None, user=None, decode_vin=vin_decode, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.decode_vin = decode_vin
        self.duplicate = None
        self.decoded = None
        self.filled_from_vin = {}
        if dealer is not None:
            self.instance.dealer = dealer
        for name in ("acquisition_cost", "list_price", "export_price", "odometer_km"):
            if name in self.fields:
                field = self.fields[name]
                # Fields prepared once for many rows have it already (see PreparedFields).
                if not any(_is_min_zero(validator) for validator in field.validators):
                    field.validators.append(MinValueValidator(0))
                field.widget.attrs["min"] = 0
        if "fuel" in self.fields:
            # The select shows petrol already chosen; a client that leaves the field out
            # (older imports and scripts) keeps the petrol engine those cars always had.
            self.fields["fuel"].required = False
        if "registered_owner" in self.fields:
            # Shown with "this dealer" chosen; a client that leaves it out keeps what the car
            # records (this dealer, for a car being received).
            self.fields["registered_owner"].required = False
        if not self.instance.pk:
            for name in VIN_FILLS:
                if name in self.fields:
                    self.fields[name].required = False
                    self.fields[name].help_text = _("Left empty, it is read from the VIN.")
        if "vin" in self.fields:
            self.fields["vin"].widget.attrs.update(
                {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
            )

    def clean_fuel(self):
        return self.cleaned_data.get("fuel") or Fuel.PETROL

    def clean_registered_owner(self):
        return (
            self.cleaned_data.get("registered_owner")
            or self.instance.registered_owner
            or RegisteredOwner.DEALER
        )

    @property
    def odometer_goes_down(self):
        return any(
            error.code == "odometer_decrease"
            for error in self.errors.as_data().get("odometer_km", [])
        )

    def clean_vin(self):
        vin = vin_rules.normalise(self.cleaned_data["vin"])
        existing = Vehicle.objects.filter(vin=vin).exclude(pk=self.instance.pk).first()
        if existing is not None:
            if (
                self.user is not None
                and Vehicle.objects.visible_to(self.user).filter(pk=existing.pk).exists()
            ):
                self.duplicate = existing
            raise ValidationError(
                _("A vehicle with this VIN is already registered."), code="duplicate_vin"
            )
        return vin

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            self._fill_from_vin(cleaned)
        old = self.initial.get("odometer_km")
        new = cleaned.get("odometer_km")
        if (
            self.instance.pk
            and old is not None
            and new is not None
            and new < old
            and not cleaned.get("confirm_odometer_decrease")
        ):
            self.add_error(
                "odometer_km",
                ValidationError(
                    _(
                        "The odometer goes down from %(old)s km to %(new)s km; tick the "
                        "confirmation below if this correction is intended."
                    )
                    % {"old": old, "new": new},
                    code="odometer_decrease",
                ),
            )
        return cleaned

    def _fill_from_vin(self, cleaned):
        """Fill an empty make or model year from the VIN; say so when the VIN cannot."""
        vin = cleaned.get("vin")
        dealer = getattr(self.instance, "dealer", None) or cleaned.get("dealer")
        if vin and vin_rules.validate(vin).is_valid:
            self.decoded = self.decode_vin(vin, today=dealer.today() if dealer else None)
        decoded_values = {
            "make": self.decoded.make if self.decoded else "",
            "model_year": self.decoded.model_year if self.decoded else None,
        }
        for name in VIN_FILLS:
            if name not in self.fields or name in self.errors or cleaned.get(name):
                continue
            if decoded_values[name]:
                cleaned[name] = decoded_values[name]
                self.filled_from_vin[name] = decoded_values[name]
            else:
                self.add_error(
                    name,
                    ValidationError(_("The VIN does not tell this; enter it."), code="required"),
                )

    def vin_notes(self):
        """What was filled from the VIN, in one line, for the page that follows the save."""
        if not self.filled_from_vin:
            return []
        parts = []
        if "make" in self.filled_from_vin:
            parts.append(_("make %(make)s") % {"make": self.filled_from_vin["make"]})
        if "model_year" in self.filled_from_vin:
            shown = self.decoded.model_year_text if self.decoded else None
            year = message_text(shown) if shown else self.filled_from_vin["model_year"]
            parts.append(_("model year %(year)s") % {"year": year})
        return [_("Read from the VIN: %(facts)s.") % {"facts": ", ".join(parts)}]

    def vin_warnings(self, vehicle):
        warnings = list(vehicle.vin_check.warnings)
        decoded = self.decoded or vin_decode(vehicle.vin, today=vehicle.dealer.today())
        warnings += vin_rules.decode_warnings(decoded, vehicle.make)
        return [message_text(warning) for warning in warnings]

    def save_through_services(self, *, by, dealer=None):
        """Receive or update the vehicle through the services; their refusals propagate."""
        facts = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"confirm_odometer_decrease", "dealer", "vin"}
        }
        if self.instance.pk:
            return services.vehicle_update(
                vehicle=self.instance,
                by=by,
                confirm_odometer_decrease=self.cleaned_data.get("confirm_odometer_decrease", False),
                vin=self.cleaned_data["vin"],
                **facts,
            )
        return services.vehicle_receive(
            dealer=dealer or self.cleaned_data.get("dealer") or self.instance.dealer,
            vin=self.cleaned_data["vin"],
            by=by,
            **facts,
        )

    def add_service_error(self, exc: ValidationError):
        """Show a service's refusal on the field it names, or above the form."""
        attach_refusal(self, exc)


class VehicleDocumentForm(forms.ModelForm):
    """File a paper an export rule asks for; saved by `vehicle_document_add`."""

    class Meta:
        model = VehicleDocument
        fields = services.DOCUMENT_FIELDS
        widgets = {"issued_on": DateInput()}
