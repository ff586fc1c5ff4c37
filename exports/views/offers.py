"""Staff pages for offers: the list, a new offer of the cars ticked in the candidates or the
inventory list, and the offer page where its cars are priced, its recipients sent their links,
and their bids recorded, accepted or declined; with its PDF and workbook in a chosen language."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory import certificates
from inventory.forms import attach_refusal
from inventory.idempotency import once_per_form
from inventory.models import Vehicle
from inventory.views.base import Confirmation, refusal_texts, staff_view, unconfirmed
from inventory.views.bulk import back_to_list, ticked_vehicles
from inventory.views.lists import ListSpec, Sort, list_page

from .. import services
from ..filters import OfferFilterSet
from ..models import Bid, BidStatus, Exporter, Offer, OfferLine, OfferRecipient, OfferStatus
from ..offer_forms import (
    AcceptForm,
    DiscountForm,
    LinePriceForm,
    OfferCreateForm,
    RecipientForm,
    RecordBidForm,
)
from ..offers import offer_pdf, offer_xlsx, offered_cars

OFFERS = ListSpec(
    filterset=OfferFilterSet,
    sorts={
        "created_at": Sort(gettext_lazy("Created"), ("created_at",)),
        "reference": Sort(gettext_lazy("Reference"), ("reference",)),
    },
    default_sort="-created_at",
    page_size=50,
)
ID_DIGITS = 18
DOWNLOADS = ("pdf", "xlsx")


def revoke_question(recipient) -> Confirmation:
    return Confirmation(
        question=_("Withdraw %(name)s's link?") % {"name": recipient.display_name},
        detail=_(
            "The link stops working at once and says the dealer withdrew it. Bids already "
            "made stay on the offer."
        ),
        button=_("Withdraw the link"),
    )


def accept_question(bid) -> Confirmation:
    return Confirmation(
        question=_("Accept %(name)s's bid for %(vin)s?")
        % {"name": bid.recipient.display_name, "vin": bid.line.vehicle.vin},
        detail=_(
            "The car is reserved for the bidder until the day given, and every other open bid "
            "on it is declined."
        ),
        button=_("Accept and reserve"),
    )


def withdraw_question(offer) -> Confirmation:
    return Confirmation(
        question=_("Withdraw offer %(ref)s?") % {"ref": offer.reference},
        detail=_("Every recipient's link stops working and the open bids are declined."),
        button=_("Withdraw the offer"),
    )


def line_withdraw_question(line) -> Confirmation:
    return Confirmation(
        question=_("Take %(vin)s off offer %(ref)s?")
        % {"vin": line.vehicle.vin, "ref": line.offer.reference},
        detail=_("Recipients no longer see the car and its open bids are declined."),
        button=_("Take it off"),
    )


def _offer(request, pk):
    """An offer of a dealer the user works for; anyone else's is a 404."""
    return request.dealer_scope.get(Offer.objects.select_related("dealer", "created_by"), pk=pk)


def _line(request, pk, line_pk):
    return request.dealer_scope.get(
        OfferLine.objects.select_related("offer__dealer", "vehicle"), pk=line_pk, offer_id=pk
    )


def _recipient(request, pk, recipient_pk):
    return request.dealer_scope.get(
        OfferRecipient.objects.select_related("offer__dealer", "exporter"),
        pk=recipient_pk,
        offer_id=pk,
    )


def _bid(request, pk, bid_pk):
    return request.dealer_scope.get(
        Bid.objects.select_related(
            "recipient", "recipient__exporter", "line", "line__vehicle", "line__offer"
        ),
        pk=bid_pk,
        line__offer_id=pk,
    )


def _posted_id(request, name) -> int | None:
    """The id a form field names, or None when it is empty; a value that is no id is a 404.
    The caller looks the row up through the dealer scope, so that another dealer's (or
    another offer's) row named in a form is a 404 like an id in the path."""
    raw = request.POST.get(name, "")
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= ID_DIGITS):
        raise Http404(f"Not a {name}.")
    return int(raw)


@staff_view("GET")
def listing(request):
    """The current dealer's offers, newest first."""
    dealer = request.dealer_scope.dealer
    queryset = request.dealer_scope.of_dealer(Offer.objects.all()).annotate(
        car_count=Count("lines", filter=Q(lines__withdrawn_at__isnull=True), distinct=True),
        recipient_count=Count("recipients", distinct=True),
        open_bid_count=Count(
            "lines__bids", filter=Q(lines__bids__status=BidStatus.OPEN), distinct=True
        ),
    )
    shown = list_page(request, OFFERS, queryset)
    return render(request, "exports/offer_list.html", shown.context(dealer=dealer))


def _chosen_vehicles(request, data):
    """The cars chosen for a new offer, each the current dealer's, else a 404."""
    raw = data.getlist("vehicle")
    if not all(v.isascii() and v.isdigit() and len(v) <= ID_DIGITS for v in raw):
        raise Http404("Not a vehicle.")
    ids = {int(v) for v in raw}
    found = list(
        request.dealer_scope.of_dealer(Vehicle.objects.select_related("dealer"))
        .filter(pk__in=ids)
        .order_by("vin")
    )
    if len(found) != len(ids):
        raise Http404("A chosen vehicle is not in the dealer's stock.")
    return found


