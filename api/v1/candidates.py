"""Export candidates through the API, ranked as on the candidates page: cars with a market in
no doubt first, then by the cash exporting them now would release."""

from datetime import date
from typing import Annotated

from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import WithJsonSchema

from exports import cashflow
from exports.views.candidates import CANDIDATES
from inventory.models import paper_label

from .. import scope
from ..errors import READ_ERRORS
from ..lists import page_of
from .schemas import ExportMarketOut, Money, Page, PaperOut

router = Router(tags=["candidates"])


def _param(schema: dict, description: str):
    return Annotated[str | None, WithJsonSchema({**schema, "description": description})]


class CandidateQuery(Schema):
    q: _param({"type": "string"}, "VIN (any part), stock number or model.") = None
    market: _param({"type": "string", "examples": ["KZ"]}, "Candidates for this country.") = None
    after: _param({"type": "string"}, "The `next` cursor of the page before.") = None
    before: _param({"type": "string"}, "The `previous` cursor of the page after.") = None


class CandidateOut(Schema):
    vehicle: int
    vehicle_url: str
    vin: str
    make: str
    model: str
    days_in_stock: int
    candidate_since: date | None
    markets: list[ExportMarketOut]
    only_doubtful_markets: bool
    still_needed: list[PaperOut]
    also_needed_for: dict[str, list[PaperOut]]
    expected_export_price: Money
    export_costs: Money
    floor_plan_payoff: Money
    cash_released: Money


class CandidatePage(Page):
    on: date
    results: list[CandidateOut]


def _papers(kinds) -> list[dict]:
    return [{"kind": str(kind), "label": paper_label(kind)} for kind in kinds]


def candidate_out(request, vehicle) -> dict:
    summary = vehicle.export_candidate_reasons
    summary = summary if isinstance(summary, dict) else {}
    return {
        "vehicle": vehicle.pk,
        "vehicle_url": request.build_absolute_uri(reverse("api-v1:vehicle", args=[vehicle.pk])),
        "vin": vehicle.vin,
        "make": vehicle.make,
        "model": vehicle.model,
        "days_in_stock": vehicle.days_in_stock_on,
        "candidate_since": vehicle.export_candidate_since,
        "markets": [
            {"code": market.code, "warnings": list(market.warnings)}
            for market in vehicle.export_market_list
        ],
        "only_doubtful_markets": vehicle.only_doubtful_markets,
        "still_needed": _papers(summary.get("needs", [])),
        "also_needed_for": {
            market: _papers(kinds) for market, kinds in (summary.get("also") or {}).items()
        },
        "expected_export_price": vehicle.expected_export_price,
        "export_costs": vehicle.expected_export_costs,
        "floor_plan_payoff": vehicle.expected_payoff,
        "cash_released": vehicle.cash_released,
    }


@router.get(
    "/candidates",
    response={200: CandidatePage, **READ_ERRORS},
    summary="List export candidates",
)
def candidate_list(request, filters: Query[CandidateQuery]):
    """The dealer's export candidates as of the last candidate run (kept up to date by every
    write), with their markets, the papers they still need and the cash exporting each now
    would release: export price - export costs - floor-plan payoff today."""
    dealer = scope.dealer_of(request)
    on = dealer.today()
    candidates = scope.rows(request, cashflow.candidates_by_cash_released(dealer, on))
    shown = page_of(request, CANDIDATES, candidates)
    return {"on": on, **shown.envelope([candidate_out(request, v) for v in shown.rows])}
