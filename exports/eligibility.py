"""Where each vehicle may be exported: the database's rules and facts fed to `exports.rules`."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from core.translation import market_name
from inventory.models import InspectionReport, RegisteredOwner, Vehicle, VehicleDocument

from . import rules
from .models import DestinationMarket, MarketRule


@dataclass(frozen=True)
class Rulebook:
    """The rules in force on one day: China's origin rules and each open market's own."""

    on: date
    origin: tuple[rules.Rule, ...]
    markets: dict[str, tuple[rules.Rule, ...]]  # country code -> rules, in market order
    names: dict[str, str]  # country code -> market name
    # (market, buyer) -> that market's verdicts, remembered by the facts they read: cars
    # alike in what a market's rules read (most of a night's profiles, for most markets) are
    # judged there once. Within, each rule's reasons are remembered by what they read of the
    # car and of the export, so an origin rule that does not read the destination is judged
    # once for all markets. Lives as long as the rulebook, that is one run.
    memos: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def evaluate(self, facts: rules.VehicleFacts, *, buyer="commercial"):
        return [self._memo(code, buyer)(facts) for code in self.markets]

    def _memo(self, code, buyer) -> rules.ReadMemo:
        memo = self.memos.get((code, buyer))
        if memo is None:
            market_rules = self.markets[code]

            def judge(facts):
                return rules.evaluate_market(
                    facts,
                    code,
                    market_rules,
                    self.on,
                    origin_rules=self.origin,
                    buyer=buyer,
                    judge_rule=self._judge_rule,
                )

            memo = self.memos[(code, buyer)] = rules.ReadMemo(judge)
        return memo

    def _judge_rule(self, rule, facts, situation):
        # By the rule object: two rules may differ in their parameters alone, which a
        # rule's equality leaves out. The rulebook holds its rules, so their ids stay theirs.
        memo = self.memos.get(id(rule))
        if memo is None:
            memo = self.memos[id(rule)] = rules.ReadMemo(
                lambda facts, situation: rules.judge(rule, facts, situation)
            )
        return memo(facts, situation)


def as_rule(row: MarketRule, country_code: str) -> rules.Rule:
    return rules.Rule(
        market=country_code,
        code=row.rule_code,
        severity=row.severity,
        params=row.params,
        # Anything but a list of groups is kept visible, so the rule reports "not evaluated".
        applies_to=tuple(row.applies_to) if isinstance(row.applies_to, list) else (row.applies_to,),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        source_url=row.source_url,
    )


def load_rulebook(on: date) -> Rulebook:
    """Two queries: the open markets, and their rules in force on `on`."""
    markets = DestinationMarket.objects.filter(is_active=True).prefetch_related(
        Prefetch("rules", queryset=MarketRule.objects.in_force(on).order_by("rule_code", "id"))
    )
    origin: list[rules.Rule] = []
    destinations: dict[str, tuple[rules.Rule, ...]] = {}
    names = {}
    for market in markets:
        market_rules = tuple(as_rule(row, market.country_code) for row in market.rules.all())
        names[market.country_code] = market.name
        if market.is_origin:
            origin.extend(market_rules)
        else:
            destinations[market.country_code] = market_rules
    return Rulebook(on=on, origin=tuple(origin), markets=destinations, names=names)


def latest_issued_inspection(vehicle):
    return InspectionReport.objects.filter(vehicle=vehicle).latest_issued_first().first()


# The dealer exports its own cars, so "registered to this dealer" is "to the exporter".
OWNER_IS_EXPORTER = {
    RegisteredOwner.DEALER: True,
    RegisteredOwner.OTHER: False,
    RegisteredOwner.UNKNOWN: None,
}


def vehicle_facts(vehicle: Vehicle, documents, inspection) -> rules.VehicleFacts:
    """The rule engine's view of a vehicle, its papers and its latest issued inspection."""
    return rules.VehicleFacts(
        powertrain=vehicle.powertrain,
        steering_side=vehicle.steering_side,
        model_year=vehicle.model_year,
        make=vehicle.make,
        built_on=vehicle.manufactured_on,
        registered_on=vehicle.registered_on,
        engine_cc=vehicle.engine_cc,
        fuel=vehicle.fuel,
        body_type=vehicle.body_type,
        power_kw=vehicle.power_kw,
        odometer_km=vehicle.odometer_km,
        battery_soh_pct=inspection.battery_soh_pct if inspection else None,
        is_salvage=vehicle.is_salvage,
        flood_damage=vehicle.is_flood_damaged or bool(inspection and inspection.flood_damage),
        fire_damage=bool(inspection and inspection.fire_damage),
        structural_damage=bool(inspection and inspection.structural_damage),
        inspection_accreditation=(inspection.agency_accreditation or "") if inspection else None,
        owner_is_exporter=OWNER_IS_EXPORTER[vehicle.registered_owner],
        registered_owner=vehicle.registered_owner_name,
        documents=frozenset(
            rules.HeldDocument(
                kind=doc.kind,
                country_code=doc.country_code,
                issuer_is_listed_manufacturer=doc.issuer_is_listed_manufacturer,
                issuer=doc.issuer,
                holder=doc.holder,
            )
            for doc in documents
        ),
    )