@staff_view("GET", "POST")
@once_per_form
def create(request):
    """A new offer of the cars ticked in the candidates or the inventory list."""
    dealer = request.dealer_scope.dealer
    data = request.POST if request.method == "POST" else None
    vehicles = _chosen_vehicles(request, data if data is not None else request.GET)
    form = OfferCreateForm(data, dealer=dealer)
    if data is not None and form.is_valid():
        try:
            offer = services.offer_create(
                dealer=dealer, vehicles=vehicles, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Offer %(ref)s created with %(count)s cars. Add its recipients, then send it.")
                % {"ref": offer.reference, "count": len(vehicles)},
            )
            return redirect(offer)
    return render(
        request,
        "exports/offer_form.html",
        {"form": form, "dealer": dealer, "vehicles": vehicles},
        status=400 if data is not None else 200,
    )


@staff_view("POST")
def ticked(request):
    """The cars ticked in the inventory list, to a new offer's form."""
    back = back_to_list(request.POST)
    try:
        vehicles = ticked_vehicles(request, request.POST)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(back)
    if not vehicles:
        messages.error(request, _("Tick at least one car in the list."))
        return redirect(back)
    ids = "&".join(f"vehicle={vehicle.pk}" for vehicle in vehicles)
    return redirect(reverse("exports:offer_create") + "?" + ids)


def _detail(request, offer, *, status=200, **bound):
    dealer = offer.dealer
    cars = offered_cars(offer)
    lines = [car.line for car in cars]
    for car in cars:
        car.export_price = services.vehicle_export_price(car.vehicle)
        car.price_form = LinePriceForm(
            initial={
                "asking_price": car.line.asking_price,
                "discount_pct": car.line.discount_pct,
            },
            prefix=f"line{car.line.pk}",
        )
        car.withdraw_ask = line_withdraw_question(car.line)
    recipients = list(offer.recipients.select_related("exporter", "revoked_by").order_by("pk"))
    for recipient in recipients:
        recipient.link = (
            certificates.public_url(request, recipient.get_public_url()) if recipient.token else ""
        )
        recipient.state = services.link_state(recipient) if recipient.token else "unsent"
        recipient.revoke_ask = revoke_question(recipient)
    bids = list(
        request.dealer_scope.rows(Bid.objects.filter(line__offer=offer))
        .select_related("recipient", "recipient__exporter", "line", "line__vehicle", "recorded_by")
        .order_by("line__position", "-at", "-id")
    )
    by_line = {}
    for bid in bids:
        bid.accept_ask = accept_question(bid)
        by_line.setdefault(bid.line_id, []).append(bid)
    for car in cars:
        car.bids = by_line.get(car.line.pk, [])
    hold_until = dealer.today() + timedelta(days=settings.RESERVATION_DEFAULT_DAYS)
    context = {
        "offer": offer,
        "dealer": dealer,
        "cars": cars,
        "recipients": recipients,
        "discount_form": bound.get("discount_form") or DiscountForm(),
        "recipient_form": bound.get("recipient_form") or RecipientForm(dealer=dealer),
        "bid_form": bound.get("bid_form")
        or RecordBidForm(
            recipients=[r for r in recipients if r.token], lines=lines, initial={"kind": "bid"}
        ),
        "accept_form": AcceptForm(initial={"expires_on": hold_until}),
        "withdraw_ask": withdraw_question(offer),
        "offer_languages": settings.VERIFY_LANGUAGES,
        "is_open": offer.status != OfferStatus.WITHDRAWN,
        "has_unsent": any(r.token is None and r.revoked_at is None for r in recipients),
    }
    return render(request, "exports/offer_detail.html", context, status=status)


@staff_view("GET")
def detail(request, pk):
    return _detail(request, _offer(request, pk))


def _refused(request, exc, form=None):
    for text in refusal_texts(exc, form):
        messages.error(request, text)


@staff_view("POST")
@once_per_form
def set_discount(request, pk):
    offer = _offer(request, pk)
    form = DiscountForm(request.POST)
    if not form.is_valid():
        return _detail(request, offer, status=400, discount_form=form)
    try:
        count = services.offer_set_discount(
            offer=offer, discount_pct=form.cleaned_data["discount_pct"], by=request.user
        )
    except ValidationError as exc:
        _refused(request, exc, form)
    else:
        messages.success(
            request,
            _("%(count)s cars are asked at %(pct)s%% off their export price.")
            % {"count": count, "pct": form.cleaned_data["discount_pct"]},
        )
    return redirect(offer)


@staff_view("POST")
@once_per_form
def line_price(request, pk, offer_line_pk):
    line = _line(request, pk, offer_line_pk)
    form = LinePriceForm(request.POST, prefix=f"line{line.pk}")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else line.vehicle.vin
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect(line.offer)
    try:
        services.offer_line_set_price(
            line=line,
            price=form.cleaned_data["asking_price"],
            discount_pct=form.cleaned_data["discount_pct"],
            by=request.user,
        )
    except ValidationError as exc:
        _refused(request, exc, form)
    else:
        messages.success(request, _("Price of %(vin)s saved.") % {"vin": line.vehicle.vin})
    return redirect(line.offer)


