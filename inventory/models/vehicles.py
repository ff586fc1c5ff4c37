"""The vehicles a dealer stocks, their status and the verdict on where they may be exported."""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import CachedChoiceLabels
from core.constraints import ConstraintsInPython
from core.translation import country_name, message_text
from inventory import aging
from inventory import vin as vin_rules
from inventory.messages import from_data

from .dealers import Dealer, DealerScopedQuerySet, money


class Powertrain(models.TextChoices):
    BEV = "BEV", _("Battery electric (BEV)")
    PHEV = "PHEV", _("Plug-in hybrid (PHEV)")
    EREV = "EREV", _("Range-extended electric (EREV)")
    HEV = "HEV", _("Hybrid (HEV)")
    ICE = "ICE", _("Combustion engine (ICE)")


ELECTRIFIED = frozenset({Powertrain.BEV, Powertrain.PHEV, Powertrain.EREV})
TRACTION_BATTERY = ELECTRIFIED | {Powertrain.HEV}


class Fuel(models.TextChoices):
    """What the engine burns; the customs heading splits spark-ignition from diesel."""

    PETROL = "petrol", _("Petrol (spark ignition)")
    DIESEL = "diesel", _("Diesel (compression ignition)")


class BodyType(models.TextChoices):
    """How China's tariff splits passenger cars below the six-digit HS code (domain rules 5.2)."""

    SALOON = "saloon", _("Saloon (sedan or hatchback)")
    OFF_ROAD = "off_road", _("Off-road vehicle (4WD)")
    STATION_WAGON = "wagon", _("Station wagon or MPV (9 seats or fewer)")
    OTHER = "other", _("Other passenger vehicle")


class RegisteredOwner(models.TextChoices):
    """Whom the registration certificate names as owner; China exports a used car only in its
    registered owner's name (domain rule C6)."""

    DEALER = "dealer", _("This dealer")
    OTHER = "other", _("Someone else")
    UNKNOWN = "unknown", _("Not recorded")


class SteeringSide(models.TextChoices):
    LHD = "LHD", _("Left-hand drive")
    RHD = "RHD", _("Right-hand drive")


class VehicleStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    RESERVED = "reserved", _("Reserved")
    ALLOCATED = "allocated", _("Allocated to shipment")
    EXPORTED = "exported", _("Exported")
    SOLD_DOMESTIC = "sold_domestic", _("Sold domestic")
    # Sold to a qualified exporter, who takes it abroad under its own licence; only the sale
    # for export sets it (`exports.services.vehicle_sell_for_export`) and its cancellation
    # takes it back.
    SOLD_FOR_EXPORT = "sold_for_export", _("Sold for export")


# Cars the dealer still holds and pays for: unsold, including those booked on a shipment not
# yet loaded. A car leaves stock when it is loaded for export, sold at home or sold to an
# exporter; from that day on
# it no longer ages, costs nothing more to hold and takes no stock actions.
ON_HAND = (VehicleStatus.IN_STOCK, VehicleStatus.RESERVED, VehicleStatus.ALLOCATED)


class VehicleQuerySet(DealerScopedQuerySet):
    def in_stock(self):
        return self.filter(status__in=[VehicleStatus.IN_STOCK, VehicleStatus.RESERVED])

    def makes_of(self, dealer) -> list[str]:
        """The makes a dealer stocks, alphabetically.

        A recursive query hops from one make to the next along the (dealer, make) index, so
        it costs a few index probes per make instead of a scan of the dealer's whole stock.
        """
        table = self.model._meta.db_table
        sql = f"""
            WITH RECURSIVE makes(make) AS (
                SELECT MIN(make) FROM {table} WHERE dealer_id = %s
                UNION ALL
                SELECT (
                    SELECT MIN(v.make) FROM {table} v WHERE v.dealer_id = %s AND v.make > m.make
                )
                FROM makes m WHERE m.make IS NOT NULL
            )
            SELECT make FROM makes WHERE make IS NOT NULL
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [dealer.pk, dealer.pk])
            return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class ExportMarket:
    """A market an export candidate may leave for, as the last candidate run saw it."""

    code: str
    # The warnings that put the market in doubt, in the active language; () when clean.
    warnings: tuple[str, ...] = ()

    @property
    def doubtful(self) -> bool:
        return bool(self.warnings)

    @property
    def name(self) -> str:
        """The country's name in the active language, for the code's tooltip."""
        return country_name(self.code)


def warning_text(warning) -> str:
    """A stored warning (`exports.candidates.summarise`) as a sentence in the active language."""
    if isinstance(warning, dict) and "message" in warning:
        return message_text(from_data(warning["message"]))
    return str(warning.get("rule", "") if isinstance(warning, dict) else warning)


def vin_check(value):
    """Check a VIN as typed, with model years up to next year's."""
    return vin_rules.validate(value, latest_model_year=timezone.now().year + 1)


def validate_vin(value):
    check = vin_check(value)
    if check.errors:
        raise ValidationError([message_text(error) for error in check.errors], code="invalid_vin")


