"""Staff pages for shipping the cars ticked in the inventory list: a new shipment made from
them, or a shipment still taking cars, shown car by car before all of them join or none."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inventory.idempotency import once_per_form
from inventory.models import paper_label
from inventory.views.base import refusal_texts, staff_view
from inventory.views.bulk import back_to_list, ticked_vehicles

from .. import services
from ..models import ExportShipment

NEW_SHIPMENT = "new_shipment"
ID_DIGITS = 18


def _chosen(request):
    """(ticked cars, where to go back to); the cars are None when there is nothing to do, the
    reason already said."""
    back = back_to_list(request.POST)
    try:
        vehicles = ticked_vehicles(request, request.POST)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return None, back
    if not vehicles:
        messages.error(request, _("Tick at least one car in the list."))
        return None, back
    return vehicles, back


def _shipment(request):
    """The shipment chosen for the cars: one of the current dealer's, else a 404."""
    raw = request.POST.get("shipment", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= ID_DIGITS):
        raise Http404("Not a shipment.")
    return request.dealer_scope.get(
        ExportShipment.objects.select_related("dealer", "destination").filter(
            dealer=request.dealer_scope.dealer
        ),
        pk=int(raw),
    )


def _preview(request, shipment, vehicles, *, status=200):
    plan = services.shipment_add_plan(shipment=shipment, vehicles=vehicles)
    for planned in plan:
        planned.outstanding_labels = [paper_label(kind) for kind in planned.outstanding]
    refused = [planned for planned in plan if planned.refusals]
    return render(
        request,
        "exports/bulk_ship_preview.html",
        {
            "shipment": shipment,
            "plan": plan,
            "refused": refused,
            "joining": [planned for planned in plan if planned.changes],
            "back": back_to_list(request.POST),
            "back_query": QueryDict(request.POST.get("back", "")).urlencode(),
        },
        status=status,
    )


@staff_view("POST")
def preview(request):
    """The ticked cars on a new shipment (its form, with them chosen), or on a shipment still
    taking cars: what each would do there, before anything is added."""
    vehicles, back = _chosen(request)
    if vehicles is None:
        return redirect(back)
    if request.POST.get("action") == NEW_SHIPMENT:
        ids = "&".join(f"vehicle={vehicle.pk}" for vehicle in vehicles)
        return redirect(reverse("exports:shipment_create") + "?" + ids)
    return _preview(request, _shipment(request), vehicles)


@staff_view("POST")
@once_per_form
def apply(request):
    """Put every previewed car on the shipment, or none: a car the rules or its status refuse
    is named and nothing is added."""
    vehicles, back = _chosen(request)
    if vehicles is None:
        return redirect(back)
    shipment = _shipment(request)
    try:
        lines = services.shipment_add_vehicles(
            shipment=shipment, vehicles=vehicles, by=request.user
        )
    except ValidationError as exc:
        for text in refusal_texts(exc):
            messages.error(request, text)
        messages.error(request, _("No car was added."))
        return _preview(request, shipment, vehicles, status=409)
    messages.success(
        request,
        _("%(count)s cars are on shipment %(ref)s.")
        % {"count": len(lines), "ref": shipment.reference},
    )
    for line in lines:
        if getattr(line, "outstanding", None):
            messages.warning(
                request,
                _("Vehicle %(vin)s still needs: %(documents)s.")
                % {
                    "vin": line.vehicle.vin,
                    "documents": ", ".join(paper_label(d) for d in line.outstanding),
                },
            )
    return redirect(shipment)
