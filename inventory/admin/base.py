"""Manager admin for dealers, staff, vehicles, inspections and job runs, scoped per dealer."""

import posixpath

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from inventory import services
from inventory.access import is_platform_operator, restrict_choices, users_manageable_by
from inventory.forms import VEHICLE_FACTS, VehicleForm
from inventory.inspection_forms import PaintReadingAdminForm
from inventory.models import (
    Dealer,
    FloorPlanLine,
    FloorPlanPayment,
    InspectionPhoto,
    InspectionReport,
    JobRun,
    Membership,
    PaintReading,
    Role,
    StructuralFinding,
    Vehicle,
    VehicleDocument,
    VehicleFloorPlan,
    VehicleStatus,
)


def scoped_choices(db_field, request, kwargs):
    """Offer and accept only rows the signed-in user may pick in a relation field.

    The admin validates a posted id against the field's queryset, so narrowing it here refuses
    another dealer's row, or an account the manager may not change, like an unknown id.
    """
    queryset = kwargs.get("queryset")
    if queryset is None:
        queryset = db_field.remote_field.model._default_manager.get_queryset()
    kwargs["queryset"] = restrict_choices(queryset, request.user)
    return kwargs


class ScopedRelationsMixin:
    """Every foreign-key and many-to-many field of an admin form or inline goes through
    `scoped_choices`, whatever the widget (select, autocomplete, raw id)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **scoped_choices(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **scoped_choices(db_field, request, kwargs)
        )


class PlatformSettingsAdminMixin(ScopedRelationsMixin):
    """Settings shared by every dealer (markets, rules, schedules): platform operators change
    them, managers read them."""

    def has_add_permission(self, request, *args):
        return is_platform_operator(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Some actions (the beat schedule's "disable", "run") declare no permission of their own.
        return super().get_actions(request) if is_platform_operator(request.user) else {}


class DealerScopedAdminMixin(ScopedRelationsMixin):
    """Limit an admin to the dealers the signed-in manager manages.

    Change lists, change and history pages, foreign-key dropdowns and autocomplete all go
    through `visible_to`, and an object outside the scope answers 404 rather than a redirect.
    Fields in `fixed_after_create` (a row's dealer, say) are read-only once the row exists.
    """

    fixed_after_create = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, *self.fixed_after_create] if obj is not None else fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user, roles=[Role.MANAGER])

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("No %(name)s with this ID.") % {"name": opts.verbose_name})

    def _require_visible(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def delete_selected_guarded(modeladmin, request, queryset):
    """Django's "delete selected", for the rows that may go; every row that must stay is named
    with the reason, and left alone."""
    allowed = []
    for obj in queryset:
        refusal = modeladmin.delete_refusal(obj)
        if refusal:
            modeladmin.message_user(request, f"{obj}: {refusal}", messages.ERROR)
        else:
            allowed.append(obj.pk)
    if not allowed:
        return None
    return delete_selected(modeladmin, request, queryset.filter(pk__in=allowed))


class GuardedDeleteAdminMixin:
    """Deletion of records that keep history, only through a service that may refuse it.

    Django's "delete selected" checks the delete permission without an object, and a refused
    delete must read as a message, never a server error: both the single and the bulk delete
    ask `delete_refusal` per row and delete through `delete_through_service`, which also
    removes stored files.
    """

    def delete_refusal(self, obj) -> str | None:
        """Why this row must not be deleted, or None."""
        raise NotImplementedError

    def delete_through_service(self, request, obj) -> None:
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_guarded, name, description)
        return actions

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not any(self.delete_refusal(obj) for obj in objs):
            # What may be deleted goes through the service, which takes the rows that protect
            # it (a draft shipment's lines, say) with it.
            protected = []
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_through_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_through_service(request, obj)
            except (ValidationError, ProtectedError) as exc:
                self.message_user(request, f"{obj}: {refusal_text(exc)}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, ProtectedError) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("/delete/", 1)[0] + "/change/")


def refusal_text(exc) -> str:
    if isinstance(exc, ProtectedError):
        return str(_("Other records refer to it, so it stays on record."))
    return " ".join(exc.messages)


class ScopedInlineMixin(ScopedRelationsMixin):
    pass


class FrozenParentInlineMixin(ScopedInlineMixin):
    """An inline that becomes read-only once its parent may no longer change."""

    def parent_is_open(self, obj):
        raise NotImplementedError

    def _open(self, obj):
        return obj is None or self.parent_is_open(obj)

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class RecordsInlineMixin:
    """An inline that lists records written elsewhere (a service, a staff page): shown in full,
    never added or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


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
        (None, {"fields": ["name", "code", "city", "is_active"]}),
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
    actions = ["mark_reserved", "mark_in_stock", "mark_sold_domestic"]
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

    @admin.action(description=_("Mark selected vehicles reserved"), permissions=["change"])
    def mark_reserved(self, request, queryset):
        self._change_status(request, queryset, VehicleStatus.RESERVED)

    @admin.action(description=_("Put selected vehicles back in stock"), permissions=["change"])
    def mark_in_stock(self, request, queryset):
        self._change_status(request, queryset, VehicleStatus.IN_STOCK)

    @admin.action(description=_("Mark selected vehicles sold domestically"), permissions=["change"])
    def mark_sold_domestic(self, request, queryset):
        self._change_status(request, queryset, VehicleStatus.SOLD_DOMESTIC)


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


@admin.register(JobRun)
class JobRunAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """Runs of the manager's dealers and the runs over all dealers (`JobRun.objects.visible_to`),
    read-only: a run is a record of what a job did."""

    list_display = ["job", "dealer", "status", "started_at", "finished_at", "counts", "error"]
    list_filter = ["job", "status", ("dealer", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "started_at"
    search_fields = ["job", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A run over all dealers belongs to no manager's dealer.
        if obj is not None and obj.dealer_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DealerUserAdmin(ScopedRelationsMixin, UserAdmin):
    """Managers see the people of their own dealers, plus accounts not yet given a dealer.

    They change an account (password, e-mail, name) only when every dealer it works for is one
    they manage; someone who also works elsewhere is shown read-only.
    """

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        managed = Dealer.objects.managed_by(request.user)
        colleagues = Membership.objects.filter(dealer__in=managed).values("user_id")
        manageable = users_manageable_by(request.user).values("pk")
        return qs.filter(Q(pk__in=colleagues) | Q(pk__in=manageable), is_superuser=False)

    def _may_change(self, request, obj):
        return obj is None or users_manageable_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Managers look after their people's accounts but never hand out powers.
            fields += [
                "is_staff",
                "is_superuser",
                "groups",
                "user_permissions",
                "last_login",
                "date_joined",
            ]
        return fields

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404


admin.site.site_header = _("DealerHub administration")
admin.site.site_title = _("DealerHub")
admin.site.index_title = _("Run the dealerships")
