"""Stock imports in the admin: managers upload a dealer's stock file, follow its check and
import it, through the same services as the staff pages."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inventory import services
from inventory.intake_files import FileRefused, refuse_size
from inventory.models import ImportStatus, StockImport

from .base import DealerScopedAdminMixin, refusal_text


class StockImportUploadForm(forms.ModelForm):
    """A new import: the dealer (one the manager manages) and the file; the check fills in
    everything else."""

    upload = forms.FileField(
        label=_("Stock file"),
        help_text=_("An .xlsx workbook or a .csv file, one vehicle a row, up to 50,000 rows."),
    )

    class Meta:
        model = StockImport
        fields = ["dealer"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            refuse_size(upload, name=upload.name)
        except FileRefused as exc:
            raise ValidationError(str(exc)) from exc
        return upload


@admin.register(StockImport)
class StockImportAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """A dealer's stock files, read-only once uploaded: a record of who imported what."""

    list_display = [
        "created_at",
        "dealer",
        "original_name",
        "uploaded_by",
        "status",
        "rows_total",
        "rows_new",
        "rows_to_change",
        "rows_with_errors",
        "imported_new",
        "imported_changed",
    ]
    list_filter = ["status", ("dealer", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["dealer", "uploaded_by"]
    date_hierarchy = "created_at"
    search_fields = ["original_name", "dealer__name", "uploaded_by__username"]
    actions = ["import_files"]
    shown_fields = [
        "dealer",
        "original_name",
        "uploaded_by",
        "created_at",
        "status",
        "message",
        "rows_total",
        "rows_done",
        "rows_new",
        "rows_to_change",
        "rows_unchanged",
        "rows_with_errors",
        "error_sheet_link",
        "staff_page",
        "checked_at",
        "imported_new",
        "imported_changed",
        "imported_by",
        "imported_at",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StockImportUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["dealer", "upload"] if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown_fields

    def has_change_permission(self, request, obj=None):
        # An import is the record of a file and what it did; nothing on it is edited by hand.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """A new import is an upload: the service keeps the file and queues its check."""
        stock_import = services.stock_import_start(
            dealer=form.cleaned_data["dealer"], upload=form.cleaned_data["upload"], by=request.user
        )
        obj.pk = stock_import.pk
        obj.refresh_from_db()

    @admin.display(description=_("error sheet"))
    def error_sheet_link(self, obj):
        if not obj.error_sheet:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("inventory:vehicle_intake_errors", args=[obj.pk]),
            _("Download"),
        )

    @admin.display(description=_("staff page"))
    def staff_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open"))

    @admin.action(description=_("Import the checked files"), permissions=["add"])
    def import_files(self, request, queryset):
        started, refused = 0, []
        for stock_import in queryset.filter(status=ImportStatus.CHECKED):
            try:
                services.stock_import_commit(stock_import=stock_import, by=request.user)
            except ValidationError as exc:
                refused.append(f"{stock_import}: {refusal_text(exc)}")
            else:
                started += 1
        skipped = queryset.exclude(status=ImportStatus.CHECKED).count()
        if started:
            self.message_user(
                request,
                ngettext(
                    "%(count)d file is being imported.",
                    "%(count)d files are being imported.",
                    started,
                )
                % {"count": started},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d file was not ready to import and was left alone.",
                    "%(count)d files were not ready to import and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        for text in refused:
            self.message_user(request, text, messages.WARNING)
