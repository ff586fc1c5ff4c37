"""China's export licence and customs steps: licence batches, the licence for new BEVs,
temporary plates and de-registration after clearance. No Django import."""

from inventory.messages import Message, gettext_noop

from ..customs import china_commodity_code
from .engine import Note, Param, rule


@rule(
    "EXPORT_LICENCE_MAX_VEHICLES",
    "One export licence covers at most N used cars with one HS code.",
    max_vehicles=Param(int, minimum=1),
    single_hs_code=Param(bool),
)
def licence_batch(rule, facts, situation):
    # The batches themselves are formed on the shipment (`exports.batches`), which reads this
    # rule's parameters; judged per car, the rule says under which code the car goes.
    code = china_commodity_code(facts.powertrain, facts.engine_cc, facts.fuel, facts.body_type)
    if code.code:
        return Note(
            Message(
                gettext_noop(
                    "Export licences cover at most %(count)s used cars with one commodity "
                    "code; this car goes in a batch under %(code)s%(unverified)s."
                ),
                count=rule.params["max_vehicles"],
                code=code.code,
                unverified="" if code.verified else Message(gettext_noop(" (unverified)")),
            )
        )
    return Note(
        Message(
            gettext_noop(
                "Export licences cover at most %(count)s used cars with one commodity code; "
                "this car's code under HS %(hs)s is not known: %(reason)s"
            ),
            count=rule.params["max_vehicles"],
            hs=code.hs_code,
            reason=code.reason,
        )
    )


@rule(
    "TEMP_PLATE_MAX_DAYS",
    "Temporary plates after the transfer for export last at most N days.",
    max_days=Param(int, minimum=1),
)
def temporary_plates(rule, facts, situation):
    return Note(
        Message(
            gettext_noop(
                "Temporary plates for export last at most %(days)s days: ship within "
                "%(days)s days of the transfer."
            ),
            days=rule.params["max_days"],
        )
    )


@rule(
    "DEREGISTER_WITHIN_MONTHS_AFTER_CLEARANCE",
    "De-register the car within N months of export customs clearance.",
    months=Param(int, minimum=1),
)
def deregistration(rule, facts, situation):
    return Note(
        Message(
            gettext_noop("De-register the car within %(months)s months of customs clearance."),
            months=rule.params["months"],
        )
    )


@rule(
    "BEV_NEW_EXPORT_LICENCE",
    "New battery-electric cars need an export licence.",
    hs_code=Param(str),
)
def new_bev_licence(rule, facts, situation):
    return Note(
        Message(
            gettext_noop(
                "New battery-electric cars (customs code %(code)s) need an export licence."
            ),
            code=rule.params["hs_code"],
        )
    )
