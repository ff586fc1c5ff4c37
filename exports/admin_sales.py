"""Manager admin for the exporters a dealer sells to and the sales for export: scoped to the
manager's dealers, every write through `exports.services`."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inventory.admin import DealerScopedAdminMixin, RecordsInlineMixin

from . import services
from .models import Exporter, ExporterDocument, ExportSale


class ExporterDocumentInline(RecordsInlineMixin, admin.TabularInline):
    """Documents are uploaded on the exporter's staff page, through the upload checks."""

    model = ExporterDocument
    fields = ["kind", "title", "valid_until", "added_at"]


@admin.register(Exporter)
class ExporterAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    fixed_after_create = ["dealer"]
    list_display = [
        "name",
        "dealer",
        "credit_code",
        "qualification_list",
        "qualified_from",
        "qualified_until",
        "is_active",
    ]
    list_filter = ["is_active", "qualification_list", ("dealer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "credit_code"]
    filter_horizontal = ["markets"]
    inlines = [ExporterDocumentInline]

    def has_delete_permission(self, request, obj=None):
        # An exporter that bought cars stays on record; deactivate it instead.
        return False

    def save_model(self, request, obj, form, change):
        facts = {
            name: form.cleaned_data[name]
            for name in services.EXPORTER_FIELDS
            if name in form.cleaned_data
        }
        if change:
            saved = services.exporter_update(exporter=obj, **facts)
        else:
            saved = services.exporter_create(dealer=form.cleaned_data["dealer"], **facts)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The markets are the only relation edited here; the documents are read-only.
        form.instance.markets.set(form.cleaned_data.get("markets", []))


@admin.register(ExportSale)
class ExportSaleAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """Read-only: staff sell cars and record the proof of export on the staff pages."""

    list_display = [
        "vehicle",
        "exporter",
        "dealer",
        "sold_on",
        "price",
        "currency",
        "destination",
        "transferred_on",
        "declared_on",
        "deregistered_on",
        "cancelled_at",
    ]
    list_filter = [("dealer", admin.RelatedOnlyFieldListFilter), "destination", "payment_terms"]
    list_select_related = ["vehicle", "exporter", "dealer", "destination"]
    search_fields = ["vehicle__vin", "exporter__name", "declaration_number"]
    date_hierarchy = "sold_on"
    actions = ["cancel_sales"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the chosen sales (before their export declaration)"))
    def cancel_sales(self, request, queryset):
        cancelled = 0
        for sale in queryset:
            try:
                services.export_sale_cancel(
                    sale=sale, reason=str(_("Cancelled in the admin")), by=request.user
                )
                cancelled += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        if cancelled:
            self.message_user(request, _("%(count)s sales cancelled.") % {"count": cancelled})
