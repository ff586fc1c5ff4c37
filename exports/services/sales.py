"""The sale of a car to a qualified exporter, its cancellation, and the proof of its export."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import (
    InspectionReport,
    PaymentKind,
    Reservation,
    Vehicle,
    VehicleDocument,
    VehicleFloorPlan,
    VehicleStatus,
    message_text,
)
from inventory.services import (
    floor_plan_pay,
    refuse_unless_on_hand,
    vehicle_set_export_sale_status,
)

from .. import deadlines, eligibility, rules
from ..models import (
    DECLARATION_NUMBER_MAX_LENGTH,
    DestinationMarket,
    Exporter,
    ExportSale,
    PaymentTerms,
    ShipmentLine,
    ShipmentStatus,
)
from ..rules.china import issued_by_maker

# The longest credit a sale may give the exporter.
MAX_PAYMENT_DAYS = 365
CANCEL_REASON_MAX_LENGTH = 200
# Customs declaration numbers: letters, digits and dashes (China's are 18 digits).
DECLARATION_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]*")


def _money(value):
    try:
        value = Decimal(str(value)) if value is not None and value != "" else None
    except (InvalidOperation, TypeError, ValueError):
        return None
    return value if value is not None and value.is_finite() else None


def _refuse_unqualified(exporter: Exporter, day: date) -> None:
    """C4: only an exporter qualified on the day of the sale may buy for export."""
    if exporter.is_qualified_on(day):
        return
    if not exporter.is_active:
        message = _("Exporter %(name)s is no longer active; it cannot buy cars for export.")
    elif day < exporter.qualified_from:
        message = _("Exporter %(name)s is qualified to export only from %(start)s, after %(day)s.")
    else:
        message = _(
            "Exporter %(name)s is not qualified on %(day)s: its export qualification ended on "
            "%(end)s. Record its renewed qualification first."
        )
    raise ValidationError(
        {
            "exporter": message
            % {
                "name": exporter.name,
                "day": day.isoformat(),
                "start": exporter.qualified_from.isoformat(),
                "end": exporter.qualified_until.isoformat(),
            }
        },
        code="exporter_not_qualified",
    )


def _refuse_held_elsewhere(vehicle: Vehicle, exporter: Exporter) -> None:
    """A car on a shipment, or reserved for anyone but this exporter, is not for sale."""
    line = (
        ShipmentLine.objects.filter(vehicle=vehicle, is_active=True)
        .exclude(shipment__status=ShipmentStatus.CANCELLED)
        .select_related("shipment")
        .first()
    )
    if line is not None or vehicle.status in (VehicleStatus.ALLOCATED, VehicleStatus.EXPORTED):
        raise ValidationError(
            {
                "vehicle": _(
                    "Vehicle %(vin)s is on shipment %(ref)s; take it off the shipment before "
                    "selling it to an exporter."
                )
                % {"vin": vehicle.vin, "ref": line.shipment.reference if line else "—"}
            },
            code="on_shipment",
        )
    reservation = Reservation.objects.open().filter(vehicle=vehicle).first()
    # A reservation made for this very exporter (an accepted bid) is what the sale completes.
    if reservation is not None and getattr(reservation, "exporter_id", None) != exporter.pk:
        raise ValidationError(
            {
                "vehicle": _(
                    "Vehicle %(vin)s is reserved for %(customer)s until %(day)s; release that "
                    "reservation before selling the car to %(exporter)s."
                )
                % {
                    "vin": vehicle.vin,
                    "customer": reservation.customer_name,
                    "day": reservation.expires_on.isoformat(),
                    "exporter": exporter.name,
                }
            },
            code="reserved_for_another",
        )


def after_sales_confirmation_for(vehicle: Vehicle, destination: str, day: date):
    """(needed, paper): whether China's rules ask for the maker's after-sales confirmation
    (C12) for this car exported to `destination` on `day`, and the paper on file that
    answers it. The rules decide exactly as customs clearance does (`deadlines`)."""
    origin = deadlines.origin_rules()
    documents = list(
        VehicleDocument.objects.filter(
            vehicle=vehicle, kind=rules.Document.AFTER_SALES_CONFIRMATION
        ).order_by("-issued_on", "-pk")
    )
    # Judged with no paper at all, the rule says whether the car needs one.
    needed = deadlines.confirmation_missing(
        vehicle, [], destination, day, origin=origin, buyer="commercial"
    )
    if not needed:
        return False, None
    if deadlines.confirmation_missing(
        vehicle, documents, destination, day, origin=origin, buyer="commercial"
    ):
        return True, None
    facts = eligibility.vehicle_facts(vehicle, documents, None)
    paper = next(
        (
            document
            for document in documents
            if document.country_code == destination
            and issued_by_maker(
                rules.HeldDocument(
                    kind=document.kind,
                    country_code=document.country_code,
                    issuer_is_listed_manufacturer=document.issuer_is_listed_manufacturer,
                    issuer=document.issuer,
                    holder=document.holder,
                ),
                facts.make,
            )
        ),
        None,
    )
    return True, paper


def _confirmation_refusal(vehicle, destination: DestinationMarket, day: date) -> str:
    """Why the paper is missing, in the rules' own words."""
    facts = eligibility.facts_by_vehicle([vehicle])[vehicle.pk]
    verdict = rules.evaluate_market(
        facts, destination.country_code, (), day, origin_rules=deadlines.origin_rules()
    )
    said = [
        message_text(reason.message)
        for reason in verdict.reasons
        if reason.document == rules.Document.AFTER_SALES_CONFIRMATION
    ]
    return _(
        "Vehicle %(vin)s needs the manufacturer's after-sales confirmation for %(country)s "
        "before it is sold for export (C12). %(why)s"
    ) % {"vin": vehicle.vin, "country": destination.name, "why": " ".join(said)}


