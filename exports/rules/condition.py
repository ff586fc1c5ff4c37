"""The car's condition and what may enter at all: battery health, damage and salvage, banned
categories, used-car bans and import approvals. No Django import."""

from decimal import Decimal

from inventory.messages import Country, Message, gettext_noop

from .engine import NUMBER, Broken, Document, Met, Missing, Note, Param, rule
from .helpers import wording


@rule(
    "USED_EV_MIN_SOH_PERCENT",
    "Used EVs need a battery state of health of at least N%.",
    min_soh_pct=Param(NUMBER, minimum=0),
)
def battery_health(rule, facts, situation):
    minimum = rule.params["min_soh_pct"]
    if facts.battery_soh_pct is None:
        return Missing(
            Document.BATTERY_HEALTH_REPORT,
            Message(
                gettext_noop(
                    "%(country)s needs a battery state of health of at least %(min)s%% for used "
                    "EVs; no measurement is on file."
                ),
                country=Country(rule.market),
                min=minimum,
            ),
        )
    if facts.battery_soh_pct >= Decimal(str(minimum)):
        return Met(
            Message(
                gettext_noop("Battery state of health %(soh)s%% (at least %(min)s%%)."),
                soh=facts.battery_soh_pct,
                min=minimum,
            )
        )
    return Broken(
        Message(
            gettext_noop(
                "%(country)s needs a battery state of health of at least %(min)s%% for used "
                "EVs; this battery measured %(soh)s%%."
            ),
            country=Country(rule.market),
            min=minimum,
            soh=facts.battery_soh_pct,
        )
    )


def _damage(facts, *, flood=True, fire=True, structural=True):
    found = []
    if facts.is_salvage:
        found.append(Message(gettext_noop("salvage title")))
    if flood and facts.flood_damage:
        found.append(Message(gettext_noop("flood damage")))
    if fire and facts.fire_damage:
        found.append(Message(gettext_noop("fire damage")))
    if structural and facts.structural_damage:
        found.append(Message(gettext_noop("structural damage")))
    return tuple(found)


@rule("SALVAGE_PROHIBITED", "Salvage and junk cars may not be imported.")
def salvage_prohibited(rule, facts, situation):
    if not facts.is_salvage:
        return Met()
    return Broken(
        Message(
            gettext_noop("Salvage cars may not be imported into %(country)s."),
            country=Country(rule.market),
        )
    )


@rule(
    "DAMAGED_SALVAGE_TAXI_POLICE_PROHIBITED",
    "Damaged, salvage, police and taxi vehicles may not be imported.",
)
def damaged_prohibited(rule, facts, situation):
    found = _damage(facts)
    if not found:
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Damaged or salvage cars may not be imported into %(country)s; this car has: "
                "%(found)s."
            ),
            country=Country(rule.market),
            found=found,
        )
    )


@rule(
    "USED_VEHICLE_7_BANNED_CATEGORIES",
    "Fire-, flood- or accident-damaged, rebuilt and non-repairable used cars are banned.",
    precheck=Param(str, required=False),
)
def banned_categories(rule, facts, situation):
    found = _damage(facts)
    if found:
        return Broken(
            Message(
                gettext_noop(
                    "%(country)s bans used cars with fire, flood or accident damage; this car "
                    "has: %(found)s."
                ),
                country=Country(rule.market),
                found=found,
            )
        )
    if rule.params.get("precheck"):
        return Note(
            Message(
                gettext_noop("Before shipping, check the VIN: %(precheck)s."),
                precheck=wording(rule.params["precheck"]),
            )
        )
    return Met()


@rule("USED_ICE_NOT_ALLOWED", "Used cars other than electric cars may not be imported.")
def used_ice_not_allowed(rule, facts, situation):
    if facts.is_electric:
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "%(country)s takes used cars only if they are battery-electric; this car is "
                "%(powertrain)s."
            ),
            country=Country(rule.market),
            powertrain=facts.powertrain,
        )
    )


@rule(
    "USED_VEHICLE_IMPORT_PROHIBITED",
    "Used cars may not be imported (with narrow exceptions).",
    exceptions=Param(list, required=False, of=str),
)
def used_import_prohibited(rule, facts, situation):
    return Broken(
        Message(
            gettext_noop("%(country)s does not allow used cars to be imported."),
            country=Country(rule.market),
        )
    )


@rule(
    "IMPORT_APPROVAL_BEFORE_SHIPPING",
    "An import approval before shipping; used cars only through narrow pathways.",
    used_pathways=Param(list, required=False, of=str),
)
def import_approval(rule, facts, situation):
    return Broken(
        Message(
            gettext_noop(
                "%(country)s admits used cars only through narrow pathways (%(pathways)s) with "
                "an import approval before shipping; a near-new car fits none of them."
            ),
            country=Country(rule.market),
            pathways=wording(tuple(rule.params.get("used_pathways") or ())),
        )
    )
