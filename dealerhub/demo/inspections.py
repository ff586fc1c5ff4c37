"""The demo's inspection reports: original, repainted and welded cars, one of them corrected."""

from datetime import timedelta
from decimal import Decimal

from inventory import services as inventory_services
from inventory.models import (
    TRACTION_BATTERY,
    AccidentGrade,
    InspectionReport,
    InspectionVerdict,
    PaintReading,
    Panel,
    SohMethod,
    StructuralDefect,
    StructuralFinding,
    StructuralPoint,
    VehicleStatus,
)


def _points(rng, centre, count=3):
    return [centre + rng.randint(-6, 6) for _ in range(count)]


def inspect_car(rng, vehicle, by, *, repainted=False, welded=False):
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


def seed_inspections(rng, dealer, by):
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
        report = inspect_car(rng, vehicle, by, repainted=index in (2, 7), welded=index == 5)
        if index < 9:
            issued = inventory_services.inspection_issue(report=report, by=by)
            if index == 0:
                correction = inventory_services.inspection_revise(report=issued, by=by)
                correction.findings = "Odometer re-read at the port: unchanged."
                inventory_services.inspection_save_draft(report=correction, by=by)
                inventory_services.inspection_issue(report=correction, by=by)