@transaction.atomic
def vehicle_sell_for_export(
    *,
    vehicle: Vehicle,
    exporter: Exporter,
    price,
    currency: str,
    destination: DestinationMarket,
    sold_on: date,
    payment_terms: str,
    payment_days: int | None = None,
    fx_rate_to_base=None,
    transferred_on: date | None = None,
    notes: str = "",
    by: User | None = None,
) -> ExportSale:
    """Sell a car on hand to a partner exporter qualified on the sale day.

    `transferred_on` is the day the registration was transferred pending export (C5), which
    happens when the exporter buys the car: from it run the temporary plates and the
    declaration's deadline. It is on or after the sale day and not after today; when it is
    not given, the sale's deadline list says the transfer is not recorded yet.

    The registration passes to the exporter, with the maker's after-sales confirmation when
    China's rules ask for it (C12) and the latest issued inspection certificate; the car leaves
    stock as sold for export that day, its floor plan is paid off that day, its reservation (if
    it was the exporter's) ends as sold, and it stops being an export candidate."""
    locked = Vehicle.objects.select_for_update().select_related("dealer").get(pk=vehicle.pk)
    dealer = locked.dealer
    today = dealer.today()
    errors = {}
    if exporter is None or exporter.dealer_id != dealer.pk:
        errors["exporter"] = _("Choose one of this dealer's exporters.")
    price = _money(price)
    if price is None or price <= 0:
        errors["price"] = _("The price must be an amount more than zero.")
    currency = (currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = _("Give the currency as its three-letter code, such as CNY or USD.")
    if currency == dealer.base_currency:
        fx_rate_to_base = Decimal(1)
    else:
        fx_rate_to_base = _money(fx_rate_to_base)
        if fx_rate_to_base is None or fx_rate_to_base <= 0:
            errors["fx_rate_to_base"] = _(
                "Give the rate that converts %(currency)s to %(base)s; it must be more than zero."
            ) % {"currency": currency or "?", "base": dealer.base_currency}
    if not isinstance(sold_on, date):
        errors["sold_on"] = _("Give the day of the sale.")
    elif sold_on > today:
        errors["sold_on"] = _("The sale cannot be dated after today (%(today)s).") % {
            "today": today.isoformat()
        }
    elif sold_on < locked.stocked_on:
        errors["sold_on"] = _("The car was stocked on %(day)s; it cannot be sold before.") % {
            "day": locked.stocked_on.isoformat()
        }
    if transferred_on is not None:
        if not isinstance(transferred_on, date):
            errors["transferred_on"] = _("Give the day of the transfer pending export.")
        elif transferred_on > today:
            errors["transferred_on"] = _("This cannot be dated after today (%(today)s).") % {
                "today": today.isoformat()
            }
        elif isinstance(sold_on, date) and transferred_on < sold_on:
            errors["transferred_on"] = _("The transfer cannot come before the sale on %(day)s.") % {
                "day": sold_on.isoformat()
            }
    if destination is None or destination.is_origin or not destination.is_active:
        errors["destination"] = _("Choose the country the exporter intends to take the car to.")
    if payment_terms not in PaymentTerms.values:
        errors["payment_terms"] = _("Choose the payment terms.")
    elif payment_terms == PaymentTerms.WITHIN_DAYS:
        if not isinstance(payment_days, int) or not 1 <= payment_days <= MAX_PAYMENT_DAYS:
            errors["payment_days"] = _("Give the days to pay, from 1 to %(max)s.") % {
                "max": MAX_PAYMENT_DAYS
            }
    else:
        payment_days = None
    if errors:
        raise ValidationError(errors, code="invalid_sale")

    refuse_unless_on_hand(locked, _("sold for export"))
    _refuse_held_elsewhere(locked, exporter)
    _refuse_unqualified(exporter, sold_on)
    if locked.registered_on is None or locked.registered_on > sold_on:
        raise ValidationError(
            {
                "vehicle": _(
                    "Vehicle %(vin)s is not registered; its registration certificate is what "
                    "passes to the exporter (transfer pending export), so register it first."
                )
                % {"vin": locked.vin}
            },
            code="not_registered",
        )
    needed, confirmation = after_sales_confirmation_for(locked, destination.country_code, sold_on)
    if needed and confirmation is None:
        raise ValidationError(
            {"vehicle": _confirmation_refusal(locked, destination, sold_on)},
            code="after_sales_confirmation_missing",
        )
    inspection = InspectionReport.objects.filter(vehicle=locked).latest_issued_first().first()

    payoff = Decimal("0")
    plan = VehicleFloorPlan.objects.open().filter(vehicle=locked).first()
    if plan is not None:
        payoff = plan.payoff(sold_on)
        try:
            floor_plan_pay(
                floor_plan=plan,
                kind=PaymentKind.PAYOFF,
                paid_on=sold_on,
                reference=(_("Sold for export to %(exporter)s") % {"exporter": exporter.name})[:60],
                by=by,
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "sold_on": _("The floor plan cannot be paid off on that day: %(why)s")
                    % {"why": " ".join(exc.messages)}
                }
            ) from exc

    sale = ExportSale(
        dealer=dealer,
        vehicle=locked,
        exporter=exporter,
        destination=destination,
        price=price,
        currency=currency,
        fx_rate_to_base=fx_rate_to_base,
        payment_terms=payment_terms,
        payment_days=payment_days,
        payment_due_on=(
            transferred_on
            if payment_terms == PaymentTerms.ON_TRANSFER
            else payment_due_on(payment_terms, sold_on, payment_days)
        ),
        sold_on=sold_on,
        transferred_on=transferred_on,
        registered_on=locked.registered_on,
        after_sales_confirmation=confirmation,
        inspection=inspection,
        floor_plan_payoff=payoff,
        notes=(notes or "").strip(),
        created_by=by,
    )
    sale.full_clean()
    sale.save()
    vehicle_set_export_sale_status(vehicle=locked, sold_on=sold_on, by=by)
    return sale


