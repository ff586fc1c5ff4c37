"""Stock imports: the record of each stock file a dealer uploads, its check and its import.

The file is checked, then taken in, by background tasks; the record says who imported what,
when, and with what result."""

import posixpath
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dealers import Dealer, DealerScopedQuerySet


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Ready to import")
    REFUSED = "refused", _("Refused")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")


# A task is working on the record (or about to): the page follows its progress.
RUNNING = frozenset({ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING})


def stock_import_path(instance, filename) -> str:
    """Where an uploaded stock file is kept: a server-chosen name, outside any served folder,
    with the extension of what its first bytes say it is."""
    return _private_name(filename)


def error_sheet_path(instance, filename) -> str:
    return _private_name(filename)


def _private_name(filename) -> str:
    extension = posixpath.splitext(filename)[1].lstrip(".").lower() or "bin"
    return f"imports/{secrets.token_hex(8)}.{extension}"


class StockImportQuerySet(DealerScopedQuerySet):
    pass


class StockImport(models.Model):
    """One stock file a dealer uploaded: its check (what every row would do, the problems
    by row and column) and, once imported, what it changed.

    The row plan the check decided is kept in `plan` (compressed JSON lines), so the import
    applies exactly what the user saw, whatever the size of the file."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="stock_imports", verbose_name=_("dealer")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to=stock_import_path)
    original_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(
        _("language"),
        max_length=10,
        default=settings.LANGUAGE_CODE,
        help_text=_("The uploader's language, in which the problems are written."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(
        _("rows done"), default=0, help_text=_("Progress of the check or of the import.")
    )
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_to_change = models.PositiveIntegerField(_("to change"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_with_errors = models.PositiveIntegerField(_("with problems"), default=0)
    imported_new = models.PositiveIntegerField(_("cars received"), default=0)
    imported_changed = models.PositiveIntegerField(_("cars changed"), default=0)
    message = models.TextField(
        _("message"), blank=True, help_text=_("Why the file was refused or the import failed.")
    )
    error_sheet = models.FileField(_("error sheet"), upload_to=error_sheet_path, blank=True)
    plan = models.FileField(_("row plan"), upload_to=stock_import_path, blank=True)
    # What the page shows of the check: the first problems and changes (the sheet has all).
    shown = models.JSONField(_("shown"), default=dict, blank=True)
    queued_at = models.DateTimeField(_("task queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("task started"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    objects = StockImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock import")
        verbose_name_plural = _("stock imports")
        indexes = [
            models.Index(fields=["dealer", "-created_at", "-id"], name="stock_import_dealer_new"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=F("rows_total")),
                name="stock_import_done_within_total",
                violation_error_message=_("An import cannot have done more rows than it has."),
            ),
            models.CheckConstraint(
                condition=Q(
                    rows_total__gte=0,
                    rows_done__gte=0,
                    rows_new__gte=0,
                    rows_to_change__gte=0,
                    rows_unchanged__gte=0,
                    rows_with_errors__gte=0,
                    imported_new__gte=0,
                    imported_changed__gte=0,
                ),
                name="stock_import_counts_not_negative",
                violation_error_message=_("An import's counts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.IMPORTED)
                | Q(imported_at__isnull=False, checked_at__isnull=False),
                name="stock_import_imported_is_dated",
                violation_error_message=_(
                    "An imported file has the time it was checked and imported."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("inventory:vehicle_intake_detail", args=[self.pk])

    @property
    def is_stalled(self) -> bool:
        """A task was to work on it, but none has for longer than a task may run: its worker
        was lost (an import's rows roll back with it), so nothing more will come of it."""
        if self.status not in RUNNING:
            return False
        since = self.started_at or self.queued_at or self.created_at
        return since < timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)

    @property
    def is_running(self):
        return self.status in RUNNING and not self.is_stalled

    @property
    def progress_key(self):
        return f"stock-import:{self.pk}:progress"

    def progress(self) -> tuple[int, int]:
        """(rows done, rows) of the phase under way. An import writes its rows in one
        transaction, which nobody else sees before it ends, so it reports through the cache."""
        if self.status == ImportStatus.IMPORTING:
            kept = cache.get(self.progress_key)
            if kept:
                return tuple(kept)
        return self.rows_done, self.rows_total

    @property
    def percent(self) -> int:
        done, total = self.progress()
        if self.status in (ImportStatus.CHECKED, ImportStatus.IMPORTED):
            return 100
        return min(100, done * 100 // total) if total else 0
