"""Exporters a dealer sells cars to, with the export qualification that lets them buy.

Most dealers do not export themselves: they sell to a qualified used-car exporter, which takes
the car abroad under its own licence. An exporter must be on an official list (a manufacturer in
MIIT's announcement, or a circulation enterprise approved through MOFCOM's platform) and the
qualification lasts one year (domain rules, C4); a car is sold for export only to an exporter
qualified on the day of the sale.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inventory import uploads
from inventory.models import Dealer, DealerScopedQuerySet

from .markets import DestinationMarket

# The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from this
# alphabet (no I, O, S, V or Z); the last is a check character over the first 17.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first_17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first_17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Refuse a code that is not 18 characters of the alphabet or whose check character is wrong."""
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(value)},
        )
    wrong = sorted({c for c in value if c not in USCC_ALPHABET})
    if wrong:
        raise ValidationError(
            _("A unified social credit code has no %(characters)s."),
            code="uscc_characters",
            params={"characters": ", ".join(wrong)},
        )
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check character should be %(expected)s; please check the code for a typo."),
            code="uscc_check",
            params={"expected": expected},
        )


class QualificationList(models.TextChoices):
    """The official list an exporter's used-car export qualification comes from (C4)."""

    MIIT_MANUFACTURER = "miit_manufacturer", _("Manufacturer in MIIT's road-vehicle announcement")
    MOFCOM_ENTERPRISE = "mofcom_enterprise", _("Circulation enterprise approved through MOFCOM")


class ExporterQuerySet(DealerScopedQuerySet):
    def qualified_on(self, day: date):
        return self.filter(is_active=True, qualified_from__lte=day, qualified_until__gte=day)


class Exporter(models.Model):
    """A used-car exporter that is a partner of one dealer."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="exporters", verbose_name=_("dealer")
    )
    name = models.CharField(_("company name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        validators=[validate_uscc],
        help_text=_("18 characters, as on the business licence."),
    )
    qualification_list = models.CharField(
        _("qualification list"), max_length=24, choices=QualificationList.choices
    )
    qualification_reference = models.CharField(
        _("qualification reference"),
        max_length=100,
        blank=True,
        help_text=_("The announcement or approval that names the exporter."),
    )
    qualified_from = models.DateField(_("qualified from"))
    qualified_until = models.DateField(
        _("qualified until"), help_text=_("The qualification lasts one year and is renewed yearly.")
    )
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    markets = models.ManyToManyField(
        DestinationMarket,
        blank=True,
        related_name="+",
        verbose_name=_("markets served"),
    )
    notes = models.TextField(pgettext_lazy("remark", "notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ExporterQuerySet.as_manager()

    class Meta:
        ordering = ["dealer", "name", "id"]
        verbose_name = _("exporter")
        verbose_name_plural = _("exporters")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "credit_code"], name="exporter_credit_code_once_per_dealer"
            ),
            models.CheckConstraint(
                condition=Q(qualified_until__gte=models.F("qualified_from")),
                name="exporter_qualification_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exports:exporter_detail", args=[self.pk])

    def is_qualified_on(self, day: date) -> bool:
        return self.is_active and self.qualified_from <= day <= self.qualified_until


class ExporterDocumentQuerySet(DealerScopedQuerySet):
    dealer_lookup = "exporter__dealer"


class ExporterDocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    QUALIFICATION = "qualification", _("Export qualification")
    CONTRACT = "contract", _("Cooperation contract")
    OTHER = "other", _("Other")


def exporter_document_path(document, filename):
    """A server-chosen name whose extension is what the file is; the client's name is
    ignored, so nothing uploaded is ever stored as a page a browser would run."""
    folder = f"exporters/{document.exporter.dealer_id}/{document.exporter_id}"
    return uploads.stored_path(folder, document.file)


class ExporterDocument(models.Model):
    """A document kept on file for an exporter: its licence, its qualification, a contract."""

    exporter = models.ForeignKey(
        Exporter, on_delete=models.CASCADE, related_name="documents", verbose_name=_("exporter")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ExporterDocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=exporter_document_path, max_length=300)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = ExporterDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["exporter", "kind", "-added_at"]
        verbose_name = _("exporter document")
        verbose_name_plural = _("exporter documents")

    def __str__(self):
        return self.title or self.get_kind_display()
