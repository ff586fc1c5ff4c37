"""Every write to offers: the cars and their asking prices, the recipients and their links,
the interest and bids that come back, and the acceptance that reserves a car for its bidder."""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from inventory import costs
from inventory.models import ON_HAND, Dealer, Vehicle, VehicleStatus
from inventory.services import vehicle_reserve

from ..models import (
    Bid,
    BidStatus,
    Exporter,
    Offer,
    OfferLine,
    OfferRecipient,
    OfferStatus,
    Pricing,
    ResponseKind,
)
from ..models.offers import (
    NOTE_MAX_LENGTH,
    REFERENCE_DIGITS,
    REFERENCE_PREFIX,
    new_offer_token,
)
from ..money import cents

HUNDRED = Decimal(100)
# The largest amount the money columns hold (14 digits, 2 after the point).
MAX_AMOUNT = Decimal("999999999999.99")
MAX_CARS = 200
DEFAULT_HOLD_DAYS = 7


def next_reference(dealer, year: int) -> str:
    """The number after the highest `OF-<year>-NNNN` the dealer has used. Called under the
    dealer's row lock, so two offers saved at once get two numbers."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    numbered = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    used = Offer.objects.filter(dealer=dealer, reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    highest = max((int(m.group(1)) for m in map(numbered.match, used) if m), default=0)
    return f"{prefix}{highest + 1:0{REFERENCE_DIGITS}d}"


def parse_amount(value, *, field: str, label: str) -> Decimal:
    """A positive amount of money with at most two decimals, or a ValidationError on `field`
    saying what is wrong with it."""
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value if value is not None else "").strip().replace(",", "")
        if not text or len(text) > 32:
            amount = None
        else:
            try:
                amount = Decimal(text)
            except (InvalidOperation, ValueError):
                amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(
            {field: _("%(label)s must be a number, such as 25000.00.") % {"label": label}},
            code="not_a_number",
        )
    if amount <= 0:
        raise ValidationError(
            {field: _("%(label)s must be more than zero.") % {"label": label}}, code="not_positive"
        )
    if amount > MAX_AMOUNT:
        raise ValidationError(
            {field: _("%(label)s is too large.") % {"label": label}}, code="too_large"
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: _("%(label)s has at most two decimals.") % {"label": label}},
            code="too_many_decimals",
        )
    return amount


def parse_discount(value) -> Decimal:
    """A discount of 0 up to (not including) 100 percent, two decimals at most."""
    try:
        discount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        discount = None
    if (
        discount is None
        or not discount.is_finite()
        or not (0 <= discount < HUNDRED)
        or discount != discount.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            {"discount_pct": _("The discount is a percentage from 0 to 99.99.")},
            code="invalid_discount",
        )
    return discount


def vehicle_export_price(vehicle) -> Decimal:
    """What the candidates page shows as the car's export price, in the base currency: the
    staff's export price, else the list price less the dealer's export discount."""
    return costs.export_price(
        list_price=vehicle.list_price,
        discount_pct=vehicle.dealer.export_discount_pct,
        staff_price=vehicle.export_price,
    )


def discounted_price(vehicle, offer, discount_pct: Decimal) -> Decimal:
    """`discount_pct` off the car's export price, in the offer's currency, to the cent."""
    base = vehicle_export_price(vehicle) * (HUNDRED - discount_pct) / HUNDRED
    return cents(base / offer.fx_rate_to_base)


def _refuse_unless_open(offer):
    if offer.status == OfferStatus.WITHDRAWN:
        raise ValidationError(
            _("Offer %(ref)s was withdrawn; it cannot change.") % {"ref": offer.reference},
            code="offer_withdrawn",
        )


def _check_vehicles(dealer, vehicles):
    if not vehicles:
        raise ValidationError({"vehicle": _("Choose at least one car to offer.")}, code="no_cars")
    if len(vehicles) > MAX_CARS:
        raise ValidationError(
            {"vehicle": _("An offer holds at most %(count)d cars.") % {"count": MAX_CARS}},
            code="too_many_cars",
        )
    refused = []
    for vehicle in vehicles:
        if vehicle.dealer_id != dealer.pk:
            raise ValidationError({"vehicle": _("A car is not in this dealer's stock.")})
        if vehicle.status not in ON_HAND:
            refused.append(
                _("Vehicle %(vin)s is %(status)s; only cars on hand can be offered.")
                % {"vin": vehicle.vin, "status": VehicleStatus(vehicle.status).label.lower()}
            )
    if refused:
        raise ValidationError({"vehicle": refused}, code="not_on_hand")


@transaction.atomic
def offer_create(
    *,
    dealer: Dealer,
    vehicles,
    valid_until: date,
    title: str = "",
    note: str = "",
    currency: str = "",
    fx_rate_to_base: Decimal = Decimal(1),
    discount_pct: Decimal = Decimal(0),
    by=None,
) -> Offer:
    """A draft offer of `vehicles` (the dealer's, on hand), each asked at `discount_pct` off
    its export price; numbered OF-<year>-NNNN in the dealer's sequence."""
    vehicles = list(
        Vehicle.objects.select_related("dealer")
        .filter(pk__in=[v.pk for v in vehicles])
        .order_by("vin")
    )
    _check_vehicles(dealer, vehicles)
    discount_pct = parse_discount(discount_pct)
    errors = {}
    today = dealer.today()
    if not isinstance(valid_until, date):
        errors["valid_until"] = _("Give the last day the offer is valid.")
    elif valid_until < today:
        errors["valid_until"] = _("The offer must be valid until today (%(today)s) or later.") % {
            "today": today.isoformat()
        }
    if len(note or "") > NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}
    try:
        fx_rate_to_base = Decimal(fx_rate_to_base)
    except (InvalidOperation, TypeError, ValueError):
        fx_rate_to_base = None
    if fx_rate_to_base is None or not fx_rate_to_base.is_finite() or fx_rate_to_base <= 0:
        errors["fx_rate_to_base"] = _("The exchange rate is a number above zero.")
    if errors:
        raise ValidationError(errors, code="invalid_offer")
    Dealer.objects.select_for_update().filter(pk=dealer.pk).first()
    offer = Offer(
        dealer=dealer,
        reference=next_reference(dealer, today.year),
        title=(title or "").strip(),
        note=(note or "").strip(),
        currency=(currency or dealer.base_currency).strip().upper(),
        fx_rate_to_base=fx_rate_to_base,
        valid_until=valid_until,
        created_by=by,
    )
    offer.full_clean()
    offer.save()
    OfferLine.objects.bulk_create(
        OfferLine(
            offer=offer,
            vehicle=vehicle,
            pricing=Pricing.DISCOUNT,
            discount_pct=discount_pct,
            asking_price=discounted_price(vehicle, offer, discount_pct),
            position=position,
        )
        for position, vehicle in enumerate(vehicles, start=1)
    )
    return offer


