"""Decoding a VIN: maker and country from the shipped WMI table, model year from position 10.

Each row names the domain reference's source beside it (section 1.1 for years, 1.2 for WMIs).
"""

import json

import pytest
from django.utils import translation

from core.translation import message_text
from inventory import vin
from inventory.data import WMI_CODES_FILE

SHIPPED = json.loads(WMI_CODES_FILE.read_text(encoding="utf-8"))
TABLE = {row["wmi"]: vin.Maker(row["maker"], row["country"]) for row in SHIPPED["codes"]}
BY_WMI = {row["wmi"]: row for row in SHIPPED["codes"]}


@pytest.mark.parametrize(
    ("wmi", "maker", "confidence", "source"),
    [
        ("LGX", "BYD Auto", "H", "vininfo dicts/wmi.py; unnamed dict"),
        ("LC0", "BYD", "M", "vininfo; unnamed dict"),
        ("LPE", "BYD Auto", "M", "vindecoder.site/wmi/LPE; unnamed dict"),
        ("LA9", "BYD", "L", "unnamed dict"),
        ("LRW", "Tesla (Shanghai)", "H", "vininfo (commit 06abd92); several code files"),
        ("LVV", "Chery", "H", "vininfo; unnamed dict"),
        ("LUR", "Chery", "L", "unnamed dict"),
        ("L6T", "Geely", "H", "vininfo; unnamed dict"),
        ("L10", "Geely", "L", "unnamed dict"),
        ("LGW", "Great Wall (Haval)", "H", "vininfo; unnamed dict"),
        ("LSJ", "SAIC MG", "H", "vininfo; unnamed dict"),
        ("LSG", "SAIC-GM", "H", "vininfo"),
        ("LSV", "SAIC-Volkswagen", "H", "vininfo"),
        ("LZW", "SAIC-GM-Wuling", "H", "vininfo"),
        ("LS5", "Changan", "M", "vininfo; unnamed dict"),
        ("LMG", "GAC Trumpchi", "H", "vininfo; unnamed dict"),
        ("LNA", "GAC Aion", "L", "unnamed dict"),
        ("LFV", "FAW-Volkswagen", "H", "vininfo"),
        ("LFZ", "Leapmotor", "L", "unnamed dict"),
        ("LW4", "Li Auto", "L", "unnamed dict"),
        ("L1N", "XPeng", "L", "unnamed dict"),
        ("LJ1", "JAC", "H", "vininfo; unnamed dict"),
        ("LNB", "BAIC", "L", "unnamed dict"),
        ("HJR", "Jetour", "L", "unnamed dict"),
        ("HES", "smart (Geely-Mercedes JV)", "L", "unnamed dict"),
        ("LBV", "BMW Brilliance", "H", "vininfo"),
        ("LE4", "Beijing Benz", "H", "vininfo"),
        ("LPS", "Polestar", "M", "unnamed dict and other code files"),
    ],
)
def test_the_shipped_table_holds_the_reference_rows(wmi, maker, confidence, source):
    row = BY_WMI[wmi]
    assert (row["maker"], row["confidence"], row["source"], row["country"]) == (
        maker,
        confidence,
        source,
        "China",
    )


def test_codes_no_trusted_source_gives_are_left_out_and_said_so():
    # NIO: "not found in any source I trust"; blogs' LNB/LE4 belong to BAIC and Beijing Benz.
    assert not any("NIO" in row["maker"] for row in SHIPPED["codes"])
    assert "NIO" in SHIPPED["note"] and "Zeekr" in SHIPPED["note"]


def test_every_demo_catalogue_wmi_is_in_the_table():
    from dealerhub.demo.catalogue import CATALOGUE

    assert {wmi for _make, wmi, _models in CATALOGUE} <= set(TABLE)


