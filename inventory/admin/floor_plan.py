"""Floor-plan lines a manager keeps, and the cars they finance, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from inventory import services
from inventory.models import FloorPlanLine, FloorPlanPayment, VehicleFloorPlan

from .base import DealerScopedAdminMixin, GuardedDeleteAdminMixin, RecordsInlineMixin


@admin.register(FloorPlanLine)
class FloorPlanLineAdmin(GuardedDeleteAdminMixin, DealerScopedAdminMixin, admin.ModelAdmin):
    """Lenders' lines; saved through `floor_plan_line_save`, which refuses absurd terms."""

    list_display = [
        "name",
        "lender",
        "dealer",
        "apr_pct",
        "day_count_basis",
        "term_days",
        "curtailment_pct",
        "credit_limit",
        "is_active",
    ]
    list_filter = ["is_active", ("dealer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "lender"]
    fixed_after_create = ["dealer"]
    fieldsets = [
        (None, {"fields": ["dealer", "name", "lender", "credit_limit", "is_active"]}),
        (_("Interest"), {"fields": ["apr_pct", "day_count_basis", "term_days"]}),
        (
            _("Curtailments and fees"),
            {
                "fields": [
                    "first_curtailment_days",
                    "curtailment_pct",
                    "curtailment_every_days",
                    "flat_fee",
                    "fee_pct",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        services.floor_plan_line_save(line=obj)

    def delete_refusal(self, obj):
        # A line that financed cars keeps their history; close it to new cars instead.
        if obj.floor_plans.exists():
            return _("It financed cars; close it to new cars instead.")
        return None

    def delete_through_service(self, request, obj):
        services.floor_plan_line_delete(line=obj)


class FloorPlanPaymentInline(RecordsInlineMixin, admin.TabularInline):
    model = FloorPlanPayment
    fields = ["paid_on", "kind", "principal", "interest", "fees", "balance_after", "reference"]


@admin.register(VehicleFloorPlan)
class VehicleFloorPlanAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: staff floor cars and record payments on the vehicle page."""

    list_display = [
        "vehicle",
        "line",
        "floored_on",
        "principal",
        "balance",
        "next_curtailment_due",
        "next_curtailment_amount",
        "paid_off_on",
    ]
    list_filter = [("line", admin.RelatedOnlyFieldListFilter), "paid_off_on"]
    search_fields = ["vehicle__vin", "vehicle__stock_number"]
    list_select_related = ["vehicle", "line"]
    inlines = [FloorPlanPaymentInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
