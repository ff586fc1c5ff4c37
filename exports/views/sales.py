"""Staff pages for the sale of a car to an exporter: the sale itself, its page with the papers
that went with the car and the money, the proof of export step by step, and its cancellation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inventory.forms import attach_refusal, focus_first_error
from inventory.idempotency import once_per_form
from inventory.models import Reservation, Vehicle
from inventory.views.base import Confirmation, staff_view, unconfirmed

from .. import selling, services
from ..exporter_forms import CancelSaleForm, ProofForm, SaleForm
from ..models import Bid, BidStatus, Exporter, ExportSale


def _sale(request, pk):
    """A sale of a dealer the user works for; anyone else's is a 404."""
    return request.dealer_scope.get(
        ExportSale.objects.select_related(
            "dealer",
            "vehicle",
            "vehicle__floor_plan",
            "vehicle__floor_plan__line",
            "exporter",
            "destination",
            "after_sales_confirmation",
            "inspection",
            "created_by",
            "cancelled_by",
        ),
        pk=pk,
    )


def cancel_question(sale) -> Confirmation:
    return Confirmation(
        question=_("Cancel the sale of %(vin)s to %(exporter)s?")
        % {"vin": sale.vehicle.vin, "exporter": sale.exporter.name},
        detail=_(
            "The car goes back to stock and the cancellation is kept in its history. A floor "
            "plan paid off for the sale stays paid off."
        ),
        button=_("Cancel the sale"),
    )


def _accepted_bid_terms(request, vehicle, exporters) -> dict:
    """The exporter and price of the accepted bid the car is reserved under, if any: what the
    sale usually completes."""
    bid = (
        request.dealer_scope.rows(
            Bid.objects.filter(
                status=BidStatus.ACCEPTED,
                line__vehicle=vehicle,
                reservation__in=Reservation.objects.open().filter(
                    vehicle=vehicle, exporter__in=exporters
                ),
            )
        )
        .select_related("line__offer", "reservation__exporter")
        .first()
    )
    if bid is None:
        return {}
    terms = {"exporter": bid.reservation.exporter}
    offer = bid.line.offer
    if bid.amount:
        terms.update(price=bid.amount, currency=offer.currency)
        if offer.currency != vehicle.dealer.base_currency:
            terms["fx_rate_to_base"] = offer.fx_rate_to_base  # the offer's, to be checked
    return terms


@staff_view("GET", "POST")
@once_per_form
def create(request):
    """Sell one of the dealer's cars, named by VIN, to one of its exporters."""
    dealer = request.dealer_scope.dealer
    exporters = request.dealer_scope.of_dealer(Exporter.objects.filter(is_active=True)).order_by(
        "name"
    )
    data = request.POST if request.method == "POST" else None
    initial = {
        "sold_on": dealer.today(),
        "transferred_on": dealer.today(),
        "currency": dealer.base_currency,
    }
    if data is None:
        wanted = request.GET.get("vehicle", "")
        if wanted:
            if not wanted.isdigit():
                raise Http404
            vehicle = request.dealer_scope.get(
                Vehicle.objects.filter(dealer=dealer), pk=int(wanted)
            )
            initial["vin"] = vehicle.vin
            initial.update(_accepted_bid_terms(request, vehicle, exporters))
        wanted = request.GET.get("exporter", "")
        if wanted:
            if not wanted.isdigit():
                raise Http404
            initial["exporter"] = request.dealer_scope.get(exporters, pk=int(wanted))
    form = SaleForm(data, initial=initial, dealer=dealer, exporters=exporters)
    if data is not None and form.is_valid():
        vin = form.cleaned_data["vin"]
        vehicle = request.dealer_scope.rows(Vehicle.objects.filter(dealer=dealer, vin=vin)).first()
        if vehicle is None:
            form.add_error(
                "vin",
                _("No vehicle with VIN %(vin)s in the stock of %(dealer)s.")
                % {"vin": vin, "dealer": dealer.name},
            )
        else:
            try:
                sale = services.vehicle_sell_for_export(
                    vehicle=vehicle, by=request.user, **form.terms()
                )
            except ValidationError as exc:
                attach_refusal(form, exc, {"vehicle": "vin"})
            else:
                messages.success(
                    request,
                    _("Vehicle %(vin)s is sold for export to %(exporter)s.")
                    % {"vin": vehicle.vin, "exporter": sale.exporter.name},
                )
                return redirect(sale)
    focus_first_error(form)
    return render(
        request,
        "exports/sale_form.html",
        {"form": form, "dealer": dealer, "has_errors": data is not None},
        status=400 if data is not None else 200,
    )


def _detail(request, sale, *, status=200, **bound):
    for form in bound.values():
        focus_first_error(form)
    today = sale.dealer.today()
    return render(
        request,
        "exports/sale_detail.html",
        {
            "sale": sale,
            "dealer": sale.dealer,
            "money": selling.sale_money(sale),
            "deadlines": selling.proof_state(sale, today),
            "proof_form": bound.get("proof")
            or ProofForm(
                prefix="proof",
                initial={
                    "transferred_on": sale.transferred_on,
                    "declaration_number": sale.declaration_number,
                    "declared_on": sale.declared_on,
                    "deregistered_on": sale.deregistered_on,
                },
            ),
            "cancel_form": bound.get("cancel") or CancelSaleForm(prefix="cancel"),
            "cancelling": cancel_question(sale),
            "can_cancel": sale.is_active and not sale.declared_on,
        },
        status=status,
    )


@staff_view("GET")
def detail(request, pk):
    return _detail(request, _sale(request, pk))


@staff_view("POST")
@once_per_form
def proof(request, pk):
    sale = _sale(request, pk)
    form = ProofForm(request.POST, prefix="proof")
    if form.is_valid():
        try:
            services.export_sale_record_proof(sale=sale, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("Proof of export saved."))
            return redirect(f"{sale.get_absolute_url()}#proof")
    return _detail(request, sale, status=400, proof=form)


@staff_view("POST")
@once_per_form
def cancel(request, pk):
    sale = _sale(request, pk)
    form = CancelSaleForm(request.POST, prefix="cancel")
    if form.is_valid():
        ask = unconfirmed(request, cancel_question(sale), back=f"{sale.get_absolute_url()}#cancel")
        if ask:
            return ask
        try:
            services.export_sale_cancel(
                sale=sale, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(
                request,
                _("The sale is cancelled; vehicle %(vin)s is back in stock.")
                % {"vin": sale.vehicle.vin},
            )
            return redirect(sale)
    return _detail(request, sale, status=400, cancel=form)
