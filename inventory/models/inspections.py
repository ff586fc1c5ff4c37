"""Inspection reports: their lifecycle, what they certify, and why an issued one is frozen."""

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .dealers import DealerScopedQuerySet
from .panels import PaintVerdict, Substrate
from .vehicles import TRACTION_BATTERY, Vehicle


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
