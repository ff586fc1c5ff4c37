"""Demo data: three dealers of Chinese brands with aged stock, inspections and shipments.

Everything is written through the services, from a fixed random seed, so a second run finds
what the first one made and adds nothing.
"""

import random
from base64 import b32decode
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from exports import services as export_services
from exports.models import (
    CashFlowSnapshot,
    DestinationMarket,
    ExportShipment,
    Incoterm,
    ShipmentStatus,
)
from inventory import services as inventory_services
from inventory import vin as vin_rules
from inventory.models import (
    TRACTION_BATTERY,
    AccidentGrade,
    BodyType,
    Dealer,
    DocumentKind,
    FloorPlanLine,
    InspectionReport,
    InspectionVerdict,
    Membership,
    PaintReading,
    Panel,
    PaymentKind,
    Powertrain,
    Role,
    SohMethod,
    StructuralDefect,
    StructuralFinding,
    StructuralPoint,
    Vehicle,
    VehicleDocument,
    VehicleStatus,
)

DEMO_PASSWORD = "dealerhub-demo"
# The demo managers' authenticator key (base32), printed with the logins so that anyone can
# add it to an app or run `oathtool --totp -b KEY`. Never a real account's key.
DEMO_TOTP_SECRET = "DEALERHUBDEMOTOTPSECRETKEY234567"
DEMO_AUTHENTICATOR = "Demo authenticator"
VEHICLES_PER_DEALER = 220

# (make, WMI, [(model, powertrain, engine cc, list price in CNY)])
CATALOGUE = [
    (
        "BYD",
        "LGX",
        [
            ("Seal", Powertrain.BEV, None, 179800),
            ("Atto 3", Powertrain.BEV, None, 119800),
            ("Song Plus DM-i", Powertrain.PHEV, 1498, 149800),
            ("Qin Plus DM-i", Powertrain.PHEV, 1498, 99800),
            ("Han EV", Powertrain.BEV, None, 209800),
            ("Dolphin", Powertrain.BEV, None, 99800),
        ],
    ),
    (
        "Geely",
        "L6T",
        [
            ("Galaxy E5", Powertrain.BEV, None, 109800),
            ("Galaxy L7", Powertrain.PHEV, 1499, 138700),
            ("Emgrand", Powertrain.ICE, 1498, 69900),
        ],
    ),
    (
        "Chery",
        "LVV",
        [
            ("Tiggo 8 Pro", Powertrain.ICE, 1598, 119900),
            ("Tiggo 9 C-DM", Powertrain.PHEV, 1499, 169900),
            ("Arrizo 8", Powertrain.ICE, 1598, 99900),
        ],
    ),
    (
        "Great Wall",
        "LGW",
        [
            ("Haval H6 HEV", Powertrain.HEV, 1497, 139800),
            ("Haval H6 PHEV", Powertrain.PHEV, 1497, 149800),
            ("Ora Good Cat", Powertrain.BEV, None, 129800),
        ],
    ),
    (
        "SAIC MG",
        "LSJ",
        [
            ("MG4 EV", Powertrain.BEV, None, 99800),
            ("MG ZS EV", Powertrain.BEV, None, 109800),
            ("MG5", Powertrain.ICE, 1498, 67900),
        ],
    ),
    (
        "GAC",
        "LMG",
        [
            ("Aion S Plus", Powertrain.BEV, None, 139800),
            ("Aion Y Plus", Powertrain.BEV, None, 119800),
            ("Trumpchi E9", Powertrain.PHEV, 1991, 279800),
        ],
    ),
    (
        "Changan",
        "LS5",
        [
            ("Deepal S7", Powertrain.EREV, 1494, 149900),
            ("UNI-K", Powertrain.ICE, 1998, 159900),
            ("Lumin", Powertrain.BEV, None, 49900),
        ],
    ),
]
# How China's tariff reads each model's body (domain rules 5.2): saloons and hatchbacks, MPVs
# as station wagons, and the two-wheel-drive SUVs among the other passenger cars.
WAGONS = {"Trumpchi E9"}
OTHER_BODIES = {
    "Atto 3",
    "Song Plus DM-i",
    "Galaxy E5",
    "Galaxy L7",
    "Tiggo 8 Pro",
    "Tiggo 9 C-DM",
    "Haval H6 HEV",
    "Haval H6 PHEV",
    "MG ZS EV",
    "Aion Y Plus",
    "Deepal S7",
    "UNI-K",
}


def body_type(model):
    if model in WAGONS:
        return BodyType.STATION_WAGON
    return BodyType.OTHER if model in OTHER_BODIES else BodyType.SALOON


