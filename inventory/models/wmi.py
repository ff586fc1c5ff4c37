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


def _makers(wmis) -> dict[str, vin_rules.Maker]:
    rows = WorldManufacturerCode.objects.filter(wmi__in=wmis).values_list("wmi", "maker", "country")
    return {wmi: vin_rules.Maker(maker, country) for wmi, maker, country in rows}


def vin_decode(value, *, today=None) -> vin_rules.Decoded:
    """What a VIN says about the car: maker and country from the table, model year, region."""
    vin = vin_rules.normalise(value)
    return vin_rules.decode(vin, _makers([vin[:3]]), this_year=(today or timezone.localdate()).year)


class VinDecoder:
    """`vin_decode` for many VINs: each maker code is looked up once, not once a car."""

    def __init__(self):
        self.table: dict[str, vin_rules.Maker] = {}
        self.looked_up: set[str] = set()

    def __call__(self, value, *, today=None) -> vin_rules.Decoded:
        vin = vin_rules.normalise(value)
        if vin[:3] not in self.looked_up:
            self.table.update(_makers([vin[:3]]))
            self.looked_up.add(vin[:3])
        return vin_rules.decode(vin, self.table, this_year=(today or timezone.localdate()).year)
