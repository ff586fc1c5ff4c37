"""One dealer's cash-flow summary, built once for the dashboard and the weekly report alike."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.utils.translation import gettext as _

from exports import cashflow, deadlines, selling
from inventory import holding
from inventory.filters import bucket_label
from inventory.models import CurtailmentOwed, Dealer
from inventory.templatetags.money import format_money

from . import charts

TOP_CANDIDATES = 10
CURTAILMENTS_SHOWN = 25  # the tile carries the full count and amount
PROOFS_SHOWN = 25
TREND_DAYS = 90


@dataclass
class Summary:
    dealer: Dealer
    on: date
    figures: cashflow.Figures
    buckets: list[holding.BucketMoney]
    trend: list[dict]
    top_candidates: list = field(default_factory=list)
    curtailments: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    # (exporter, cars overdue) of the exporters whose proof of export is late.
    overdue_exporters: list = field(default_factory=list)
    # The next deadline of each car sold for export whose proof of export is under way.
    proofs: list = field(default_factory=list)
    proofs_not_shown: int = 0

    @property
    def curtailments_not_shown(self) -> int:
        return max(self.figures.curtailments_due - len(self.curtailments), 0)

    def money(self, amount):
        return format_money(amount, self.dealer.base_currency)

    @property
    def bucket_chart(self) -> charts.Chart:
        return charts.bar_chart(
            title=_("Capital tied up per aging bucket"),
            bars=[(bucket_label(row.bucket), row.capital) for row in self.buckets],
            value_label=_("Capital tied up"),
            category_label=_("Days in stock"),
            format_value=self.money,
            empty_text=_("No data"),
            description=_("Cars on hand by days in stock: %(rows)s.")
            % {
                "rows": "; ".join(
                    f"{bucket_label(row.bucket)} {row.units} {self.money(row.capital)}"
                    for row in self.buckets
                )
            },
        )

    @property
    def trend_chart(self) -> charts.Chart:
        return charts.line_chart(
            title=_("Capital tied up and cash released, last 90 days"),
            dates=[row["on"] for row in self.trend],
            series=[
                (
                    _("Capital tied up"),
                    [row["capital_tied_up"] for row in self.trend],
                    "#2f6f9f",
                ),
                (
                    _("Cash released if exported now"),
                    [row["projected_cash_release"] for row in self.trend],
                    "#d9822b",
                ),
            ],
            format_value=self.money,
            date_label=_("Day"),
            empty_text=_("No data"),
            description=_("%(count)s days of history up to %(day)s.")
            % {"count": len(self.trend), "day": self.on},
        )

    @property
    def weekly_trend_chart(self) -> charts.Chart:
        """The trend with a table row a week (today and every 7th day before), for e-mail."""
        chart = self.trend_chart
        return replace(chart, rows=chart.rows[::-7][::-1])


def dealer_summary(dealer: Dealer, *, on: date | None = None, details=True) -> Summary:
    """Figures, buckets and trend; with `details`, the top candidates, the curtailments and
    the export deadlines due within a week."""
    on = on or dealer.today()
    figures = cashflow.dealer_figures([dealer], on=on, by_age=True)[dealer.pk]
    summary = Summary(
        dealer=dealer,
        on=on,
        figures=figures,
        buckets=holding.aging_in_money(dealer=dealer, stock_by_age=figures.stock_by_age),
        trend=cashflow.trend(dealer, days=TREND_DAYS, today=figures),
    )
    if details:
        summary.top_candidates = cashflow.top_candidates(dealer, on, TOP_CANDIDATES)
        # One row per instalment due, so a car with two overdue curtailments shows twice.
        summary.curtailments = list(
            CurtailmentOwed.objects.filter(dealer=dealer)
            .due(by=on + timedelta(days=cashflow.CURTAILMENT_WINDOW_DAYS))
            .select_related("floor_plan__vehicle", "floor_plan__line")
            .order_by("due_on", "id")[:CURTAILMENTS_SHOWN]
        )
        sales = list(deadlines.open_sales([dealer]))
        summary.deadlines = deadlines.due(dealer, on, sales=sales)
        proofs = deadlines.sales_under_way(dealer, on, sales=sales)
        summary.proofs = proofs[:PROOFS_SHOWN]
        summary.proofs_not_shown = len(proofs) - len(summary.proofs)
        summary.overdue_exporters = selling.exporters_overdue(dealer, on, due=summary.deadlines)
    return summary