def evaluate_vehicle(vehicle: Vehicle, on: date | None = None):
    """Every open market's verdict for one vehicle and the origin rules' reasons on their own,
    with the rulebook used; four queries."""
    on = on or vehicle.dealer.today()
    documents = list(VehicleDocument.objects.filter(vehicle=vehicle))
    facts = vehicle_facts(vehicle, documents, latest_issued_inspection(vehicle))
    rulebook = load_rulebook(on)
    origin = rules.evaluate_origin(facts, rulebook.origin, on)
    return rulebook, rulebook.evaluate(facts), origin


def facts_by_vehicle(vehicles) -> dict[int, rules.VehicleFacts]:
    """The rule engine's view of each of `vehicles` (with their papers and latest issued
    inspection), by vehicle id; two queries whatever the number of cars."""
    ids = [vehicle.pk for vehicle in vehicles]
    papers = defaultdict(list)
    for document in VehicleDocument.objects.filter(vehicle_id__in=ids):
        papers[document.vehicle_id].append(document)
    latest = {}
    for report in InspectionReport.objects.filter(vehicle_id__in=ids).latest_issued_first():
        latest.setdefault(report.vehicle_id, report)
    return {
        vehicle.pk: vehicle_facts(vehicle, papers[vehicle.pk], latest.get(vehicle.pk))
        for vehicle in vehicles
    }


def market_verdicts(
    vehicles, market: str, on: date, *, buyer="commercial", declarant: str | None = None
) -> dict:
    """One destination's verdict for each of `vehicles`, China's origin rules included, by
    vehicle id; four queries whatever the number of cars. `declarant` is the shipment's
    import declarant when the cars are judged on a shipment."""
    rulebook = load_rulebook(on)
    facts = facts_by_vehicle(vehicles)
    return {
        vehicle.pk: rules.evaluate_market(
            facts[vehicle.pk],
            market,
            rulebook.markets.get(market, ()),
            on,
            origin_rules=rulebook.origin,
            buyer=buyer,
            declarant=declarant,
        )
        for vehicle in vehicles
    }


def market_verdict(
    vehicle: Vehicle, market: str, on: date, *, buyer="commercial", declarant: str | None = None
):
    """One destination's verdict for one vehicle, China's origin rules included."""
    return market_verdicts([vehicle], market, on, buyer=buyer, declarant=declarant)[vehicle.pk]


def market_choices():
    """(country code, name) of the open destination markets, for the inventory filter."""
    return [
        (code, market_name(code, name))
        for code, name in DestinationMarket.objects.filter(is_active=True, is_origin=False)
        .order_by("name")
        .values_list("country_code", "name")
    ]
