"""Export shipments and their lines: the vehicles on board, their prices and plates."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exports.money import SELLER_PAYS_FREIGHT, SELLER_PAYS_INSURANCE
from inventory.models import Dealer, DealerScopedQuerySet, Vehicle

from .markets import DestinationMarket


class ShipmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    BOOKED = "booked", _("Booked")
    CUSTOMS_CLEARED = "customs_cleared", _("Customs cleared")
    LOADED = "loaded", _("Loaded")
    IN_TRANSIT = "in_transit", _("In transit")
    ARRIVED = "arrived", _("Arrived")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class TransportMode(models.TextChoices):
    RORO = "roro", _("RoRo")
    CONTAINER = "container", _("Container")


class Stowage(models.TextChoices):
    """Where on board the cars travel; IMDG special provision 961 exempts vehicles stowed in
    a ro-ro ship's vehicle spaces or on its weather deck."""

    RORO_SPACE = "roro_space", _("Vehicle, special category or ro-ro space of a ro-ro ship")
    RORO_DECK = "roro_deck", _("Weather deck of a ro-ro ship")
    CONTAINER = "container", _("In a container")
    OTHER = "other", _("Other cargo space")


RORO_STOWAGE = frozenset({Stowage.RORO_SPACE, Stowage.RORO_DECK})


class Incoterm(models.TextChoices):
    FOB = "FOB", "FOB"
    CFR = "CFR", "CFR"
    CIF = "CIF", "CIF"
    FCA = "FCA", "FCA"
    CIP = "CIP", "CIP"


class ConsigneeType(models.TextChoices):
    COMPANY = "commercial", _("Company")
    INDIVIDUAL = "individual", _("Individual")


class ShipmentQuerySet(DealerScopedQuerySet):
    def active(self):
        return self.exclude(status=ShipmentStatus.CANCELLED)


money = {"max_digits": 14, "decimal_places": 2}


