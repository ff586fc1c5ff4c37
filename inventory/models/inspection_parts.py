"""What an inspection records: paint readings per panel, structural findings and photos."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inventory import paint, uploads

from .dealers import DealerScopedQuerySet
from .inspections import InspectionReport, InspectionStatus, ReportIsFrozen
from .panels import PaintVerdict, Panel, Substrate


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
