"""What the API answers, as published in its OpenAPI schema. Money is a decimal string with
two places ("179800.00"), in the dealer's base currency unless a field says otherwise."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import PlainSerializer, WithJsonSchema

Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["179800.00"]}),
]
# An FX rate or a percentage, with the places it is stored with.
Rate = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(value), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["7.1000"]}),
]


class Page(Schema):
    """A page of a list: `next` is the cursor for `?after=`, `previous` for `?before=`."""

    next: str | None
    previous: str | None
    count: int
    count_capped: bool


class ExportMarketOut(Schema):
    code: str
    warnings: list[str]


class PaperOut(Schema):
    kind: str
    label: str


class VehicleOut(Schema):
    id: int
    url: str
    vin: str
    stock_number: str
    make: str
    model: str
    trim: str
    model_year: int
    powertrain: str
    engine_cc: int | None
    fuel: str
    power_kw: int | None
    body_type: str
    colour: str
    steering_side: str
    manufactured_on: date | None
    stocked_on: date
    left_stock_on: date | None
    days_in_stock: int
    registered_on: date | None
    registered_owner: str
    registered_owner_name: str
    odometer_km: int
    acquisition_cost: Money
    list_price: Money
    export_price: Money | None
    status: str
    status_label: str
    is_salvage: bool
    is_flood_damaged: bool
    notes: str
    export_candidate: bool
    export_candidate_since: date | None
    export_markets: list[ExportMarketOut]
    created_at: datetime
    updated_at: datetime


class VehicleWritten(VehicleOut):
    """A vehicle just received or changed, with what its VIN told and warns of."""

    read_from_vin: list[str]
    vin_warnings: list[str]


class VehiclePage(Page):
    results: list[VehicleOut]