@pytest.mark.parametrize(
    ("raw", "this_year", "make", "years"),
    [
        # V8: S = 2025; 1995, one cycle back, predates China's VIN standard (GB/T 16736-1997).
        (vin.with_check_digit("LGXCE4CB0S0123456"), 2026, "BYD Auto", (2025,)),
        # V8: T = 2026, not 1996.
        (vin.with_check_digit("LRWYGCEK0TC000001"), 2026, "Tesla (Shanghai)", (2026,)),
        # V10: a late build may carry next year's code, V = 2027, still likelier than 1997.
        (vin.with_check_digit("L6TCE4CB0VC000001"), 2026, "Geely", (2027, 1997)),
        # V8: Y = 2030 would be in the future in 2026, so 2000 is the year.
        (vin.with_check_digit("LVVCE4CB0YC000001"), 2026, "Chery", (2000,)),
        # V8: A = 1980/2010; a Chinese VIN cannot be a 1980.
        (vin.with_check_digit("LGWCE4CB0AC000001"), 2026, "Great Wall (Haval)", (2010,)),
    ],
)
def test_decode_reads_maker_and_the_likeliest_year_first(raw, this_year, make, years):
    decoded = vin.decode(raw, TABLE, this_year=this_year)
    assert (decoded.make, decoded.country, decoded.model_years) == (make, "China", years)
    assert decoded.model_year == years[0]
    assert decoded.other_model_years == years[1:]
    assert decoded.region == "Asia"


def test_an_unknown_wmi_decodes_without_a_maker_and_warns_only():
    # LZZ: blogs say Changan, the reference attributes it to other makers; not shipped.
    decoded = vin.decode(vin.with_check_digit("LZZCE4CB0SC000001"), TABLE, this_year=2026)
    assert (decoded.make, decoded.country, decoded.model_year) == ("", "China", 2025)
    (warning,) = vin.decode_warnings(decoded, "Changan")
    assert str(warning).startswith("Unknown maker: LZZ")


def test_a_european_vin_decodes_its_region():
    # V7: a genuine Renault VIN; the table holds no European makers.
    decoded = vin.decode("VF1LM1B0H36666155", TABLE, this_year=2026)
    assert (decoded.make, decoded.country, decoded.region) == ("", "", "Europe")


@pytest.mark.parametrize(
    ("typed", "listed", "warns"),
    [
        ("BYD", "BYD Auto", False),
        ("byd auto", "BYD Auto", False),
        ("Great Wall", "Great Wall (Haval)", False),
        ("Haval", "Great Wall (Haval)", False),
        ("GAC", "GAC Trumpchi", False),
        ("Geely", "BYD Auto", True),
        ("MG", "SAIC-GM", True),
        ("", "BYD Auto", False),
    ],
)
def test_a_typed_make_that_differs_from_the_maker_names_both(typed, listed, warns):
    decoded = vin.Decoded(
        make=listed, country="China", model_years=(2025,), region="Asia", wmi="LGX"
    )
    warnings = vin.decode_warnings(decoded, typed)
    assert bool(warnings) == warns
    if warns:
        text = str(warnings[0])
        assert typed in text and listed in text


@pytest.mark.parametrize(
    ("raw", "years"),
    [
        # A North American VIN: a letter in position 7 means 2010 onwards, a digit before.
        (vin.with_check_digit("1M8GDMAA0KP042788"), (2019,)),
        (vin.with_check_digit("1M8GDM9A0KP042788"), (1989,)),
        # A European VIN says nothing more: both cycles stay open, the newest first.
        ("WBA00000XS0000000", (2025, 1995)),
    ],
)
def test_the_other_cycle_is_kept_only_when_the_vin_leaves_it_open(raw, years):
    assert vin.decode(raw, {}, this_year=2026).model_years == years


@pytest.mark.parametrize(
    ("language", "raw", "shown"),
    [
        ("en", "WBA00000XS0000000", "2025 (or 1995)"),
        ("zh-hans", "WBA00000XS0000000", "2025（或 1995）"),  # noqa: RUF001 (Chinese brackets)
        ("en", vin.with_check_digit("LGXCE4CB0S0123456"), "2025"),
        ("zh-hans", vin.with_check_digit("LGXCE4CB0S0123456"), "2025"),
    ],
)
def test_the_model_year_reads_as_one_year_with_the_alternative_only_when_open(language, raw, shown):
    with translation.override(language):
        assert message_text(vin.decode(raw, {}, this_year=2026).model_year_text) == shown