COLOURS = ["White", "Black", "Grey", "Silver", "Blue", "Green", "Red"]
DEALERS = [
    ("Hangzhou Xinghe Auto", "hz-xinghe", "Hangzhou", ["BYD", "Geely", "SAIC MG"]),
    ("Ningbo Haitong Motors", "nb-haitong", "Ningbo", ["Great Wall", "Chery", "GAC"]),
    ("Chengdu Tianfu Auto Mall", "cd-tianfu", "Chengdu", ["BYD", "Changan", "GAC", "Geely"]),
]
USERS = [
    # username, full name (first, last), role, dealer codes
    ("manager", ("Jing", "Chen"), Role.MANAGER, ["hz-xinghe", "nb-haitong"]),
    ("manager.cd", ("Yong", "Liu"), Role.MANAGER, ["cd-tianfu"]),
    ("staff.hz", ("Fang", "Wang"), Role.STAFF, ["hz-xinghe"]),
    ("staff.nb", ("Min", "Zhao"), Role.STAFF, ["nb-haitong"]),
    ("staff.cd", ("Tao", "Yang"), Role.STAFF, ["cd-tianfu"]),
]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass
class DemoSummary:
    dealers: int
    vehicles_created: int
    vehicles_total: int
    inspections: int
    shipments: int
    documents: int
    candidates: int


def make_vin(rng, wmi, model_year):
    vds = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    year_code = vin_rules.YEAR_CODES[(model_year - 1980) % 30]
    plant = rng.choice("ABCDEFGHJK")
    serial = f"{rng.randrange(10**6):06d}"
    return vin_rules.with_check_digit(f"{wmi}{vds}0{year_code}{plant}{serial}")


def _users(dealers):
    User = get_user_model()
    managers = inventory_services.managers_group_sync()
    inventory_services.platform_operators_group_sync()
    for username, (first_name, last_name), role, codes in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@dealerhub.local", "is_staff": role == Role.MANAGER},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        # Certificates name their issuer; a demo made before names were required gets them now.
        if created or not user.get_full_name().strip():
            user.first_name, user.last_name = first_name, last_name
            user.save()
        if role == Role.MANAGER:
            user.groups.add(managers)
            demo_authenticator(user)
        for code in codes:
            Membership.objects.get_or_create(
                user=user, dealer=dealers[code], defaults={"role": role}
            )


def demo_authenticator(user) -> TOTPDevice:
    """The demo manager's authenticator, on the printed key; one, however often seeded."""
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_AUTHENTICATOR,
        defaults={"key": b32decode(DEMO_TOTP_SECRET).hex(), "confirmed": True},
    )
    return device


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


def _vehicles(rng, dealer, makes, by):
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
            inventory_services.vehicle_change_status(
                vehicle=vehicle, to_status=VehicleStatus.RESERVED, by=by
            )
        elif status_roll < 0.12:
            inventory_services.vehicle_change_status(
                vehicle=vehicle, to_status=VehicleStatus.SOLD_DOMESTIC, by=by
            )
    return created


def _points(rng, centre, count=3):
    return [centre + rng.randint(-6, 6) for _ in range(count)]


def _inspect(rng, vehicle, by, *, repainted=False, welded=False):
    """A draft inspection of one car with a reading on every panel."""
    baseline = rng.randint(110, 150)
    readings = [PaintReading(panel=Panel.ROOF, points=_points(rng, baseline, 5))]
    for panel in Panel:
        if panel == Panel.ROOF:
            continue
        centre = baseline + rng.randint(-8, 12)
        if repainted and panel == Panel.FRONT_DOOR_L:
            centre = rng.randint(260, 420)
        if welded and panel == Panel.REAR_QUARTER_R:
            centre = rng.randint(1100, 1400)
        readings.append(PaintReading(panel=panel, points=_points(rng, centre)))
    findings = (
        [StructuralFinding(point=StructuralPoint.REAR_RAIL_R, defect=StructuralDefect.WELDED)]
        if welded
        else []
    )
    battery = {}
    if vehicle.powertrain in TRACTION_BATTERY:
        battery = {
            "battery_soh_pct": Decimal(rng.randint(970, 1000)) / 10,
            "battery_soh_method": SohMethod.BMS_READOUT,
            "battery_tool": "Launch X-431 EV",
            "battery_cell_spread_mv": rng.randint(4, 18),
            "battery_cycle_count": rng.randint(1, 6),
        }
    dealer = vehicle.dealer
    return inventory_services.inspection_save_draft(
        report=InspectionReport(
            vehicle=vehicle,
            inspected_on=dealer.today() - timedelta(days=rng.randint(0, 20)),
            inspector=rng.choice(["Wang Lei", "Li Na", "Zhang Wei"]),
            agency="CCIC Zhejiang Vehicle Inspection Centre",
            agency_accreditation="CNAS L1234",
            standard_ref="WM/T 9-2022",
            odometer_km=vehicle.odometer_km,
            vin_at_windshield=True,
            vin_at_door_frame=True,
            vin_at_chassis=True,
            structural_damage=welded,
            accident_grade=AccidentGrade.C if welded else AccidentGrade.A,
            grade="B" if repainted or welded else "A",
            verdict=(
                InspectionVerdict.FAIL
                if welded
                else InspectionVerdict.CONDITIONAL
                if repainted
                else InspectionVerdict.PASS
            ),
            findings=(
                "Repaint on the left front door."
                if repainted
                else "Right rear rail welded; filler on the right rear quarter."
                if welded
                else ""
            ),
            **battery,
        ),
        by=by,
        readings=readings,
        findings=findings,
    )


