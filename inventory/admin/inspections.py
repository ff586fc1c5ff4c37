"""Inspection reports in the admin: drafts edited and issued through the services, issued
reports read-only with their readings, findings and photos."""

import posixpath

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inventory import services
from inventory.forms import PaintReadingAdminForm
from inventory.models import InspectionPhoto, InspectionReport, PaintReading, StructuralFinding

from .base import DealerScopedAdminMixin, FrozenParentInlineMixin, GuardedDeleteAdminMixin


class ReportPartInline(FrozenParentInlineMixin, admin.TabularInline):
    extra = 0

    def parent_is_open(self, obj):
        return obj.is_editable


class PaintReadingInline(ReportPartInline):
    model = PaintReading
    form = PaintReadingAdminForm
    fields = ["panel", "substrate", "points", "microns", "verdict", "local_finding"]
    readonly_fields = ["microns", "verdict", "local_finding"]


class StructuralFindingInline(ReportPartInline):
    model = StructuralFinding
    fields = ["point", "defect", "note"]


class InspectionPhotoInline(ReportPartInline):
    """Photos are added on the staff page, which checks them; here they are listed."""

    model = InspectionPhoto
    fields = ["photo", "caption", "size_bytes", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def photo(self, obj):
        # Through the staff page, which scopes and serves it safely; storage URLs are not served.
        url = reverse("inventory:inspection_photo", args=[obj.report_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, posixpath.basename(obj.image.name))


@admin.register(InspectionReport)
class InspectionReportAdmin(GuardedDeleteAdminMixin, DealerScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "vehicle",
        "inspected_on",
        "agency",
        "status",
        "verdict",
        "battery_soh_pct",
    ]
    list_filter = ["status", "verdict", "structural_damage", "flood_damage", "inspected_on"]
    list_select_related = ["vehicle"]
    search_fields = ["certificate_number", "vehicle__vin", "vehicle__stock_number", "agency"]
    date_hierarchy = "inspected_on"
    autocomplete_fields = ["vehicle"]
    inlines = [PaintReadingInline, StructuralFindingInline, InspectionPhotoInline]
    actions = ["issue_reports"]
    readonly_fields = [
        "status",
        "revision",
        "paint_baseline_um",
        "paint_baselines",
        "paint_finding",
        "paint_thresholds",
        "certificate_number",
        "issued_at",
        "issued_by",
        "issued_by_name",
        "content_hash",
        "verification_token",
        "supersedes",
        "revoked_reason",
        "revoked_at",
        "revoked_by",
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def delete_refusal(self, obj):
        if obj.is_editable:
            return None
        return _("An issued report is revoked or corrected, never deleted.")

    def delete_through_service(self, request, obj):
        services.inspection_discard(report=obj)

    def save_model(self, request, obj, form, change):
        services.inspection_save_draft(report=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is InspectionPhoto:
            # Photos are only taken off here, through the service that also removes the file.
            for photo_form in formset.forms:
                if photo_form.instance.pk and photo_form.cleaned_data.get("DELETE"):
                    services.inspection_remove_photo(photo=photo_form.instance)
            formset.new_objects, formset.changed_objects = [], []
            formset.deleted_objects = [f.instance for f in formset.deleted_forms]
            return None
        if formset.model not in (PaintReading, StructuralFinding):
            return super().save_formset(request, form, formset, change)
        kept = [
            f.instance for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if formset.model is PaintReading:
            services.inspection_save_readings(report=form.instance, readings=kept)
        else:
            services.inspection_save_findings(report=form.instance, findings=kept)
        # The admin's change message reads these lists after saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = kept, [], []

    @admin.action(description=_("Issue selected draft reports"), permissions=["change"])
    def issue_reports(self, request, queryset):
        issued = 0
        for report in queryset.select_related("vehicle"):
            try:
                services.inspection_issue(report=report, by=request.user)
                issued += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{report.vehicle.vin}: {' '.join(exc.messages)}", messages.ERROR
                )
        if issued:
            self.message_user(
                request,
                ngettext("%d report issued.", "%d reports issued.", issued) % issued,
                messages.SUCCESS,
            )
