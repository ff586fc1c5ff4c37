"""HS tariff headings for passenger cars by powertrain and fuel (HS 2022, heading 8703), and
China's 10-digit tariff lines that its export licences are applied for; no Django import.

The reasons are messages that keep their template, so pages show them in the reader's
language."""

import json
from dataclasses import dataclass
from pathlib import Path

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


# --- China's 10-digit tariff lines ---------------------------------------------------------------

CHINA_LINES_FILE = Path(__file__).resolve().parent / "data" / "china_commodity_codes.json"
BODY_TYPES = ("saloon", "off_road", "wagon", "other")
BODY_NAMES = {
    "saloon": gettext_noop("saloon"),
    "off_road": gettext_noop("off-road vehicle (4WD)"),
    "wagon": gettext_noop("station wagon of 9 seats or fewer"),
    "other": gettext_noop("other passenger vehicle"),
}


@dataclass(frozen=True)
class TariffLine:
    code: str
    hs_code: str
    body_types: frozenset[str]
    cc_over: int | None
    cc_max: int | None
    source_url: str
    confidence: str
    verified: bool

    def covers(self, body_type: str, engine_cc: int | None) -> bool:
        if body_type and body_type not in self.body_types:
            return False
        if self.cc_over is not None and (engine_cc is None or engine_cc <= self.cc_over):
            return False
        return self.cc_max is None or (engine_cc is not None and engine_cc <= self.cc_max)


@dataclass(frozen=True)
class CommodityCode:
    """China's 10-digit line for a car; `code` is "" when it cannot be told, and then
    `missing` names the vehicle fact to record ("" when the table has no line for the car)."""

    code: str
    hs_code: str
    verified: bool
    reason: Message
    missing: str = ""
    source_url: str = ""

    @property
    def batch_key(self) -> str:
        """Cars share a licence only under one code; cars without one wait together after the
        known lines of their six-digit code."""
        return self.code or self.hs_code.replace(".", "") + "?"


def load_china_lines(path=CHINA_LINES_FILE) -> tuple[TariffLine, ...]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))["lines"]
    return tuple(
        TariffLine(
            code=row["code"],
            hs_code=row["hs_code"],
            body_types=frozenset(row["body_types"]),
            cc_over=row["cc_over"],
            cc_max=row["cc_max"],
            source_url=row["source_url"],
            confidence=row["confidence"],
            verified=row["verified"],
        )
        for row in rows
    )


CHINA_LINES = load_china_lines()


def china_commodity_code(
    powertrain: str,
    engine_cc: int | None = None,
    fuel: str = "petrol",
    body_type: str = "",
    lines: tuple[TariffLine, ...] = CHINA_LINES,
) -> CommodityCode:
    """The 10-digit line of China's tariff for a car, or why it cannot be told.

    The six-digit code comes from `hs_code`; the table then needs the body type (unless one
    line covers every body) and, where its lines split by engine size, the displacement. A
    missing fact is named rather than guessed."""
    hs, _reason = hs_code(powertrain, engine_cc, fuel)
    under = [line for line in lines if line.hs_code == hs]
    if powertrain != "BEV" and not engine_cc:
        return CommodityCode(
            "",
            hs,
            False,
            Message(
                gettext_noop("Record the engine displacement: China's 10-digit line depends on it.")
            ),
            missing="engine_cc",
        )
    if not body_type and not any(
        line.body_types >= set(BODY_TYPES) and line.covers("", engine_cc) for line in under
    ):
        return CommodityCode(
            "",
            hs,
            False,
            Message(gettext_noop("Record the body type: China's 10-digit line depends on it.")),
            missing="body_type",
        )
    for line in under:
        if line.covers(body_type, engine_cc):
            template = (
                gettext_noop("China tariff line for a %(body)s under HS %(hs)s.")
                if line.verified
                else gettext_noop(
                    "Unverified: China tariff line for a %(body)s under HS %(hs)s, read on a "
                    "tariff listing and not yet checked against the tariff in force."
                )
            )
            body = (
                Message(BODY_NAMES[body_type])
                if body_type
                else Message(gettext_noop("passenger car"))
            )
            return CommodityCode(
                line.code,
                hs,
                line.verified,
                Message(template, body=body, hs=hs),
                source_url=line.source_url,
            )
    return CommodityCode(
        "",
        hs,
        False,
        Message(
            gettext_noop(
                "DealerHub's table has no China tariff line for a %(body)s under HS %(hs)s: "
                "classify it by hand."
            ),
            body=Message(BODY_NAMES.get(body_type, body_type)),
            hs=hs,
        ),
    )


def vehicle_commodity_code(vehicle) -> CommodityCode:
    """`china_commodity_code` of anything with a powertrain, engine size, fuel and body type."""
    return china_commodity_code(
        vehicle.powertrain, vehicle.engine_cc, vehicle.fuel, vehicle.body_type or ""
    )