class ExportShipment(models.Model):
    """A consignment of a dealer's vehicles to one destination market."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("dealer")
    )
    reference = models.CharField(_("reference"), max_length=30)
    destination = models.ForeignKey(
        DestinationMarket,
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("destination"),
        limit_choices_to={"is_origin": False},
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.DRAFT
    )
    consignee = models.CharField(_("consignee"), max_length=120)
    consignee_type = models.CharField(
        _("consignee type"),
        max_length=10,
        choices=ConsigneeType.choices,
        default=ConsigneeType.COMPANY,
    )
    consignee_address = models.TextField(_("consignee address"), blank=True)
    declarant = models.CharField(
        _("import declarant"),
        max_length=120,
        blank=True,
        help_text=_(
            "Who declares the cars at import, often the consignee; Uzbekistan releases a car "
            "only to the holder of its compliance certificate."
        ),
    )
    port_of_loading = models.CharField(_("port of loading"), max_length=80, blank=True)
    port_of_discharge = models.CharField(_("port of discharge"), max_length=80, blank=True)
    transport_mode = models.CharField(
        _("transport"), max_length=10, choices=TransportMode.choices, default=TransportMode.RORO
    )
    stowage = models.CharField(
        _("stowage"),
        max_length=10,
        choices=Stowage.choices,
        blank=True,
        help_text=_("Where on board the cars travel; the dangerous-goods declaration reads it."),
    )
    no_leakage = models.BooleanField(
        _("no signs of leakage"),
        default=False,
        help_text=_(
            "No car shows signs of leakage from its battery, engine or fuel tank (IMDG "
            "special provision 961)."
        ),
    )
    fuel_empty_batteries_protected = models.BooleanField(
        _("fuel tanks empty, batteries protected"),
        default=False,
        help_text=_(
            "Every car's fuel tank is empty and its installed batteries are protected from "
            "short circuit (IMDG special provision 961)."
        ),
    )
    vessel = models.CharField(_("vessel"), max_length=80, blank=True)
    voyage = models.CharField(_("voyage"), max_length=30, blank=True)
    bill_of_lading = models.CharField(_("bill of lading"), max_length=40, blank=True)
    incoterm = models.CharField(
        _("Incoterm"), max_length=3, choices=Incoterm.choices, default=Incoterm.FOB
    )
    sale_currency = models.CharField(_("sale currency"), max_length=3, default="USD")
    fx_rate_to_base = models.DecimalField(
        _("FX rate to base currency"), max_digits=12, decimal_places=6, default=Decimal("1")
    )
    freight_cost = models.DecimalField(
        _("freight"),
        default=Decimal("0"),
        help_text=_("In the sale currency; the seller pays it under CFR, CIF and CIP."),
        **money,
    )
    insurance_cost = models.DecimalField(
        _("insurance"),
        default=Decimal("0"),
        help_text=_("In the sale currency; the seller pays it under CIF and CIP."),
        **money,
    )
    fx_fixed_on = models.DateField(
        _("FX rate fixed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The rate is fixed when the shipment is booked."),
    )
    etd = models.DateField(_("ETD"), null=True, blank=True)
    eta = models.DateField(_("ETA"), null=True, blank=True)
    cancelled_reason = models.TextField(_("cancellation reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export shipment")
        verbose_name_plural = _("export shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "reference"],
                name="shipment_reference_unique_per_dealer",
                violation_error_message=_(
                    "This dealer already has a shipment with this reference."
                ),
            ),
            models.CheckConstraint(
                condition=Q(fx_rate_to_base__gt=0),
                name="shipment_fx_rate_positive",
                violation_error_message=_("The FX rate must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(freight_cost__gte=0) & Q(insurance_cost__gte=0),
                name="shipment_costs_not_negative",
                violation_error_message=_("Freight and insurance cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(eta__isnull=True) | Q(etd__isnull=True) | Q(eta__gte=models.F("etd")),
                name="shipment_eta_after_etd",
                violation_error_message=_("The ETA cannot be before the ETD."),
            ),
            models.UniqueConstraint(
                fields=["bill_of_lading"],
                condition=~Q(bill_of_lading=""),
                name="shipment_bill_of_lading_unique",
                violation_error_message=_(
                    "This bill of lading is already on another shipment; each shipment has its own."
                ),
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("exports:shipment_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.fx_rate_to_base is not None and self.fx_rate_to_base <= 0:
            errors["fx_rate_to_base"] = _("The FX rate must be greater than zero.")
        for name in ("freight_cost", "insurance_cost"):
            if (getattr(self, name) or 0) < 0:
                errors[name] = _("This cannot be negative.")
        if self.stowage in RORO_STOWAGE and self.transport_mode == TransportMode.CONTAINER:
            errors["stowage"] = _(
                "A container shipment is not stowed in a ro-ro ship's vehicle spaces or on its "
                "weather deck."
            )
        self.bill_of_lading = (self.bill_of_lading or "").strip()
        if (
            self.bill_of_lading
            and ExportShipment.objects.filter(bill_of_lading=self.bill_of_lading)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["bill_of_lading"] = _(
                "This bill of lading is already on another shipment; each shipment has its own."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def special_provision_961(self) -> bool:
        """Whether the cars with an engine travel outside the IMDG Code under its special
        provision 961: no sign of leakage, and either stowed in a ro-ro ship's vehicle spaces
        or on its weather deck, or with empty fuel tanks and batteries protected from short
        circuit. Until the shipment records this, they are declared as dangerous goods."""
        return self.no_leakage and (
            self.stowage in RORO_STOWAGE or self.fuel_empty_batteries_protected
        )

    @property
    def seller_pays_freight(self):
        return self.incoterm in SELLER_PAYS_FREIGHT

    @property
    def seller_pays_insurance(self):
        return self.incoterm in SELLER_PAYS_INSURANCE

    def milestone_on(self, status):
        """The day the shipment reached `status`, or None."""
        for milestone in self.milestones.all():
            if milestone.status == status:
                return milestone.on
        return None

    @property
    def is_active(self):
        return self.status != ShipmentStatus.CANCELLED


# Temporary plates for a car transferred pending export are valid as long as its compulsory
# insurance, and at most this long (domain rule C5).
TEMP_PLATE_DAYS = timedelta(days=60)


class ShipmentLineQuerySet(DealerScopedQuerySet):
    dealer_lookup = "shipment__dealer"


class ShipmentLine(models.Model):
    """One vehicle on a shipment, with its sale price; `is_active` is false once released."""

    # Lines, milestones and documents are the shipment's record: a shipment past draft is
    # cancelled, never deleted, and a draft is deleted through `shipment_delete_draft`.
    shipment = models.ForeignKey(
        ExportShipment, on_delete=models.PROTECT, related_name="lines", verbose_name=_("shipment")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="shipment_lines", verbose_name=_("vehicle")
    )
    sale_price = models.DecimalField(_("sale price"), default=Decimal("0"), **money)
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    commodity_code = models.CharField(
        _("China commodity code"),
        max_length=10,
        blank=True,
        help_text=_(
            "The 10-digit tariff line China's export licence is applied for; empty "
            "while it cannot be determined."
        ),
    )
    licence_batch = models.PositiveSmallIntegerField(
        _("licence batch"),
        null=True,
        blank=True,
        help_text=_("One export licence covers a limited number of cars with one commodity code."),
    )
    transferred_on = models.DateField(
        _("transferred pending export on"),
        null=True,
        blank=True,
        help_text=_("The day the registration was endorsed and temporary plates were issued."),
    )
    insurance_ends_on = models.DateField(
        _("compulsory insurance ends on"),
        null=True,
        blank=True,
        help_text=_("The temporary plates are valid no longer than the compulsory insurance."),
    )
    deregistered_on = models.DateField(_("de-registered on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    objects = ShipmentLineQuerySet.as_manager()

    class Meta:
        ordering = ["shipment", "id"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(is_active=True),
                name="vehicle_in_one_active_shipment",
                violation_error_message=_("This vehicle is already on another active shipment."),
            ),
            models.CheckConstraint(
                condition=Q(sale_price__gte=0),
                name="shipment_line_price_not_negative",
                violation_error_message=_("The sale price cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.shipment} / {self.vehicle.vin}"

    def clean(self):
        if self.sale_price is not None and self.sale_price < 0:
            raise ValidationError({"sale_price": _("The sale price cannot be negative.")})
        if (
            self.transferred_on
            and self.insurance_ends_on
            and self.insurance_ends_on < self.transferred_on
        ):
            raise ValidationError(
                {
                    "insurance_ends_on": _(
                        "Temporary plates are issued only while the compulsory insurance runs: "
                        "it cannot end before the transfer pending export."
                    )
                }
            )

    @property
    def temp_plate_expires_on(self):
        """The day the temporary plates run out: 60 days after the transfer pending export, or
        when the compulsory insurance ends if that is sooner (domain rule C5); None until the
        transfer is recorded, since the plates are issued with it."""
        if self.transferred_on is None:
            return None
        last = self.transferred_on + TEMP_PLATE_DAYS
        return min(last, self.insurance_ends_on) if self.insurance_ends_on else last
