"""The dealer's cash position through the API: the dashboard's figures, to the cent."""

from datetime import date

from ninja import Router, Schema

from exports.cashflow import dealer_figures

from .. import scope
from ..errors import READ_ERRORS
from .schemas import Money

router = Router(tags=["cash flow"])


class CashFlowOut(Schema):
    """The same figures as the dashboard, the nightly snapshot and the weekly report."""

    on: date
    currency: str
    units: int
    aged_units: int
    capital_tied_up: Money
    carry_per_day: Money
    candidates: int
    projected_cash_release: Money
    realised_export_proceeds: Money
    realised_export_margin: Money
    floor_plan_balance: Money
    curtailments_due: int
    curtailments_due_amount: Money


@router.get(
    "/cash-flow",
    response={200: CashFlowOut, **READ_ERRORS},
    summary="The dealer's cash-flow figures today",
)
def cash_flow(request):
    """Cars on hand and aged, capital tied up, carrying cost a day, candidates and the cash
    they would release, realised export proceeds and margin, floor-plan balance and the
    curtailments due within 7 days, on the dealer's today, in its base currency."""
    dealer = scope.dealer_of(request)
    figures = dealer_figures([dealer])[dealer.pk]
    return {"currency": dealer.base_currency, **figures.as_fields()}
