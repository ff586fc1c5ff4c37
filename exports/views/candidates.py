"""The dealer's export candidates, ranked: cars with a market in no doubt first, then by the
cash exporting them now would release; narrowed by the filters, ticked into a new shipment,
and downloaded as CSV or XLSX exactly as filtered."""

import csv
import io

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from inventory.models import paper_label
from inventory.spreadsheets import WriteOnlySheet, csv_safe
from inventory.views.base import staff_view
from inventory.views.lists import ListSpec, Sort, filtered, list_page

from .. import cashflow
from ..filters import CandidateFilterSet

CANDIDATES = ListSpec(
    filterset=CandidateFilterSet,
    sorts={
        # The ranking `cashflow.candidates_by_cash_released` orders by, ties by id.
        "rank": Sort(
            gettext_lazy("Cash released"), ("only_doubtful_markets", "-cash_released", "pk")
        ),
    },
    default_sort="rank",
    page_size=50,
    numbered=True,
)
CHUNK_SIZE = 2000
MONEY_FORMAT = "#,##0.00"


def _candidates(request):
    scope = request.dealer_scope
    dealer = scope.dealer
    on = dealer.today()
    return dealer, on, scope.of_dealer(cashflow.candidates_by_cash_released(dealer, on))


def still_needed(vehicle) -> list[str]:
    """The papers the car still needs for every market it may go to, in the reader's words."""
    return [paper_label(kind) for kind in (vehicle.export_candidate_reasons or {}).get("needs", [])]


@staff_view("GET")
def listing(request):
    """The current dealer's export candidates, the most cash released first."""
    dealer, on, candidates = _candidates(request)
    shown = list_page(request, CANDIDATES, candidates, dealer=dealer)
    for vehicle in shown.page.rows:
        vehicle.still_needed = still_needed(vehicle)
    return render(request, "exports/candidates.html", shown.context(dealer=dealer, on=on))


def _columns(dealer):
    currency = dealer.base_currency
    return [
        _("Rank"),
        _("VIN"),
        _("Stock number"),
        _("Make"),
        _("Model"),
        _("Model year"),
        _("Days in stock"),
        _("Markets"),
        _("Markets with warnings"),
        _("Still needed"),
        _("Export price (%(currency)s)") % {"currency": currency},
        _("Export costs (%(currency)s)") % {"currency": currency},
        _("Floor-plan payoff (%(currency)s)") % {"currency": currency},
        _("Cash released (%(currency)s)") % {"currency": currency},
    ]


def _rows(candidates):
    """One row per candidate in the ranking order, money as numbers."""
    for rank, vehicle in enumerate(candidates.iterator(chunk_size=CHUNK_SIZE), start=1):
        markets = vehicle.export_market_list
        yield [
            rank,
            vehicle.vin,
            vehicle.stock_number,
            vehicle.make,
            vehicle.model,
            vehicle.model_year,
            vehicle.days_in_stock_on,
            " ".join(market.code for market in markets),
            " ".join(market.code for market in markets if market.doubtful),
            ", ".join(still_needed(vehicle)),
            vehicle.expected_export_price,
            vehicle.expected_export_costs,
            vehicle.expected_payoff,
            vehicle.cash_released,
        ]


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


@staff_view("GET", "HEAD")
def download(request, fmt):
    """Exactly the filtered list, in its ranking, as CSV (streamed) or XLSX."""
    dealer, on, candidates = _candidates(request)
    filterset, rows = filtered(request, CANDIDATES, candidates, dealer=dealer)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Correct the filters before downloading."))
        return redirect(reverse("exports:candidates") + "?" + request.GET.urlencode())
    rows = rows.order_by(*CANDIDATES.ordering(CANDIDATES.default_sort))
    name = f"candidates-{dealer.code}-{on.isoformat()}"
    if fmt == "csv":
        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff"  # a byte-order mark so spreadsheet programs read UTF-8 (Chinese) text
            yield writer.writerow([csv_safe(cell) for cell in _columns(dealer)])
            for row in _rows(rows):
                yield writer.writerow([csv_safe(cell) for cell in row])

        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    workbook = Workbook(write_only=True)
    sheet = WriteOnlySheet(
        workbook,
        _("Export candidates"),
        widths=(6, 20, 12, 12, 14, 8, 10, 14, 14, 40, 14, 14, 14, 14),
    )
    bold = Font(bold=True)
    sheet.row(*(sheet.cell(label, font=bold) for label in _columns(dealer)))
    for row in _rows(rows):
        sheet.row(
            *row[:10], *(sheet.cell(amount, number_format=MONEY_FORMAT) for amount in row[10:])
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
