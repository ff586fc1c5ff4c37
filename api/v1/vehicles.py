"""Vehicles through the API: the staff list's filters, sorts and cursor; one car; receiving
and editing it with the vehicle form and services; its status; its export check."""

from datetime import date
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import WithJsonSchema

from exports.views.eligibility import eligibility_matrix
from inventory import services
from inventory.forms import VehicleForm
from inventory.forms.vehicles import VEHICLE_FACTS
from inventory.models import Powertrain, Vehicle, VehicleStatus
from inventory.views.vehicles import VEHICLES

from .. import scope
from ..errors import READ_ERRORS, WRITE_ERRORS, form_errors, invalid, refusal_errors
from ..form_schemas import Scalar, StrictBody, body_schema
from ..idempotency import idempotent
from ..lists import page_of
from .schemas import ExportMarketOut, PaperOut, VehicleOut, VehiclePage, VehicleWritten

router = Router(tags=["vehicles"])

# Documents the header every write takes (api/idempotency.py).
IDEMPOTENT = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": 255},
            "description": "Any unique text (a UUID, say): a repeat of this request with the "
            "same key within a day is answered as the first time, and writes nothing.",
        }
    ]
}


def _param(schema: dict, description: str):
    # Every parameter reaches the list's FilterSet as text, which refuses a bad value with the
    # staff list's message; the schema documents what it accepts.
    return Annotated[str | None, WithJsonSchema({**schema, "description": description})]


def _sorts(spec):
    return [f"{direction}{key}" for key in spec.sorts for direction in ("", "-")]


class VehicleQuery(Schema):
    q: _param({"type": "string"}, "VIN (any part), stock number or model.") = None
    status: _param({"type": "string", "enum": VehicleStatus.values}, "Status.") = None
    make: _param({"type": "string"}, "Make, exactly as the dealer's stock spells it.") = None
    model: _param({"type": "string"}, "Part of the model name.") = None
    powertrain: _param({"type": "string", "enum": Powertrain.values}, "Powertrain.") = None
    aging: _param(
        {"type": "string", "examples": ["61-90", "181+"]},
        "Days in stock, by the dealer's aging buckets (default 0-30, 31-60, 61-90, 91-180, 181+).",
    ) = None
    export_candidate: _param({"type": "string", "enum": ["yes", "no"]}, "Candidate or not.") = None
    registered: _param({"type": "string", "enum": ["yes", "no"]}, "Registered or not.") = None
    stocked_on_after: _param({"type": "string", "format": "date"}, "Stocked on or after.") = None
    stocked_on_before: _param({"type": "string", "format": "date"}, "Stocked on or before.") = None
    market: _param(
        {"type": "string", "examples": ["KZ"]}, "Export candidate for this country code."
    ) = None
    max_odometer: _param({"type": "integer", "minimum": 0}, "Odometer at most (km).") = None
    sort: _param(
        {"type": "string", "enum": _sorts(VEHICLES)},
        "Sort key; a leading '-' reverses it. Default -stocked_on.",
    ) = None
    size: _param(
        {"type": "integer", "enum": list(VEHICLES.page_sizes)}, "Rows a page (default 50)."
    ) = None
    after: _param({"type": "string"}, "The `next` cursor of the page before.") = None
    before: _param({"type": "string"}, "The `previous` cursor of the page after.") = None


def vehicle_url(request, vehicle) -> str:
    return request.build_absolute_uri(reverse("api-v1:vehicle", args=[vehicle.pk]))


def vehicle_out(request, vehicle, today) -> dict:
    facts = {
        name: getattr(vehicle, name) for name in VehicleOut.model_fields if hasattr(vehicle, name)
    }
    facts.update(
        url=vehicle_url(request, vehicle),
        days_in_stock=vehicle.days_in_stock(today),
        status_label=vehicle.get_status_display(),
        export_markets=[
            ExportMarketOut(code=market.code, warnings=list(market.warnings))
            for market in vehicle.export_market_list
        ],
    )
    return facts


