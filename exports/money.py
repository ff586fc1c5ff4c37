"""What a shipment brings in: sale prices in the sale currency, the seller's freight and
insurance under its Incoterm, the FX rate to the base currency, and the margins against the
cars' cost and against what the lender is owed for them. No Django import."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")
SELLER_PAYS_FREIGHT = frozenset({"CFR", "CIF", "CIP"})
SELLER_PAYS_INSURANCE = frozenset({"CIF", "CIP"})


def cents(value):
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class ShipmentMoney:
    sale_total: Decimal  # in the sale currency
    seller_freight: Decimal  # in the sale currency; zero when the buyer pays it
    seller_insurance: Decimal
    fx_rate: Decimal
    realised: Decimal  # in the base currency: (sales - seller's freight and insurance) x FX
    acquisition: Decimal  # what the dealer paid for the cars, base currency
    interest: Decimal  # floor-plan interest on them, paid and due up to the loading day
    fees: Decimal  # the floor-plan fees charged on them
    export_costs: Decimal  # inspection, transport to port and documents
    payoff: Decimal  # what the floor-plan lender is owed for them, base currency

    @property
    def net_sale(self):
        return self.sale_total - self.seller_freight - self.seller_insurance

    @property
    def cost(self):
        """Everything the cars cost the dealer: bought, financed and made ready for export."""
        return self.acquisition + self.interest + self.fees + self.export_costs

    @property
    def margin_on_cost(self):
        return self.realised - self.cost

    @property
    def cash_after_payoff(self):
        """What is left once the lender is repaid: the cash the export actually frees."""
        return self.realised - self.payoff


def _total(amounts):
    return cents(sum((Decimal(a) for a in amounts), ZERO))


def shipment_money(
    *,
    prices,
    incoterm,
    freight,
    insurance,
    fx_rate,
    costs=(),
    interest=(),
    fees=(),
    export_costs=(),
    payoffs=(),
):
    """The money of one shipment; `prices` are the lines' sale prices in the sale currency,
    the per-car `costs` (acquisition), `interest`, `fees`, `export_costs` and `payoffs` are
    in the base currency.

    The one rounding rule: the sale is converted once per shipment, (sales - the seller's
    freight and insurance) x FX, rounded half up to the cent; a dealer's totals add these
    rounded shipment figures, never car-by-car conversions."""
    sale_total = sum((Decimal(p) for p in prices), ZERO)
    seller_freight = Decimal(freight) if incoterm in SELLER_PAYS_FREIGHT else ZERO
    seller_insurance = Decimal(insurance) if incoterm in SELLER_PAYS_INSURANCE else ZERO
    fx_rate = Decimal(fx_rate)
    return ShipmentMoney(
        sale_total=cents(sale_total),
        seller_freight=cents(seller_freight),
        seller_insurance=cents(seller_insurance),
        fx_rate=fx_rate,
        realised=cents((sale_total - seller_freight - seller_insurance) * fx_rate),
        acquisition=_total(costs),
        interest=_total(interest),
        fees=_total(fees),
        export_costs=_total(export_costs),
        payoff=_total(payoffs),
    )
