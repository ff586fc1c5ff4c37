"""HS tariff headings for passenger cars by powertrain and fuel (HS 2022, heading 8703); no
Django import.

The reasons are messages that keep their template, so pages show them in the reader's
language."""

from inventory.messages import Message, gettext_noop

# HS 2022 subheadings of 8703 for cars with only a piston engine, by cylinder capacity: the
# upper limit in cc of each band (inclusive), and the code of the band above the last limit.
PETROL_BANDS = ((1000, "8703.21"), (1500, "8703.22"), (3000, "8703.23"))
PETROL_OVER = "8703.24"
DIESEL_BANDS = ((1500, "8703.31"), (2500, "8703.32"))
DIESEL_OVER = "8703.33"

# Engine and electric motor: spark ignition (petrol) or compression ignition (diesel), and
# whether the battery is charged from the grid.
HYBRID_CODES = {
    ("petrol", False): "8703.40",
    ("diesel", False): "8703.50",
    ("petrol", True): "8703.60",
    ("diesel", True): "8703.70",
}
PLUG_IN = frozenset({"PHEV", "EREV"})

HYBRID_REASONS = {
    ("petrol", False): gettext_noop(
        "spark-ignition engine and electric motor, not charged from the grid"
    ),
    ("diesel", False): gettext_noop("diesel engine and electric motor, not charged from the grid"),
    ("petrol", True): gettext_noop(
        "spark-ignition engine and electric motor, charged from the grid"
    ),
    ("diesel", True): gettext_noop("diesel engine and electric motor, charged from the grid"),
}


def hs_code(
    powertrain: str, engine_cc: int | None = None, fuel: str = "petrol"
) -> tuple[str, Message]:
    """The six-digit HS code and the reason it applies; `fuel` is "petrol" or "diesel"."""
    diesel = fuel == "diesel"
    fuel = "diesel" if diesel else "petrol"
    if powertrain == "BEV":
        return "8703.80", Message(
            gettext_noop("battery electric: only an electric motor for propulsion")
        )
    if powertrain in PLUG_IN or powertrain == "HEV":
        key = (fuel, powertrain in PLUG_IN)
        return HYBRID_CODES[key], Message(HYBRID_REASONS[key])
    if not engine_cc:
        return "8703.90", Message(
            gettext_noop("diesel car with unknown engine size: classify by hand")
            if diesel
            else gettext_noop("petrol car with unknown engine size: classify by hand")
        )
    bands, over = (DIESEL_BANDS, DIESEL_OVER) if diesel else (PETROL_BANDS, PETROL_OVER)
    for limit, code in bands:
        if engine_cc <= limit:
            return code, Message(
                gettext_noop("diesel engine of %(cc)s cc (up to %(limit)s cc)")
                if diesel
                else gettext_noop("petrol engine of %(cc)s cc (up to %(limit)s cc)"),
                cc=engine_cc,
                limit=limit,
            )
    return over, Message(
        gettext_noop("diesel engine of %(cc)s cc (over %(limit)s cc)")
        if diesel
        else gettext_noop("petrol engine of %(cc)s cc (over %(limit)s cc)"),
        cc=engine_cc,
        limit=bands[-1][0],
    )


def vehicle_hs_code(vehicle) -> tuple[str, Message]:
    """`hs_code` of anything with a powertrain, an engine size and a fuel, such as a Vehicle."""
    return hs_code(vehicle.powertrain, vehicle.engine_cc, vehicle.fuel)
