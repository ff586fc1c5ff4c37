"""Staff pages for a dealer's inventory: list, CSV, vehicle page, receive and edit."""

import csv
import json
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from . import aging, costs, holding, services, uploads
from .filters import VehicleFilterSet, bucket_label
from .forms import FloorPlanPaymentForm, VehicleDocumentForm, VehicleFloorForm, VehicleForm
from .idempotency import once_per_form
from .models import (
    Vehicle,
    VehicleDocument,
    VehicleFloorPlan,
    VehicleStatus,
    message_text,
    paper_label,
    vin_check,
)
from .pagination import KeysetPaginator, keyset_ordering
from .spreadsheets import csv_safe
from .templatetags.money import format_money

SORTS = {
    "stocked_on": gettext_lazy("Stocked on"),
    "vin": gettext_lazy("VIN"),
    "make": gettext_lazy("Make"),
    "model": gettext_lazy("Model"),
    "model_year": gettext_lazy("Year"),
    "odometer_km": gettext_lazy("Odometer"),
    "list_price": gettext_lazy("List price"),
}
DEFAULT_SORT = "-stocked_on"
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


class ListControls(forms.Form):
    """Sort order, page size and position; anything unknown falls back to the defaults."""

    sort = forms.ChoiceField(
        required=False,
        choices=[(f"{d}{key}", key) for key in SORTS for d in ("", "-")],
    )
    size = forms.TypedChoiceField(
        required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES], label=gettext_lazy("Rows")
    )
    after = forms.CharField(required=False, max_length=500)
    before = forms.CharField(required=False, max_length=500)

    def value(self, name, default):
        self.is_valid()  # cleaned_data keeps the fields that are valid
        return self.cleaned_data.get(name) or default


def days_and_bucket(vehicle, today, buckets):
    days = vehicle.days_in_stock(today)
    return days, bucket_label(aging.bucket_for(days, buckets))