@transaction.atomic
def offer_set_discount(*, offer: Offer, discount_pct, by=None) -> int:
    """Ask every car still on the offer at `discount_pct` off its export price; returns how
    many lines were priced."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _refuse_unless_open(offer)
    discount_pct = parse_discount(discount_pct)
    lines = list(offer.lines.active().select_related("vehicle", "vehicle__dealer"))
    for line in lines:
        line.pricing = Pricing.DISCOUNT
        line.discount_pct = discount_pct
        line.asking_price = discounted_price(line.vehicle, offer, discount_pct)
    OfferLine.objects.bulk_update(lines, ["pricing", "discount_pct", "asking_price"])
    return len(lines)


@transaction.atomic
def offer_line_set_price(*, line: OfferLine, price=None, discount_pct=None, by=None) -> OfferLine:
    """Ask a typed price for one car, or a discount off its own export price."""
    offer = Offer.objects.select_for_update().get(pk=line.offer_id)
    _refuse_unless_open(offer)
    line = OfferLine.objects.select_related("vehicle", "vehicle__dealer").get(pk=line.pk)
    if line.withdrawn_at:
        raise ValidationError(_("This car was taken off the offer."), code="line_withdrawn")
    if discount_pct not in (None, ""):
        discount = parse_discount(discount_pct)
        line.pricing = Pricing.DISCOUNT
        line.discount_pct = discount
        line.asking_price = discounted_price(line.vehicle, offer, discount)
    else:
        line.asking_price = parse_amount(price, field="asking_price", label=_("Asking price"))
        line.pricing = Pricing.PRICE
        line.discount_pct = None
    line.save(update_fields=["pricing", "discount_pct", "asking_price"])
    return line


@transaction.atomic
def offer_line_withdraw(*, line: OfferLine, by=None) -> OfferLine:
    """Take a car off the offer: recipients no longer see it, its open bids are declined."""
    Offer.objects.select_for_update().get(pk=line.offer_id)
    line = OfferLine.objects.select_for_update().get(pk=line.pk)
    if line.bids.filter(status=BidStatus.ACCEPTED).exists():
        raise ValidationError(
            _("A bid on this car was accepted; it stays on the offer."), code="line_accepted"
        )
    if line.withdrawn_at is None:
        now = timezone.now()
        line.withdrawn_at = now
        line.save(update_fields=["withdrawn_at"])
        line.bids.open().update(status=BidStatus.DECLINED, decided_at=now, decided_by=by)
    return line


def _language(language):
    codes = [code for code, _name in settings.VERIFY_LANGUAGES]
    return language if language in codes else None


def _refuse_unqualified(exporter: Exporter, day: date):
    if not exporter.is_qualified_on(day):
        raise ValidationError(
            {
                "exporter": _(
                    "%(name)s is not qualified to export used cars on %(day)s (qualified from "
                    "%(start)s to %(end)s); renew its qualification before sending it offers."
                )
                % {
                    "name": exporter.name,
                    "day": day.isoformat(),
                    "start": exporter.qualified_from.isoformat(),
                    "end": exporter.qualified_until.isoformat(),
                }
            },
            code="exporter_not_qualified",
        )


def _issue_link(recipient, now):
    recipient.token = new_offer_token()
    recipient.sent_at = now
    recipient.save(update_fields=["token", "sent_at"])


@transaction.atomic
def offer_add_recipient(
    *,
    offer: Offer,
    exporter: Exporter | None = None,
    buyer_name: str = "",
    buyer_company: str = "",
    buyer_country: str = "",
    buyer_email: str = "",
    language: str = "en",
    expires_on: date | None = None,
    by=None,
) -> OfferRecipient:
    """One of the dealer's exporters, or a buyer abroad, to send the offer to. An exporter
    not qualified today is refused, by name. On an offer already sent the link is made at
    once."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("dealer").get(pk=offer.pk)
    _refuse_unless_open(offer)
    today = offer.dealer.today()
    errors = {}
    buyer_name, buyer_company = (buyer_name or "").strip(), (buyer_company or "").strip()
    if exporter is not None:
        if exporter.dealer_id != offer.dealer_id:
            raise ValidationError({"exporter": _("Choose one of this dealer's exporters.")})
        _refuse_unqualified(exporter, today)
        if offer.recipients.filter(exporter=exporter).exists():
            errors["exporter"] = _("%(name)s already receives this offer.") % {
                "name": exporter.name
            }
    elif not (buyer_name or buyer_company):
        errors["buyer_name"] = _("Choose an exporter, or name the buyer or the buyer's company.")
    chosen = _language(language)
    if chosen is None:
        errors["language"] = _("Choose one of the languages offered.")
    expires_on = expires_on or offer.valid_until
    if not isinstance(expires_on, date) or expires_on < today:
        errors["expires_on"] = _("The link must be valid until today (%(today)s) or later.") % {
            "today": today.isoformat()
        }
    if errors:
        raise ValidationError(errors, code="invalid_recipient")
    recipient = OfferRecipient(
        offer=offer,
        exporter=exporter,
        buyer_name="" if exporter else buyer_name,
        buyer_company="" if exporter else buyer_company,
        buyer_country="" if exporter else (buyer_country or "").strip().upper(),
        buyer_email="" if exporter else (buyer_email or "").strip(),
        language=chosen,
        expires_on=expires_on,
    )
    recipient.full_clean(exclude=["offer", "exporter"])
    recipient.save()
    if offer.status == OfferStatus.SENT:
        _issue_link(recipient, timezone.now())
    return recipient