class Vehicle(CachedChoiceLabels, ConstraintsInPython, models.Model):
    """One car a dealer holds, with the facts that decide where it may still be exported.

    Its check constraints are judged in Python when it is validated (`core.constraints`), so
    that validating a file of cars costs no query a car for them."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("dealer")
    )
    vin = models.CharField(
        _("VIN"),
        max_length=17,
        unique=True,
        validators=[validate_vin],
        error_messages={"unique": _("A vehicle with this VIN is already registered.")},
    )
    stock_number = models.CharField(_("stock number"), max_length=20, blank=True)
    make = models.CharField(_("make"), max_length=40)
    model = models.CharField(_("model"), max_length=60)
    trim = models.CharField(_("trim"), max_length=60, blank=True)
    model_year = models.PositiveSmallIntegerField(
        _("model year"), validators=[MinValueValidator(1980), MaxValueValidator(2100)]
    )
    powertrain = models.CharField(_("powertrain"), max_length=4, choices=Powertrain.choices)
    engine_cc = models.PositiveIntegerField(
        _("engine displacement (cc)"), null=True, blank=True, help_text=_("Empty for BEVs.")
    )
    fuel = models.CharField(
        _("engine fuel"),
        max_length=6,
        choices=Fuel.choices,
        default=Fuel.PETROL,
        db_default=Fuel.PETROL,
        help_text=_("Of the combustion engine; not used for BEVs."),
    )
    power_kw = models.PositiveIntegerField(
        _("power (kW)"),
        null=True,
        blank=True,
        help_text=_("Peak power of the engine or, for EVs, the electric motors."),
    )
    body_type = models.CharField(
        _("body type"),
        max_length=8,
        choices=BodyType.choices,
        blank=True,
        help_text=_(
            "China's export licence is applied for per 10-digit tariff line, which depends on it."
        ),
    )
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    steering_side = models.CharField(
        _("steering side"), max_length=3, choices=SteeringSide.choices, default=SteeringSide.LHD
    )
    odometer_km = models.PositiveIntegerField(_("odometer (km)"), default=0)
    manufactured_on = models.DateField(_("manufactured on"), null=True, blank=True)
    stocked_on = models.DateField(_("stocked on"))
    # Set by the services whenever the car leaves stock, cleared when it comes back.
    left_stock_on = models.DateField(_("left stock on"), null=True, blank=True, editable=False)
    registered_on = models.DateField(
        _("first registered on"), null=True, blank=True, help_text=_("Empty until registered.")
    )
    registered_owner = models.CharField(
        _("registered owner"),
        max_length=7,
        choices=RegisteredOwner.choices,
        default=RegisteredOwner.DEALER,
        db_default=RegisteredOwner.DEALER,
        help_text=_(
            "Whom the registration certificate names; a used car is exported only by "
            "its registered owner."
        ),
    )
    registered_owner_name = models.CharField(
        _("registered owner's name"),
        max_length=120,
        blank=True,
        help_text=_("As written on the registration certificate, when it is not this dealer."),
    )
    acquisition_cost = models.DecimalField(_("acquisition cost"), **money)
    list_price = models.DecimalField(_("list price"), **money)
    export_price = models.DecimalField(
        _("expected export price"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the list price less the dealer's export discount."),
        **money,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VehicleStatus.choices, default=VehicleStatus.IN_STOCK
    )
    is_salvage = models.BooleanField(_("salvage title"), default=False)
    is_flood_damaged = models.BooleanField(_("flood damaged"), default=False)
    export_candidate = models.BooleanField(_("export candidate"), default=False)
    export_candidate_since = models.DateField(_("export candidate since"), null=True, blank=True)
    # Where a candidate may go and what it still needs, shared by all candidates judged alike.
    # No index of its own: the candidate job rewrites it for many cars at once, and
    # PostgreSQL can update a row in place (heap-only) only while no indexed column changes.
    # The candidates index carries it all the same, so that the dashboard ranks a dealer's
    # candidates without reading the table: a verdict changing on a car whose flag stays is
    # then a full update, which the nightly job pays so that every page view does not.
    export_verdict = models.ForeignKey(
        "ExportVerdict",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("export verdict"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "export_candidate",
            "export_candidate_since",
            "export_verdict",
        ]
    )
    objects = VehicleQuerySet.as_manager()

    class Meta:
        ordering = ["-stocked_on", "-id"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        indexes = [
            models.Index(fields=["dealer", "-stocked_on", "-id"], name="vehicle_dealer_stocked"),
            models.Index(fields=["dealer", "status"], name="vehicle_dealer_status"),
            models.Index(fields=["dealer", "make", "id"], name="vehicle_dealer_make"),
            models.Index(fields=["dealer", "list_price", "id"], name="vehicle_dealer_price"),
            # The dashboard's figures and aging buckets and the inventory's status and age
            # filters read a dealer's cars on hand from this index alone, without visiting
            # the table's pages, where other dealers' cars stand in between.
            models.Index(
                fields=["dealer", "stocked_on"],
                include=[
                    "id",
                    "status",
                    "left_stock_on",
                    "acquisition_cost",
                    "list_price",
                    "export_price",
                    "export_candidate",
                ],
                condition=Q(status__in=ON_HAND),
                name="vehicle_dealer_on_hand",
            ),
            # A dealer's export candidates with all their ranking by cash released reads,
            # the verdict included (see `export_verdict`).
            models.Index(
                fields=["dealer"],
                include=["id", "export_verdict", "export_price", "list_price"],
                condition=Q(export_candidate=True),
                name="vehicle_candidate",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("vin"), 17),
                name="vehicle_vin_17_chars",
                violation_error_message=_("A VIN has 17 characters."),
            ),
            models.CheckConstraint(
                condition=Q(acquisition_cost__gte=0),
                name="vehicle_acquisition_cost_not_negative",
                violation_error_message=_("The acquisition cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0),
                name="vehicle_list_price_not_negative",
                violation_error_message=_("The list price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(export_price__isnull=True) | Q(export_price__gte=0),
                name="vehicle_export_price_not_negative",
                violation_error_message=_("The export price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(odometer_km__gte=0),
                name="vehicle_odometer_not_negative",
                violation_error_message=_("The odometer cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True)
                | Q(manufactured_on__isnull=True)
                | Q(registered_on__gte=models.F("manufactured_on")),
                name="vehicle_registered_after_manufacture",
                violation_error_message=_("A car cannot be registered before it was built."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ON_HAND, left_stock_on__isnull=True)
                | (~Q(status__in=ON_HAND) & Q(left_stock_on__isnull=False)),
                name="vehicle_left_stock_iff_gone",
                violation_error_message=_(
                    "A car has a left-stock date exactly when it is no longer on hand."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_stock_on__isnull=True)
                | Q(left_stock_on__gte=models.F("stocked_on")),
                name="vehicle_left_stock_after_stocked",
                violation_error_message=_("A car cannot leave stock before it was stocked."),
            ),
            models.UniqueConstraint(
                fields=["dealer", "stock_number"],
                condition=~Q(stock_number=""),
                name="vehicle_stock_number_unique_per_dealer",
                violation_error_message=_("This stock number is already used at this dealer."),
            ),
        ]

    def __str__(self):
        return f"{self.make} {self.model} {self.vin}"

    def get_absolute_url(self):
        return reverse("inventory:vehicle_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.vin:
            self.vin = vin_rules.normalise(self.vin)
        today = self.dealer.today() if self.dealer_id else timezone.localdate()
        if self.stocked_on and self.stocked_on > today:
            errors["stocked_on"] = _("The stocked-on date cannot be in the future.")
        if self.registered_on and self.registered_on > today:
            errors["registered_on"] = _("The registration date cannot be in the future.")
        if self.powertrain == Powertrain.BEV and self.engine_cc:
            errors["engine_cc"] = _("A battery-electric car has no engine displacement.")
        if (
            self.registered_owner == RegisteredOwner.OTHER
            and not self.registered_owner_name.strip()
        ):
            errors["registered_owner_name"] = _(
                "Name the owner the registration certificate shows."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def export_markets(self) -> str:
        """The markets the candidate may leave for, as " KZ RU "; empty when not a candidate."""
        return self.export_verdict.markets if self.export_verdict_id else ""

    @property
    def export_candidate_reasons(self):
        return self.export_verdict.summary if self.export_verdict_id else {}

    @cached_property
    def export_market_list(self) -> list[ExportMarket]:
        """The candidate's markets in the stored order, each with the warnings it carries."""
        summary = self.export_candidate_reasons
        if not isinstance(summary, dict):
            return []
        warnings = summary.get("warnings") or {}
        return [
            ExportMarket(code, tuple(warning_text(w) for w in warnings.get(code, ())))
            for code in summary.get("markets", [])
        ]

    @property
    def is_electrified(self):
        return self.powertrain in ELECTRIFIED

    @property
    def is_on_hand(self):
        return self.status in ON_HAND

    def days_in_stock(self, on=None):
        on = on or (self.dealer.today() if self.dealer_id else timezone.localdate())
        return aging.days_in_stock(self.stocked_on, on, left_stock_on=self.left_stock_on)

    @property
    def vin_check(self):
        return vin_check(self.vin)


class ExportVerdict(models.Model):
    """Where a group of export candidates may go and the documents they still need.

    Written by the candidate job; every candidate judged alike points at the same row, so a
    run writes one small key per vehicle rather than the whole summary.
    """

    digest = models.CharField(_("digest"), max_length=64, unique=True)
    markets = models.CharField(
        _("markets"), max_length=200, help_text=_('Country codes with spaces around, " KZ RU ".')
    )
    summary = models.JSONField(_("summary"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("export verdict")
        verbose_name_plural = _("export verdicts")

    def __str__(self):
        return self.markets.strip()