def dealer_required(view):
    """A signed-in member of a dealer; anyone else is sent to log in or told they have none."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.dealer_scope.current is None:
            return render(request, "inventory/no_dealer.html", status=403)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


class DealerRequiredMixin(LoginRequiredMixin):
    """Pages about "my dealer's stock"; a person with no dealer is told so instead."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.dealer_scope.current is None:
            return render(request, "inventory/no_dealer.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    @property
    def dealer(self):
        return self.request.dealer_scope.current

    def scoped_vehicles(self):
        return Vehicle.objects.visible_to(self.request.user)


class FilteredVehiclesMixin(DealerRequiredMixin):
    """The current dealer's vehicles through the list's FilterSet and sort order."""

    def filterset(self):
        vehicles = self.scoped_vehicles().filter(dealer=self.dealer)
        return VehicleFilterSet(
            self.request.GET or None,
            queryset=vehicles,
            dealer=self.dealer,
            makes=Vehicle.objects.makes_of(self.dealer),
        )

    def controls(self):
        return ListControls(self.request.GET)


class VehicleListView(FilteredVehiclesMixin, View):
    template_name = "inventory/vehicle_list.html"

    def get(self, request):
        filterset = self.filterset()
        controls = self.controls()
        sort = controls.value("sort", DEFAULT_SORT)
        size = controls.value("size", DEFAULT_PAGE_SIZE)
        queryset = filterset.qs if filterset.is_bound else filterset.queryset
        if filterset.is_bound and not filterset.is_valid():
            queryset = queryset.none()
        # The verdict comes in the same query: a candidate's row names its markets.
        queryset = queryset.select_related("export_verdict")
        paginator = KeysetPaginator(queryset, sort=sort, page_size=size)
        page = paginator.page(
            after=controls.value("after", None), before=controls.value("before", None)
        )
        today = self.dealer.today()
        buckets = self.dealer.buckets
        rows = [(vehicle, *days_and_bucket(vehicle, today, buckets)) for vehicle in page.rows]
        query = request.GET.copy()
        for key in ("after", "before"):
            query.pop(key, None)
        return render(
            request,
            self.template_name,
            {
                "filterset": filterset,
                "page": page,
                "rows": rows,
                "sort": sort,
                "size": size,
                "page_sizes": PAGE_SIZES,
                "columns": sort_columns(query, sort),
                "query": query.urlencode(),
            },
        )


def sort_columns(query, current):
    """Header links: a click sorts by the column, a second click reverses it."""
    columns = {}
    for key, label in SORTS.items():
        params = query.copy()
        params["sort"] = f"-{key}" if current == key else key
        columns[key] = {
            "label": label,
            "url": "?" + params.urlencode(),
            "active": current.lstrip("-") == key,
            "descending": current.startswith("-"),
        }
    return columns


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


class VehicleCsvView(FilteredVehiclesMixin, View):
    """Exactly the filtered list, in its sort order, streamed row by row."""

    chunk_size = 2000

    def get(self, request):
        filterset = self.filterset()
        if filterset.is_bound and not filterset.is_valid():
            messages.error(request, _("Correct the filters before downloading."))
            return redirect(reverse("inventory:vehicle_list") + "?" + request.GET.urlencode())
        queryset = filterset.qs if filterset.is_bound else filterset.queryset
        sort = self.controls().value("sort", DEFAULT_SORT)
        queryset = queryset.order_by(*keyset_ordering(sort))
        today = self.dealer.today()
        statuses = dict(VehicleStatus.choices)
        dealer_buckets = self.dealer.buckets
        buckets = {bucket.key: bucket_label(bucket) for bucket in dealer_buckets}
        yes_no = {True: _("Yes"), False: _("No")}
        columns = [
            ("vin", _("VIN")),
            ("stock_number", _("Stock number")),
            ("make", _("Make")),
            ("model", _("Model")),
            ("trim", _("Trim")),
            ("model_year", _("Model year")),
            ("powertrain", _("Powertrain")),
            ("colour", _("Colour")),
            ("odometer_km", _("Odometer (km)")),
            ("stocked_on", _("Stocked on")),
            ("registered_on", _("First registered on")),
            ("status", _("Status")),
            ("left_stock_on", _("Left stock on")),
            ("list_price", _("List price")),
            ("acquisition_cost", _("Acquisition cost")),
            ("export_candidate", _("Export candidate")),
        ]
        names = [name for name, _label in columns]
        stocked, status, left, candidate = (
            names.index(n) for n in ("stocked_on", "status", "left_stock_on", "export_candidate")
        )

        def rows():
            yield [label for _name, label in columns] + [_("Days in stock"), _("Aging bucket")]
            for values in queryset.values_list(*names).iterator(chunk_size=self.chunk_size):
                row = list(values)
                days = aging.days_in_stock(row[stocked], today, left_stock_on=row[left])
                row[status] = statuses.get(row[status], row[status])
                row[candidate] = yes_no[row[candidate]]
                yield [*row, days, buckets[aging.bucket_for(days, dealer_buckets).key]]

        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff"  # a byte-order mark so spreadsheet programs read UTF-8 (Chinese) text
            for row in rows():
                yield writer.writerow([csv_safe(cell) for cell in row])

        filename = f"vehicles-{self.dealer.code}-{today.isoformat()}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


TIMELINE_FIELDS = ("status", "list_price", "odometer_km")
# The other facts history keeps, named on the timeline when they change; the left-stock day
# follows the status, which the timeline already shows.
HISTORY_OTHER_FIELDS = [
    field
    for field in Vehicle._meta.concrete_fields
    if field.name not in {*TIMELINE_FIELDS, "id", "created_at", "updated_at", "left_stock_on"}
    and field.name in {kept.name for kept in Vehicle.history.model._meta.concrete_fields}
]


def vehicle_timeline(vehicle):
    """Who changed status, price and odometer, and when, newest first; one query."""
    records = list(
        vehicle.history.select_related("history_user").order_by("history_date", "history_id")
    )
    statuses = dict(VehicleStatus.choices)
    labels = {name: Vehicle._meta.get_field(name).verbose_name for name in TIMELINE_FIELDS}

    def shown(name, value):
        if name == "status":
            return statuses.get(value, value)
        if name == "odometer_km":
            return f"{intcomma(value)} km"
        return floatformat(value, "2g")

    entries = []
    previous = None
    for record in records:
        changes, edited = [], []
        if previous is not None:
            for name in TIMELINE_FIELDS:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    changes.append(
                        {"field": labels[name], "old": shown(name, old), "new": shown(name, new)}
                    )
            edited = [
                field.verbose_name
                for field in HISTORY_OTHER_FIELDS
                if getattr(previous, field.attname) != getattr(record, field.attname)
            ]
            if not changes and not edited:
                previous = record
                continue
        entries.append(
            {
                "kind": "received" if previous is None else "changed",
                "when": record.history_date,
                "who": record.history_user,
                "changes": changes,
                "edited": edited,
                "status": shown("status", record.status),
                "odometer_km": record.odometer_km,
                "list_price": record.list_price,
            }
        )
        previous = record
    entries.reverse()
    return entries


def candidate_summary(vehicle):
    """The candidate job's summary in words: markets with their warnings, documents needed by
    all, and the rest."""
    summary = vehicle.export_candidate_reasons
    if not vehicle.export_candidate or not isinstance(summary, dict):
        return None
    markets = vehicle.export_market_list
    return {
        "markets": markets,
        "only_doubtful": bool(markets) and all(market.doubtful for market in markets),
        "needs": [paper_label(doc) for doc in summary.get("needs", [])],
        "also": {
            market: [paper_label(doc) for doc in docs]
            for market, docs in summary.get("also", {}).items()
        },
    }


class VehicleDetailView(DealerRequiredMixin, View):
    template_name = "inventory/vehicle_detail.html"

    def get(self, request, pk):
        vehicle = get_object_or_404(
            self.scoped_vehicles().select_related("dealer", "export_verdict", "floor_plan__line"),
            pk=pk,
        )
        today = vehicle.dealer.today()
        days, bucket = days_and_bucket(vehicle, today, vehicle.dealer.buckets)
        money = holding.vehicle_holding(vehicle, today)
        inspections = list(vehicle.inspections.order_by("-inspected_on", "-id"))
        shipment_lines = list(
            vehicle.shipment_lines.select_related("shipment__destination").order_by(
                "-added_at", "-id"
            )
        )
        documents = list(vehicle.documents.select_related("added_by"))
        return render(
            request,
            self.template_name,
            {
                "vehicle": vehicle,
                "days_in_stock": days,
                "bucket": bucket,
                "timeline": vehicle_timeline(vehicle),
                "inspections": inspections,
                "shipment_lines": shipment_lines,
                "status_moves": [
                    (status, VehicleStatus(status).label)
                    for status in sorted(services.MANUAL_STATUS_MOVES.get(vehicle.status, ()))
                ],
                "vin_warnings": [message_text(w) for w in vehicle.vin_check.warnings],
                "documents": documents,
                "document_form": VehicleDocumentForm(),
                "candidate": candidate_summary(vehicle),
                "money": money,
                "decision": export_or_hold(vehicle, money),
                "payments": list(money.floor_plan.payments.all()) if money.floor_plan else [],
                "floor_form": (
                    VehicleFloorForm(vehicle=vehicle)
                    if vehicle.is_on_hand and not money.floor_plan
                    else None
                ),
                "payment_form": FloorPlanPaymentForm(initial={"paid_on": today}),
            },
        )


def export_or_hold(vehicle, money):
    """Both sides of the decision for a car still on hand; None once it has gone."""
    if vehicle.status not in holding.ON_HAND:
        return None
    dealer = vehicle.dealer
    return costs.export_or_hold(
        list_price=vehicle.list_price,
        discount_pct=dealer.export_discount_pct,
        staff_price=vehicle.export_price,
        export_costs=dealer.export_costs,
        payoff_now=money.payoff,
        hold_days=dealer.hold_days,
        markdown_pct=dealer.domestic_markdown_pct,
        carrying_cost=money.held_for(dealer.hold_days),
    )


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _service_errors(request, exc, form=None):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            label = form.fields[field].label if form and field in form.fields else ""
            text = " ".join(errors)
            messages.error(request, f"{label}: {text}" if label else text)
    else:
        messages.error(request, " ".join(exc.messages))


@require_POST
@login_required
@once_per_form
def vehicle_floor_view(request, pk):
    """Put a car on a floor-plan line; errors are shown on the vehicle page by field."""
    vehicle = get_object_or_404(Vehicle.objects.visible_to(request.user), pk=pk)
    form = VehicleFloorForm(request.POST, vehicle=vehicle)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.vehicle_floor(vehicle=vehicle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(request, exc, form)
        else:
            messages.success(
                request, _("Floored on %(line)s.") % {"line": form.cleaned_data["line"]}
            )
    return redirect(reverse("inventory:vehicle_detail", args=[vehicle.pk]) + "#money")


@require_POST
@login_required
@once_per_form
def floor_plan_pay_view(request, pk):
    """Record a payment to the lender for a car the user may see."""
    plan = get_object_or_404(
        VehicleFloorPlan.objects.visible_to(request.user).select_related("vehicle"), vehicle_id=pk
    )
    form = FloorPlanPaymentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            payment = services.floor_plan_pay(floor_plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(request, exc, form)
        else:
            messages.success(
                request,
                _("%(kind)s of %(amount)s recorded; balance %(balance)s.")
                % {
                    "kind": payment.get_kind_display(),
                    "amount": format_money(payment.amount),
                    "balance": format_money(payment.balance_after),
                },
            )
    return redirect(reverse("inventory:vehicle_detail", args=[pk]) + "#money")


class VehicleFormView(DealerRequiredMixin, View):
    """Receive a vehicle into the current dealer's stock, or edit one the user may see."""

    template_name = "inventory/vehicle_form.html"

    def get_vehicle(self, pk):
        if pk is None:
            return None
        return get_object_or_404(self.scoped_vehicles().select_related("dealer"), pk=pk)

    def get_form(self, vehicle, data=None):
        dealer = vehicle.dealer if vehicle else self.dealer
        initial = None if vehicle else {"stocked_on": dealer.today()}
        form = VehicleForm(
            data, instance=vehicle, initial=initial, dealer=dealer, user=self.request.user
        )
        form.fields["vin"].widget.attrs.update(
            {
                "hx-get": reverse("inventory:vin_check"),
                "hx-trigger": "input changed delay:300ms, load",
                "hx-target": "#vin-check",
                "hx-vals": json.dumps({"vehicle": vehicle.pk if vehicle else ""}),
            }
        )
        return form

    def get(self, request, pk=None):
        vehicle = self.get_vehicle(pk)
        return self.render(self.get_form(vehicle), vehicle)

    def post(self, request, pk=None):
        vehicle = self.get_vehicle(pk)
        form = self.get_form(vehicle, request.POST)
        if form.is_valid():
            try:
                saved = form.save_through_services(by=request.user)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if vehicle:
                    messages.success(request, _("Vehicle %(vin)s saved.") % {"vin": saved.vin})
                else:
                    messages.success(
                        request, _("Vehicle %(vin)s received into stock.") % {"vin": saved.vin}
                    )
                for warning in form.vin_warnings(saved):
                    messages.warning(request, warning)
                return redirect("inventory:vehicle_detail", pk=saved.pk)
        return self.render(form, vehicle, status=422)

    def render(self, form, vehicle, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "vehicle": vehicle,
                "dealer": vehicle.dealer if vehicle else self.dealer,
            },
            status=status,
        )


@require_GET
@login_required
def vin_check_view(request):
    """The VIN field's live check: errors, warnings, model years and any duplicate."""
    raw = request.GET.get("vin", "")
    exclude = request.GET.get("vehicle") or None
    check = vin_check(raw)
    duplicate = None
    registered_elsewhere = False
    if check.is_valid:
        existing = Vehicle.objects.filter(vin=check.vin)
        if exclude and exclude.isdigit():
            existing = existing.exclude(pk=int(exclude))
        existing = existing.first()
        if existing is not None:
            duplicate = Vehicle.objects.visible_to(request.user).filter(pk=existing.pk).first()
            registered_elsewhere = duplicate is None
    return render(
        request,
        "inventory/_vin_check.html",
        {
            "check": check,
            "typed": bool(raw.strip()),
            "errors": [message_text(m) for m in check.errors],
            "warnings": [message_text(m) for m in check.warnings],
            "duplicate": duplicate,
            "registered_elsewhere": registered_elsewhere,
        },
    )


@require_POST
@login_required
@once_per_form
def vehicle_status_view(request, pk):
    vehicle = get_object_or_404(Vehicle.objects.visible_to(request.user), pk=pk)
    to_status = request.POST.get("status", "")
    if to_status not in VehicleStatus.values:
        messages.error(request, _("Choose a status."))
    else:
        try:
            services.vehicle_change_status(vehicle=vehicle, to_status=to_status, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Vehicle %(vin)s is now %(status)s.")
                % {"vin": vehicle.vin, "status": VehicleStatus(to_status).label.lower()},
            )
    return redirect("inventory:vehicle_detail", pk=vehicle.pk)


@require_POST
@login_required
def dealer_switch_view(request):
    """Work for another of the user's dealers; an unknown or foreign dealer is a 404."""
    dealer_id = request.POST.get("dealer", "")
    if not dealer_id.isdigit():
        raise Http404
    scope = request.dealer_scope
    dealer = next((d for d in scope.dealers if d.pk == int(dealer_id)), None)
    if dealer is None:
        raise Http404
    scope.choose(dealer)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("inventory:vehicle_list")
    return HttpResponseRedirect(target)


@require_POST
@login_required
@once_per_form
def vehicle_document_add_view(request, pk):
    """File a document for a vehicle the user may see; errors are shown on the vehicle page."""
    vehicle = get_object_or_404(Vehicle.objects.visible_to(request.user), pk=pk)
    form = VehicleDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.vehicle_document_add(vehicle=vehicle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(request, exc, form)
        else:
            messages.success(
                request,
                _(
                    "%(document)s filed. The export check shows it at once; the candidate list "
                    "follows at the next nightly run."
                )
                % {"document": VehicleDocument(kind=form.cleaned_data["kind"]).get_kind_display()},
            )
    else:
        _form_errors(request, form)
    return redirect(reverse("inventory:vehicle_detail", args=[vehicle.pk]) + "#documents")


@require_POST
@login_required
def vehicle_document_remove_view(request, pk, document_pk):
    document = get_object_or_404(
        VehicleDocument.objects.visible_to(request.user), pk=document_pk, vehicle_id=pk
    )
    services.vehicle_document_remove(document=document, by=request.user)
    messages.success(request, _("Document removed."))
    return redirect(reverse("inventory:vehicle_detail", args=[pk]) + "#documents")


@require_GET
@login_required
def vehicle_document_scan_view(request, pk, document_pk):
    """The scan of a filed paper, to people who may see the vehicle."""
    document = get_object_or_404(
        VehicleDocument.objects.visible_to(request.user).exclude(scan=""),
        pk=document_pk,
        vehicle_id=pk,
    )
    return uploads.file_response(document.scan)