def payment_due_on(terms: str, sold_on: date, days: int | None) -> date | None:
    """When the exporter pays: on the sale day when paid in advance, within the days agreed;
    on transfer it falls due when the transfer is recorded."""
    if terms == PaymentTerms.IN_ADVANCE:
        return sold_on
    if terms == PaymentTerms.WITHIN_DAYS and days:
        return date.fromordinal(sold_on.toordinal() + days)
    return None


def _locked_sale(sale) -> ExportSale:
    return (
        ExportSale.objects.select_for_update()
        .select_related("dealer", "vehicle", "exporter")
        .get(pk=sale.pk)
    )


@transaction.atomic
def export_sale_cancel(*, sale: ExportSale, reason: str, by: User | None = None) -> ExportSale:
    """Undo a sale before the car was declared for export: the car is back in stock, with the
    cancellation in its history; the sale stays on record as cancelled. A floor plan paid off
    for the sale stays paid off."""
    locked = _locked_sale(sale)
    if not locked.is_active:
        return locked
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the sale is cancelled.")})
    if len(reason) > CANCEL_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason to %(limit)s characters.")
                % {"limit": CANCEL_REASON_MAX_LENGTH}
            }
        )
    if locked.declared_on:
        raise ValidationError(
            _(
                "Vehicle %(vin)s was declared for export on %(day)s; the sale stays on record "
                "and cannot be cancelled."
            )
            % {"vin": locked.vehicle.vin, "day": locked.declared_on.isoformat()},
            code="sale_on_record",
        )
    vehicle = Vehicle.objects.select_for_update().select_related("dealer").get(pk=locked.vehicle_id)
    locked.cancelled_at = timezone.now()
    locked.cancelled_reason = reason
    locked.cancelled_by = by
    locked.save(update_fields=["cancelled_at", "cancelled_reason", "cancelled_by"])
    vehicle_set_export_sale_status(vehicle=vehicle, sold_on=None, by=by, reason=reason[:100])
    return locked