@transaction.atomic
def offer_send(*, offer: Offer, by=None) -> list[OfferRecipient]:
    """Make the link of every recipient who has none yet; the offer is sent. An exporter
    whose qualification lapsed since it was added is refused by name, and no link is made."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("dealer").get(pk=offer.pk)
    _refuse_unless_open(offer)
    if not offer.lines.active().exists():
        raise ValidationError(_("Put at least one car on the offer before sending it."))
    waiting = list(
        offer.recipients.filter(token__isnull=True, revoked_at__isnull=True).select_related(
            "exporter"
        )
    )
    if not waiting:
        raise ValidationError(_("Add a recipient who has no link yet."), code="no_recipients")
    today = offer.dealer.today()
    for recipient in waiting:
        if recipient.exporter_id:
            _refuse_unqualified(recipient.exporter, today)
    now = timezone.now()
    for recipient in waiting:
        _issue_link(recipient, now)
    if offer.status == OfferStatus.DRAFT:
        offer.status = OfferStatus.SENT
        offer.sent_at = now
        offer.save(update_fields=["status", "sent_at"])
    return waiting


@transaction.atomic
def offer_withdraw(*, offer: Offer, by=None) -> Offer:
    """Withdraw the whole offer: every link stops working and open bids are declined."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.WITHDRAWN:
        now = timezone.now()
        offer.status = OfferStatus.WITHDRAWN
        offer.withdrawn_at = now
        offer.save(update_fields=["status", "withdrawn_at"])
        Bid.objects.filter(line__offer=offer, status=BidStatus.OPEN).update(
            status=BidStatus.DECLINED, decided_at=now, decided_by=by
        )
    return offer


