"""HS tariff headings for passenger cars by powertrain (HS 2022, heading 8703); no Django import.

The reasons are messages that keep their template, so pages show them in the reader's
language."""

from inventory.messages import Message, gettext_noop

PETROL_BANDS = ((1000, "8703.21"), (1500, "8703.22"), (3000, "8703.23"))


def hs_code(powertrain: str, engine_cc: int | None = None) -> tuple[str, Message]:
    """The six-digit HS code and the reason it applies."""
    if powertrain == "BEV":
        return "8703.80", Message(
            gettext_noop("battery electric: only an electric motor for propulsion")
        )
    if powertrain in {"PHEV", "EREV"}:
        return "8703.60", Message(
            gettext_noop("spark-ignition engine and electric motor, charged from the grid")
        )
    if powertrain == "HEV":
        return "8703.40", Message(
            gettext_noop("spark-ignition engine and electric motor, not charged from the grid")
        )
    if not engine_cc:
        return "8703.90", Message(
            gettext_noop("petrol car with unknown engine size: classify by hand")
        )
    for limit, code in PETROL_BANDS:
        if engine_cc <= limit:
            return code, Message(
                gettext_noop("petrol engine of %(cc)s cc (up to %(limit)s cc)"),
                cc=engine_cc,
                limit=limit,
            )
    return "8703.24", Message(
        gettext_noop("petrol engine of %(cc)s cc (over 3000 cc)"), cc=engine_cc
    )
