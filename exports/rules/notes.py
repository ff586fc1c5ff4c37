"""Duties, quotas and steps on the importer's side: rules that inform rather than decide, and
the recycling fee's power limit. No Django import."""

from decimal import Decimal

from inventory.messages import Country, Message, gettext_noop

from .engine import DATE_TEXT, HP_PER_KW, NUMBER, Broken, Met, Note, Param, rule
from .helpers import wording


def _note(template, prose=(), **names):
    """A note citing the rule's parameters; those named in `prose` are wording to translate."""

    def check(rule, facts, situation):
        values = {key: rule.params.get(param, "") for key, param in names.items()}
        values.update({key: wording(values[key]) for key in prose})
        return Note(Message(template, country=Country(rule.market), **values))

    return check


@rule(
    "PREF_UTIL_FEE_MAX_HP",
    "The preferential recycling fee only up to a power limit.",
    ice_max_hp=Param(int, minimum=1),
    ev_max_hp_reported=Param(int, required=False, minimum=1),
)
def recycling_fee(rule, facts, situation):
    limit = rule.params["ice_max_hp"]
    if facts.is_electric:
        limit = rule.params.get("ev_max_hp_reported", limit)
    if facts.power_kw is None:
        return Note(
            Message(
                gettext_noop(
                    "Individuals in %(country)s keep the preferential recycling fee only up to "
                    "%(limit)s hp; record the car's power to check."
                ),
                country=Country(rule.market),
                limit=limit,
            )
        )
    # Compared unrounded: 118 kW is 160.43516 hp, over a 160 hp limit although it rounds to
    # 160; the sentence shows one decimal so that the car visibly exceeds the limit.
    exact_hp = facts.power_kw * HP_PER_KW
    hp = exact_hp.quantize(Decimal("0.1"))
    if exact_hp <= limit:
        return Met()
    return Broken(
        Message(
            gettext_noop(
                "Individuals in %(country)s pay the commercial recycling fee above %(limit)s hp; "
                "this car has %(hp)s hp."
            ),
            country=Country(rule.market),
            limit=limit,
            hp=hp,
        )
    )


rule("EAEU_REEXPORT_UTIL_FEE_DIFFERENCE", "Re-exports through the EAEU pay the fee difference.")(
    _note(
        gettext_noop(
            "Cars cleared in another EAEU country and brought into %(country)s pay the "
            "recycling-fee difference."
        )
    )
)
rule(
    "EPTS_PER_INDIVIDUAL_PER_YEAR",
    "An individual may register N cars a year.",
    max_per_year=Param(int, minimum=1),
)(
    _note(
        gettext_noop(
            "An individual in %(country)s can obtain an electronic passport (EPTS) for at most "
            "%(count)s car(s) a year."
        ),
        count="max_per_year",
    )
)
rule(
    "EV_DUTY_FREE_QUOTA",
    "A duty-free EV quota, then a duty.",
    units_2025=Param(int, minimum=0),
    duty_after_quota_pct=Param(NUMBER, minimum=0),
)(
    _note(
        gettext_noop(
            "%(country)s admits %(units)s EVs duty-free a year; after the quota the duty is "
            "%(duty)s%% of the customs value."
        ),
        units="units_2025",
        duty="duty_after_quota_pct",
    )
)


rule("MANDATORY_LAB_TEST_16_CRITERIA", "A laboratory test and conformity certificate.")(
    _note(gettext_noop("%(country)s tests every imported car in its own laboratory."))
)
rule(
    "CAFE_SUPPLY_PLAN_SUSPENDED_MAKERS",
    "Makers that missed the fuel-economy plan may not supply new cars.",
    list=Param(str, required=False),
)(
    _note(
        gettext_noop("Check that the maker is not suspended in %(country)s (%(list)s)."),
        list="list",
        prose=("list",),
    )
)
rule(
    "PRE_SHIPMENT_COR_OR_LOCAL_INSPECTION",
    "A roadworthiness certificate before shipping, or a local inspection.",
    qisj_countries=Param(list, of=str),
    local_fee=Param(str, required=False),
)(
    _note(
        gettext_noop(
            "Cars shipped from China are inspected on arrival in %(country)s (fee: %(fee)s)."
        ),
        fee="local_fee",
        prose=("fee",),
    )
)
rule("SEAPORT_ONLY", "Cars enter only through seaports.")(
    _note(gettext_noop("Cars enter %(country)s only through seaports: ship by sea."))
)
rule(
    "COMMERCIAL_USED_REGULATORY_DUTY",
    "A regulatory duty on commercial used imports.",
    rd_pct=Param(NUMBER, minimum=0),
    until=DATE_TEXT,
    annual_step_down_pts=Param(NUMBER, required=False, minimum=0),
)(
    _note(
        gettext_noop(
            "Commercial used imports into %(country)s pay a %(duty)s%% regulatory duty until "
            "%(until)s."
        ),
        duty="rd_pct",
        until="until",
    )
)
