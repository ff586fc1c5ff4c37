"""Dealers, who works for them, the vehicles they stock, inspections and job runs."""

import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import aging
from . import vin as vin_rules
from .messages import Message

ZERO = Decimal("0")


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


class DealerQuerySet(DealerScopedQuerySet):
    dealer_lookup = "pk"


class Dealer(models.Model):
    """A car dealership: the tenant that owns vehicles, shipments and reports."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Short code."))
    city = models.CharField(_("city"), max_length=80)
    base_currency = models.CharField(_("base currency"), max_length=3, default="CNY")
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    floor_plan_apr = models.DecimalField(
        _("floor-plan APR (%)"), max_digits=5, decimal_places=2, default=Decimal("6.00")
    )
    aged_threshold_days = models.PositiveSmallIntegerField(_("aged after (days)"), default=60)
    zero_km_max_odometer_km = models.PositiveIntegerField(
        _("zero-km max odometer (km)"), default=50
    )
    export_discount_pct = models.DecimalField(
        _("expected export discount (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
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
                condition=Q(floor_plan_apr__gte=0) & Q(floor_plan_apr__lte=100),
                name="dealer_apr_0_100",
                violation_error_message=_("The floor-plan APR must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=Q(export_discount_pct__gte=0) & Q(export_discount_pct__lt=100),
                name="dealer_export_discount_0_100",
                violation_error_message=_("The export discount must be between 0 and 100%."),
            ),
        ]

    def __str__(self):
        return self.name

    def today(self):
        """The calendar date at the dealer's own location."""
        return timezone.now().astimezone(ZoneInfo(self.time_zone)).date()


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
        Dealer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("dealer")
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


class SteeringSide(models.TextChoices):
    LHD = "LHD", _("Left-hand drive")
    RHD = "RHD", _("Right-hand drive")


class VehicleStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    RESERVED = "reserved", _("Reserved")
    ALLOCATED = "allocated", _("Allocated to shipment")
    EXPORTED = "exported", _("Exported")
    SOLD_DOMESTIC = "sold_domestic", _("Sold domestic")


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


def vin_check(value):
    """Check a VIN as typed, with model years up to next year's."""
    return vin_rules.validate(value, latest_model_year=timezone.now().year + 1)


def validate_vin(value):
    check = vin_check(value)
    if check.errors:
        raise ValidationError([message_text(error) for error in check.errors], code="invalid_vin")


money = {"max_digits": 12, "decimal_places": 2}


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
    power_kw = models.PositiveIntegerField(
        _("power (kW)"),
        null=True,
        blank=True,
        help_text=_("Peak power of the engine or, for EVs, the electric motors."),
    )
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    steering_side = models.CharField(
        _("steering side"), max_length=3, choices=SteeringSide.choices, default=SteeringSide.LHD
    )
    odometer_km = models.PositiveIntegerField(_("odometer (km)"), default=0)
    manufactured_on = models.DateField(_("manufactured on"), null=True, blank=True)
    stocked_on = models.DateField(_("stocked on"))
    registered_on = models.DateField(
        _("first registered on"), null=True, blank=True, help_text=_("Empty until registered.")
    )
    acquisition_cost = models.DecimalField(_("acquisition cost"), **money)
    list_price = models.DecimalField(_("list price"), **money)
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
        if errors:
            raise ValidationError(errors)

    @property
    def export_markets(self) -> str:
        """The markets the candidate may leave for, as " KZ RU "; empty when not a candidate."""
        return self.export_verdict.markets if self.export_verdict_id else ""

    @property
    def export_candidate_reasons(self):
        return self.export_verdict.summary if self.export_verdict_id else {}

    @property
    def is_electrified(self):
        return self.powertrain in ELECTRIFIED

    def days_in_stock(self, on=None):
        on = on or (self.dealer.today() if self.dealer_id else timezone.localdate())
        return aging.days_in_stock(self.stocked_on, on)

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


