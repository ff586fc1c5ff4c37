"""Paint verdicts from gauge readings: table-driven, with the default thresholds of
domain_rules.md 4.1 (repaint above 200 µm and 1.5x the roof, filler above 500, structural
repair above 1,000, replaced panel 25 µm below the roof)."""

from decimal import Decimal

import pytest

from inventory.paint import (
    DEFAULT_THRESHOLDS,
    PanelVerdict,
    ReadingError,
    Thresholds,
    assess,
    mean_um,
    overall_finding,
    panel_verdict,
    parse_points,
)

V = PanelVerdict


@pytest.mark.parametrize(
    ("microns", "baseline", "expected"),
    [
        (120, 120, V.ORIGINAL),  # same as the roof
        (170, 120, V.ORIGINAL),  # thicker, but within 200 µm: factory paint varies
        (200, 120, V.ORIGINAL),  # exactly at the absolute limit
        (201, 120, V.REPAINT_SUSPECTED),  # above 200 and above 1.5 x 120 = 180
        (220, 150, V.ORIGINAL),  # above 200 but not above 1.5 x 150 = 225
        (226, 150, V.REPAINT_SUSPECTED),
        (500, 120, V.REPAINT_SUSPECTED),  # filler starts above 500
        (501, 120, V.FILLER_SUSPECTED),
        (1000, 120, V.FILLER_SUSPECTED),
        (1001, 120, V.STRUCTURAL_REPAIR_LIKELY),
        (5000, 120, V.STRUCTURAL_REPAIR_LIKELY),
        (95, 120, V.ORIGINAL),  # 25 below the roof: still original
        (94, 120, V.PANEL_REPLACED_SUSPECTED),  # an aftermarket panel lacks the e-coat
        (0, 120, V.PANEL_REPLACED_SUSPECTED),
        (250, None, V.REPAINT_SUSPECTED),  # no roof baseline: the absolute limit alone
        (60, None, V.ORIGINAL),  # no baseline: "replaced" cannot be judged
        (None, 120, V.NOT_MEASURABLE),
    ],
)
def test_panel_verdict(microns, baseline, expected):
    assert panel_verdict(microns, baseline) == expected


def test_an_unmeasurable_panel_has_no_verdict_whatever_it_reads():
    assert panel_verdict(900, 120, measurable=False) == V.NOT_MEASURABLE


@pytest.mark.parametrize(
    ("limits", "microns", "expected"),
    [
        (Thresholds(repaint_min_um=160), 185, V.REPAINT_SUSPECTED),  # 200 by default
        (Thresholds(repaint_baseline_factor=Decimal("2")), 230, V.ORIGINAL),  # 2 x 120 = 240
        (Thresholds(filler_min_um=300), 301, V.FILLER_SUSPECTED),
        (Thresholds(structural_min_um=800), 801, V.STRUCTURAL_REPAIR_LIKELY),
        (Thresholds(replaced_below_baseline_um=10), 109, V.PANEL_REPLACED_SUSPECTED),
    ],
)
def test_a_dealer_tunes_the_thresholds(limits, microns, expected):
    assert panel_verdict(microns, 120, limits=limits) == expected


@pytest.mark.parametrize(
    ("points", "mean"),
    [([120], 120), ([118, 121, 122], 120), ([100, 101], 101), ([], None)],  # 100.5 rounds up
)
def test_the_panel_reading_is_the_mean_of_its_points(points, mean):
    assert mean_um(points) == mean


@pytest.mark.parametrize(
    ("typed", "points"),
    [
        ("118 121 122", [118, 121, 122]),
        ("118,121, 122", [118, 121, 122]),
        ("118\uff0c121\u3001122\uff1b119", [118, 121, 122, 119]),  # a Chinese keyboard
        ("  ", []),
        ("0 5000", [0, 5000]),
    ],
)
def test_readings_are_typed_as_on_the_gauge(typed, points):
    assert parse_points(typed) == points


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("120 5001", "out_of_range", {"value": 5001, "limit": 5000}),
        ("120 -3", "not_a_number", {"value": "-3"}),
        ("12.5", "not_a_number", {"value": "12.5"}),
        ("abc", "not_a_number", {"value": "abc"}),
        (" ".join(["120"] * 31), "too_many", {"limit": 30}),
    ],
)
def test_readings_that_cannot_be_taken_say_why(typed, code, params):
    with pytest.raises(ReadingError) as caught:
        parse_points(typed)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_assess_judges_every_panel_against_the_roof():
    result = assess(
        {
            "roof": ("steel", [118, 120, 122, 119, 121]),
            "hood": ("aluminium", [125, 131]),
            "front_door_l": ("steel", [310, 330, 290]),
            "trunk": ("plastic", []),
            "rear_quarter_r": ("steel", [90, 88]),
        }
    )
    verdicts = {p.panel: p.verdict for p in result.panels}
    assert result.baseline_um == 120
    assert verdicts == {
        "roof": V.ORIGINAL,
        "hood": V.ORIGINAL,
        "front_door_l": V.REPAINT_SUSPECTED,
        "trunk": V.NOT_MEASURABLE,
        "rear_quarter_r": V.PANEL_REPLACED_SUSPECTED,
    }
    assert result.finding == V.REPAINT_SUSPECTED  # worse than a replaced panel
    assert [p.panel for p in result.flagged] == ["front_door_l", "rear_quarter_r"]


def test_a_glass_roof_leaves_no_baseline():
    result = assess({"roof": ("plastic", []), "hood": ("steel", [240])})
    assert result.baseline_um is None
    assert result.panels[1].verdict == V.REPAINT_SUSPECTED


def test_the_roof_itself_is_judged_on_the_absolute_limits():
    result = assess({"roof": ("steel", [260, 262]), "hood": ("steel", [260])})
    assert result.panels[0].verdict == V.REPAINT_SUSPECTED
    assert result.panels[1].verdict == V.ORIGINAL  # as thick as the (repainted) roof


@pytest.mark.parametrize(
    ("verdicts", "finding"),
    [
        ([V.ORIGINAL, V.ORIGINAL], V.ORIGINAL),
        ([V.ORIGINAL, V.NOT_MEASURABLE], V.ORIGINAL),
        ([V.NOT_MEASURABLE], V.NOT_MEASURABLE),
        ([], V.NOT_MEASURABLE),
        ([V.PANEL_REPLACED_SUSPECTED, V.REPAINT_SUSPECTED], V.REPAINT_SUSPECTED),
        ([V.FILLER_SUSPECTED, V.REPAINT_SUSPECTED], V.FILLER_SUSPECTED),
        ([V.FILLER_SUSPECTED, V.STRUCTURAL_REPAIR_LIKELY], V.STRUCTURAL_REPAIR_LIKELY),
    ],
)
def test_the_overall_finding_is_the_worst_panel(verdicts, finding):
    assert overall_finding(verdicts) == finding


def test_thresholds_survive_a_round_trip_through_json():
    limits = Thresholds(repaint_baseline_factor=Decimal("1.75"), filler_min_um=450)
    assert Thresholds.from_json(limits.as_json()) == limits
    assert DEFAULT_THRESHOLDS.as_json()["repaint_baseline_factor"] == "1.5"
