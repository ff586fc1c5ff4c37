"""Where a vehicle may be exported and why: the matrix of every open market's verdict, shown
on the vehicle page."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.translation import market_name
from inventory.models import Vehicle, message_text, paper_label
from inventory.services import refuse_unless_on_hand
from inventory.views.base import staff_view

from .. import rules
from ..eligibility import evaluate_vehicle

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


def eligibility_matrix(vehicle) -> dict:
    """Every open market's verdict for one vehicle, its reasons and the papers it still needs,
    most open first, with China's origin rules apart: what the vehicle page and the API show."""
    rulebook, verdicts, origin_reasons = evaluate_vehicle(vehicle)
    origin = {rule.market for rule in rulebook.origin}
    rows = []
    for verdict in verdicts:
        rows.append(
            {
                "code": verdict.market,
                "name": market_name(verdict.market, rulebook.names.get(verdict.market, "")),
                "verdict": verdict.verdict.value,
                "verdict_label": VERDICT_LABELS[verdict.verdict],
                # Exportable, but a warning rule is broken: never to be read as plainly open.
                "warned": verdict.exportable and bool(verdict.warnings),
                "missing": [paper_label(kind) for kind in verdict.missing_documents],
                "missing_kinds": [str(kind) for kind in verdict.missing_documents],
                "reasons": [shown_reason(r) for r in verdict.reasons if r.market not in origin],
            }
        )
    order = list(rules.Verdict)
    rows.sort(key=lambda row: (order.index(row["verdict"]), row["warned"], row["name"]))
    return {
        "on": rulebook.on,
        "rows": rows,
        "origin": [shown_reason(r) for r in origin_reasons],
        "origin_names": sorted(market_name(code, rulebook.names.get(code, "")) for code in origin),
    }


@staff_view("GET")
def matrix(request, pk):
    """The eligibility matrix of one vehicle: every open market, its verdict and reasons."""
    vehicle = request.dealer_scope.get(Vehicle.objects.select_related("dealer"), pk=pk)
    try:
        refuse_unless_on_hand(vehicle, _("checked for export"))
    except ValidationError as exc:
        return render(request, "exports/_eligibility.html", {"refusal": " ".join(exc.messages)})
    return render(
        request, "exports/_eligibility.html", {"vehicle": vehicle, **eligibility_matrix(vehicle)}
    )