# What to call each paper an export rule can ask for: the documents above, and what an issued
# inspection supplies.
PAPER_LABELS = {
    **dict(DocumentKind.choices),
    "inspection_report": _("Issued inspection report"),
    "battery_health_report": _("Battery state-of-health measurement"),
}


class VehicleDocumentQuerySet(DealerScopedQuerySet):
    dealer_lookup = "vehicle__dealer"


class VehicleDocument(models.Model):
    """A paper held for one vehicle that an export rule can ask for, with who issued it."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="documents", verbose_name=_("vehicle")
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
    issued_on = models.DateField(_("issued on"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
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
        if self.issued_on and self.issued_on > timezone.localdate():
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


class InspectionQuerySet(DealerScopedQuerySet):
    dealer_lookup = "vehicle__dealer"

    def issued(self):
        return self.filter(status=InspectionStatus.ISSUED)

    def latest_issued_first(self):
        """Issued reports, the one that speaks for the vehicle now first."""
        return self.issued().order_by("-inspected_on", "-issued_at", "-id")


def new_verification_token():
    return secrets.token_urlsafe(24)


class InspectionReport(models.Model):
    """A formal inspection of one vehicle; once issued it is immutable and publicly verifiable."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("vehicle")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.CharField(_("inspector"), max_length=80)
    agency = models.CharField(_("agency"), max_length=120)
    agency_accreditation = models.CharField(
        _("CMA/CNAS accreditation no."), max_length=60, blank=True
    )
    odometer_km = models.PositiveIntegerField(_("odometer (km)"))
    battery_soh_pct = models.DecimalField(
        _("battery state of health (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    structural_damage = models.BooleanField(_("structural damage"), default=False)
    flood_damage = models.BooleanField(_("flood damage"), default=False)
    fire_damage = models.BooleanField(_("fire damage"), default=False)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=InspectionVerdict.choices, blank=True
    )
    findings = models.TextField(_("findings"), blank=True)
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
        ]

    def __str__(self):
        return self.certificate_number or _("Draft inspection of %(vin)s") % {
            "vin": self.vehicle.vin
        }

    @property
    def is_editable(self):
        return self.status == InspectionStatus.DRAFT


class Panel(models.TextChoices):
    ROOF = "roof", _("Roof")
    HOOD = "hood", _("Hood")
    TRUNK = "trunk", _("Trunk / tailgate")
    FRONT_FENDER_L = "front_fender_l", _("Front fender, left")
    FRONT_FENDER_R = "front_fender_r", _("Front fender, right")
    FRONT_DOOR_L = "front_door_l", _("Front door, left")
    FRONT_DOOR_R = "front_door_r", _("Front door, right")
    REAR_DOOR_L = "rear_door_l", _("Rear door, left")
    REAR_DOOR_R = "rear_door_r", _("Rear door, right")
    REAR_QUARTER_L = "rear_quarter_l", _("Rear quarter, left")
    REAR_QUARTER_R = "rear_quarter_r", _("Rear quarter, right")
    SILL_L = "sill_l", _("Sill, left")
    SILL_R = "sill_r", _("Sill, right")
    A_PILLAR_L = "a_pillar_l", _("A-pillar, left")
    A_PILLAR_R = "a_pillar_r", _("A-pillar, right")


class Substrate(models.TextChoices):
    STEEL = "steel", _("Steel")
    ALUMINIUM = "aluminium", _("Aluminium")
    PLASTIC = "plastic", _("Plastic (not measurable)")


class PaintReadingQuerySet(DealerScopedQuerySet):
    dealer_lookup = "report__vehicle__dealer"


class PaintReading(models.Model):
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
    microns = models.PositiveIntegerField(
        _("thickness (µm)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5000)],
        help_text=_("Mean of the readings on this panel; empty for plastic."),
    )

    objects = PaintReadingQuerySet.as_manager()

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


class JobRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (already running)")


class JobRun(models.Model):
    """One run of a scheduled job: when, for whom, what it counted and how it ended."""

    job = models.CharField(_("job"), max_length=80, db_index=True)
    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.CASCADE,
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

    # Runs over all dealers (no dealer) are visible to superusers only.
    objects = DealerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"
