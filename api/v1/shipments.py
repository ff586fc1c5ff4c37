"""Export shipments through the API, read only: the list, and one shipment with its cars,
its milestones, the papers still outstanding and its money as its page shows it."""

from datetime import date, datetime
from typing import Annotated

from django.db.models import Count, Q
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import WithJsonSchema

from exports import shipments as shipment_reads
from exports.models import ExportShipment, ShipmentStatus
from exports.views.shipments import SHIPMENTS
from inventory.models import paper_label

from .. import scope
from ..errors import READ_ERRORS
from ..lists import page_of
from .schemas import Money, Page, PaperOut, Rate

router = Router(tags=["shipments"])


def _param(schema: dict, description: str):
    return Annotated[str | None, WithJsonSchema({**schema, "description": description})]


def _sorts(spec):
    return [f"{direction}{key}" for key in spec.sorts for direction in ("", "-")]


class ShipmentQuery(Schema):
    q: _param({"type": "string"}, "Reference, bill of lading or (part of) a VIN.") = None
    status: _param({"type": "string", "enum": ShipmentStatus.values}, "Status.") = None
    destination: _param({"type": "string", "examples": ["KZ"]}, "Destination country.") = None
    etd_after: _param({"type": "string", "format": "date"}, "ETD on or after.") = None
    etd_before: _param({"type": "string", "format": "date"}, "ETD on or before.") = None
    sort: _param({"type": "string", "enum": _sorts(SHIPMENTS)}, "Default -created_at.") = None
    after: _param({"type": "string"}, "The `next` cursor of the page before.") = None
    before: _param({"type": "string"}, "The `previous` cursor of the page after.") = None


class ShipmentOut(Schema):
    id: int
    url: str
    reference: str
    destination: str
    destination_name: str
    status: str
    status_label: str
    consignee: str
    consignee_type: str
    declarant: str
    port_of_loading: str
    port_of_discharge: str
    transport_mode: str
    vessel: str
    voyage: str
    bill_of_lading: str
    incoterm: str
    sale_currency: str
    fx_rate_to_base: Rate
    freight_cost: Money
    insurance_cost: Money
    etd: date | None
    eta: date | None
    cancelled_reason: str
    vehicles: int
    created_at: datetime


class LineOut(Schema):
    vehicle: int
    vin: str
    make: str
    model: str
    sale_price: Money
    hs_code: str
    commodity_code: str
    licence_batch: int | None
    transferred_on: date | None
    insurance_ends_on: date | None
    temporary_plate_expires_on: date | None
    deregistered_on: date | None
    outstanding_papers: list[PaperOut]


class MilestoneOut(Schema):
    status: str
    from_status: str
    on: date
    recorded_at: datetime
    by: str
    note: str


class ShipmentMoneyOut(Schema):
    """Sales and the seller's freight and insurance in the sale currency; the rest in the
    dealer's base currency, converted once and rounded half up to the cent."""

    sale_total: Money
    seller_freight: Money
    seller_insurance: Money
    realised: Money
    cost: Money
    margin_on_cost: Money
    payoff: Money
    cash_after_payoff: Money


class ShipmentDetailOut(ShipmentOut):
    lines: list[LineOut]
    milestones: list[MilestoneOut]
    money: ShipmentMoneyOut | None


class ShipmentPage(Page):
    results: list[ShipmentOut]


SHIPMENT_FIELDS = [
    name
    for name in ShipmentOut.model_fields
    if name not in {"id", "url", "destination", "destination_name", "status_label", "vehicles"}
]


def shipment_out(request, shipment, vehicles: int) -> dict:
    return {
        **{name: getattr(shipment, name) for name in SHIPMENT_FIELDS},
        "id": shipment.pk,
        "url": request.build_absolute_uri(reverse("api-v1:shipment", args=[shipment.pk])),
        "destination": shipment.destination.country_code,
        "destination_name": shipment.destination.name,
        "status_label": shipment.get_status_display(),
        "vehicles": vehicles,
    }


@router.get(
    "/shipments",
    response={200: ShipmentPage, **READ_ERRORS},
    summary="List export shipments",
)
def shipment_list(request, filters: Query[ShipmentQuery]):
    """The dealer's shipments, newest first, filtered as on the shipments page."""
    shipments = scope.rows(
        request,
        ExportShipment.objects.select_related("destination").annotate(
            vehicle_count=Count("lines", filter=Q(lines__is_active=True))
        ),
    )
    shown = page_of(request, SHIPMENTS, shipments)
    return shown.envelope(
        [shipment_out(request, shipment, shipment.vehicle_count) for shipment in shown.rows]
    )


@router.get(
    "/shipments/{int:shipment_id}",
    response={200: ShipmentDetailOut, **READ_ERRORS},
    url_name="shipment",
    summary="Read an export shipment",
)
def shipment_detail(request, shipment_id: int):
    """One shipment with its cars (sale price, HS and commodity code, licence batch, temporary
    plates, de-registration, papers still outstanding), its milestones and its money."""
    shipment = scope.get(
        request,
        ExportShipment.objects.select_related("dealer", "destination").prefetch_related(
            "milestones"
        ),
        pk=shipment_id,
    )
    lines = shipment_reads.active_lines(shipment)
    outstanding = (
        shipment_reads.outstanding_documents(shipment, lines)
        if shipment.status in shipment_reads.BEFORE_CLEARANCE
        else {}
    )
    money = shipment_reads.money_of(shipment, lines)
    return {
        **shipment_out(request, shipment, len(lines)),
        "lines": [
            {
                "vehicle": line.vehicle_id,
                "vin": line.vehicle.vin,
                "make": line.vehicle.make,
                "model": line.vehicle.model,
                "sale_price": line.sale_price,
                "hs_code": line.hs_code,
                "commodity_code": line.commodity_code,
                "licence_batch": line.licence_batch,
                "transferred_on": line.transferred_on,
                "insurance_ends_on": line.insurance_ends_on,
                "temporary_plate_expires_on": line.temp_plate_expires_on,
                "deregistered_on": line.deregistered_on,
                "outstanding_papers": [
                    {"kind": kind, "label": paper_label(kind)} for kind in outstanding.get(line, [])
                ],
            }
            for line in lines
        ],
        "milestones": [
            {
                "status": milestone.status,
                "from_status": milestone.from_status,
                "on": milestone.on,
                "recorded_at": milestone.at,
                "by": milestone.by.get_full_name() or milestone.by.get_username()
                if milestone.by
                else "",
                "note": milestone.note,
            }
            for milestone in shipment_reads.timeline(shipment)
        ],
        "money": None
        if money is None
        else {
            "sale_total": money.sale_total,
            "seller_freight": money.seller_freight,
            "seller_insurance": money.seller_insurance,
            "realised": money.realised,
            "cost": money.cost,
            "margin_on_cost": money.margin_on_cost,
            "payoff": money.payoff,
            "cash_after_payoff": money.cash_after_payoff,
        },
    }
