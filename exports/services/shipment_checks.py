"""What the rules ask of a shipment before a car joins it or it moves: licence batches, the
rules that refuse a car, and what each move needs recorded."""

from django.utils.translation import gettext as _

from inventory.models import message_text, paper_label

from .. import batches, customs, eligibility, rules, shipments
from ..models import ExportShipment, MarketRule, ShipmentLine, ShipmentStatus
from ..rules import Outcome

LICENCE_RULE = "EXPORT_LICENCE_MAX_VEHICLES"


def licence_rule(on):
    """China's licence-batch rule in force on `on` with valid parameters, or None."""
    for row in (
        MarketRule.objects.in_force(on)
        .filter(market__is_origin=True, market__is_active=True, rule_code=LICENCE_RULE)
        .order_by("-effective_from", "id")
    ):
        if not rules.parameter_problems(row.rule_code, row.params):
            return row
    return None


def rebatch(shipment, on=None):
    """Group the active lines into licence batches as China's licence rule in force says: at
    most its `max_vehicles` cars, under one 10-digit commodity code when `single_hs_code`.
    Each line's code is worked out afresh from its car, so a body type recorded since the car
    was added moves it into the right batch."""
    rule = licence_rule(on or shipment.dealer.today())
    max_vehicles = rule.params["max_vehicles"] if rule else batches.DEFAULT_MAX_VEHICLES
    single_code = rule.params["single_hs_code"] if rule else True
    lines = list(
        shipment.lines.filter(is_active=True).select_related("vehicle").order_by("added_at", "id")
    )
    codes = {line.pk: customs.vehicle_commodity_code(line.vehicle) for line in lines}
    numbers = batches.assign(
        [(line.pk, codes[line.pk].batch_key) for line in lines],
        max_vehicles=max_vehicles,
        single_code=single_code,
    )
    for line in lines:
        line.licence_batch = numbers[line.pk]
        line.commodity_code = codes[line.pk].code
    ShipmentLine.objects.bulk_update(lines, ["licence_batch", "commodity_code"])


def licence_problems(shipment, lines, on):
    """The cars whose commodity code cannot be told, so no licence can be applied for them,
    each named with the fact to record; none while China's licence rule is not in force."""
    if licence_rule(on) is None:
        return []
    problems = []
    for line in lines:
        code = customs.vehicle_commodity_code(line.vehicle)
        if code.missing:
            problems.append(
                _("Vehicle %(vin)s cannot be put on an export licence: %(rule)s: %(reason)s")
                % {
                    "vin": line.vehicle.vin,
                    "rule": LICENCE_RULE,
                    "reason": message_text(code.reason),
                }
            )
    return problems


def blocking_reasons(verdict):
    return [r for r in verdict.reasons if r.outcome in (Outcome.BLOCK, Outcome.NOT_EVALUATED)]


def refusals(vehicle, shipment, verdict):
    """Why the destination's or China's rules refuse the car, one message per rule."""
    return [
        _("Vehicle %(vin)s cannot go to %(market)s: %(rule)s: %(reason)s")
        % {
            "vin": vehicle.vin,
            "market": shipment.destination.name,
            "rule": reason.rule_code,
            "reason": message_text(reason.message),
        }
        for reason in blocking_reasons(verdict)
    ]


# What the shipment must record before a move, and keep afterwards: the ship and the bill of
# lading once the cars are on board, and the ETD that the later moves cannot precede.
NEEDED_FOR = {
    ShipmentStatus.LOADED: ("vessel", "bill_of_lading"),
    ShipmentStatus.IN_TRANSIT: ("vessel", "bill_of_lading"),
    ShipmentStatus.ARRIVED: ("vessel", "bill_of_lading"),
    ShipmentStatus.DELIVERED: ("vessel", "bill_of_lading"),
}
# Moves that happen once the ship sails, or as it is loaded for sailing: never before the ETD.
NOT_BEFORE_ETD = frozenset(NEEDED_FOR)


def rule_refusals(shipment, lines, on):
    """Every car on the shipment the rules in force on `on` refuse, named with the rule."""
    verdicts = eligibility.market_verdicts(
        [line.vehicle for line in lines],
        shipment.destination.country_code,
        on,
        buyer=shipment.consignee_type,
        declarant=shipment.declarant,
    )
    problems = []
    for line in lines:
        problems.extend(refusals(line.vehicle, shipment, verdicts[line.vehicle_id]))
    return problems


def missing_for(shipment, status):
    """{field: message} for what `status` needs that the shipment does not record."""
    return {
        name: _("Needed before the shipment is %(status)s: %(field)s.")
        % {
            "status": ShipmentStatus(status).label.lower(),
            "field": ExportShipment._meta.get_field(name).verbose_name,
        }
        for name in NEEDED_FOR.get(status, ())
        if not getattr(shipment, name)
    }


def before_etd(shipment, status, on):
    if status in NOT_BEFORE_ETD and shipment.etd and on < shipment.etd:
        return {
            "on": _(
                "The shipment cannot be %(status)s on %(day)s, before its ETD %(etd)s; "
                "correct the ETD if the ship left early."
            )
            % {
                "status": ShipmentStatus(status).label.lower(),
                "day": on.isoformat(),
                "etd": shipment.etd.isoformat(),
            }
        }
    return {}


def clearance_problems(shipment):
    problems = []
    for line, missing in shipments.outstanding_documents(shipment).items():
        if missing:
            problems.append(
                _("Vehicle %(vin)s still needs: %(documents)s.")
                % {
                    "vin": line.vehicle.vin,
                    "documents": ", ".join(paper_label(d) for d in missing),
                }
            )
        if not line.sale_price:
            problems.append(
                _("Vehicle %(vin)s has no sale price for the invoice.") % {"vin": line.vehicle.vin}
            )
    return problems
