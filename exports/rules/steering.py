"""Steering side, shared by many markets. No Django import."""

from inventory.messages import Country, Message, gettext_noop

from .engine import Broken, Met, Param, rule


@rule(
    "RHD_PROHIBITED",
    "Right-hand-drive cars may not be imported.",
    steering=Param(str, choices=("RHD",)),
)
def rhd_prohibited(rule, facts, situation):
    if facts.steering_side != rule.params["steering"]:
        return Met()
    return Broken(
        Message(
            gettext_noop("Right-hand-drive cars may not be imported into %(country)s."),
            country=Country(rule.market),
        )
    )


def _rhd_needed(rule, facts, situation):
    if facts.steering_side == rule.params["steering"]:
        return Met()
    return Broken(
        Message(
            gettext_noop("%(country)s takes right-hand-drive cars; this car is left-hand drive."),
            country=Country(rule.market),
        )
    )


STEERING = Param(str, choices=("RHD",))
rule("RHD_ONLY", "Only right-hand-drive cars.", steering=STEERING, exceptions=Param(str, False))(
    _rhd_needed
)
rule("RHD_REQUIRED", "Right-hand drive is required.", steering=STEERING)(_rhd_needed)
rule("RHD_MARKET", "The market drives on the left.", steering=STEERING)(_rhd_needed)
