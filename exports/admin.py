"""Manager admin for destination markets, their rules and export shipments."""

import posixpath

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from inventory.admin import (
    DealerScopedAdminMixin,
    FrozenParentInlineMixin,
    GuardedDeleteAdminMixin,
    PlatformSettingsAdminMixin,
    RecordsInlineMixin,
)

from . import services
from .models import (
    AppliesTo,
    Bid,
    CashFlowSnapshot,
    DestinationMarket,
    ExportShipment,
    MarketRule,
    Offer,
    OfferLine,
    OfferRecipient,
    ShipmentDocument,
    ShipmentLine,
    ShipmentMilestone,
    ShipmentStatus,
)


def applies_to_text(rule):
    """Whom a rule applies to, in words ("Used vehicles, Electric vehicles"); a group the app
    does not know shows as stored, so a typo stays visible."""
    groups = rule.applies_to if isinstance(rule.applies_to, list) else [rule.applies_to]
    labels = dict(AppliesTo.choices)
    return ", ".join(str(labels.get(group, group)) for group in groups) or "—"


class ReadableAppliesToMixin:
    """Operators edit "applies to" as JSON; whoever only reads a rule sees it in words."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj) and "applies_to" in fields:
            fields[fields.index("applies_to")] = "applies_to_text"
        return list(dict.fromkeys(fields))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "applies_to_text"]

    @admin.display(description=_("applies to"))
    def applies_to_text(self, obj):
        return applies_to_text(obj)


class MarketRuleInline(ReadableAppliesToMixin, PlatformSettingsAdminMixin, admin.TabularInline):
    model = MarketRule
    extra = 0
    fields = ["rule_code", "severity", "applies_to", "effective_from", "effective_to", "confidence"]
    show_change_link = True


@admin.register(DestinationMarket)
class DestinationMarketAdmin(PlatformSettingsAdminMixin, admin.ModelAdmin):
    """Countries and their rules are shared by every dealer: platform operators maintain them,
    managers read them."""

    list_display = ["market_name", "country_code", "is_origin", "is_active", "rule_count"]
    list_filter = ["is_origin", "is_active"]
    search_fields = ["name", "country_code"]
    inlines = [MarketRuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rule_total=Count("rules"))

    @admin.display(description=_("name"), ordering="name")
    def market_name(self, obj):
        return obj.display_name

    @admin.display(description=_("rules"), ordering="rule_total")
    def rule_count(self, obj):
        return obj.rule_total

    def save_model(self, request, obj, form, change):
        services.destination_market_save(market=obj)

    def save_formset(self, request, form, formset, change):
        """The rules edited on the market's page go through the same services as on their
        own page, so each change re-checks the candidates too."""
        if formset.model is not MarketRule:
            return super().save_formset(request, form, formset, change)
        for rule in formset.save(commit=False):
            services.market_rule_save(rule=rule)
        for rule in formset.deleted_objects:
            services.market_rule_delete(rule=rule)
        return None


@admin.register(MarketRule)
class MarketRuleAdmin(ReadableAppliesToMixin, PlatformSettingsAdminMixin, admin.ModelAdmin):
    list_display = [
        "rule_code",
        "market",
        "severity",
        "applies_to_text",
        "effective_from",
        "effective_to",
        "confidence",
        "last_verified",
        "is_active",
        "parameter_check",
    ]
    list_filter = ["severity", "confidence", "is_active", "market"]
    list_select_related = ["market"]
    search_fields = ["rule_code", "market__name", "market__country_code", "source_url"]
    autocomplete_fields = ["market"]
    date_hierarchy = "effective_from"
    actions = ["mark_verified_today"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        services.market_rule_save(rule=obj)
        self._say_candidates_rechecked(request)

    def delete_model(self, request, obj):
        services.market_rule_delete(rule=obj)
        self._say_candidates_rechecked(request)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            services.market_rule_delete(rule=rule)
        self._say_candidates_rechecked(request)

    def _say_candidates_rechecked(self, request):
        self.message_user(
            request,
            _("Export candidates are being checked again against the changed rules."),
            messages.INFO,
        )

    @admin.display(description=_("parameters"))
    def parameter_check(self, obj):
        """A rule that reached the database with bad parameters is shown, never hidden."""
        problems = obj.parameter_problems
        if not problems:
            return _("OK")
        return format_html('<span class="errornote">{}</span>', " ".join(problems))

    @admin.action(description=_("Mark selected rules verified today"), permissions=["change"])
    def mark_verified_today(self, request, queryset):
        count = services.market_rule_mark_verified(rules=list(queryset), on=timezone.localdate())
        self.message_user(
            request,
            ngettext("%d rule marked verified.", "%d rules marked verified.", count) % count,
            messages.SUCCESS,
        )


class ShipmentLineInline(FrozenParentInlineMixin, admin.TabularInline):
    model = ShipmentLine
    extra = 0
    fields = [
        "vehicle",
        "sale_price",
        "hs_code",
        "commodity_code",
        "licence_batch",
        "is_active",
        "added_at",
    ]
    readonly_fields = ["hs_code", "commodity_code", "licence_batch", "is_active", "added_at"]
    autocomplete_fields = ["vehicle"]

    def parent_is_open(self, obj):
        return obj.status in services.OPEN_FOR_LINES


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are they cancelled?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ShipmentRecordsInline(RecordsInlineMixin, admin.TabularInline):
    def has_change_permission(self, request, obj=None):
        return False


class ShipmentMilestoneInline(ShipmentRecordsInline):
    """Every move of the shipment with who made it; written by `shipment_advance` only."""

    model = ShipmentMilestone
    fields = ["status", "from_status", "on", "by", "at", "note"]


class ShipmentDocumentInline(ShipmentRecordsInline):
    """Versions of the trade documents; made on the shipment page."""

    model = ShipmentDocument
    fields = [
        "kind",
        "version",
        "pdf_link",
        "xlsx_link",
        "total",
        "currency",
        "created_by",
        "created_at",
    ]

    # Through the staff page, which scopes and serves them; storage URLs are not served.
    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        return self._download(obj, "pdf")

    @admin.display(description=_("XLSX"))
    def xlsx_link(self, obj):
        return self._download(obj, "xlsx")

    def _download(self, obj, fmt):
        stored = getattr(obj, fmt)
        if not stored:
            return "—"
        url = reverse("exports:shipment_document_download", args=[obj.shipment_id, obj.pk, fmt])
        return format_html('<a href="{}">{}</a>', url, posixpath.basename(stored.name))


@admin.register(ExportShipment)
class ExportShipmentAdmin(GuardedDeleteAdminMixin, DealerScopedAdminMixin, SimpleHistoryAdmin):
    fixed_after_create = ["dealer"]
    list_display = [
        "reference",
        "dealer",
        "destination",
        "status",
        "consignee",
        "etd",
        "eta",
        "bill_of_lading",
        "line_count",
    ]
    list_filter = [
        "status",
        "transport_mode",
        "incoterm",
        "destination",
        ("dealer", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["dealer", "destination"]
    search_fields = ["reference", "bill_of_lading", "consignee", "lines__vehicle__vin"]
    date_hierarchy = "etd"
    autocomplete_fields = ["dealer", "destination"]
    readonly_fields = [
        "status",
        "fx_fixed_on",
        "cancelled_reason",
        "created_by",
        "created_at",
        "updated_at",
    ]
    history_list_display = ["status"]
    inlines = [ShipmentLineInline, ShipmentMilestoneInline, ShipmentDocumentInline]
    actions = ["advance_to_next", "cancel_shipments"]

    def get_queryset(self, request):
        active_lines = Count("lines", filter=Q(lines__is_active=True))
        return super().get_queryset(request).annotate(active_line_count=active_lines)

    @admin.display(description=_("vehicles"), ordering="active_line_count")
    def line_count(self, obj):
        return obj.active_line_count

    def delete_refusal(self, obj):
        if obj.status == ShipmentStatus.DRAFT:
            return None
        return _("A shipment past draft stays on record; cancel it instead.")

    def delete_through_service(self, request, obj):
        services.shipment_delete_draft(shipment=obj, by=request.user)

    def get_search_results(self, request, queryset, search_term):
        # Searching by VIN joins shipment lines, so a shipment may match more than once.
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True

    def save_model(self, request, obj, form, change):
        if change:
            services.shipment_update(
                shipment=obj,
                by=request.user,
                **{k: form.cleaned_data[k] for k in form.changed_data if k != "dealer"},
            )
            return
        details = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"dealer", "reference", "destination", "consignee"}
        }
        saved = services.shipment_create(
            dealer=form.cleaned_data["dealer"],
            reference=form.cleaned_data["reference"],
            destination=form.cleaned_data["destination"],
            consignee=form.cleaned_data["consignee"],
            by=request.user,
            **details,
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not ShipmentLine:
            return super().save_formset(request, form, formset, change)
        shipment = form.instance
        # The admin's change message reads these lists after saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.forms:
            data = line_form.cleaned_data
            if not data:
                continue
            vehicle = data.get("vehicle")
            try:
                if data.get("DELETE") and line_form.instance.pk:
                    services.shipment_remove_vehicle(
                        shipment=shipment, vehicle=line_form.instance.vehicle, by=request.user
                    )
                    formset.deleted_objects.append(line_form.instance)
                elif line_form.instance.pk is None:
                    line = services.shipment_add_vehicle(
                        shipment=shipment,
                        vehicle=vehicle,
                        sale_price=data.get("sale_price"),
                        by=request.user,
                    )
                    formset.new_objects.append(line)
                elif line_form.has_changed():
                    line = services.shipment_line_set_price(
                        line=line_form.instance, sale_price=data.get("sale_price")
                    )
                    formset.changed_objects.append((line, ["sale_price"]))
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def _advance(self, request, queryset, target_for, reason=""):
        moved = 0
        for shipment in queryset:
            target = target_for(shipment)
            if target is None:
                self.message_user(
                    request,
                    _("%(ref)s is %(status)s and has no next step.")
                    % {"ref": shipment.reference, "status": shipment.get_status_display().lower()},
                    messages.WARNING,
                )
                continue
            try:
                services.shipment_advance(
                    shipment=shipment, to_status=target, by=request.user, reason=reason
                )
                moved += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        if moved:
            self.message_user(
                request,
                ngettext("%d shipment moved.", "%d shipments moved.", moved) % moved,
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Advance selected shipments to their next status"), permissions=["change"]
    )
    def advance_to_next(self, request, queryset):
        def forward(shipment):
            steps = [s for s in services.next_statuses(shipment) if s != ShipmentStatus.CANCELLED]
            return steps[0] if steps else None

        self._advance(request, queryset, forward)

    @admin.action(
        description=_("Cancel selected shipments (before loading)"), permissions=["change"]
    )
    def cancel_shipments(self, request, queryset):
        """Asks for the reason first, on a page of its own, then cancels."""
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._advance(
                request,
                queryset,
                lambda shipment: ShipmentStatus.CANCELLED,
                reason=form.cleaned_data["reason"],
            )
            return None
        return TemplateResponse(
            request,
            "admin/exports/exportshipment/cancel_shipments.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel shipments"),
                "opts": self.model._meta,
                "shipments": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(CashFlowSnapshot)
class CashFlowSnapshotAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """The nightly figures, read-only: the job writes them, a rerun the same day replaces them."""

    list_display = [
        "on",
        "dealer",
        "units",
        "aged_units",
        "capital_tied_up",
        "carry_per_day",
        "candidates",
        "projected_cash_release",
        "realised_export_proceeds",
        "floor_plan_balance",
        "curtailments_due_amount",
    ]
    list_filter = [("dealer", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "on"
    list_select_related = ["dealer"]
    actions = ["take_snapshot_now"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Take today's snapshot again for these dealers"))
    def take_snapshot_now(self, request, queryset):
        dealers = {snapshot.dealer for snapshot in queryset.select_related("dealer")}
        for dealer in dealers:
            services.cash_flow_snapshot_take(dealer=dealer)
        self.message_user(
            request,
            ngettext("%d dealer snapshotted.", "%d dealers snapshotted.", len(dealers))
            % len(dealers),
            messages.SUCCESS,
        )


from . import admin_sales  # noqa: E402, F401  (registers the exporter and sale admins)


class ReadOnlyInline(admin.TabularInline):
    """Rows the offer page's services write; the admin shows them."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class OfferLineInline(ReadOnlyInline):
    model = OfferLine
    fields = ["vehicle", "pricing", "discount_pct", "asking_price", "position", "withdrawn_at"]
    show_change_link = True


