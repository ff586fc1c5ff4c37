"""What a shipment keeps on record: its moves along the lifecycle and its trade documents."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inventory.models import DealerScopedQuerySet

from .shipments import ExportShipment, ShipmentStatus, money


class ShipmentMilestoneQuerySet(DealerScopedQuerySet):
    dealer_lookup = "shipment__dealer"


class ShipmentMilestone(models.Model):
    """One move of a shipment along its lifecycle: to which status, on which day, by whom."""

    shipment = models.ForeignKey(
        ExportShipment,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("shipment"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ShipmentStatus.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=ShipmentStatus.choices, blank=True
    )
    on = models.DateField(_("day"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(pgettext_lazy("remark", "note"), blank=True)

    objects = ShipmentMilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["shipment", "at", "id"]
        verbose_name = _("shipment milestone")
        verbose_name_plural = _("shipment milestones")

    def __str__(self):
        return f"{self.shipment}: {self.get_status_display()} {self.on}"


class DocumentKind(models.TextChoices):
    PROFORMA_INVOICE = "proforma_invoice", _("Proforma invoice")
    COMMERCIAL_INVOICE = "commercial_invoice", _("Commercial invoice")
    PACKING_LIST = "packing_list", _("Packing list")
    SHIPPING_INSTRUCTION = "shipping_instruction", _("Shipping instruction")


class ShipmentDocumentQuerySet(DealerScopedQuerySet):
    dealer_lookup = "shipment__dealer"


def shipment_document_path(document, filename):
    shipment = document.shipment
    return f"shipments/{shipment.dealer_id}/{shipment.pk}/{filename}"


class ShipmentDocument(models.Model):
    """One version of a trade document of a shipment, as PDF and XLSX from the same figures."""

    shipment = models.ForeignKey(
        ExportShipment,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("shipment"),
    )
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    pdf = models.FileField(_("PDF"), upload_to=shipment_document_path)
    xlsx = models.FileField(_("XLSX"), upload_to=shipment_document_path)
    vins = models.JSONField(_("VINs"), default=list)
    total = models.DecimalField(_("total"), default=Decimal("0"), **money)
    currency = models.CharField(_("currency"), max_length=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    objects = ShipmentDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["shipment", "kind", "-version"]
        verbose_name = _("shipment document")
        verbose_name_plural = _("shipment documents")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "kind", "version"], name="shipment_document_version_once"
            ),
        ]

    def __str__(self):
        return f"{self.shipment} {self.get_kind_display()} v{self.version}"
