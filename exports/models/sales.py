"""Cars sold to a qualified exporter, and the proof that each one left the country.

The exporter takes the car abroad under its own licence; the dealer transfers the registration
to it "pending export", the exporter declares it at customs and the car is de-registered
within two months of the clearance (domain rules C5, C11). Until then the dealer keeps track:
a car sold for export that is never declared or de-registered comes back to the seller.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inventory.models import (
    Dealer,
    DealerScopedQuerySet,
    InspectionReport,
    Vehicle,
    VehicleDocument,
    money,
)

from .exporters import Exporter
from .markets import DestinationMarket

# The temporary plates issued with the transfer pending export last at most 60 days (C5).
SALE_TEMP_PLATE_DAYS = timedelta(days=60)
# A customs declaration number as China's declarations carry it: 18 digits; kept open to
# letters and dashes for other formats, within a sane length.
DECLARATION_NUMBER_MAX_LENGTH = 30


class PaymentTerms(models.TextChoices):
    IN_ADVANCE = "in_advance", _("Paid in advance")
    ON_TRANSFER = "on_transfer", _("On transfer of the registration")
    WITHIN_DAYS = "within_days", _("Within a number of days")


class ExportSaleQuerySet(DealerScopedQuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class ExportSale(models.Model):
    """One car sold to an exporter, the papers that went with it and the proof of its export."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="export_sales", verbose_name=_("dealer")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="export_sales", verbose_name=_("vehicle")
    )
    exporter = models.ForeignKey(
        Exporter, on_delete=models.PROTECT, related_name="sales", verbose_name=_("exporter")
    )
    destination = models.ForeignKey(
        DestinationMarket,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intended destination"),
    )
    price = models.DecimalField(_("price"), **money)
    currency = models.CharField(_("currency"), max_length=3)
    fx_rate_to_base = models.DecimalField(
        _("FX rate to base currency"),
        max_digits=12,
        decimal_places=6,
        default=1,
        help_text=_("1 when the price is in the dealer's own currency."),
    )
    payment_terms = models.CharField(
        _("payment terms"), max_length=12, choices=PaymentTerms.choices
    )
    payment_days = models.PositiveSmallIntegerField(_("payment days"), null=True, blank=True)
    payment_due_on = models.DateField(_("payment due on"), null=True, blank=True)
    sold_on = models.DateField(_("sold on"))
    # The papers that passed to the exporter with the car.
    registered_on = models.DateField(_("registration certificate of"))
    after_sales_confirmation = models.ForeignKey(
        VehicleDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("after-sales confirmation"),
    )
    inspection = models.ForeignKey(
        InspectionReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspection certificate"),
    )
    floor_plan_payoff = models.DecimalField(_("floor-plan payoff"), default=0, **money)
    # The proof of export, step by step.
    transferred_on = models.DateField(_("transferred pending export on"), null=True, blank=True)
    declaration_number = models.CharField(
        _("export declaration number"), max_length=DECLARATION_NUMBER_MAX_LENGTH, blank=True
    )
    declared_on = models.DateField(_("export customs cleared on"), null=True, blank=True)
    deregistered_on = models.DateField(_("de-registered on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sold by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )

    objects = ExportSaleQuerySet.as_manager()

    class Meta:
        ordering = ["-sold_on", "-id"]
        verbose_name = _("sale for export")
        verbose_name_plural = _("sales for export")
        indexes = [models.Index(fields=["dealer", "sold_on"], name="export_sale_dealer_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(cancelled_at__isnull=True),
                name="export_sale_one_active_per_vehicle",
                violation_error_message=_("This car is already sold for export."),
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="export_sale_price_positive",
                violation_error_message=_("The price must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(fx_rate_to_base__gt=0),
                name="export_sale_fx_rate_positive",
                violation_error_message=_("The FX rate must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(declared_on__isnull=True)
                | Q(transferred_on__isnull=False, declared_on__gte=F("transferred_on")),
                name="export_sale_declared_after_transfer",
                violation_error_message=_("The export declaration follows the transfer."),
            ),
            models.CheckConstraint(
                condition=Q(deregistered_on__isnull=True)
                | Q(declared_on__isnull=False, deregistered_on__gte=F("declared_on")),
                name="export_sale_deregistered_after_declaration",
                violation_error_message=_("De-registration follows the export declaration."),
            ),
        ]

    def __str__(self):
        return f"{self.vehicle.vin} → {self.exporter.name}"

    def get_absolute_url(self):
        return reverse("exports:export_sale_detail", args=[self.pk])

    @property
    def reference(self):
        return f"{self.exporter.name} · {self.sold_on.isoformat()}"

    @property
    def is_active(self):
        return self.cancelled_at is None

    @property
    def temp_plate_expires_on(self):
        """The last day of the temporary plates: 60 days after the transfer pending export."""
        return self.transferred_on + SALE_TEMP_PLATE_DAYS if self.transferred_on else None

    @property
    def proven(self):
        """The export is proven once the car is de-registered after its declaration."""
        return bool(self.declared_on and self.deregistered_on)

    def clean(self):
        if self.payment_terms == PaymentTerms.WITHIN_DAYS and not self.payment_days:
            raise ValidationError({"payment_days": _("Say within how many days it is paid.")})
