"""The demo's export shipments at every stage, their paperwork, and past cash-flow snapshots."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from exports import services as export_services
from exports.models import CashFlowSnapshot, DestinationMarket, Incoterm, ShipmentStatus
from inventory import services as inventory_services
from inventory.models import DocumentKind, VehicleStatus

from .inspections import inspect_car

SHIPMENT_PLAN = [
    # reference suffix, destination, consignee, final status, vehicles, ETD in days from today
    ("001", "KZ", "Almaty Auto Trade LLP", ShipmentStatus.DELIVERED, 6, -66),
    ("002", "UZ", "Tashkent Motors LLC", ShipmentStatus.IN_TRANSIT, 4, -5),
    ("003", "AE", "Gulf Zero-Km Trading FZE", ShipmentStatus.BOOKED, 3, 10),
    ("004", "KZ", "Astana Car Import LLP", ShipmentStatus.DRAFT, 2, 20),
    ("005", "RU", "Vostok Auto LLC", ShipmentStatus.CANCELLED, 2, -30),
]
ORDER = [
    ShipmentStatus.BOOKED,
    ShipmentStatus.CUSTOMS_CLEARED,
    ShipmentStatus.LOADED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.ARRIVED,
    ShipmentStatus.DELIVERED,
]


# Days from the ETD on which each move of a demo shipment happened.
MOVE_DAYS = {
    ShipmentStatus.BOOKED: -12,
    ShipmentStatus.CUSTOMS_CLEARED: -4,
    ShipmentStatus.LOADED: 0,
    ShipmentStatus.IN_TRANSIT: 1,
    ShipmentStatus.ARRIVED: 9,
    ShipmentStatus.DELIVERED: 11,
}


def _ship(rng, shipment, vehicle, by):
    """Put a car on a demo shipment with the papers China asks for; False if a rule of the
    destination refuses it."""
    inventory_services.vehicle_document_add(
        vehicle=vehicle,
        kind=DocumentKind.AFTER_SALES_CONFIRMATION,
        country_code=shipment.destination.country_code,
        issuer=f"{vehicle.make} Auto Co., Ltd.",
        issuer_is_listed_manufacturer=True,
        issued_on=shipment.dealer.today() - timedelta(days=20),
        by=by,
    )
    inventory_services.inspection_issue(report=inspect_car(rng, vehicle, by), by=by)
    price = (vehicle.list_price * Decimal("0.8") / Decimal("7.12")).quantize(Decimal("1"))
    try:
        export_services.shipment_add_vehicle(
            shipment=shipment, vehicle=vehicle, sale_price=price, by=by
        )
    except ValidationError:
        return False
    return True


def seed_shipments(rng, dealer, by):
    if dealer.shipments.exists():
        return
    markets = {m.country_code: m for m in DestinationMarket.objects.all()}
    pool = list(
        dealer.vehicles.filter(status=VehicleStatus.IN_STOCK, registered_on__isnull=False)
        .exclude(inspections__isnull=False)
        .order_by("stocked_on")
    )
    today = dealer.today()
    for suffix, country, consignee, final, count, etd_days in SHIPMENT_PLAN:
        etd = today + timedelta(days=etd_days)
        shipment = export_services.shipment_create(
            dealer=dealer,
            reference=f"{dealer.code.upper()}-{today:%y}-{suffix}",
            destination=markets[country],
            consignee=consignee,
            # Uzbekistan releases a car to the holder of its certificate: the buyer declares.
            declarant=consignee if country == "UZ" else "",
            port_of_loading="Shanghai" if country != "AE" else "Ningbo",
            port_of_discharge={"KZ": "Khorgos", "UZ": "Tashkent", "AE": "Jebel Ali"}.get(
                country, ""
            ),
            sale_currency="USD",
            fx_rate_to_base=Decimal("7.1200"),
            incoterm=Incoterm.CFR if country == "AE" else Incoterm.FOB,
            freight_cost=Decimal(900 * count),
            insurance_cost=Decimal(60 * count),
            vessel="" if final == ShipmentStatus.DRAFT else "Morning Cara",
            voyage="" if final == ShipmentStatus.DRAFT else f"{today:%y}{suffix}E",
            bill_of_lading=(
                "" if final == ShipmentStatus.DRAFT else f"COSU{dealer.pk:02d}{today:%y}{suffix}0"
            ),
            etd=etd,
            eta=etd + timedelta(days=MOVE_DAYS[ShipmentStatus.ARRIVED]),
            by=by,
        )
        added = 0
        while added < count and pool:
            added += _ship(rng, shipment, pool.pop(0), by)
        if final == ShipmentStatus.CANCELLED:
            export_services.shipment_advance(
                shipment=shipment, to_status=final, by=by, reason="Buyer withdrew"
            )
            continue
        for step in ORDER[: ORDER.index(final) + 1] if final != ShipmentStatus.DRAFT else []:
            on = min(etd + timedelta(days=MOVE_DAYS[step]), today)
            export_services.shipment_advance(shipment=shipment, to_status=step, by=by, on=on)
        shipment.refresh_from_db()
        _paperwork(shipment, today)


def _paperwork(shipment, today):
    """Temporary plates for cars still in China, the oldest about to run out, and
    de-registration done for half the cars of the delivered shipment, overdue for the rest."""
    lines = list(shipment.lines.filter(is_active=True).order_by("pk"))
    if shipment.status == ShipmentStatus.BOOKED:
        for line in lines:
            transferred = today - timedelta(days=56)
            export_services.shipment_line_set_dates(
                line=line,
                transferred_on=transferred,
                insurance_ends_on=transferred + timedelta(days=365),
            )
    if shipment.status == ShipmentStatus.DELIVERED:
        for line in lines[: len(lines) // 2]:
            export_services.shipment_line_set_dates(
                line=line, deregistered_on=today - timedelta(days=15)
            )


def seed_cash_flow_history(dealer, days=90):
    """Snapshots for the last `days` days, as the nightly job would have left them."""
    if CashFlowSnapshot.objects.filter(dealer=dealer).exists():
        return
    today = dealer.today()
    for back in range(days - 1, -1, -1):
        export_services.cash_flow_snapshot_take(dealer=dealer, on=today - timedelta(days=back))