@staff_view("POST")
@once_per_form
def line_withdraw(request, pk, offer_line_pk):
    line = _line(request, pk, offer_line_pk)
    asked = unconfirmed(request, line_withdraw_question(line), back=line.offer.get_absolute_url())
    if asked:
        return asked
    try:
        services.offer_line_withdraw(line=line, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(vin)s is off the offer.") % {"vin": line.vehicle.vin})
    return redirect(line.offer)


@staff_view("POST")
@once_per_form
def add_recipient(request, pk):
    offer = _offer(request, pk)
    exporter_id = _posted_id(request, "exporter")
    if exporter_id is not None:
        request.dealer_scope.get(Exporter.objects.all(), pk=exporter_id)
    form = RecipientForm(request.POST, dealer=offer.dealer)
    if form.is_valid():
        try:
            recipient = services.offer_add_recipient(
                offer=offer, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": recipient.display_name})
            return redirect(offer)
    return _detail(request, offer, status=400, recipient_form=form)


@staff_view("POST")
@once_per_form
def send(request, pk):
    offer = _offer(request, pk)
    try:
        sent = services.offer_send(offer=offer, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Links made for %(count)s recipients: copy each one to its recipient.")
            % {"count": len(sent)},
        )
    return redirect(offer)


@staff_view("POST")
@once_per_form
def withdraw(request, pk):
    offer = _offer(request, pk)
    asked = unconfirmed(request, withdraw_question(offer), back=offer.get_absolute_url())
    if asked:
        return asked
    services.offer_withdraw(offer=offer, by=request.user)
    messages.success(request, _("Offer %(ref)s withdrawn.") % {"ref": offer.reference})
    return redirect(offer)


@staff_view("POST")
@once_per_form
def revoke(request, pk, recipient_pk):
    recipient = _recipient(request, pk, recipient_pk)
    back = recipient.offer.get_absolute_url()
    asked = unconfirmed(request, revoke_question(recipient), back=back)
    if asked:
        return asked
    services.recipient_revoke(recipient=recipient, by=request.user)
    messages.success(
        request, _("%(name)s's link was withdrawn.") % {"name": recipient.display_name}
    )
    return redirect(recipient.offer)


@staff_view("POST")
@once_per_form
def record_bid(request, pk):
    """A bid or interest given by phone or message, recorded on the recipient's behalf."""
    offer = _offer(request, pk)
    recipient_id, line_id = _posted_id(request, "recipient"), _posted_id(request, "line")
    if recipient_id is not None:
        request.dealer_scope.get(OfferRecipient.objects.all(), pk=recipient_id, offer=offer)
    if line_id is not None:
        request.dealer_scope.get(OfferLine.objects.all(), pk=line_id, offer=offer)
    recipients = list(offer.recipients.filter(token__isnull=False).select_related("exporter"))
    lines = list(offer.lines.active().select_related("vehicle"))
    form = RecordBidForm(request.POST, recipients=recipients, lines=lines)
    if form.is_valid():
        recipient = next(r for r in recipients if r.pk == form.cleaned_data["recipient"])
        try:
            services.response_record(
                recipient=recipient,
                line_id=form.cleaned_data["line"],
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(
                request, _("Recorded for %(name)s.") % {"name": recipient.display_name}
            )
            return redirect(offer)
    return _detail(request, offer, status=400, bid_form=form)


@staff_view("POST")
@once_per_form
def accept(request, pk, bid_pk):
    bid = _bid(request, pk, bid_pk)
    offer = bid.line.offer
    asked = unconfirmed(request, accept_question(bid), back=offer.get_absolute_url())
    if asked:
        return asked
    form = AcceptForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"{_('Held until')}: {' '.join(errors)}")
        return redirect(offer)
    try:
        services.bid_accept(bid=bid, expires_on=form.cleaned_data["expires_on"], by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(vin)s is reserved for %(name)s until %(date)s.")
            % {
                "vin": bid.line.vehicle.vin,
                "name": bid.recipient.display_name,
                "date": form.cleaned_data["expires_on"].isoformat(),
            },
        )
    return redirect(offer)


@staff_view("POST")
@once_per_form
def decline(request, pk, bid_pk):
    bid = _bid(request, pk, bid_pk)
    try:
        services.bid_decline(bid=bid, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Bid declined."))
    return redirect(bid.line.offer)


@staff_view("GET", "HEAD")
def download(request, pk, fmt):
    """The offer as a recipient would read it, in the language asked (`?lang=`), as PDF or
    XLSX."""
    offer = _offer(request, pk)
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    language = certificates.verify_language(request.GET.get("lang", "")) or "en"
    name = f"{offer.reference}-{language}.{fmt}"
    if fmt == "pdf":
        content = offer_pdf(
            offer,
            language=language,
            public_url=lambda path: certificates.public_url(request, path),
        )
        content_type = "application/pdf"
    else:
        content = offer_xlsx(offer, language=language)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
