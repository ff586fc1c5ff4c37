"""Demo data: three dealers of Chinese brands with aged stock, inspections and shipments.

Everything is written through the services, from a fixed random seed, so a second run finds
what the first one made and adds nothing.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from exports import services as export_services
from exports.models import ExportShipment
from inventory.models import InspectionReport, Vehicle, VehicleDocument

from .catalogue import (
    DEALERS,
    DEMO_AUTHENTICATOR,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    USERS,
)
from .inspections import seed_inspections
from .people import demo_authenticator, seed_dealers, seed_users
from .shipments import seed_cash_flow_history, seed_shipments
from .stock import seed_documents, seed_floor_plans, seed_vehicles

__all__ = [
    "DEMO_AUTHENTICATOR",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "USERS",
    "DemoSummary",
    "demo_authenticator",
    "seed_demo",
]


@dataclass
class DemoSummary:
    dealers: int
    vehicles_created: int
    vehicles_total: int
    inspections: int
    shipments: int
    documents: int
    candidates: int


def seed_demo(progress: Callable[[str], None] = lambda step: None) -> DemoSummary:
    """Make (or find) the whole demo; `progress` hears each step as it starts, since a first
    run takes a while."""
    progress("Dealers and logins")
    dealers = seed_dealers()
    seed_users(dealers)
    by = get_user_model().objects.get(username="manager")
    created = 0
    for name, code, _city, makes in DEALERS:
        dealer = dealers[code]
        # One generator per dealer and part, so that a rerun draws the same VINs.
        progress(f"{name}: vehicles")
        created += seed_vehicles(random.Random(f"{code}-vehicles"), dealer, makes, by)
        progress(f"{name}: inspections")
        seed_inspections(random.Random(f"{code}-inspections"), dealer, by)
        if code != "cd-tianfu":
            progress(f"{name}: shipments")
            seed_shipments(random.Random(f"{code}-shipments"), dealer, by)
        progress(f"{name}: documents")
        seed_documents(dealer, by)
        if code != DEALERS[-1][1]:
            progress(f"{name}: floor plans")
            seed_floor_plans(random.Random(f"{code}-floor-plans"), dealer, by)
    # What the nightly jobs would have flagged and recorded by this morning.
    progress("Export candidates")
    run = export_services.export_candidates_flag()
    progress("Cash-flow history")
    for dealer in dealers.values():
        seed_cash_flow_history(dealer)
    return DemoSummary(
        dealers=len(dealers),
        vehicles_created=created,
        vehicles_total=Vehicle.objects.filter(dealer__in=dealers.values()).count(),
        inspections=InspectionReport.objects.filter(vehicle__dealer__in=dealers.values()).count(),
        shipments=ExportShipment.objects.filter(dealer__in=dealers.values()).count(),
        documents=VehicleDocument.objects.filter(vehicle__dealer__in=dealers.values()).count(),
        candidates=run.counts.get("candidates", 0),
    )