@transaction.atomic
def recipient_revoke(*, recipient: OfferRecipient, by=None) -> OfferRecipient:
    """Withdraw one recipient's link; the page then tells them so."""
    recipient = OfferRecipient.objects.select_for_update().get(pk=recipient.pk)
    if recipient.revoked_at is None:
        recipient.revoked_at = timezone.now()
        recipient.revoked_by = by
        recipient.save(update_fields=["revoked_at", "revoked_by"])
    return recipient


def recipient_opened(*, recipient: OfferRecipient) -> None:
    """Count one opening of the link, keeping the first and the last time."""
    now = timezone.now()
    OfferRecipient.objects.filter(pk=recipient.pk, first_opened_at__isnull=True).update(
        first_opened_at=now
    )
    OfferRecipient.objects.filter(pk=recipient.pk).update(
        last_opened_at=now, open_count=F("open_count") + 1
    )


def link_state(recipient: OfferRecipient, today: date | None = None) -> str:
    """ "open", "revoked" (the link or the whole offer withdrawn) or "expired"."""
    if recipient.revoked_at is not None or recipient.offer.status == OfferStatus.WITHDRAWN:
        return "revoked"
    today = today or recipient.offer.dealer.today()
    if today > recipient.expires_on:
        return "expired"
    return "open"


