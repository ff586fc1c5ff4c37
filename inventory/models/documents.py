"""The papers held for a vehicle that the export rules ask for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import uploads

from .dealers import DealerScopedQuerySet
from .vehicles import Vehicle


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
