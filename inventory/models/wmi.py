"""World manufacturer identifiers: which maker a VIN's first three characters name.

The table is advisory. Public WMI lists for Chinese makers contradict each other, so each row
carries its source and confidence; a decoded maker fills empty fields and warns, and never
refuses a VIN.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inventory import vin as vin_rules


class Confidence(models.TextChoices):
    HIGH = "H", _("high")
    MEDIUM = "M", _("medium")
    LOW = "L", _("low")


class WorldManufacturerCode(models.Model):
    """One WMI (VIN positions 1-3) and the maker it is listed for, with where that comes from."""

    wmi = models.CharField(
        _("WMI"),
        max_length=3,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-HJ-NPR-Z0-9]{3}$",
                _("Three VIN characters (letters other than I, O and Q, or digits)."),
            )
        ],
    )
    maker = models.CharField(_("maker"), max_length=60)
    country = models.CharField(_("country"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("source URL"), blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.LOW
    )
    note = models.TextField(pgettext_lazy("remark", "note"), blank=True)

    class Meta:
        ordering = ["wmi"]
        verbose_name = _("world manufacturer code")
        verbose_name_plural = _("world manufacturer codes")

    def __str__(self):
        return f"{self.wmi} {self.maker}"

    def clean(self):
        super().clean()
        self.wmi = (self.wmi or "").upper()


def vin_decode(value, *, today=None) -> vin_rules.Decoded:
    """What a VIN says about the car: maker and country from the table, model year, region."""
    vin = vin_rules.normalise(value)
    found = (
        WorldManufacturerCode.objects.filter(wmi=vin[:3]).values_list("maker", "country").first()
    )
    table = {vin[:3]: vin_rules.Maker(*found)} if found else {}
    return vin_rules.decode(vin, table, this_year=(today or timezone.localdate()).year)
