"""Staff pages of exports: where a vehicle may be exported and why, and the candidates by the
cash they would release. Shipments have their own pages (`shipment_views`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from inventory.models import Vehicle, message_text, paper_label
from inventory.services import refuse_unless_on_hand

from . import cashflow, rules
from .eligibility import evaluate_vehicle

VERDICT_LABELS = {
    rules.Verdict.ELIGIBLE: gettext_lazy("Eligible"),
    rules.Verdict.NEEDS_DOCUMENTS: gettext_lazy("Needs documents"),
    rules.Verdict.NOT_EVALUATED: gettext_lazy("Not evaluated"),
    rules.Verdict.BLOCKED: gettext_lazy("Blocked"),
}
OUTCOME_LABELS = {
    rules.Outcome.PASS: gettext_lazy("met"),
    rules.Outcome.BLOCK: gettext_lazy("blocks"),
    rules.Outcome.NEEDS_DOCUMENT: gettext_lazy("document needed"),
    rules.Outcome.WARN: gettext_lazy("warning"),
    rules.Outcome.INFO: gettext_lazy("note"),
    rules.Outcome.NOT_EVALUATED: gettext_lazy("not evaluated"),
}


def shown_reason(reason):
    return {
        "market": reason.market,
        "rule_code": reason.rule_code,
        "outcome": reason.outcome.value,
        "outcome_label": OUTCOME_LABELS[reason.outcome],
        "text": message_text(reason.message),
        "severity": reason.severity,
        "source_url": reason.source_url,
    }


@require_GET
@login_required
def vehicle_eligibility(request, pk):
    """The eligibility matrix of one vehicle: every open market, its verdict and reasons."""
    vehicle = get_object_or_404(
        Vehicle.objects.visible_to(request.user).select_related("dealer"), pk=pk
    )
    try:
        refuse_unless_on_hand(vehicle, _("checked for export"))
    except ValidationError as exc:
        return render(request, "exports/_eligibility.html", {"refusal": " ".join(exc.messages)})
    rulebook, verdicts, origin_reasons = evaluate_vehicle(vehicle)
    origin = {rule.market for rule in rulebook.origin}
    rows = []
    for verdict in verdicts:
        rows.append(
            {
                "code": verdict.market,
                "name": rulebook.names.get(verdict.market, verdict.market),
                "verdict": verdict.verdict.value,
                "verdict_label": VERDICT_LABELS[verdict.verdict],
                # Exportable, but a warning rule is broken: never to be read as plainly open.
                "warned": verdict.exportable and bool(verdict.warnings),
                "missing": [paper_label(kind) for kind in verdict.missing_documents],
                "reasons": [shown_reason(r) for r in verdict.reasons if r.market not in origin],
            }
        )
    order = list(rules.Verdict)
    rows.sort(key=lambda row: (order.index(row["verdict"]), row["warned"], row["name"]))
    return render(
        request,
        "exports/_eligibility.html",
        {
            "vehicle": vehicle,
            "on": rulebook.on,
            "rows": rows,
            "origin": [shown_reason(r) for r in origin_reasons],
            "origin_names": sorted(rulebook.names.get(code, code) for code in origin),
        },
    )


@require_GET
@login_required
def candidates(request):
    """The current dealer's export candidates, the most cash released first."""
    dealer = request.dealer_scope.current
    if dealer is None:
        raise Http404
    on = dealer.today()
    page = Paginator(cashflow.candidates_by_cash_released(dealer, on), 50).get_page(
        request.GET.get("page")
    )
    for vehicle in page.object_list:
        needs = (vehicle.export_candidate_reasons or {}).get("needs", [])
        vehicle.still_needed = [paper_label(kind) for kind in needs]
    return render(request, "exports/candidates.html", {"dealer": dealer, "on": on, "page": page})