@router.get(
    "/vehicles",
    response={200: VehiclePage, **READ_ERRORS},
    url_name="vehicles",
    summary="List vehicles",
)
def vehicle_list(request, filters: Query[VehicleQuery]):
    """The dealer's vehicles, filtered and sorted as on the staff list, a page at a time."""
    dealer = scope.dealer_of(request)
    vehicles = scope.rows(request, Vehicle.objects.select_related("export_verdict"))
    shown = page_of(request, VEHICLES, vehicles, dealer=dealer)
    today = dealer.today()
    return shown.envelope([vehicle_out(request, vehicle, today) for vehicle in shown.rows])


@router.get(
    "/vehicles/{int:vehicle_id}",
    response={200: VehicleOut, **READ_ERRORS},
    url_name="vehicle",
    summary="Read a vehicle",
)
def vehicle_detail(request, vehicle_id: int):
    vehicle = scope.get(
        request, Vehicle.objects.select_related("dealer", "export_verdict"), pk=vehicle_id
    )
    return vehicle_out(request, vehicle, vehicle.dealer.today())


# Facts a received car takes when the body leaves them out, as the form would show them.
RECEIVE_DEFAULTS = {
    name: field.initial
    for name, field in VehicleForm.base_fields.items()
    if name in VEHICLE_FACTS and field.initial is not None
}
VehicleCreate = body_schema(
    "VehicleCreate",
    VehicleForm,
    fields=VEHICLE_FACTS,
    required=("vin", "model", "powertrain", "acquisition_cost", "list_price"),
    defaults={name: str(value) for name, value in RECEIVE_DEFAULTS.items()}
    | {"odometer_km": 0, "is_salvage": False, "is_flood_damaged": False},
    descriptions={
        "make": "Left out, it is read from the VIN.",
        "model_year": "Left out, it is read from the VIN.",
        "stocked_on": "Left out, the dealer's today.",
    },
)
VehicleUpdate = body_schema(
    "VehicleUpdate",
    VehicleForm,
    fields=[*VEHICLE_FACTS, "confirm_odometer_decrease"],
)


def _form_data(values: dict) -> dict:
    """The body's values as a form reads posted data: text, except the ticks of checkboxes."""
    data = {}
    for name, value in values.items():
        checkbox = isinstance(VehicleForm.base_fields[name], forms.BooleanField)
        keep = value is None or isinstance(value, str) or (checkbox and isinstance(value, bool))
        data[name] = value if keep else str(value)
    return data


def _saved(form, *, by):
    if not form.is_valid():
        raise invalid(form_errors(form))
    try:
        return form.save_through_services(by=by)
    except ValidationError as exc:
        raise invalid(refusal_errors(exc)) from exc


def _written(request, form, vehicle) -> dict:
    vehicle = Vehicle.objects.select_related("dealer", "export_verdict").get(pk=vehicle.pk)
    return {
        **vehicle_out(request, vehicle, vehicle.dealer.today()),
        "read_from_vin": form.vin_notes(),
        "vin_warnings": form.vin_warnings(vehicle),
    }


@router.post(
    "/vehicles",
    response={201: VehicleWritten, **WRITE_ERRORS},
    summary="Receive a vehicle",
    openapi_extra=IDEMPOTENT,
)
@decorate_view(idempotent)
def vehicle_receive(request, response: HttpResponse, payload: VehicleCreate):
    """Receive a car into the dealer's stock through the same form and service as the staff
    page: a make or model year left out is read from the VIN."""
    dealer = scope.dealer_of(request)
    values = {**RECEIVE_DEFAULTS, **payload.model_dump(exclude_unset=True)}
    if values.get("stocked_on") in (None, ""):
        values["stocked_on"] = dealer.today().isoformat()
    form = VehicleForm(_form_data(values), dealer=dealer)
    vehicle = _saved(form, by=request.auth.created_by)
    response["Location"] = vehicle_url(request, vehicle)
    return Status(201, _written(request, form, vehicle))