def _inspections(rng, dealer, by):
    """A dozen inspected zero-km cars: most original, two with a repainted door, one with a
    welded rail; nine issued, one of them corrected by a second revision."""
    if InspectionReport.objects.filter(vehicle__dealer=dealer).exists():
        return
    candidates = list(
        dealer.vehicles.filter(status=VehicleStatus.IN_STOCK, odometer_km__lt=50).order_by(
            "stocked_on"
        )[:12]
    )
    for index, vehicle in enumerate(candidates):
        report = _inspect(rng, vehicle, by, repainted=index in (2, 7), welded=index == 5)
        if index < 9:
            issued = inventory_services.inspection_issue(report=report, by=by)
            if index == 0:
                correction = inventory_services.inspection_revise(report=issued, by=by)
                correction.findings = "Odometer re-read at the port: unchanged."
                inventory_services.inspection_save_draft(report=correction, by=by)
                inventory_services.inspection_issue(report=correction, by=by)


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
    inventory_services.inspection_issue(report=_inspect(rng, vehicle, by), by=by)
    price = (vehicle.list_price * Decimal("0.8") / Decimal("7.12")).quantize(Decimal("1"))
    try:
        export_services.shipment_add_vehicle(
            shipment=shipment, vehicle=vehicle, sale_price=price, by=by
        )
    except ValidationError:
        return False
    return True


def _shipments(rng, dealer, by):
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


@transaction.atomic
def _documents(dealer, by):
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


def _floor_plans(rng, dealer, by):
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


def _cash_flow_history(dealer, days=90):
    """Snapshots for the last `days` days, as the nightly job would have left them."""
    if CashFlowSnapshot.objects.filter(dealer=dealer).exists():
        return
    today = dealer.today()
    for back in range(days - 1, -1, -1):
        export_services.cash_flow_snapshot_take(dealer=dealer, on=today - timedelta(days=back))


def seed_demo() -> DemoSummary:
    dealers = {}
    for name, code, city, _makes in DEALERS:
        dealers[code], _ = Dealer.objects.get_or_create(
            code=code, defaults={"name": name, "city": city}
        )
    _users(dealers)
    by = get_user_model().objects.get(username="manager")
    created = 0
    for _name, code, _city, makes in DEALERS:
        dealer = dealers[code]
        # One generator per dealer and part, so that a rerun draws the same VINs.
        created += _vehicles(random.Random(f"{code}-vehicles"), dealer, makes, by)
        _inspections(random.Random(f"{code}-inspections"), dealer, by)
        if code != "cd-tianfu":
            _shipments(random.Random(f"{code}-shipments"), dealer, by)
        _documents(dealer, by)
        if code != DEALERS[-1][1]:
            _floor_plans(random.Random(f"{code}-floor-plans"), dealer, by)
    # What the nightly jobs would have flagged and recorded by this morning.
    run = export_services.export_candidates_flag()
    for dealer in dealers.values():
        _cash_flow_history(dealer)
    return DemoSummary(
        dealers=len(dealers),
        vehicles_created=created,
        vehicles_total=Vehicle.objects.filter(dealer__in=dealers.values()).count(),
        inspections=InspectionReport.objects.filter(vehicle__dealer__in=dealers.values()).count(),
        shipments=ExportShipment.objects.filter(dealer__in=dealers.values()).count(),
        documents=VehicleDocument.objects.filter(vehicle__dealer__in=dealers.values()).count(),
        candidates=run.counts.get("candidates", 0),
    )
