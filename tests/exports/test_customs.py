"""HS codes of passenger cars (heading 8703) by powertrain, fuel and engine size."""

import pytest

from exports import customs
from inventory.models import message_text


# HS 2022 nomenclature, heading 8703 (domain rules 5.2: etoolsage.com/Query/JPHS.asp; 121-
# export.com/classifications/hs/v2022/870360, /870340; china-gacc.agency 8703 lines, e.g.
# 8703321990 "1.5 < cc <= 2 L, compression-ignition" and 8703504110 diesel with a drive
# motor): spark-ignition only 8703.21 (<= 1000 cc), .22 (<= 1500), .23 (<= 3000), .24;
# compression-ignition (diesel) only 8703.31 (<= 1500 cc), .32 (<= 2500), .33; engine and
# electric motor: .40 petrol / .50 diesel not charged from the grid, .60 petrol / .70 diesel
# plug-in; .80 electric motor only.
@pytest.mark.parametrize(
    ("powertrain", "engine_cc", "fuel", "code"),
    [
        ("BEV", None, "petrol", "8703.80"),
        ("ICE", 998, "petrol", "8703.21"),
        ("ICE", 1000, "petrol", "8703.21"),
        ("ICE", 1001, "petrol", "8703.22"),
        ("ICE", 1500, "petrol", "8703.22"),
        ("ICE", 1998, "petrol", "8703.23"),
        ("ICE", 3000, "petrol", "8703.23"),
        ("ICE", 3001, "petrol", "8703.24"),
        ("ICE", 1499, "diesel", "8703.31"),
        ("ICE", 1500, "diesel", "8703.31"),
        ("ICE", 1501, "diesel", "8703.32"),
        ("ICE", 1996, "diesel", "8703.32"),
        ("ICE", 2500, "diesel", "8703.32"),
        ("ICE", 2501, "diesel", "8703.33"),
        ("ICE", 2999, "diesel", "8703.33"),
        ("ICE", None, "diesel", "8703.90"),
        ("ICE", None, "petrol", "8703.90"),
        ("HEV", 1987, "petrol", "8703.40"),
        ("HEV", 2143, "diesel", "8703.50"),
        ("PHEV", 1498, "petrol", "8703.60"),
        ("EREV", 1498, "petrol", "8703.60"),
        ("PHEV", 1995, "diesel", "8703.70"),
    ],
)
def test_the_hs_code_follows_the_powertrain_fuel_and_engine_size(powertrain, engine_cc, fuel, code):
    found, reason = customs.hs_code(powertrain, engine_cc, fuel)
    assert found == code
    if fuel == "diesel" and powertrain != "BEV":
        assert "diesel" in message_text(reason)
