"""Staff pages for shipments: the list, a new shipment made from the cars chosen in the
inventory, and the shipment page where it moves along its lifecycle, its cars are priced and
its papers made."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from inventory.forms import attach_refusal, focus_first_error
from inventory.idempotency import once_per_form
from inventory.models import Vehicle, paper_label
from inventory.uploads import file_response
from inventory.views.base import Confirmation, shown_refusal, staff_view, unconfirmed
from inventory.views.lists import ListSpec, Sort, list_page

from .. import services, shipments
from ..filters import ShipmentFilterSet
from ..forms import (
    AddVehicleForm,
    AdvanceForm,
    CancelForm,
    DocumentsForm,
    LineDatesForm,
    LinePriceForm,
    SetPricesForm,
    ShipmentCreateForm,
    ShipmentForm,
)
from ..models import DocumentKind, ExportShipment, ShipmentDocument, ShipmentLine, ShipmentStatus

SHIPMENTS = ListSpec(
    filterset=ShipmentFilterSet,
    sorts={
        "created_at": Sort(gettext_lazy("Created"), ("created_at",)),
        "reference": Sort(gettext_lazy("Reference"), ("reference",)),
    },
    default_sort="-created_at",
    page_size=50,
)
# Until customs clearance, missing papers and prices hold the shipment back.
MOVE_LABELS = {
    ShipmentStatus.BOOKED: gettext_lazy("Book"),
    ShipmentStatus.CUSTOMS_CLEARED: gettext_lazy("Clear customs"),
    ShipmentStatus.LOADED: gettext_lazy("Mark loaded"),
    ShipmentStatus.IN_TRANSIT: gettext_lazy("Mark in transit"),
    ShipmentStatus.ARRIVED: gettext_lazy("Mark arrived"),
    ShipmentStatus.DELIVERED: gettext_lazy("Mark delivered"),
    ShipmentStatus.CANCELLED: gettext_lazy("Cancel shipment"),
}
DOWNLOADS = ("pdf", "xlsx")


def removal_question(shipment, vehicle) -> Confirmation:
    return Confirmation(
        question=_("Take %(vin)s off shipment %(ref)s?")
        % {"vin": vehicle.vin, "ref": shipment.reference},
        detail=_("The car goes back to stock and its sale price on this shipment is dropped."),
        button=_("Take it off"),
    )


def cancel_question(shipment, count) -> Confirmation:
    return Confirmation(
        question=_("Cancel shipment %(ref)s?") % {"ref": shipment.reference},
        detail=ngettext(
            "Its %(count)s vehicle goes back to stock and the reason is kept on the timeline. "
            "A cancelled shipment cannot be reopened.",
            "Its %(count)s vehicles go back to stock and the reason is kept on the timeline. "
            "A cancelled shipment cannot be reopened.",
            count,
        )
        % {"count": count},
        button=_("Cancel the shipment"),
    )


def _shipment(request, pk):
    """A shipment of a dealer the user works for; anyone else's is a 404."""
    return request.dealer_scope.get(
        ExportShipment.objects.select_related("dealer", "destination", "created_by"), pk=pk
    )


def _line(request, pk, line_pk):
    return request.dealer_scope.get(
        ShipmentLine.objects.select_related("shipment__dealer", "shipment__destination", "vehicle"),
        pk=line_pk,
        shipment_id=pk,
        is_active=True,
    )


@staff_view("GET")
def listing(request):
    """The current dealer's shipments, newest first, narrowed by the filters."""
    dealer = request.dealer_scope.dealer
    queryset = request.dealer_scope.of_dealer(
        ExportShipment.objects.select_related("destination")
    ).annotate(vehicle_count=Count("lines", filter=Q(lines__is_active=True)))
    shown = list_page(request, SHIPMENTS, queryset)
    return render(request, "exports/shipment_list.html", shown.context(dealer=dealer))


