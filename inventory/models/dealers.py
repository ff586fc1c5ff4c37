"""Dealers, who works for them, and the scoping every dealer-owned row goes through."""

import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import aging, costs, paint

from .panels import Panel

# Money columns and their zero, shared by every model module of the app.
ZERO = Decimal("0")
money = {"max_digits": 12, "decimal_places": 2}


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")


class Language(models.TextChoices):
    """The languages of the staff site and of its e-mails (settings.LANGUAGES)."""

    ENGLISH = "en", _("English")
    CHINESE = "zh-hans", _("Simplified Chinese")


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
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_(
            "The dealer's reports and digests come in this language to anyone who has not "
            "chosen their own."
        ),
    )
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
                condition=Q(language__in=Language.values),
                name="dealer_known_language",
                violation_error_message=_("Choose one of the languages offered."),
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


class UserPreferences(models.Model):
    """A person's own choices, whatever dealer they work for: the language of their e-mails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("e-mail language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: each e-mail comes in the language of the dealer it is about."),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=["", *Language.values]),
                name="user_preferences_known_language",
                violation_error_message=_("Choose one of the languages offered."),
            )
        ]

    def __str__(self):
        return str(self.user)


class DealerDataVersion(models.Model):
    """A counter per dealer that PostgreSQL triggers raise in the same transaction as every
    write to a table the dashboard reads (`dealerhub.dataversion.DASHBOARD_TABLES`), whatever
    path the write took: a service, a bulk update, an import, the admin or plain SQL. The
    dashboard keeps its rendered figures under the version it read, so a changed version
    means they are computed again. The row with `dealer_id` 0 counts the writes to rows every
    dealer shares (destination markets, market rules, export verdicts).

    No foreign key in the database: the shared row has no dealer, and a dealer's deletion
    removes its row from the trigger rather than through a cascade.
    """

    SHARED = 0

    dealer = models.OneToOneField(
        Dealer,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("dealer"),
    )
    version = models.BigIntegerField(_("version"), default=1)

    class Meta:
        db_table = "dealer_data_version"
        verbose_name = _("dealer data version")
        verbose_name_plural = _("dealer data versions")

    def __str__(self):
        return f"{self.dealer_id}: {self.version}"
