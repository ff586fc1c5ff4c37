"""Dealers, who works for them, the vehicles they stock, inspections and job runs."""

import itertools
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inventory import aging, costs, paint, uploads
from inventory import vin as vin_rules
from inventory.messages import Message, from_data

ZERO = Decimal("0")
money = {"max_digits": 12, "decimal_places": 2}


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")


class DealerScopedQuerySet(models.QuerySet):
    """Rows a user may see: those of the dealers the user is a member of.

    `dealer_lookup` is the path from the model to its Dealer; every dealer-owned model names it
    once, and every view, form, admin page and task reaches dealer data through `visible_to`.
    """

    dealer_lookup = "dealer"

    def visible_to(self, user, *, roles=None):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(**{f"{self.dealer_lookup}__in": memberships.values("dealer_id")})

    def managed_by(self, user):
        return self.visible_to(user, roles=[Role.MANAGER])


def validate_time_zone(value):
    if value not in available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone; use a name such as Asia/Shanghai."),
            params={"value": value},
            code="invalid_time_zone",
        )


def validate_bucket_edges(value):
    try:
        aging.parse_edges(value)
    except ValueError as exc:
        raise ValidationError(
            _("Enter rising whole numbers of days separated by commas, such as 30,60,90,180."),
            code="invalid_bucket_edges",
        ) from exc


class DealerQuerySet(DealerScopedQuerySet):
    dealer_lookup = "pk"


def body_panel_count():
    """How many panels an inspection measures: the most a baseline can ask for."""
    return len(Panel.values)


class Dealer(models.Model):
    """A car dealership: the tenant that owns vehicles, shipments and reports."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Short code."))
    city = models.CharField(_("city"), max_length=80)
    base_currency = models.CharField(_("base currency"), max_length=3, default="CNY")
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    aged_threshold_days = models.PositiveSmallIntegerField(_("aged after (days)"), default=60)
    zero_km_max_odometer_km = models.PositiveIntegerField(
        _("zero-km max odometer (km)"), default=50
    )
    export_discount_pct = models.DecimalField(
        _("expected export discount (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    aging_bucket_edges = models.CharField(
        _("aging bucket edges (days)"),
        max_length=60,
        default=aging.DEFAULT_EDGES_TEXT,
        validators=[validate_bucket_edges],
        help_text=_("Last day of each bucket, rising, separated by commas: 30,60,90,180."),
    )
    daily_overhead_per_unit = models.DecimalField(
        _("overhead per car per day"), default=Decimal("25.00"), **money
    )
    depreciation_pct_per_30d = models.DecimalField(
        _("depreciation per 30 days (%)"), max_digits=5, decimal_places=2, default=Decimal("1.50")
    )
    domestic_markdown_pct = models.DecimalField(
        _("expected domestic markdown (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        help_text=_("Price cut off the list price to sell a car at home."),
    )
    hold_days = models.PositiveSmallIntegerField(
        _("days to compare holding"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Export now is weighed against keeping the car this many more days."),
    )
    export_cost_inspection = models.DecimalField(
        _("export cost: inspection"), default=Decimal("800.00"), **money
    )
    export_cost_transport = models.DecimalField(
        _("export cost: transport to port"), default=Decimal("2500.00"), **money
    )
    export_cost_documents = models.DecimalField(
        _("export cost: documents"), default=Decimal("1200.00"), **money
    )
    paint_repaint_min_um = models.PositiveIntegerField(
        _("repaint: above (µm)"),
        default=paint.DEFAULT_THRESHOLDS.repaint_min_um,
        help_text=_("A panel reads as repainted above this and above the roof times the factor."),
    )
    paint_repaint_factor = models.DecimalField(
        _("repaint: times the roof"),
        max_digits=4,
        decimal_places=2,
        default=paint.DEFAULT_THRESHOLDS.repaint_baseline_factor,
    )
    paint_filler_min_um = models.PositiveIntegerField(
        _("filler: above (µm)"), default=paint.DEFAULT_THRESHOLDS.filler_min_um
    )
    paint_structural_min_um = models.PositiveIntegerField(
        _("structural repair: above (µm)"), default=paint.DEFAULT_THRESHOLDS.structural_min_um
    )
    paint_replaced_below_um = models.PositiveIntegerField(
        _("panel replaced: below the roof by (µm)"),
        default=paint.DEFAULT_THRESHOLDS.replaced_below_baseline_um,
        help_text=_("Aftermarket panels lack the factory e-coat and read 20 to 30 µm thinner."),
    )
    paint_baseline_min_panels = models.PositiveSmallIntegerField(
        _("baseline: at least (panels)"),
        default=paint.DEFAULT_THRESHOLDS.baseline_min_panels,
        validators=[MinValueValidator(1), MaxValueValidator(body_panel_count)],
        help_text=_(
            "The baseline is the median of the panels of one material; with fewer panels "
            "measured, the car is not judged against it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DealerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        constraints = [
            models.CheckConstraint(
                condition=Q(depreciation_pct_per_30d__gte=0) & Q(depreciation_pct_per_30d__lte=100),
                name="dealer_depreciation_0_100",
                violation_error_message=_("The depreciation must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(domestic_markdown_pct__gte=0) & Q(domestic_markdown_pct__lt=100),
                name="dealer_markdown_0_100",
                violation_error_message=_("The domestic markdown must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(daily_overhead_per_unit__gte=0)
                & Q(export_cost_inspection__gte=0)
                & Q(export_cost_transport__gte=0)
                & Q(export_cost_documents__gte=0),
                name="dealer_costs_not_negative",
                violation_error_message=_("Overhead and export costs cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(export_discount_pct__gte=0) & Q(export_discount_pct__lt=100),
                name="dealer_export_discount_0_100",
                violation_error_message=_("The export discount must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(paint_repaint_factor__gte=1)
                & Q(paint_repaint_min_um__lt=F("paint_filler_min_um"))
                & Q(paint_filler_min_um__lt=F("paint_structural_min_um"))
                & Q(paint_structural_min_um__lte=paint.READING_MAX_UM),
                name="dealer_paint_thresholds_rise",
                violation_error_message=_(
                    "Paint thresholds must rise: repaint, then filler, then structural repair "
                    "(at most 5,000 µm), and the roof factor must be at least 1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(paint_baseline_min_panels__gte=1),
                name="dealer_paint_baseline_from_a_panel",
                violation_error_message=_("A paint baseline needs at least one panel."),
            ),
        ]

    def __str__(self):
        return self.name

    def today(self):
        """The calendar date at the dealer's own location."""
        return self.local_date(timezone.now())

    def local_date(self, moment):
        """The calendar date a person at the dealer reads for `moment`, not the UTC one."""
        return moment.astimezone(ZoneInfo(self.time_zone)).date()

    def clean(self):
        errors = {}
        for name in ("depreciation_pct_per_30d", "domestic_markdown_pct", "export_discount_pct"):
            value = getattr(self, name)
            if value is not None and not ZERO <= value < 100:
                errors[name] = _("Enter a percentage from 0 up to, not including, 100.")
        for name in (
            "daily_overhead_per_unit",
            "export_cost_inspection",
            "export_cost_transport",
            "export_cost_documents",
        ):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("This cannot be negative.")
        errors.update(self._paint_threshold_errors())
        if errors:
            raise ValidationError(errors)

    def _paint_threshold_errors(self):
        errors = {}
        if self.paint_repaint_factor is not None and self.paint_repaint_factor < 1:
            errors["paint_repaint_factor"] = _("The factor must be at least 1.")
        rising = ["paint_repaint_min_um", "paint_filler_min_um", "paint_structural_min_um"]
        for lower, higher in itertools.pairwise(rising):
            low, high = getattr(self, lower), getattr(self, higher)
            if low is not None and high is not None and low >= high:
                errors[higher] = _("Must be above %(value)s µm, the threshold before it.") % {
                    "value": low
                }
        if (self.paint_structural_min_um or 0) > paint.READING_MAX_UM:
            errors["paint_structural_min_um"] = _("Gauges read at most 5,000 µm.")
        return errors

    @property
    def paint_thresholds(self):
        return paint.Thresholds(
            repaint_min_um=self.paint_repaint_min_um,
            repaint_baseline_factor=self.paint_repaint_factor,
            filler_min_um=self.paint_filler_min_um,
            structural_min_um=self.paint_structural_min_um,
            replaced_below_baseline_um=self.paint_replaced_below_um,
            baseline_min_panels=self.paint_baseline_min_panels,
        )

    @property
    def buckets(self):
        return aging.buckets(aging.parse_edges(self.aging_bucket_edges))

    @property
    def carry(self):
        return costs.Carry(
            overhead_per_day=self.daily_overhead_per_unit,
            depreciation_pct_per_30d=self.depreciation_pct_per_30d,
        )

    @property
    def export_costs(self):
        """Inspection, transport to port and documents for one car."""
        return self.export_cost_inspection + self.export_cost_transport + self.export_cost_documents


