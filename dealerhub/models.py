"""Inventory reports: each weekly or on-demand report, its progress, file and outcome."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models import Dealer, DealerScopedQuerySet


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    ON_DEMAND = "on_demand", _("On demand")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


FINISHED = (ReportStatus.READY, ReportStatus.FAILED)


class InventoryReportQuerySet(DealerScopedQuerySet):
    pass


class InventoryReport(models.Model):
    """One dealer's inventory report: KPIs and charts e-mailed to its managers, with a workbook.

    A weekly report exists at most once per dealer and week, which is what keeps a rerun of
    the weekly job from e-mailing the managers twice. The workbook stays for staff to download.
    """

    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.PROTECT,
        related_name="inventory_reports",
        verbose_name=_("dealer"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ReportKind.choices, default=ReportKind.ON_DEMAND
    )
    week_start = models.DateField(
        _("week of"), help_text=_("The Monday of the dealer's local week.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    recipients = models.TextField(
        _("e-mailed to"), blank=True, help_text=_("One address per line.")
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = InventoryReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inventory report")
        verbose_name_plural = _("inventory reports")
        indexes = [
            models.Index(
                fields=["dealer", "-created_at", "-id"], name="inventory_report_dealer_new"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "week_start"],
                condition=Q(kind=ReportKind.WEEKLY),
                name="inventory_report_one_weekly_per_dealer_and_week",
                violation_error_message=_("This dealer already has a weekly report for this week."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="inventory_report_progress_0_100",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.READY) | Q(progress=100),
                name="inventory_report_ready_is_complete",
                violation_error_message=_("A ready report is 100%% done."),
            ),
        ]

    def __str__(self):
        return f"{self.dealer} {self.get_kind_display()} {self.week_start:%Y-%m-%d}"

    @property
    def is_finished(self):
        return self.status in FINISHED

    @property
    def recipient_list(self) -> list[str]:
        return [line for line in self.recipients.splitlines() if line.strip()]


class ComplianceDigestQuerySet(DealerScopedQuerySet):
    pass


class ComplianceDigest(models.Model):
    """The e-mail that told a dealer's managers, on one day, which export deadlines are due
    within a week or overdue; one a day at most."""

    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.PROTECT,
        related_name="compliance_digests",
        verbose_name=_("dealer"),
    )
    on = models.DateField(_("day"))
    deadlines = models.PositiveIntegerField(_("deadlines"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    recipients = models.JSONField(_("sent to"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ComplianceDigestQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "dealer"]
        verbose_name = _("compliance digest")
        verbose_name_plural = _("compliance digests")
        constraints = [
            models.UniqueConstraint(fields=["dealer", "on"], name="compliance_digest_once_a_day")
        ]

    def __str__(self):
        return f"{self.dealer} {self.on}"
