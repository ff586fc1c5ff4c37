"""Judging rules against a car: which rules apply, how each outcome weighs, how the origin and
the destination class the car, and the verdict per market. No Django import."""

from collections.abc import Iterable
from datetime import date

from inventory.messages import Country, Message, gettext_noop

from .engine import (
    RULES,
    Doubt,
    MarketVerdict,
    Met,
    Missing,
    Note,
    Outcome,
    Reason,
    Rule,
    Situation,
    VehicleFacts,
    Verdict,
)

# Most rules pass without a word of their own; one sentence serves them all (a Message is
# never changed once made).
NO_OBJECTION = Message(gettext_noop("No objection."))


def applies(rule: Rule, facts: VehicleFacts, situation: Situation) -> bool:
    """Every tag of applies_to must hold: ("used", "ev") means used electric cars."""
    for tag in rule.applies_to:
        if tag == "all":
            continue
        if tag == "used" and not situation.used:
            return False
        if tag == "new" and situation.used and not situation.maybe_new:
            return False
        if tag == "ev" and not facts.is_electric:
            return False
        if tag in ("individual", "commercial") and situation.buyer != tag:
            return False
    return True


def judge(rule: Rule, facts: VehicleFacts, situation: Situation) -> Reason | None:
    """One rule's reason, or None when the rule does not apply to this export."""
    if not rule.in_force(situation.on):
        return None

    def reason(outcome, message, document=None):
        return Reason(
            rule.market, rule.code, outcome, message, rule.severity, rule.source_url, document
        )

    problems = rule.problems
    if not problems and not applies(rule, facts, situation):
        return None
    if problems:
        return reason(
            Outcome.NOT_EVALUATED,
            Message(
                gettext_noop("Rule %(code)s was not evaluated: %(problems)s"),
                code=rule.code,
                problems=tuple(problems),
            ),
        )
    result = RULES[rule.code].check(rule, facts, situation)
    if isinstance(result, Met):
        return reason(Outcome.PASS, result.message or NO_OBJECTION)
    if isinstance(result, Note):
        return reason(Outcome.INFO, result.message)
    if isinstance(result, Doubt):
        return reason(Outcome.WARN, result.message)
    if isinstance(result, Missing):
        outcome = Outcome.NEEDS_DOCUMENT if rule.severity == "block" else Outcome.WARN
        return reason(outcome, result.message, result.document)
    outcome = {"block": Outcome.BLOCK, "warn": Outcome.WARN}.get(rule.severity, Outcome.INFO)
    return reason(outcome, result.message)


def verdict_of(reasons: Iterable[Reason]) -> Verdict:
    outcomes = {reason.outcome for reason in reasons}
    if Outcome.BLOCK in outcomes:
        return Verdict.BLOCKED
    if Outcome.NOT_EVALUATED in outcomes:
        return Verdict.NOT_EVALUATED
    if Outcome.NEEDS_DOCUMENT in outcomes:
        return Verdict.NEEDS_DOCUMENTS
    return Verdict.ELIGIBLE


ORIGIN_SOURCE = "https://www.truckmaker.cn/?Company-News/289.html"  # C3, Announcement 6/2024


def not_a_used_car(facts: VehicleFacts, origin_rules) -> tuple[Reason, ...]:
    """China's used-car export rules are for cars traded after registration (C3): say so for
    an unregistered car rather than judge it as a used export."""
    if facts.is_registered or not origin_rules:
        return ()
    return (
        Reason(
            "CN",
            "USED_CAR_MEANS_REGISTERED",
            Outcome.INFO,
            Message(
                gettext_noop(
                    "Not registered: China exports a car as used only once it has been "
                    "registered and transferred, so this car is judged as a new export; "
                    "register it to export it as a used car."
                )
            ),
            "info",
            ORIGIN_SOURCE,
        ),
    )


def evaluate_origin(
    facts: VehicleFacts, origin_rules: Iterable[Rule], on: date, *, buyer: str = "commercial"
) -> tuple[Reason, ...]:
    """The origin rules alone, for any destination: papers count only if valid for all."""
    origin_rules = tuple(origin_rules)
    situation = Situation(on=on, destination="", buyer=buyer, used=facts.is_registered)
    return not_a_used_car(facts, origin_rules) + tuple(
        reason for rule in origin_rules if (reason := judge(rule, facts, situation)) is not None
    )


def destination_class(
    facts: VehicleFacts, market: str, market_rules: tuple[Rule, ...], on: date
) -> tuple[bool, bool, tuple[Reason, ...]]:
    """(used, maybe_new, reasons): how `market` classes the car.

    An unregistered car is new everywhere. A registered one is classed by the market's
    NEW_VEHICLE_DEFINITION rule in force, when it has one; a market that does not say when it
    still treats a registered car as new (several count a car under some days or kilometres
    as new) gets both its used and its new rules applied, so a near-new car is never called
    eligible only because its "new" rules were skipped.
    """
    if not facts.is_registered:
        return False, False, ()
    definitions = [
        r
        for r in market_rules
        if r.code == "NEW_VEHICLE_DEFINITION" and r.in_force(on) and not r.problems
    ]
    if definitions:
        new = is_new_there(definitions[0], facts, on)
        return new is not True, new is None, ()
    if not any("new" in r.applies_to for r in market_rules if r.in_force(on)):
        return True, False, ()
    reason = Reason(
        market,
        "NEW_VEHICLE_DEFINITION",
        Outcome.INFO,
        Message(
            gettext_noop(
                "%(country)s does not state when it still treats a registered car as new; its "
                "rules for new cars are applied as well as those for used cars."
            ),
            country=Country(market),
        ),
        "info",
        "",
    )
    return True, True, (reason,)


def is_new_there(rule: Rule, facts: VehicleFacts, on: date) -> bool | None:
    """True when every condition the definition states holds; None when the odometer it needs
    is not known."""
    days = rule.params.get("max_days_since_registration")
    km = rule.params.get("max_km")
    if days is not None and (on - facts.registered_on).days > days:
        return False
    if km is not None:
        if facts.odometer_km is None:
            return None
        if facts.odometer_km > km:
            return False
    return True


def evaluate_market(
    facts: VehicleFacts,
    market: str,
    rules: Iterable[Rule],
    on: date,
    *,
    origin_rules: Iterable[Rule] = (),
    buyer: str = "commercial",
    declarant: str | None = None,
    judge_rule=None,
) -> MarketVerdict:
    """The verdict for exporting this car to `market` on `on`, origin rules included.

    China classes the car by its registration (C3); the destination by its own definition
    (`destination_class`); each side's "new" and "used" rules follow its own class.
    `judge_rule(rule, facts, situation)` stands in for `judge` (one that remembers).
    """
    judge_rule = judge_rule or judge
    origin_rules, rules = tuple(origin_rules), tuple(rules)
    at_origin = Situation(
        on=on, destination=market, buyer=buyer, used=facts.is_registered, declarant=declarant
    )
    used, maybe_new, classed = destination_class(facts, market, rules, on)
    there = Situation(
        on=on,
        destination=market,
        buyer=buyer,
        used=used,
        maybe_new=maybe_new,
        declarant=declarant,
    )
    reasons = (
        not_a_used_car(facts, origin_rules)
        + tuple(r for rule in origin_rules if (r := judge_rule(rule, facts, at_origin)) is not None)
        + classed
        + tuple(r for rule in rules if (r := judge_rule(rule, facts, there)) is not None)
    )
    return MarketVerdict(market, verdict_of(reasons), reasons)