class MembershipQuerySet(DealerScopedQuerySet):
    pass


class Membership(models.Model):
    """A user's role at one dealer; the only source of who may see which dealer's data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("dealer")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["dealer__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dealer"],
                name="membership_one_per_user_and_dealer",
                violation_error_message=_("This user already belongs to this dealer."),
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.dealer} ({self.get_role_display()})"


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


# Cars the dealer still holds and pays for: unsold, including those booked on a shipment not
# yet loaded. A car leaves stock when it is loaded for export or sold at home; from that day on
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


def message_text(message) -> str:
    """A message from a pure module (`inventory.vin`, `exports.rules`) in the active language."""
    if not isinstance(message, Message):
        return str(message)

    def param(value):
        if isinstance(value, tuple):
            return ", ".join(param(item) for item in value)
        return message_text(value)

    translated = gettext(message.template)
    if not message.params:
        return translated
    return translated % {k: param(v) for k, v in message.params.items()}


@dataclass(frozen=True)
class ExportMarket:
    """A market an export candidate may leave for, as the last candidate run saw it."""

    code: str
    # The warnings that put the market in doubt, in the active language; () when clean.
    warnings: tuple[str, ...] = ()

    @property
    def doubtful(self) -> bool:
        return bool(self.warnings)


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


class Vehicle(models.Model):
    """One car a dealer holds, with the facts that decide where it may still be exported."""

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
    # Not indexed: the candidate job rewrites it for many cars at once, and PostgreSQL can
    # update a row in place (heap-only) only while no indexed column changes.
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


class DocumentKind(models.TextChoices):
    """Papers the export rules ask for; the values are the rule engine's document names."""

    AFTER_SALES_CONFIRMATION = (
        "manufacturer_after_sales_confirmation",
        _("Manufacturer's after-sales service confirmation"),
    )
    CONFORMITY_CERTIFICATE = "conformity_certificate", _("Certificate of conformity (EU/US/GCC/SA)")
    GSO_CONFORMITY_CERTIFICATE = "gso_conformity_certificate", _("GSO conformity certificate")
    RUSSIAN_TYPE_APPROVAL = "era_glonass_sbkts", _("ERA-GLONASS and OTTS/SBKTS (Russia)")
    COMPLIANCE_CERTIFICATE = "compliance_certificate", _("Compliance certificate (Uzbekistan)")


# What to call each paper an export rule can ask for: the documents above, and what an issued
# inspection supplies.
PAPER_LABELS = {
    **dict(DocumentKind.choices),
    "inspection_report": _("Inspection needed"),
    "battery_health_report": _("Battery state-of-health measurement"),
    "registered_owner": _("Registered owner, from the registration certificate"),
    "import_declarant": _("Import declarant, recorded on the shipment"),
}


