"""Dealers and their staff: settings a manager keeps, and who works where."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from inventory import services
from inventory.access import users_manageable_by
from inventory.models import Dealer, Membership

from .base import DealerScopedAdminMixin, RecordsInlineMixin, ScopedInlineMixin


class MembershipInline(RecordsInlineMixin, ScopedInlineMixin, admin.TabularInline):
    """Who works here; memberships are added and changed on their own page, which checks that
    the manager may change that person's account."""

    model = Membership
    fields = ["user", "role", "created_at"]
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dealer)
class DealerAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "city",
        "base_currency",
        "aged_threshold_days",
        "zero_km_max_odometer_km",
        "export_discount_pct",
        "is_active",
    ]
    list_filter = ["is_active", "city"]
    search_fields = ["name", "code", "city"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [MembershipInline]

    fieldsets = [
        (None, {"fields": ["name", "code", "city", "language", "is_active"]}),
        (
            _("Aging and export"),
            {
                "fields": [
                    "time_zone",
                    "aged_threshold_days",
                    "aging_bucket_edges",
                    "zero_km_max_odometer_km",
                ]
            },
        ),
        (
            _("Holding cost"),
            {"fields": ["base_currency", "daily_overhead_per_unit", "depreciation_pct_per_30d"]},
        ),
        (
            _("Export or hold"),
            {
                "fields": [
                    "export_discount_pct",
                    "export_cost_inspection",
                    "export_cost_transport",
                    "export_cost_documents",
                    "domestic_markdown_pct",
                    "hold_days",
                ]
            },
        ),
        (
            _("Paint thresholds for inspections"),
            {
                "fields": [
                    "paint_repaint_min_um",
                    "paint_repaint_factor",
                    "paint_filler_min_um",
                    "paint_structural_min_um",
                    "paint_replaced_below_um",
                    "paint_baseline_min_panels",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        services.dealer_save(dealer=obj, changed=form.changed_data if change else ())

    def has_add_permission(self, request):
        # A new dealer has no managers yet, so only a superuser can create one and staff it.
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "dealer", "role", "created_at"]
    list_filter = ["role", ("dealer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__email", "dealer__name"]
    autocomplete_fields = ["user", "dealer"]

    def _may_change(self, request, obj):
        return obj is None or users_manageable_by(request.user).filter(pk=obj.user_id).exists()

    def has_change_permission(self, request, obj=None):
        # Someone who also works for another dealer is that dealer's business too.
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.membership_save(membership=obj)

    def delete_model(self, request, obj):
        services.membership_delete(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_delete(membership=membership)