@transaction.atomic
def response_record(
    *,
    recipient: OfferRecipient,
    line_id,
    kind: str,
    amount=None,
    note: str = "",
    by=None,
) -> Bid:
    """A recipient's interest in a car, or a bid for it, through their link (`by` None) or
    recorded by staff on their behalf. A new bid of the same recipient on the same car
    supersedes their open one."""
    recipient = (
        OfferRecipient.objects.select_for_update(of=("self",))
        .select_related("offer", "offer__dealer", "exporter")
        .get(pk=recipient.pk)
    )
    state = link_state(recipient)
    if state == "revoked":
        raise ValidationError(_("This offer was withdrawn by the dealer."), code="revoked")
    if state == "expired":
        raise ValidationError(
            _("This offer expired on %(date)s.") % {"date": recipient.expires_on.isoformat()},
            code="expired",
        )
    if recipient.token is None:
        raise ValidationError(_("The offer has not been sent to this recipient yet."))
    errors = {}
    line = None
    if isinstance(line_id, OfferLine):
        line_id = line_id.pk
    text = str(line_id if line_id is not None else "")
    if text.isascii() and text.isdigit() and len(text) <= 18:
        line = (
            OfferLine.objects.active()
            .select_related("vehicle")
            .filter(pk=int(text), offer=recipient.offer)
            .first()
        )
    if line is None:
        errors["line"] = _("Choose a car of this offer.")
    if kind not in ResponseKind.values:
        errors["kind"] = _("Say whether this is interest or a bid.")
    note = note if isinstance(note, str) else ""
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}
    if kind == ResponseKind.BID:
        try:
            amount = parse_amount(amount, field="amount", label=pgettext("offer", "Amount"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    else:
        amount = None
    if errors:
        raise ValidationError(errors, code="invalid_response")
    if kind == ResponseKind.BID:
        Bid.objects.filter(
            recipient=recipient, line=line, kind=ResponseKind.BID, status=BidStatus.OPEN
        ).update(status=BidStatus.SUPERSEDED, decided_at=timezone.now())
    bid = Bid(
        recipient=recipient,
        line=line,
        kind=kind,
        amount=amount,
        note=note.strip(),
        recorded_by=by,
    )
    bid.save()
    return bid


def _bidder_name(recipient):
    return recipient.display_name[:120]


@transaction.atomic
def bid_accept(*, bid: Bid, expires_on: date | None = None, by=None) -> Bid:
    """Accept a bid: the car is reserved for the bidder (for the exporter, when it is one)
    until `expires_on`, and every other open bid on the car is declined. The car's row is
    locked first, so two acceptances of the same car cannot both pass."""
    line = OfferLine.objects.select_related("offer", "offer__dealer").get(pk=bid.line_id)
    vehicle = Vehicle.objects.select_for_update().get(pk=line.vehicle_id)
    bid = (
        Bid.objects.select_for_update(of=("self",))
        .select_related("recipient", "recipient__exporter", "line__offer")
        .get(pk=bid.pk)
    )
    offer = line.offer
    _refuse_unless_open(offer)
    if bid.kind != ResponseKind.BID:
        raise ValidationError(_("Only a bid with an amount can be accepted."), code="not_a_bid")
    if bid.status != BidStatus.OPEN:
        raise ValidationError(
            _("This bid is %(status)s; only an open bid can be accepted.")
            % {"status": bid.get_status_display().lower()},
            code="bid_not_open",
        )
    if line.withdrawn_at is not None:
        raise ValidationError(_("This car was taken off the offer."), code="line_withdrawn")
    if Bid.objects.filter(line=line, status=BidStatus.ACCEPTED).exists():
        raise ValidationError(
            _("A bid on %(vin)s was already accepted.") % {"vin": vehicle.vin},
            code="already_accepted",
        )
    if vehicle.status != VehicleStatus.IN_STOCK:
        raise ValidationError(
            _("Vehicle %(vin)s is %(status)s; it cannot be reserved for this bid.")
            % {"vin": vehicle.vin, "status": VehicleStatus(vehicle.status).label.lower()},
            code="not_in_stock",
        )
    recipient = bid.recipient
    today = offer.dealer.today()
    if recipient.exporter_id:
        _refuse_unqualified(recipient.exporter, today)
    if expires_on is None:
        expires_on = today + timedelta(days=DEFAULT_HOLD_DAYS)
    reservation = vehicle_reserve(
        vehicle=vehicle,
        customer_name=_bidder_name(recipient),
        expires_on=expires_on,
        exporter=recipient.exporter,
        by=by,
    )
    now = timezone.now()
    bid.status = BidStatus.ACCEPTED
    bid.decided_at = now
    bid.decided_by = by
    bid.reservation = reservation
    bid.save(update_fields=["status", "decided_at", "decided_by", "reservation"])
    Bid.objects.filter(line=line, status=BidStatus.OPEN).exclude(pk=bid.pk).update(
        status=BidStatus.DECLINED, decided_at=now, decided_by=by
    )
    return bid


@transaction.atomic
def bid_decline(*, bid: Bid, by=None) -> Bid:
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.status != BidStatus.OPEN:
        raise ValidationError(
            _("This bid is %(status)s; only an open bid can be declined.")
            % {"status": bid.get_status_display().lower()},
            code="bid_not_open",
        )
    bid.status = BidStatus.DECLINED
    bid.decided_at = timezone.now()
    bid.decided_by = by
    bid.save(update_fields=["status", "decided_at", "decided_by"])
    return bid