def paper_label(kind) -> str:
    """What to call a paper an export rule asks for, in the active language."""
    return str(PAPER_LABELS.get(kind, kind))


class VehicleDocumentQuerySet(DealerScopedQuerySet):
    dealer_lookup = "vehicle__dealer"


def vehicle_document_path(document, filename):
    """A server-chosen name whose extension is what the scan is; the client's name is
    ignored, so a page of script named scan.html can never be stored as one."""
    vehicle = document.vehicle
    return uploads.stored_path(f"documents/{vehicle.dealer_id}/{vehicle.pk}", document.scan)


class VehicleDocument(models.Model):
    """A paper held for one vehicle that an export rule can ask for, with who issued it."""

    # A paper is the record an export was judged on; the car is written off, never deleted.
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="documents", verbose_name=_("vehicle")
    )
    kind = models.CharField(_("document"), max_length=40, choices=DocumentKind.choices)
    country_code = models.CharField(
        _("for destination"),
        max_length=2,
        blank=True,
        help_text=_("Two-letter code of the country it names; empty if it is valid for any."),
    )
    issuer = models.CharField(_("issued by"), max_length=120)
    issuer_is_listed_manufacturer = models.BooleanField(
        _("issuer is the MIIT-listed manufacturer"),
        default=False,
        help_text=_("Only the manufacturer in MIIT's announcement may issue the confirmation."),
    )
    holder = models.CharField(
        _("issued to"),
        max_length=120,
        blank=True,
        help_text=_(
            "Whom the certificate names as its holder; in Uzbekistan it must be the "
            "person who declares the car."
        ),
    )
    issued_on = models.DateField(_("issued on"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    scan = models.FileField(
        _("scan"),
        upload_to=vehicle_document_path,
        blank=True,
        help_text=_("The signed and sealed paper: PDF, JPEG or PNG."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = VehicleDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["vehicle", "kind", "-issued_on"]
        verbose_name = _("vehicle document")
        verbose_name_plural = _("vehicle documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(country_code="") | Q(country_code__regex=r"^[A-Z]{2}$"),
                name="vehicle_document_country_code_iso2",
                violation_error_message=_("Use the two-letter ISO country code, e.g. KZ."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.vehicle.vin})"

    def clean(self):
        self.country_code = (self.country_code or "").strip().upper()
        # Today where the car's dealer is, not where the server is.
        today = self.vehicle.dealer.today() if self.vehicle_id else timezone.localdate()
        if self.issued_on and self.issued_on > today:
            raise ValidationError({"issued_on": _("The issue date cannot be in the future.")})


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Superseded")
    REVOKED = "revoked", _("Revoked")


class InspectionVerdict(models.TextChoices):
    PASS = "pass", _("Pass")
    CONDITIONAL = "conditional", _("Pass with findings")
    FAIL = "fail", _("Fail")


class AccidentGrade(models.TextChoices):
    """Trade grades of the body structure: A is untouched, D severely repaired."""

    A = "A", _("A: no structural damage")
    B = "B", _("B: minor structural repair")
    C = "C", _("C: moderate structural repair")
    D = "D", _("D: severe structural damage")


def accident_grade_problem(*, damaged, grade):
    """Grade A with structural damage recorded is a contradiction the inspector settles."""
    if damaged and grade == AccidentGrade.A:
        return _("Grade A means no structural damage, but structural damage is recorded.")
    return None


class SohMethod(models.TextChoices):
    OEM_DIAGNOSTIC = "oem_diagnostic", _("Manufacturer's diagnostic tool")
    BMS_READOUT = "bms_readout", _("OBD / BMS read-out")
    CAPACITY_TEST = "capacity_test", _("Capacity test (full charge and discharge)")


class PaintVerdict(models.TextChoices):
    ORIGINAL = paint.PanelVerdict.ORIGINAL, _("Original paint")
    REPAINT_SUSPECTED = paint.PanelVerdict.REPAINT_SUSPECTED, _("Repaint suspected")
    FILLER_SUSPECTED = paint.PanelVerdict.FILLER_SUSPECTED, _("Filler suspected")
    STRUCTURAL_REPAIR_LIKELY = (
        paint.PanelVerdict.STRUCTURAL_REPAIR_LIKELY,
        _("Structural repair likely"),
    )
    PANEL_REPLACED_SUSPECTED = (
        paint.PanelVerdict.PANEL_REPLACED_SUSPECTED,
        _("Panel replaced suspected"),
    )
    NOT_MEASURABLE = paint.PanelVerdict.NOT_MEASURABLE, _("Not measurable")
    SPOT_REPAIR_SUSPECTED = paint.PanelVerdict.SPOT_REPAIR_SUSPECTED, _("Spot repair suspected")
    FILLER_SPOT_SUSPECTED = paint.PanelVerdict.FILLER_SPOT_SUSPECTED, _("Filler spot suspected")
    NO_BASELINE = paint.PanelVerdict.NO_BASELINE, _("Cannot judge: no baseline")


# Verdicts that only reports judged per point carry; older certificates never show them.
POINT_VERDICTS = frozenset(
    {
        PaintVerdict.SPOT_REPAIR_SUSPECTED,
        PaintVerdict.FILLER_SPOT_SUSPECTED,
        PaintVerdict.NO_BASELINE,
    }
)


class InspectionQuerySet(DealerScopedQuerySet):
    dealer_lookup = "vehicle__dealer"

    def issued(self):
        return self.filter(status=InspectionStatus.ISSUED)

    def latest_issued_first(self):
        """Issued reports, the one that speaks for the vehicle now first."""
        return self.issued().order_by("-inspected_on", "-issued_at", "-id")


def new_verification_token():
    return secrets.token_urlsafe(24)


class ReportIsFrozen(ValidationError):
    """A write that would change an issued, superseded or revoked report."""


BATTERY_FIELDS = (
    "battery_soh_pct",
    "battery_soh_method",
    "battery_tool",
    "battery_cell_spread_mv",
    "battery_cycle_count",
)

# What staff record on a report, which a correction copies from the report it corrects.
REPORT_CONTENT_FIELDS = [
    "vehicle",
    "inspected_on",
    "inspector",
    "agency",
    "agency_accreditation",
    "standard_ref",
    "odometer_km",
    "vin_at_windshield",
    "vin_at_door_frame",
    "vin_at_chassis",
    *BATTERY_FIELDS,
    "structural_damage",
    "accident_grade",
    "flood_damage",
    "fire_damage",
    "grade",
    "verdict",
    "findings",
]

# What may still change on a report once it is issued: its place in the lifecycle.
LIFECYCLE_FIELDS = frozenset({"status", "revoked_reason", "revoked_at", "revoked_by"})

# The layout of the content a certificate's hash covers. An issued report keeps the version it
# was hashed under, so a later change to the layout never makes old certificates look tampered.
CONTENT_VERSION = 4
# From this layout on, paint is judged per point against per-substrate baselines.
POINT_FINDINGS_VERSION = 4


class InspectionReport(models.Model):
    """A formal inspection of one vehicle; once issued it is immutable and publicly verifiable."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("vehicle")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.CharField(_("inspector"), max_length=80)
    agency = models.CharField(_("agency"), max_length=120)
    agency_accreditation = models.CharField(
        _("CMA/CNAS accreditation no."), max_length=60, blank=True
    )
    standard_ref = models.CharField(
        _("standard followed"),
        max_length=60,
        blank=True,
        help_text=_("For example WM/T 9-2022 or GB/T 30323-2013."),
    )
    odometer_km = models.PositiveIntegerField(_("odometer (km)"))
    vin_at_windshield = models.BooleanField(_("VIN matches at the windshield"), default=False)
    vin_at_door_frame = models.BooleanField(_("VIN matches on the door frame"), default=False)
    vin_at_chassis = models.BooleanField(_("VIN matches on the chassis"), default=False)
    battery_soh_pct = models.DecimalField(
        _("battery state of health (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    battery_soh_method = models.CharField(
        _("measured by"), max_length=20, choices=SohMethod.choices, blank=True
    )
    battery_tool = models.CharField(_("diagnostic tool"), max_length=80, blank=True)
    battery_cell_spread_mv = models.PositiveIntegerField(
        _("cell voltage spread (mV)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5000)],
    )
    battery_cycle_count = models.PositiveIntegerField(
        _("charge cycles"), null=True, blank=True, validators=[MaxValueValidator(100000)]
    )
    structural_damage = models.BooleanField(_("structural damage"), default=False)
    accident_grade = models.CharField(
        _("accident grade"), max_length=1, choices=AccidentGrade.choices, default=AccidentGrade.A
    )
    flood_damage = models.BooleanField(_("flood damage"), default=False)
    fire_damage = models.BooleanField(_("fire damage"), default=False)
    grade = models.CharField(
        _("grade"), max_length=10, blank=True, help_text=_("Overall condition grade.")
    )
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=InspectionVerdict.choices, blank=True
    )
    findings = models.TextField(_("findings"), blank=True)
    paint_baseline_um = models.PositiveIntegerField(
        _("paint baseline (µm)"),
        null=True,
        blank=True,
        help_text=_("Reports judged per point: the steel panels' median; earlier: the roof."),
    )
    paint_baselines = models.JSONField(
        _("paint baselines (µm)"),
        default=dict,
        blank=True,
        help_text=_("Per material, the median of its panel means; empty when too few panels."),
    )
    paint_finding = models.CharField(
        _("paint finding"), max_length=30, choices=PaintVerdict.choices, blank=True
    )
    paint_thresholds = models.JSONField(
        _("paint thresholds"),
        default=dict,
        blank=True,
        help_text=_("The dealer's thresholds the panel verdicts were judged by."),
    )
    certificate_number = models.CharField(
        _("certificate number"), max_length=32, null=True, blank=True, unique=True
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_by_name = models.CharField(
        _("issuer's name"),
        max_length=301,
        blank=True,
        editable=False,
        help_text=_(
            "The full name of the person who issued the report, as it read then; the "
            "certificate shows it, never the login."
        ),
    )
    vehicle_identity = models.JSONField(
        _("vehicle as certified"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The vehicle's identity when the report was issued; later edits leave it."),
    )
    content_version = models.PositiveSmallIntegerField(
        _("content layout"), default=CONTENT_VERSION, editable=False
    )
    content_hash = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    verification_token = models.CharField(
        _("verification token"),
        max_length=64,
        unique=True,
        default=new_verification_token,
        editable=False,
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    revoked_reason = models.TextField(_("revocation reason"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection report")
        verbose_name_plural = _("inspection reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(battery_soh_pct__isnull=True)
                | (Q(battery_soh_pct__gte=0) & Q(battery_soh_pct__lte=100)),
                name="inspection_soh_0_100",
                violation_error_message=_("Battery health is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(status=InspectionStatus.DRAFT)
                | (
                    Q(certificate_number__isnull=False)
                    & Q(issued_at__isnull=False)
                    & ~Q(content_hash="")
                ),
                name="inspection_issued_has_certificate",
                violation_error_message=_("An issued report needs a certificate number and hash."),
            ),
            models.CheckConstraint(
                condition=~Q(status=InspectionStatus.REVOKED) & Q(revoked_at__isnull=True)
                | Q(status=InspectionStatus.REVOKED)
                & Q(revoked_at__isnull=False)
                & ~Q(revoked_reason=""),
                name="inspection_revoked_has_reason",
                violation_error_message=_("A revoked report needs a reason and a time."),
            ),
        ]

    def __str__(self):
        return self.certificate_number or _("Draft inspection of %(vin)s") % {
            "vin": self.vehicle.vin
        }

    def save(self, *args, **kwargs):
        """Refuse, whoever asks, any write to a report that is no longer a draft, except a move
        along its lifecycle (superseded, revoked)."""
        if self.pk and not self._state.adding:
            stored = (
                InspectionReport.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            )
            update_fields = kwargs.get("update_fields")
            moving_on = update_fields is not None and set(update_fields) <= LIFECYCLE_FIELDS
            if stored not in (None, InspectionStatus.DRAFT) and not moving_on:
                raise ReportIsFrozen(
                    _("Report %(number)s is issued and cannot be changed; issue a correction.")
                    % {"number": self.certificate_number},
                    code="report_not_editable",
                )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("inventory:inspection_detail", args=[self.pk])

    def clean(self):
        if not self.vehicle_id:
            return
        problems = {}
        vehicle = self.vehicle
        if self.inspected_on and self.inspected_on > vehicle.dealer.today():
            problems["inspected_on"] = _("The inspection date cannot be in the future.")
        if vehicle.powertrain not in TRACTION_BATTERY and self.has_battery_figures:
            problems["battery_soh_pct"] = _(
                "A %(powertrain)s car has no traction battery; leave the battery fields empty."
            ) % {"powertrain": vehicle.get_powertrain_display()}
        if problems:
            raise ValidationError(problems)

    def delete(self, *args, **kwargs):
        if InspectionReport.objects.filter(pk=self.pk).exclude(status=InspectionStatus.DRAFT):
            raise ReportIsFrozen(
                _("Only a draft report can be deleted; revoke an issued one."),
                code="report_not_editable",
            )
        return super().delete(*args, **kwargs)

    def get_verification_url(self):
        return reverse("verify", args=[self.verification_token])

    @property
    def is_editable(self):
        return self.status == InspectionStatus.DRAFT

    @property
    def baseline_lines(self):
        """(material, µm) for each material with a baseline, steel first."""
        labels = dict(Substrate.choices)
        return [
            (labels.get(substrate, substrate), um)
            for substrate, um in sorted(
                (self.paint_baselines or {}).items(), key=lambda item: item[0] != Substrate.STEEL
            )
        ]

    @property
    def judged_per_point(self):
        """Whether its paint was judged point by point against per-material baselines: every
        draft, and every report issued since; older certificates read as they were issued."""
        return self.is_editable or self.content_version >= POINT_FINDINGS_VERSION

    @property
    def has_battery_figures(self):
        return any(getattr(self, name) not in (None, "") for name in BATTERY_FIELDS)

    @property
    def certified_vehicle(self):
        """The vehicle as the certificate states it: frozen at issue, since staff may later
        register it or correct its facts; the live vehicle while the report is a draft."""
        if not self.vehicle_identity:
            return self.vehicle
        identity = dict(self.vehicle_identity)
        if identity.get("registered_on"):
            identity["registered_on"] = date.fromisoformat(identity["registered_on"])
        return Vehicle(pk=self.vehicle_id, dealer_id=self.vehicle.dealer_id, **identity)

    @property
    def correction_in_progress(self):
        """The draft revision that will supersede this report once issued, if one is started."""
        successor = getattr(self, "superseded_by", None)
        return successor if successor is not None and successor.is_editable else None


class ReportPartQuerySet(DealerScopedQuerySet):
    dealer_lookup = "report__vehicle__dealer"


class ReportPart(models.Model):
    """Something recorded on a report (a reading, a finding, a photo): frozen with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self):
        if not InspectionReport.objects.filter(
            pk=self.report_id, status=InspectionStatus.DRAFT
        ).exists():
            raise ReportIsFrozen(
                _("This report is issued and cannot be changed; issue a correction."),
                code="report_not_editable",
            )


class Panel(models.TextChoices):
    """Body panels in the order an inspector walks round the car, roof (the baseline) first."""

    ROOF = "roof", _("Roof")
    HOOD = "hood", _("Hood")
    FRONT_FENDER_L = "front_fender_l", _("Front fender, left")
    A_PILLAR_L = "a_pillar_l", _("A-pillar, left")
    FRONT_DOOR_L = "front_door_l", _("Front door, left")
    B_PILLAR_L = "b_pillar_l", _("B-pillar, left")
    REAR_DOOR_L = "rear_door_l", _("Rear door, left")
    SILL_L = "sill_l", _("Sill, left")
    REAR_QUARTER_L = "rear_quarter_l", _("Rear quarter, left")
    TRUNK = "trunk", _("Trunk / tailgate")
    REAR_QUARTER_R = "rear_quarter_r", _("Rear quarter, right")
    SILL_R = "sill_r", _("Sill, right")
    REAR_DOOR_R = "rear_door_r", _("Rear door, right")
    B_PILLAR_R = "b_pillar_r", _("B-pillar, right")
    FRONT_DOOR_R = "front_door_r", _("Front door, right")
    A_PILLAR_R = "a_pillar_r", _("A-pillar, right")
    FRONT_FENDER_R = "front_fender_r", _("Front fender, right")


PANEL_ORDER = {value: index for index, value in enumerate(Panel.values)}


class Substrate(models.TextChoices):
    STEEL = "steel", _("Steel")
    ALUMINIUM = "aluminium", _("Aluminium")
    PLASTIC = "plastic", _("Plastic or glass (not measurable)")


class PaintReading(ReportPart):
    """The paint thickness measured on one body panel of an inspection, in microns."""

    report = models.ForeignKey(
        InspectionReport,
        on_delete=models.CASCADE,
        related_name="readings",
        verbose_name=_("inspection report"),
    )
    panel = models.CharField(_("panel"), max_length=20, choices=Panel.choices)
    substrate = models.CharField(
        _("substrate"), max_length=10, choices=Substrate.choices, default=Substrate.STEEL
    )
    points = models.JSONField(
        _("readings (µm)"),
        default=list,
        blank=True,
        help_text=_("Every gauge reading on this panel; empty for plastic or glass."),
    )
    microns = models.PositiveIntegerField(
        _("thickness (µm)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5000)],
        help_text=_("Mean of the readings on this panel; empty for plastic or glass."),
    )
    verdict = models.CharField(
        _("verdict"), max_length=30, choices=PaintVerdict.choices, blank=True
    )
    local_finding = models.CharField(
        _("local finding"),
        max_length=30,
        choices=PaintVerdict.choices,
        blank=True,
        help_text=_("A spot above the panel's other points: filler or a spot repair."),
    )
    point_verdicts = models.JSONField(
        _("verdict per point"),
        default=list,
        blank=True,
        help_text=_("One verdict for each reading, in the order the readings were taken."),
    )

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["report", "panel"]
        verbose_name = _("paint reading")
        verbose_name_plural = _("paint readings")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "panel"],
                name="paint_reading_one_per_panel",
                violation_error_message=_("This panel already has a reading in this report."),
            ),
            models.CheckConstraint(
                condition=Q(microns__isnull=True) | (Q(microns__gte=0) & Q(microns__lte=5000)),
                name="paint_reading_microns_0_5000",
                violation_error_message=_("Paint thickness must be between 0 and 5,000 µm."),
            ),
            models.CheckConstraint(
                condition=Q(substrate=Substrate.PLASTIC) | Q(microns__isnull=False),
                name="paint_reading_metal_has_microns",
                violation_error_message=_("A metal panel needs a thickness reading."),
            ),
        ]

    def __str__(self):
        return f"{self.get_panel_display()}: {self.microns if self.microns is not None else '-'}"

    @property
    def shows_worst(self):
        """The verdict the body diagram colours the panel by: its own, or its worst spot."""
        if not self.local_finding:
            return self.verdict
        return max(self.verdict, self.local_finding, key=paint.rank)

    @property
    def judged_points(self):
        """Every point on the panel with its own verdict; `stands_out` marks a point judged
        otherwise than its panel (a spot, or a point across a threshold), which the pages
        name beside the reading."""
        verdicts = list(self.point_verdicts or [])
        labels = dict(PaintVerdict.choices)
        rows = []
        for index, point in enumerate(self.points or []):
            verdict = verdicts[index] if index < len(verdicts) else ""
            rows.append(
                {
                    "um": point,
                    "verdict": verdict,
                    "label": labels.get(verdict, ""),
                    "stands_out": bool(verdict) and verdict != self.verdict,
                }
            )
        return rows

    def clean(self):
        try:
            paint.check_points(self.points or [])
        except paint.ReadingError as exc:
            raise ValidationError({"points": reading_error_message(exc)}) from exc


def reading_error_message(exc: paint.ReadingError):
    """What to tell the inspector about readings `paint` could not take."""
    messages = {
        "not_a_number": _("“%(value)s” is not a whole number of microns."),
        "too_many": _("Enter at most %(limit)s readings per panel."),
        "out_of_range": _("%(value)s µm is outside 0 to 5,000 µm."),
    }
    return messages[exc.code] % exc.params


class StructuralPoint(models.TextChoices):
    """Where an accident shows in the body structure (GB/T 30323's checkpoints)."""

    A_PILLAR_L = "a_pillar_l", _("A-pillar, left")
    A_PILLAR_R = "a_pillar_r", _("A-pillar, right")
    B_PILLAR_L = "b_pillar_l", _("B-pillar, left")
    B_PILLAR_R = "b_pillar_r", _("B-pillar, right")
    C_PILLAR_L = "c_pillar_l", _("C-pillar, left")
    C_PILLAR_R = "c_pillar_r", _("C-pillar, right")
    FRONT_RAIL_L = "front_rail_l", _("Front longitudinal rail, left")
    FRONT_RAIL_R = "front_rail_r", _("Front longitudinal rail, right")
    REAR_RAIL_L = "rear_rail_l", _("Rear longitudinal rail, left")
    REAR_RAIL_R = "rear_rail_r", _("Rear longitudinal rail, right")
    SHOCK_TOWER_L = "shock_tower_l", _("Shock-tower mount, left")
    SHOCK_TOWER_R = "shock_tower_r", _("Shock-tower mount, right")
    FIREWALL = "firewall", _("Firewall")


class StructuralDefect(models.TextChoices):
    DEFORMED = "BX", _("BX deformed")
    TWISTED = "NQ", _("NQ twisted")
    REPLACED = "GH", _("GH replaced")
    WELDED = "SH", _("SH welded")
    WRINKLED = "ZZ", _("ZZ wrinkled")


class StructuralFinding(ReportPart):
    """Damage found at one structural checkpoint; any finding makes it an accident car."""

    report = models.ForeignKey(
        InspectionReport,
        on_delete=models.CASCADE,
        related_name="structural_findings",
        verbose_name=_("inspection report"),
    )
    point = models.CharField(_("checkpoint"), max_length=20, choices=StructuralPoint.choices)
    defect = models.CharField(_("defect"), max_length=2, choices=StructuralDefect.choices)
    note = models.CharField(pgettext_lazy("remark", "note"), max_length=200, blank=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["report", "point", "defect"]
        verbose_name = _("structural finding")
        verbose_name_plural = _("structural findings")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "point", "defect"],
                name="structural_finding_once",
                violation_error_message=_("This defect is already recorded at this checkpoint."),
            ),
        ]

    def __str__(self):
        return f"{self.get_point_display()}: {self.get_defect_display()}"


