"""VIN normalisation, alphabet, model-year code and check digit, table by table."""

import pytest

from inventory import vin


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),
        ("lgx ce4cb8 s0123456", "LGXCE4CB8S0123456"),
        ("LGX-CE4CB-8S0-123456", "LGXCE4CB8S0123456"),
        ("\tlgxce4cb8s0123456\n", "LGXCE4CB8S0123456"),
    ],
)
def test_normalise_drops_spaces_dashes_and_lower_case(raw, expected):
    assert vin.normalise(raw) == expected


@pytest.mark.parametrize(
    ("partial", "digit"),
    [
        ("1M8GDM9A_KP042788", "X"),  # the worked example: sum 351, remainder 10
        ("LGXCE4CB_S0123456", "8"),
        ("11111111_11111111", "1"),
    ],
)
def test_check_digit(partial, digit):
    assert vin.check_digit(partial.replace("_", "0")) == digit


@pytest.mark.parametrize(
    ("raw", "is_valid", "message"),
    [
        ("1M8GDM9AXKP042788", True, None),
        ("LGXCE4CB8S0123456", True, None),
        ("1M8GDM9A3KP042788", False, "Check digit (position 9) should be X, not 3."),
        ("LGXCE4CB3S0123456", False, "Check digit (position 9) should be 8, not 3."),
        ("HJRCE4CB0S0123456", False, "Check digit (position 9) should be"),
        ("LGXCE4CB8S012345", False, "A VIN has 17 characters; this one has 16."),
        ("LGXCE4CB8S01234567", False, "A VIN has 17 characters; this one has 18."),
        ("LGXCE4CB8SO123456", False, "O (did you mean 0?)"),
        ("LGXCE4CB8SI123456", False, "I (did you mean 1?)"),
        ("LGXCE4CB8S0123#56", False, "not allowed in a VIN: '#'"),
        ("LGXCE4CB8U0123456", False, "cannot be 'U'"),
        ("", False, "Enter the 17-character VIN."),
    ],
)
def test_validate_errors_speak_to_a_person(raw, is_valid, message):
    check = vin.validate(raw)
    assert check.is_valid is is_valid
    if message:
        assert any(message in error for error in check.errors), check.errors


@pytest.mark.parametrize(
    "european",
    ["VF1LM1B0H36666155", "XTAGFK330JY144213"],  # genuine Renault and Lada VINs
)
def test_european_vins_failing_the_check_digit_only_warn(european):
    check = vin.validate(european)
    assert check.is_valid
    assert "only a warning" in check.warnings[0]


@pytest.mark.parametrize(
    ("code", "years"),
    [("A", (2010, 1980)), ("S", (2025, 1995)), ("T", (2026, 1996)), ("1", (2031, 2001))],
)
def test_model_year_codes(code, years):
    assert vin.model_years(code, latest=2035) == years


@pytest.mark.parametrize("code", ["U", "Z", "0", "I", "O", "Q"])
def test_codes_never_used_for_model_year(code):
    assert vin.model_years(code) == ()


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("LGXCE4CB8S0123456", "Asia"),
        ("1M8GDM9AXKP042788", "North America"),
        ("VF1LM1B0H36666155", "Europe"),
    ],
)
def test_region(raw, region):
    assert vin.validate(raw).region == region


def test_with_check_digit_makes_a_valid_vin():
    assert vin.validate(vin.with_check_digit("L6TCE4CB0T0000001")).is_valid