class OfferRecipientInline(ReadOnlyInline):
    model = OfferRecipient
    fields = [
        "exporter",
        "buyer_name",
        "buyer_company",
        "buyer_country",
        "language",
        "token",
        "sent_at",
        "expires_on",
        "revoked_at",
        "first_opened_at",
        "last_opened_at",
        "open_count",
    ]


class BidInline(ReadOnlyInline):
    """The bids of the offer, through its recipients."""

    model = Bid
    fk_name = "line"
    fields = ["recipient", "kind", "amount", "note", "at", "recorded_by", "status", "reservation"]


@admin.register(Offer)
class OfferAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """Offers, read-only: their cars, prices, recipients' links and bids change on the offer
    page, through the services; the link tokens are shown and never edited."""

    list_display = ["reference", "dealer", "title", "status", "valid_until", "created_at"]
    list_filter = ["status", ("dealer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reference", "title", "lines__vehicle__vin"]
    list_select_related = ["dealer"]
    inlines = [OfferLineInline, OfferRecipientInline]

    def get_readonly_fields(self, request, obj=None):
        return [*(field.name for field in self.model._meta.fields), "bids"]

    @admin.display(description=_("bids"))
    def bids(self, obj):
        rows = Bid.objects.filter(line__offer=obj).select_related(
            "recipient", "recipient__exporter", "line__vehicle"
        )
        return (
            format_html_join(
                "",
                "<p>{} · {} · {} {} · {}</p>",
                (
                    (
                        bid.line.vehicle.vin,
                        bid.recipient.display_name,
                        bid.get_kind_display(),
                        bid.amount if bid.amount is not None else "",
                        bid.get_status_display(),
                    )
                    for bid in rows
                ),
            )
            or "—"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OfferLine)
class OfferLineAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    """A car on an offer with its bids, read-only."""

    list_display = ["offer", "vehicle", "asking_price", "pricing", "withdrawn_at"]
    list_select_related = ["offer", "vehicle"]
    search_fields = ["offer__reference", "vehicle__vin"]
    inlines = [BidInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_model_perms(self, request):
        # Reached from an offer's cars, not listed on the admin's index.
        return {}