@staff_view("GET", "POST")
@once_per_form
def create(request):
    """A new shipment with the cars ticked in the inventory or candidate list, all in one
    request; a car that is not in the dealer's stock is a 404, like any other dealer's row.

    The shipment is saved first, then each car is put on it through the destination's rules:
    a car a rule refuses is named with the rule and left out, the others stay on."""
    dealer = request.dealer_scope.dealer
    data = request.POST if request.method == "POST" else None
    chosen = set((data or request.GET).getlist("vehicle"))
    if not all(pk.isdigit() for pk in chosen):
        raise Http404
    vehicles = request.dealer_scope.of_dealer(
        Vehicle.objects.filter(pk__in=[int(pk) for pk in chosen]).order_by("vin")
    )
    found = list(vehicles)
    # Ticked in the dealer's own lists: an id that is not in its stock was not offered there.
    if len(found) != len(chosen):
        raise Http404
    initial = {"vehicle": found} if data is None else None
    form = ShipmentCreateForm(data, initial=initial, dealer=dealer, vehicles=vehicles)
    if data is not None and form.is_valid():
        try:
            shipment = services.shipment_create(dealer=dealer, by=request.user, **form.details())
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            _add_chosen(request, shipment, form.cleaned_data["vehicle"])
            return redirect(shipment)
    return render(
        request,
        "exports/shipment_form.html",
        {"form": form, "dealer": dealer, "has_errors": data is not None},
        status=400 if data is not None else 200,
    )


def _add_chosen(request, shipment, vehicles):
    if not vehicles:
        messages.success(
            request,
            _("Shipment %(ref)s created. Add its vehicles by VIN below.")
            % {"ref": shipment.reference},
        )
        return
    added = 0
    for vehicle in vehicles:
        with shown_refusal(request):
            line = services.shipment_add_vehicle(
                shipment=shipment, vehicle=vehicle, by=request.user
            )
            added += 1
            _say_outstanding(request, line)
    messages.success(
        request,
        _("Shipment %(ref)s created with %(added)s of %(chosen)s vehicles.")
        % {"ref": shipment.reference, "added": added, "chosen": len(vehicles)},
    )


def _say_outstanding(request, line):
    if line.outstanding:
        messages.warning(
            request,
            _("Vehicle %(vin)s still needs: %(documents)s.")
            % {
                "vin": line.vehicle.vin,
                "documents": ", ".join(paper_label(d) for d in line.outstanding),
            },
        )


def _lines_shown(shipment):
    """The cars on the shipment; a cancelled one shows the cars it released."""
    if shipment.status == ShipmentStatus.CANCELLED:
        return list(
            shipment.lines.select_related("vehicle").order_by("licence_batch", "added_at", "id")
        )
    return shipments.active_lines(shipment)


def _document_versions(shipment):
    """(kind label, versions newest first) for every kind of trade document."""
    by_kind = {kind: [] for kind in DocumentKind}
    for document in shipment.documents.select_related("created_by").order_by("kind", "-version"):
        by_kind[DocumentKind(document.kind)].append(document)
    return [(kind.label, versions) for kind, versions in by_kind.items()]


def _detail(request, shipment, *, status=200, **bound):
    """The shipment page; `bound` holds a form that was posted and refused, shown with its
    errors in place of the empty one, its first refused field focused."""
    for form in bound.values():
        focus_first_error(form)
    today = shipment.dealer.today()
    lines = _lines_shown(shipment)
    is_open = shipment.status in services.OPEN_FOR_LINES
    before_clearance = shipment.status in shipments.BEFORE_CLEARANCE
    outstanding = shipments.outstanding_documents(shipment, lines) if before_clearance else {}
    for line in lines:
        line.hs_reason = shipments.hs_reason(line.vehicle)
        line.commodity_code, line.commodity_verified, line.commodity_reason = (
            shipments.commodity_of(line.vehicle)
        )
        line.outstanding_labels = [paper_label(k) for k in outstanding.get(line, [])]
        line.removal = removal_question(shipment, line.vehicle)
        line.price_form = bound.get(f"price-{line.pk}") or LinePriceForm(
            prefix=f"price-{line.pk}",
            initial={"sale_price": line.sale_price or None},
            vin=line.vehicle.vin,
        )
        line.dates_form = bound.get(f"dates-{line.pk}") or LineDatesForm(
            prefix=f"dates-{line.pk}",
            initial={
                "transferred_on": line.transferred_on,
                "insurance_ends_on": line.insurance_ends_on,
                "deregistered_on": line.deregistered_on,
            },
        )
    moves = services.next_statuses(shipment)
    languages = settings.VERIFY_LANGUAGES
    current = get_language()
    return render(
        request,
        "exports/shipment_detail.html",
        {
            "shipment": shipment,
            "dealer": shipment.dealer,
            "lines": lines,
            "is_open": is_open,
            "before_clearance": before_clearance,
            "needs_documents": [line for line in lines if line.outstanding_labels],
            "needs_price": [line for line in lines if not line.sale_price] if is_open else [],
            "moves": [
                (status, MOVE_LABELS[status])
                for status in moves
                if status != ShipmentStatus.CANCELLED
            ],
            "can_cancel": ShipmentStatus.CANCELLED in moves,
            "cancelling": cancel_question(shipment, len(lines)),
            "move_form": bound.get("move") or AdvanceForm(prefix="move", initial={"on": today}),
            "cancel_form": bound.get("cancel")
            or CancelForm(prefix="cancel", initial={"on": today}),
            "timeline": shipments.timeline(shipment),
            "money": shipments.money_of(shipment, lines),
            "cancelled_on": None
            if shipment.is_active
            else shipment.milestone_on(ShipmentStatus.CANCELLED),
            "batches": shipments.batches_of(shipment, lines) if shipment.is_active else [],
            "documents": _document_versions(shipment),
            "documents_form": DocumentsForm(
                prefix="documents",
                languages=languages,
                initial={"language": current if current in dict(languages) else "en"},
            ),
            "add_form": bound.get("add") or AddVehicleForm(prefix="add"),
            "prices_form": bound.get("prices")
            or SetPricesForm(prefix="prices", currency=shipment.sale_currency),
            "details_form": bound.get("details")
            or _details_form(request, shipment, has_lines=bool(lines)),
        },
        status=status,
    )