def inspection_photo_path(photo, filename):
    """A server-chosen name whose extension is what the picture is, never the client's."""
    report = photo.report
    return uploads.stored_path(f"inspections/{report.vehicle.dealer_id}/{report.pk}", photo.image)


class InspectionPhoto(ReportPart):
    """A photograph taken during the inspection, stored with the report and hashed with it."""

    report = models.ForeignKey(
        InspectionReport,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("inspection report"),
    )
    image = models.ImageField(_("photo"), upload_to=inspection_photo_path)
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["report", "uploaded_at", "id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self):
        return self.caption or self.image.name.rsplit("/", 1)[-1]


class DayCountBasis(models.IntegerChoices):
    ACT_365 = 365, _("Actual/365")
    ACT_360 = 360, _("Actual/360")


def percentage(label, **kwargs):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        **kwargs,
    )


class FloorPlanLine(models.Model):
    """A lender's credit line that finances a dealer's stock, car by car."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="floor_plan_lines", verbose_name=_("dealer")
    )
    lender = models.CharField(_("lender"), max_length=120)
    name = models.CharField(_("name"), max_length=60, help_text=_("How staff call the line."))
    credit_limit = models.DecimalField(
        _("credit limit"), null=True, blank=True, validators=[MinValueValidator(ZERO)], **money
    )
    apr_pct = percentage(_("APR (%)"))
    day_count_basis = models.PositiveSmallIntegerField(
        _("day-count basis"), choices=DayCountBasis.choices, default=DayCountBasis.ACT_365
    )
    term_days = models.PositiveSmallIntegerField(
        _("term (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The whole balance is due this many days after flooring."),
    )
    first_curtailment_days = models.PositiveSmallIntegerField(
        _("first curtailment after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    curtailment_pct = percentage(
        # xgettext:no-python-format
        _("curtailment (% of principal)"),
        default=ZERO,
        help_text=_("Each curtailment pays this."),
    )
    curtailment_every_days = models.PositiveSmallIntegerField(
        _("then every (days)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    flat_fee = models.DecimalField(
        _("flat fee per car"), default=ZERO, validators=[MinValueValidator(ZERO)], **money
    )
    # xgettext:no-python-format
    fee_pct = percentage(_("fee (% of principal)"), default=ZERO)
    is_active = models.BooleanField(_("open for new cars"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DealerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dealer", "name"]
        verbose_name = _("floor-plan line")
        verbose_name_plural = _("floor-plan lines")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "name"],
                name="floor_plan_line_name_unique_per_dealer",
                violation_error_message=_("This dealer already has a line with this name."),
            ),
            models.CheckConstraint(
                condition=Q(apr_pct__gte=0) & Q(apr_pct__lte=100),
                name="floor_plan_line_apr_0_100",
                violation_error_message=_("The APR must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(curtailment_pct__gte=0)
                & Q(curtailment_pct__lte=100)
                & Q(fee_pct__gte=0)
                & Q(fee_pct__lte=100),
                name="floor_plan_line_pcts_0_100",
                violation_error_message=_("Percentages must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(flat_fee__gte=0)
                & (Q(credit_limit__isnull=True) | Q(credit_limit__gte=0)),
                name="floor_plan_line_money_not_negative",
                violation_error_message=_("Fees and the credit limit cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.lender})"

    def clean(self):
        errors = {}
        if self.curtailment_pct and not self.first_curtailment_days:
            errors["first_curtailment_days"] = _(
                "Say after how many days the first curtailment is due."
            )
        if self.first_curtailment_days and not self.curtailment_pct:
            errors["curtailment_pct"] = _("Say what share of the principal a curtailment pays.")
        if (
            self.term_days
            and self.first_curtailment_days
            and self.first_curtailment_days >= self.term_days
        ):
            errors["first_curtailment_days"] = _(
                "The first curtailment must fall before the end of the term."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def terms(self) -> costs.FloorPlanTerms:
        return costs.FloorPlanTerms(
            apr_pct=self.apr_pct,
            basis_days=self.day_count_basis,
            term_days=self.term_days,
            first_curtailment_days=self.first_curtailment_days,
            curtailment_pct=self.curtailment_pct,
            curtailment_every_days=self.curtailment_every_days,
            flat_fee=self.flat_fee,
            fee_pct=self.fee_pct,
        )


class VehicleFloorPlanQuerySet(DealerScopedQuerySet):
    def open(self):
        return self.filter(paid_off_on__isnull=True)

    def curtailments_due(self, *, by):
        """Open floor plans with a curtailment due on or before `by` (overdue ones too)."""
        return self.open().filter(next_curtailment_due__lte=by)


class VehicleFloorPlan(models.Model):
    """How one car is financed: what the lender advanced, what is still owed and when.

    Interest is booked up to `accrued_through` at each payment; what accrues after that is
    computed for the day asked about (`interest_due`).
    """

    # The vehicle's and the line's dealer, kept here so that a dealer's floor plans are found
    # by index, without reading every dealer's.
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="+", verbose_name=_("dealer")
    )
    vehicle = models.OneToOneField(
        Vehicle, on_delete=models.PROTECT, related_name="floor_plan", verbose_name=_("vehicle")
    )
    line = models.ForeignKey(
        FloorPlanLine, on_delete=models.PROTECT, related_name="floor_plans", verbose_name=_("line")
    )
    principal = models.DecimalField(_("principal"), **money)
    floored_on = models.DateField(_("floored on"))
    balance = models.DecimalField(_("balance"), **money)
    interest_accrued = models.DecimalField(_("interest booked, unpaid"), default=ZERO, **money)
    accrued_through = models.DateField(_("interest booked up to"))
    interest_paid = models.DecimalField(_("interest paid"), default=ZERO, **money)
    fees = models.DecimalField(_("fees"), default=ZERO, **money)
    fees_paid = models.DecimalField(_("fees paid"), default=ZERO, **money)
    next_curtailment_due = models.DateField(_("next curtailment due"), null=True, blank=True)
    next_curtailment_amount = models.DecimalField(
        _("next curtailment amount"), null=True, blank=True, **money
    )
    paid_off_on = models.DateField(_("paid off on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("floored by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VehicleFloorPlanQuerySet.as_manager()

    class Meta:
        ordering = ["next_curtailment_due", "id"]
        verbose_name = _("vehicle floor plan")
        verbose_name_plural = _("vehicle floor plans")
        indexes = [
            # A dealer's open floor plans, the curtailments due first.
            models.Index(
                fields=["dealer", "next_curtailment_due"],
                condition=Q(paid_off_on__isnull=True),
                name="floor_plan_open_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gt=0),
                name="floor_plan_principal_positive",
                violation_error_message=_("The principal must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0) & Q(balance__lte=models.F("principal")),
                name="floor_plan_balance_within_principal",
                violation_error_message=_("The balance must be between zero and the principal."),
            ),
            models.CheckConstraint(
                condition=Q(interest_accrued__gte=0)
                & Q(interest_paid__gte=0)
                & Q(fees__gte=0)
                & Q(fees_paid__gte=0)
                & Q(fees_paid__lte=models.F("fees")),
                name="floor_plan_interest_and_fees_not_negative",
                violation_error_message=_("Interest and fees cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.vehicle.vin} / {self.line.name}"

    @property
    def is_open(self):
        return self.paid_off_on is None

    def interest_due(self, on) -> Decimal:
        """Unpaid interest on `on`: what is booked plus what has run since."""
        if not self.is_open:
            return ZERO
        return self.interest_accrued + costs.interest_between(
            self.balance, self.line.terms, self.accrued_through, on
        )

    def payoff(self, on) -> Decimal:
        if not self.is_open:
            return ZERO
        return costs.payoff(
            balance=self.balance,
            interest_due=self.interest_due(on),
            fees_due=self.fees - self.fees_paid,
        )


class CurtailmentOwedQuerySet(DealerScopedQuerySet):
    def due(self, *, by):
        """Instalments of open floor plans due on or before `by`, the overdue ones included."""
        return self.filter(due_on__lte=by, floor_plan__paid_off_on__isnull=True)


class CurtailmentOwed(models.Model):
    """One scheduled repayment of principal that a car's floor plan still owes, or owes in part.

    Kept by the floor-plan services at every flooring and payment, one row per instalment, so
    that two overdue instalments on one car are two rows: each is listed and counted.
    """

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="+", verbose_name=_("dealer")
    )
    floor_plan = models.ForeignKey(
        VehicleFloorPlan,
        on_delete=models.CASCADE,
        related_name="curtailments_owed",
        verbose_name=_("floor plan"),
    )
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("still owed"), **money)

    objects = CurtailmentOwedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("curtailment owed")
        verbose_name_plural = _("curtailments owed")
        indexes = [models.Index(fields=["dealer", "due_on"], name="curtailment_owed_dealer_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["floor_plan", "due_on"], name="curtailment_owed_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="curtailment_owed_positive",
                violation_error_message=_("An instalment still owed is more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.due_on} {self.amount}"


class PaymentKind(models.TextChoices):
    CURTAILMENT = "curtailment", _("Curtailment")
    INTEREST = "interest", _("Interest")
    PAYOFF = "payoff", _("Payoff")


class FloorPlanPaymentQuerySet(DealerScopedQuerySet):
    dealer_lookup = "floor_plan__vehicle__dealer"


class FloorPlanPayment(models.Model):
    """Money paid to the lender for one car: principal, interest and fees, and what was left."""

    floor_plan = models.ForeignKey(
        VehicleFloorPlan,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("floor plan"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PaymentKind.choices)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **money)
    principal = models.DecimalField(_("principal"), default=ZERO, **money)
    interest = models.DecimalField(_("interest"), default=ZERO, **money)
    fees = models.DecimalField(_("fees"), default=ZERO, **money)
    balance_after = models.DecimalField(_("balance after"), **money)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = FloorPlanPaymentQuerySet.as_manager()

    class Meta:
        ordering = ["floor_plan", "paid_on", "id"]
        verbose_name = _("floor-plan payment")
        verbose_name_plural = _("floor-plan payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(amount=models.F("principal") + models.F("interest") + models.F("fees")),
                name="floor_plan_payment_amount_adds_up",
                violation_error_message=_("A payment is more than zero and adds up."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.paid_on})"


class JobRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (already running)")
    ABANDONED = "abandoned", _("Abandoned (its worker stopped)")


class JobRunQuerySet(DealerScopedQuerySet):
    def visible_to(self, user, *, roles=None):
        """The runs of the user's dealers, and the runs over all dealers (no dealer), which
        tell every dealer's managers whether the nightly jobs ran. Someone with no dealer (in
        the roles asked for) sees none of them; superusers see every run."""
        scoped = super().visible_to(user, roles=roles)
        if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
            return scoped
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(
            Q(dealer__in=memberships.values("dealer_id"))
            | (Q(dealer__isnull=True) & models.Exists(memberships))
        )


class JobRun(models.Model):
    """One run of a scheduled job: when, for whom, what it counted and how it ended."""

    job = models.CharField(_("job"), max_length=80, db_index=True)
    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_runs",
        verbose_name=_("dealer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobRunStatus.choices, default=JobRunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    # Runs over all dealers (no dealer) are visible, read-only, to every dealer's managers.
    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"


class SubmissionToken(models.Model):
    """A form that was posted: its one-time token, recorded once, so that a second post of the
    same rendered form (a double click, a resend) books nothing."""

    # The unique index is what lets exactly one of two simultaneous posts record the token.
    token = models.CharField(_("token"), max_length=64, unique=True)
    # Meaningless without the person who posted it, and nothing else refers to it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    path = models.CharField(_("posted to"), max_length=200)
    result_url = models.CharField(_("led to"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return f"{self.path} {self.submitted_at:%Y-%m-%d %H:%M}"