@router.patch(
    "/vehicles/{int:vehicle_id}",
    response={200: VehicleWritten, **WRITE_ERRORS},
    summary="Change a vehicle's facts",
    openapi_extra=IDEMPOTENT,
)
@decorate_view(idempotent)
def vehicle_update(request, vehicle_id: int, payload: VehicleUpdate):
    """Change the facts sent, through the same form and service as the staff page; a lower
    odometer reading needs `confirm_odometer_decrease`. The status moves through /status."""
    vehicle = scope.get(request, Vehicle.objects.select_related("dealer"), pk=vehicle_id)
    values = model_to_dict(vehicle, fields=VEHICLE_FACTS)
    values.update(_form_data(payload.model_dump(exclude_unset=True)))
    form = VehicleForm(values, instance=vehicle, dealer=vehicle.dealer)
    vehicle = _saved(form, by=request.auth.created_by)
    return _written(request, form, vehicle)


class StatusChange(StrictBody):
    status: Annotated[
        Scalar,
        WithJsonSchema(
            {
                "type": "string",
                "enum": sorted(
                    {s for moves in services.MANUAL_STATUS_MOVES.values() for s in moves}
                ),
                "description": "Reserve, release (in_stock) or sell domestically; allocation "
                "and export follow shipments.",
            }
        ),
    ] = Field(...)


@router.post(
    "/vehicles/{int:vehicle_id}/status",
    response={200: VehicleOut, **WRITE_ERRORS},
    summary="Change a vehicle's status",
    openapi_extra=IDEMPOTENT,
)
@decorate_view(idempotent)
def vehicle_status(request, vehicle_id: int, payload: StatusChange):
    vehicle = scope.get(request, Vehicle.objects.all(), pk=vehicle_id)
    if payload.status not in VehicleStatus.values:
        raise invalid([{"field": "status", "message": _("Choose a status.")}])
    services.vehicle_change_status(
        vehicle=vehicle, to_status=payload.status, by=request.auth.created_by
    )
    vehicle = Vehicle.objects.select_related("dealer", "export_verdict").get(pk=vehicle.pk)
    return vehicle_out(request, vehicle, vehicle.dealer.today())


class ReasonOut(Schema):
    market: str
    rule_code: str
    outcome: str
    outcome_label: str
    text: str
    severity: str
    source_url: str


class MarketCheckOut(Schema):
    code: str
    name: str
    verdict: str
    verdict_label: str
    warned: bool
    missing_papers: list[PaperOut]
    reasons: list[ReasonOut]


class ExportCheckOut(Schema):
    vehicle: int
    on: date
    markets: list[MarketCheckOut]
    origin: list[ReasonOut]
    origin_names: list[str]


@router.get(
    "/vehicles/{int:vehicle_id}/export-check",
    response={200: ExportCheckOut, **READ_ERRORS},
    summary="Where a vehicle may be exported",
)
def vehicle_export_check(request, vehicle_id: int):
    """Every open market's verdict for the car today, with the reasons and the papers it still
    needs, as its vehicle page shows; China's origin rules apart. A car no longer in stock is
    refused (422)."""
    vehicle = scope.get(request, Vehicle.objects.select_related("dealer"), pk=vehicle_id)
    services.refuse_unless_on_hand(vehicle, _("checked for export"))
    matrix = eligibility_matrix(vehicle)
    return {
        "vehicle": vehicle.pk,
        "on": matrix["on"],
        "markets": [
            {
                **row,
                "verdict_label": str(row["verdict_label"]),
                "missing_papers": [
                    {"kind": kind, "label": label}
                    for kind, label in zip(row["missing_kinds"], row["missing"], strict=True)
                ],
                "reasons": [_reason(reason) for reason in row["reasons"]],
            }
            for row in matrix["rows"]
        ],
        "origin": [_reason(reason) for reason in matrix["origin"]],
        "origin_names": [str(name) for name in matrix["origin_names"]],
    }


def _reason(reason: dict) -> dict:
    return {
        **reason,
        "outcome_label": str(reason["outcome_label"]),
        "severity": str(reason["severity"]),
        "source_url": reason["source_url"] or "",
    }