def _normalised_number(number: str) -> str:
    return re.sub(r"\s+", "", (number or "")).upper()


@transaction.atomic
def export_sale_record_proof(
    *,
    sale: ExportSale,
    transferred_on: date | None,
    declaration_number: str = "",
    declared_on: date | None = None,
    deregistered_on: date | None = None,
    by: User | None = None,
) -> ExportSale:
    """Record how far the proof of export has come: the transfer pending export (C5), the
    export declaration at customs and the de-registration after it (C11). Each step follows
    the one before it, none is in the future, and a later step needs the earlier ones."""
    locked = _locked_sale(sale)
    if not locked.is_active:
        raise ValidationError(_("This sale was cancelled; it has no proof of export to record."))
    today = locked.dealer.today()
    number = _normalised_number(declaration_number)
    errors = {}
    for name, day in (
        ("transferred_on", transferred_on),
        ("declared_on", declared_on),
        ("deregistered_on", deregistered_on),
    ):
        if day and day > today:
            errors[name] = _("This cannot be dated after today (%(today)s).") % {
                "today": today.isoformat()
            }
    if transferred_on and transferred_on < locked.sold_on:
        errors.setdefault(
            "transferred_on",
            _("The transfer cannot come before the sale on %(day)s.")
            % {"day": locked.sold_on.isoformat()},
        )
    if declared_on and not transferred_on:
        errors.setdefault(
            "declared_on", _("Record the transfer pending export before the declaration.")
        )
    elif declared_on and declared_on < transferred_on:
        errors.setdefault(
            "declared_on",
            _("The declaration cannot come before the transfer on %(day)s.")
            % {"day": transferred_on.isoformat()},
        )
    if declared_on and not number:
        errors["declaration_number"] = _("Give the export declaration's number.")
    if number and not declared_on:
        errors.setdefault("declared_on", _("Give the day customs cleared the declaration."))
    if number and (
        len(number) > DECLARATION_NUMBER_MAX_LENGTH or not DECLARATION_NUMBER.fullmatch(number)
    ):
        errors["declaration_number"] = _(
            "A declaration number is letters, digits and dashes, at most %(max)s of them."
        ) % {"max": DECLARATION_NUMBER_MAX_LENGTH}
    if deregistered_on and not declared_on:
        errors.setdefault(
            "deregistered_on", _("Record the export declaration before the de-registration.")
        )
    elif deregistered_on and deregistered_on < declared_on:
        errors.setdefault(
            "deregistered_on",
            _("De-registration cannot come before the declaration on %(day)s.")
            % {"day": declared_on.isoformat()},
        )
    if errors:
        raise ValidationError(errors, code="invalid_proof")
    locked.transferred_on = transferred_on
    locked.declaration_number = number
    locked.declared_on = declared_on
    locked.deregistered_on = deregistered_on
    if locked.payment_terms == PaymentTerms.ON_TRANSFER:
        locked.payment_due_on = transferred_on
    locked.full_clean()
    locked.save()
    return locked