def _details_form(request, shipment, data=None, *, has_lines):
    # A copy of the shipment: a refused form must not change what the rest of the page shows.
    copy = request.dealer_scope.get(
        ExportShipment.objects.select_related("destination"), pk=shipment.pk
    )
    return ShipmentForm(
        data, instance=copy, dealer=shipment.dealer, has_lines=has_lines, prefix="details"
    )


def _refused(request, shipment, **bound):
    return _detail(request, shipment, status=400, **bound)


def _back(shipment, anchor):
    return redirect(f"{shipment.get_absolute_url()}#{anchor}")


@staff_view("GET")
def detail(request, pk):
    return _detail(request, _shipment(request, pk))


@staff_view("POST")
def edit(request, pk):
    shipment = _shipment(request, pk)
    has_lines = shipment.lines.filter(is_active=True).exists()
    form = _details_form(request, shipment, request.POST, has_lines=has_lines)
    if form.is_valid():
        try:
            services.shipment_update(shipment=shipment, by=request.user, **form.details())
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("Details saved."))
            return _back(shipment, "details")
    return _refused(request, shipment, details=form)


@staff_view("POST")
@once_per_form
def advance(request, pk):
    """One move along the lifecycle; the service records who made it and on which day."""
    shipment = _shipment(request, pk)
    cancelling = request.POST.get("cancel-to_status") == ShipmentStatus.CANCELLED
    prefix = "cancel" if cancelling else "move"
    form = (CancelForm if cancelling else AdvanceForm)(request.POST, prefix=prefix)
    if form.is_valid():
        to_status = form.cleaned_data["to_status"]
        if to_status == ShipmentStatus.CANCELLED:
            count = shipment.lines.filter(is_active=True).count()
            ask = unconfirmed(
                request,
                cancel_question(shipment, count),
                back=f"{shipment.get_absolute_url()}#status",
            )
            if ask:
                return ask
        try:
            moved = services.shipment_advance(
                shipment=shipment,
                to_status=to_status,
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            if moved.status == ShipmentStatus.CANCELLED:
                messages.success(
                    request,
                    _("Shipment %(ref)s is cancelled; its vehicles are back in stock.")
                    % {"ref": moved.reference},
                )
            else:
                messages.success(
                    request,
                    _("Shipment %(ref)s is now %(status)s.")
                    % {"ref": moved.reference, "status": moved.get_status_display().lower()},
                )
            return _back(moved, "status")
    return _refused(request, shipment, **{prefix: form})


@staff_view("POST")
@once_per_form
def add_vehicle(request, pk):
    """Put one of the dealer's cars on the shipment by its VIN."""
    shipment = _shipment(request, pk)
    form = AddVehicleForm(request.POST, prefix="add")
    if form.is_valid():
        vin = form.cleaned_data["vin"]
        vehicle = request.dealer_scope.rows(
            Vehicle.objects.filter(dealer=shipment.dealer, vin=vin)
        ).first()
        if vehicle is None:
            form.add_error(
                "vin",
                _("No vehicle with VIN %(vin)s in the stock of %(dealer)s.")
                % {"vin": vin, "dealer": shipment.dealer.name},
            )
        else:
            try:
                line = services.shipment_add_vehicle(
                    shipment=shipment,
                    vehicle=vehicle,
                    sale_price=form.cleaned_data["sale_price"],
                    by=request.user,
                )
            except ValidationError as exc:
                attach_refusal(form, exc, {"vehicle": "vin"})
            else:
                messages.success(
                    request,
                    _("Vehicle %(vin)s added to %(ref)s.")
                    % {"vin": vehicle.vin, "ref": shipment.reference},
                )
                _say_outstanding(request, line)
                return _back(shipment, "lines")
    return _refused(request, shipment, add=form)


@staff_view("POST")
@once_per_form
def line_price(request, pk, line_pk):
    line = _line(request, pk, line_pk)
    prefix = f"price-{line.pk}"
    form = LinePriceForm(request.POST, prefix=prefix, vin=line.vehicle.vin)
    if form.is_valid():
        try:
            services.shipment_line_set_price(line=line, sale_price=form.cleaned_data["sale_price"])
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("Sale price of %(vin)s saved.") % {"vin": line.vehicle.vin})
            return _back(line.shipment, "lines")
    return _refused(request, line.shipment, **{prefix: form})


