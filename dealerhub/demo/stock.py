"""The demo's stock: cars received at each dealer, their papers and their floor plans."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from inventory import services as inventory_services
from inventory.models import (
    DocumentKind,
    FloorPlanLine,
    PaymentKind,
    Vehicle,
    VehicleDocument,
    VehicleStatus,
)

from .catalogue import CATALOGUE, COLOURS, VEHICLES_PER_DEALER, body_type, make_vin

# Who the demo's reserved cars are held for.
CUSTOMERS = ["Wang Fang", "Li Na", "Zhang Wei", "Liu Yang", "Chen Jie", "Aliya Nurlanova"]


def _vehicle_facts(rng, dealer, makes):
    today = dealer.today()
    wanted = rng.choice(makes)
    make, wmi, models = next(m for m in CATALOGUE if m[0] == wanted)
    name, powertrain, cc, price = rng.choice(models)
    days = rng.randint(0, 300)
    stocked_on = today - timedelta(days=days)
    model_year = stocked_on.year if stocked_on.month < 9 else stocked_on.year + 1
    manufactured_on = stocked_on - timedelta(days=rng.randint(10, 90))
    registered_on = None
    odometer = rng.randint(2, 15)
    if rng.random() < 0.4:
        registered_on = min(stocked_on + timedelta(days=rng.randint(1, 30)), today)
        odometer = rng.randint(5, 45)
    if rng.random() < 0.08:
        odometer = rng.randint(300, 4000)
    list_price = Decimal(price) - Decimal(rng.choice([0, 2000, 5000, 8000]))
    margin = Decimal(rng.randint(82, 93)) / 100
    return {
        "vin": make_vin(rng, wmi, model_year),
        "make": make,
        "model": name,
        "body_type": body_type(name),
        "trim": rng.choice(["Standard", "Pro", "Max", "Flagship", ""]),
        "model_year": model_year,
        "powertrain": powertrain,
        "engine_cc": cc,
        "colour": rng.choice(COLOURS),
        "odometer_km": odometer,
        "manufactured_on": manufactured_on,
        "stocked_on": stocked_on,
        "registered_on": registered_on,
        "list_price": list_price,
        "acquisition_cost": (list_price * margin).quantize(Decimal("1")),
    }


def seed_vehicles(rng, dealer, makes, by):
    created = 0
    existing = set(dealer.vehicles.values_list("vin", flat=True))
    for number in range(1, VEHICLES_PER_DEALER + 1):
        facts = _vehicle_facts(rng, dealer, makes)
        status_roll = rng.random()
        if facts["vin"] in existing:
            continue
        vehicle = inventory_services.vehicle_receive(
            dealer=dealer, by=by, stock_number=f"{dealer.code[:2].upper()}{number:05d}", **facts
        )
        created += 1
        if status_roll < 0.06:
            # From the car's number, not the shared generator: a second seeding skips the cars
            # it has and must draw the same facts for the rest.
            inventory_services.vehicle_reserve(
                vehicle=vehicle,
                customer_name=CUSTOMERS[number % len(CUSTOMERS)],
                customer_phone=f"138{number * 7919 % 100_000_000:08d}",
                deposit=Decimal((0, 2000, 5000, 10000)[number % 4]),
                expires_on=dealer.today() + timedelta(days=1 + number % 14),
                by=by,
            )
        elif status_roll < 0.12:
            inventory_services.vehicle_change_status(
                vehicle=vehicle, to_status=VehicleStatus.SOLD_DOMESTIC, by=by
            )
    return created


@transaction.atomic
def seed_documents(dealer, by):
    """After-sales confirmations for Kazakhstan on the dealer's five oldest BYD cars in stock."""
    missing = 5 - VehicleDocument.objects.filter(vehicle__dealer=dealer).count()
    if missing <= 0:
        return
    cars = Vehicle.objects.filter(
        dealer=dealer, make="BYD", status=VehicleStatus.IN_STOCK, documents=None
    ).order_by("stocked_on", "pk")[:missing]
    for car in cars:
        inventory_services.vehicle_document_add(
            vehicle=car,
            by=by,
            kind=DocumentKind.AFTER_SALES_CONFIRMATION,
            country_code="KZ",
            issuer="BYD Auto Co., Ltd.",
            issuer_is_listed_manufacturer=True,
            issued_on=dealer.today() - timedelta(days=3),
            reference=f"BYD-ASC-{car.vin[-6:]}",
        )


# Every dealer but the last finances its stock; the last shows the figures without a floor plan.
FLOOR_PLAN_LINE = {
    "name": "Stock line",
    "lender": "Ping An Bank",
    "apr_pct": Decimal("6.50"),
    "term_days": 180,
    "first_curtailment_days": 90,
    "curtailment_pct": Decimal("10"),
    "curtailment_every_days": 30,
    "flat_fee": Decimal("300"),
    "fee_pct": Decimal("0.10"),
}


def seed_floor_plans(rng, dealer, by):
    """Floor most cars of the last 170 days at 80% of cost; curtailments due are mostly paid.

    Older cars stand on the dealer's own money: their floor plans would have reached the end
    of the line's term and been paid off.
    """
    if FloorPlanLine.objects.filter(dealer=dealer, name=FLOOR_PLAN_LINE["name"]).exists():
        return  # floored on an earlier run
    line = inventory_services.floor_plan_line_save(
        line=FloorPlanLine(dealer=dealer, **FLOOR_PLAN_LINE)
    )
    today = dealer.today()
    cars = (
        Vehicle.objects.filter(
            dealer=dealer,
            status__in=[VehicleStatus.IN_STOCK, VehicleStatus.RESERVED],
            stocked_on__gt=today - timedelta(days=170),
            floor_plan__isnull=True,
        )
        .select_related("dealer")
        .order_by("pk")
    )
    for car in cars:
        if rng.random() > 0.7:
            continue
        plan = inventory_services.vehicle_floor(
            vehicle=car,
            line=line,
            principal=(car.acquisition_cost * Decimal("0.8")).quantize(Decimal("1")),
            by=by,
        )
        while (
            plan.next_curtailment_due
            and plan.next_curtailment_due < today - timedelta(days=3)
            and plan.balance > plan.next_curtailment_amount
            and rng.random() < 0.9
        ):
            inventory_services.floor_plan_pay(
                floor_plan=plan,
                kind=PaymentKind.CURTAILMENT,
                paid_on=plan.next_curtailment_due,
                amount=plan.next_curtailment_amount,
                reference=f"PA-{car.vin[-6:]}-{plan.payments.count() + 1}",
                by=by,
            )
            plan.refresh_from_db()
