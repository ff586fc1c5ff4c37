"""Vehicles in the admin: facts through the shared form, status moves and deletes through the
services, papers and inspections listed."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from inventory import services
from inventory.forms import VEHICLE_FACTS, VehicleForm
from inventory.models import InspectionReport, Vehicle, VehicleDocument, VehicleStatus

from .base import (
    DealerScopedAdminMixin,
    GuardedDeleteAdminMixin,
    RecordsInlineMixin,
    ScopedInlineMixin,
)


class VehicleAdminForm(VehicleForm):
    class Meta(VehicleForm.Meta):
        fields = ["dealer", *VEHICLE_FACTS]


class DocumentInline(RecordsInlineMixin, ScopedInlineMixin, admin.TabularInline):
    """Papers on file; staff file and remove them on the vehicle page, through the services."""

    model = VehicleDocument
    fields = [
        "kind",
        "country_code",
        "issuer",
        "issuer_is_listed_manufacturer",
        "holder",
        "issued_on",
    ]


class InspectionInline(RecordsInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = InspectionReport
    fields = ["inspected_on", "status", "certificate_number", "verdict", "battery_soh_pct"]
    show_change_link = True


@admin.register(Vehicle)
class VehicleAdmin(GuardedDeleteAdminMixin, DealerScopedAdminMixin, SimpleHistoryAdmin):
    form = VehicleAdminForm
    fixed_after_create = ["dealer"]
    list_display = [
        "vin",
        "stock_number",
        "make",
        "model",
        "model_year",
        "powertrain",
        "status",
        "days_in_stock_display",
        "odometer_km",
        "list_price",
        "dealer",
        "export_candidate",
    ]
    list_filter = [
        "status",
        "powertrain",
        "export_candidate",
        "steering_side",
        ("registered_on", admin.EmptyFieldListFilter),
        ("dealer", admin.RelatedOnlyFieldListFilter),
        "make",
    ]
    list_select_related = ["dealer"]
    search_fields = ["vin", "stock_number", "make", "model"]
    date_hierarchy = "stocked_on"
    autocomplete_fields = ["dealer"]
    readonly_fields = [
        "status",
        "left_stock_on",
        "export_candidate",
        "export_candidate_since",
        "export_verdict",
        "created_at",
        "updated_at",
    ]
    history_list_display = ["status", "list_price", "odometer_km"]
    inlines = [DocumentInline, InspectionInline]
    # Reserving records a customer, a deposit and a last day: one car at a time, on its page.
    actions = ["mark_in_stock", "mark_sold_domestic"]
    fieldsets = [
        (None, {"fields": ["dealer", "vin", "stock_number", "status"]}),
        (
            _("Vehicle"),
            {
                "fields": [
                    "make",
                    "model",
                    "trim",
                    "model_year",
                    "powertrain",
                    "engine_cc",
                    "fuel",
                    "power_kw",
                    "body_type",
                    "colour",
                    "steering_side",
                ]
            },
        ),
        (
            _("Dates and odometer"),
            {
                "fields": [
                    "manufactured_on",
                    "stocked_on",
                    "left_stock_on",
                    "registered_on",
                    "registered_owner",
                    "registered_owner_name",
                    "odometer_km",
                    "confirm_odometer_decrease",
                ]
            },
        ),
        (_("Money"), {"fields": ["acquisition_cost", "list_price"]}),
        (_("Condition"), {"fields": ["is_salvage", "is_flood_damaged", "notes"]}),
        (
            _("Export"),
            {
                "fields": [
                    "export_candidate",
                    "export_candidate_since",
                    "export_verdict",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("days in stock"))
    def days_in_stock_display(self, obj):
        return obj.days_in_stock()

    def delete_refusal(self, obj):
        return services.vehicle_delete_refusal(obj)

    def delete_through_service(self, request, obj):
        services.vehicle_delete(vehicle=obj, by=request.user)

    def save_model(self, request, obj, form, change):
        saved = form.save_through_services(by=request.user)
        obj.pk = saved.pk
        obj.refresh_from_db()
        for note in form.vin_notes():
            self.message_user(request, f"{saved.vin}: {note}", messages.INFO)
        for warning in form.vin_warnings(saved):
            self.message_user(request, f"{saved.vin}: {warning}", messages.WARNING)

    def _change_status(self, request, queryset, to_status):
        moved = 0
        for vehicle in queryset:
            try:
                services.vehicle_change_status(
                    vehicle=vehicle, to_status=to_status, by=request.user
                )
                moved += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{vehicle.vin}: {' '.join(exc.messages)}", messages.ERROR
                )
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d vehicle marked %(status)s.",
                    "%(count)d vehicles marked %(status)s.",
                    moved,
                )
                % {"count": moved, "status": VehicleStatus(to_status).label.lower()},
                messages.SUCCESS,
            )

    @admin.action(description=_("Put selected vehicles back in stock"), permissions=["change"])
    def mark_in_stock(self, request, queryset):
        self._change_status(request, queryset, VehicleStatus.IN_STOCK)

    @admin.action(description=_("Mark selected vehicles sold domestically"), permissions=["change"])
    def mark_sold_domestic(self, request, queryset):
        self._change_status(request, queryset, VehicleStatus.SOLD_DOMESTIC)
