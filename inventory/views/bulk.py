"""Staff pages for the cars ticked in the inventory list: a bulk reprice or status change shown
car by car before it is made, all or nothing, and their stock sheets to print."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..certificates import public_url
from ..forms import BulkAction, BulkActionForm
from ..idempotency import once_per_form
from ..models import InspectionReport, Vehicle, VehicleStatus
from ..stock_sheets import current_certificates, stock_sheets, stock_sheets_pdf
from .base import form_errors, refusal_texts, staff_view

# Returns [(shipment id, label)] of a dealer's shipments open for cars; the exports app sets it
# when it loads, since inventory does not import exports.
shipment_choices_provider = None
# A PDF of more pages than a page of the list holds takes too long to make in a request
# (about 50 ms a page).
MAX_STOCK_SHEETS = 200
# The longest an id of ours is written.
ID_DIGITS = 18


def ticked_vehicles(request, data, *, related=()) -> list[Vehicle]:
    """The cars ticked in the list (`vehicle` ids in `data`), each one of the current dealer's:
    an id that is not is a 404, never quietly dropped. More than a bulk action takes is a
    ValidationError naming the limit. `related` names what to fetch with them."""
    raw = data.getlist("vehicle")
    if not all(v.isascii() and v.isdigit() and len(v) <= ID_DIGITS for v in raw):
        raise Http404("Not a vehicle.")
    ids = {int(v) for v in raw}
    services.refuse_too_many(len(ids))
    vehicles = list(
        request.dealer_scope.of_dealer(Vehicle.objects.select_related(*related))
        .filter(pk__in=ids)
        .order_by("vin")
    )
    if len(vehicles) != len(ids):
        raise Http404("A ticked vehicle is not in the dealer's stock.")
    return vehicles


def back_to_list(data) -> str:
    """The list the cars were ticked in, its filters, sort, columns and view kept: `back` read
    as parameters only, so it can lead nowhere but the list."""
    query = QueryDict(data.get("back", "")).urlencode()
    return reverse("inventory:vehicle_list") + (f"?{query}" if query else "")


def shown_values(text: str) -> dict[int, str]:
    """The value each car had in the preview, by id, from "id:value id:value"; anything else
    is left out, and its car then reads as changed since the preview."""
    shown = {}
    for pair in text.split():
        pk, _sep, value = pair.partition(":")
        if pk.isascii() and pk.isdigit() and len(pk) <= ID_DIGITS:
            shown[int(pk)] = value
    return shown


def _plan(vehicles, parameters):
    if parameters["action"] == BulkAction.REPRICE:
        return services.reprice_plan(
            vehicles,
            reprice_by=parameters["reprice_by"],
            change=Decimal(parameters["change"]),
        )
    return services.status_plan(vehicles, to_status=parameters["to_status"])


def _preview(request, vehicles, parameters, *, back, status=200):
    plan = _plan(vehicles, parameters)
    if parameters["action"] == BulkAction.REPRICE:
        for change in plan:
            change.difference = change.new - change.old
    refused = [change for change in plan if change.refusal]
    changing = [change for change in plan if change.changes]
    return render(
        request,
        "inventory/bulk_preview.html",
        {
            "plan": plan,
            "parameters": parameters,
            "refused": refused,
            "changing": changing,
            "unchanged": len(plan) - len(refused) - len(changing),
            "is_reprice": parameters["action"] == BulkAction.REPRICE,
            "to_status": VehicleStatus(parameters["to_status"]).label
            if parameters["action"] == BulkAction.STATUS
            else "",
            "back": back,
            "back_query": QueryDict(request.POST.get("back", "")).urlencode(),
        },
        status=status,
    )


def _bulk_form(request):
    """The bulk action posted, and the ticked cars; a form that does not validate, or too
    many cars, sends the person back to the list with the reason."""
    form = BulkActionForm(request.POST)
    back = back_to_list(request.POST)
    try:
        vehicles = ticked_vehicles(request, request.POST)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return form, None, back
    if not vehicles:
        messages.error(request, _("Tick at least one car in the list."))
        return form, None, back
    if not form.is_valid():
        form_errors(request, form)
        return form, None, back
    return form, vehicles, back


@staff_view("POST")
def preview(request):
    """What the chosen action would change, car by car, before anything is changed; stock
    sheets need no confirmation and open at once."""
    form, vehicles, back = _bulk_form(request)
    if vehicles is None:
        return redirect(back)
    parameters = form.parameters()
    if parameters["action"] == BulkAction.SHEETS:
        if len(vehicles) > MAX_STOCK_SHEETS:
            messages.error(
                request,
                _("At most %(max)s stock sheets print at once; %(count)s cars were ticked.")
                % {"max": MAX_STOCK_SHEETS, "count": len(vehicles)},
            )
            return redirect(back)
        ids = "&".join(f"vehicle={vehicle.pk}" for vehicle in vehicles)
        return redirect(reverse("inventory:vehicle_stock_sheets") + "?" + ids)
    return _preview(request, vehicles, parameters, back=back)


@staff_view("POST")
@once_per_form
def apply(request):
    """Make exactly the change the preview showed, to every car or to none; a car refused, or
    changed since the preview, is named and nothing is written."""
    form, vehicles, back = _bulk_form(request)
    if vehicles is None:
        return redirect(back)
    parameters = form.parameters()
    if parameters["action"] == BulkAction.SHEETS:
        raise Http404("Stock sheets change nothing.")
    shown = shown_values(request.POST.get("shown", ""))
    try:
        if parameters["action"] == BulkAction.REPRICE:
            plan = services.vehicles_reprice(
                vehicles=vehicles,
                reprice_by=parameters["reprice_by"],
                change=Decimal(parameters["change"]),
                shown=shown,
                by=request.user,
            )
        else:
            plan = services.vehicles_change_status(
                vehicles=vehicles, to_status=parameters["to_status"], shown=shown, by=request.user
            )
    except ValidationError as exc:
        for text in refusal_texts(exc):
            messages.error(request, text)
        messages.error(request, _("Nothing was changed."))
        # Fresh from the database, so the preview shows the cars as they now are.
        vehicles = ticked_vehicles(request, request.POST)
        return _preview(request, vehicles, parameters, back=back, status=409)
    changed = sum(1 for change in plan if change.changes)
    if parameters["action"] == BulkAction.REPRICE:
        text = _("%(count)s cars repriced.") % {"count": changed}
    else:
        text = _("%(count)s cars are now %(status)s.") % {
            "count": changed,
            "status": VehicleStatus(parameters["to_status"]).label.lower(),
        }
    messages.success(request, text)
    return redirect(back)


def _sheets_response(request, vehicles, filename):
    dealer = request.dealer_scope.dealer
    reports = request.dealer_scope.rows(
        InspectionReport.objects.filter(vehicle__in=vehicles).latest_issued_first()
    )
    sheets = stock_sheets(
        vehicles,
        current_certificates(reports),
        public_url=lambda path: public_url(request, path),
    )
    response = HttpResponse(stock_sheets_pdf(sheets, dealer=dealer), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view("GET", "HEAD")
def stock_sheet(request, pk):
    """One car's A4 stock sheet."""
    vehicle = request.dealer_scope.get(
        Vehicle.objects.select_related("dealer", "export_verdict"), pk=pk
    )
    return _sheets_response(request, [vehicle], f"stock-sheet-{vehicle.vin}.pdf")


@staff_view("GET", "HEAD")
def stock_sheets_print(request):
    """The stock sheets of the cars named by `?vehicle=`, one A4 page each, in VIN order."""
    dealer = request.dealer_scope.dealer
    try:
        vehicles = ticked_vehicles(request, request.GET, related=("dealer", "export_verdict"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inventory:vehicle_list")
    if not vehicles or len(vehicles) > MAX_STOCK_SHEETS:
        messages.error(
            request,
            _("Tick between 1 and %(max)s cars to print their stock sheets.")
            % {"max": MAX_STOCK_SHEETS},
        )
        return redirect("inventory:vehicle_list")
    return _sheets_response(
        request, vehicles, f"stock-sheets-{dealer.code}-{dealer.today().isoformat()}.pdf"
    )
