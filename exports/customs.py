"""HS tariff headings for passenger cars by powertrain (HS 2022, heading 8703); no Django import."""

PETROL_BANDS = ((1000, "8703.21"), (1500, "8703.22"), (3000, "8703.23"))


def hs_code(powertrain: str, engine_cc: int | None = None) -> tuple[str, str]:
    """The six-digit HS code and the reason it applies."""
    if powertrain == "BEV":
        return "8703.80", "battery electric: only an electric motor for propulsion"
    if powertrain in {"PHEV", "EREV"}:
        return "8703.60", "spark-ignition engine and electric motor, charged from the grid"
    if powertrain == "HEV":
        return "8703.40", "spark-ignition engine and electric motor, not charged from the grid"
    if not engine_cc:
        return "8703.90", "petrol car with unknown engine size: classify by hand"
    for limit, code in PETROL_BANDS:
        if engine_cc <= limit:
            return code, f"petrol engine of {engine_cc} cc (up to {limit} cc)"
    return "8703.24", f"petrol engine of {engine_cc} cc (over 3000 cc)"
