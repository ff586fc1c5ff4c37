"""The dealer's export candidates, ranked: cars with a market in no doubt first, then by the
cash exporting them now would release."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from inventory.models import paper_label
from inventory.views.base import staff_view
from inventory.views.lists import ListSpec, Sort, list_page

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


@staff_view("GET")
def listing(request):
    """The current dealer's export candidates, the most cash released first."""
    scope = request.dealer_scope
    dealer = scope.dealer
    on = dealer.today()
    candidates = scope.of_dealer(cashflow.candidates_by_cash_released(dealer, on))
    shown = list_page(request, CANDIDATES, candidates)
    for vehicle in shown.page.rows:
        needs = (vehicle.export_candidate_reasons or {}).get("needs", [])
        vehicle.still_needed = [paper_label(kind) for kind in needs]
    return render(request, "exports/candidates.html", shown.context(dealer=dealer, on=on))