@staff_view("POST")
@once_per_form
def set_prices(request, pk):
    """Every car on the shipment at one price, or at a percentage of its export price."""
    shipment = _shipment(request, pk)
    form = SetPricesForm(request.POST, prefix="prices", currency=shipment.sale_currency)
    if form.is_valid():
        try:
            priced = services.shipment_set_prices(
                shipment=shipment, by=request.user, **form.service_arguments()
            )
        except ValidationError as exc:
            attach_refusal(form, exc, {"percent_of_export": "percent"})
        else:
            messages.success(
                request,
                _("Sale prices of %(count)s vehicles on %(ref)s saved.")
                % {"count": len(priced), "ref": shipment.reference},
            )
            return _back(shipment, "lines")
    return _refused(request, shipment, prices=form)


@staff_view("POST")
def line_dates(request, pk, line_pk):
    line = _line(request, pk, line_pk)
    prefix = f"dates-{line.pk}"
    form = LineDatesForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.shipment_line_set_dates(line=line, **form.cleaned_data)
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("Dates of %(vin)s saved.") % {"vin": line.vehicle.vin})
            return _back(line.shipment, "lines")
    return _refused(request, line.shipment, **{prefix: form})


@staff_view("POST")
@once_per_form
def line_remove(request, pk, line_pk):
    line = _line(request, pk, line_pk)
    ask = unconfirmed(
        request,
        removal_question(line.shipment, line.vehicle),
        back=f"{line.shipment.get_absolute_url()}#line-{line.pk}",
    )
    if ask:
        return ask
    with shown_refusal(request):
        services.shipment_remove_vehicle(
            shipment=line.shipment, vehicle=line.vehicle, by=request.user
        )
        messages.success(
            request,
            _("Vehicle %(vin)s taken off %(ref)s.")
            % {"vin": line.vehicle.vin, "ref": line.shipment.reference},
        )
    return _back(line.shipment, "lines")


@staff_view("POST")
@once_per_form
def make_documents(request, pk):
    """A new version of all four trade documents, each as PDF and XLSX."""
    shipment = _shipment(request, pk)
    form = DocumentsForm(request.POST, prefix="documents", languages=settings.VERIFY_LANGUAGES)
    language = form.cleaned_data["language"] if form.is_valid() else get_language()
    with shown_refusal(request):
        made = services.shipment_documents_generate(
            shipment=shipment, by=request.user, language=language
        )
        messages.success(
            request,
            _("%(count)s documents made for %(ref)s.")
            % {"count": len(made), "ref": shipment.reference},
        )
    return _back(shipment, "documents")


@staff_view("GET")
def document_download(request, pk, document_pk, fmt):
    """A document's PDF or XLSX, to people who work for the shipment's dealer."""
    if fmt not in DOWNLOADS:
        raise Http404
    document = request.dealer_scope.get(
        ShipmentDocument.objects.all(), pk=document_pk, shipment_id=pk
    )
    stored = getattr(document, fmt)
    if not stored:
        raise Http404
    return file_response(stored)
