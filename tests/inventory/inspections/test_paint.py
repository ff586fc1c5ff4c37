"""Paint verdicts from gauge readings: table-driven, with the default thresholds of
domain_rules.md 4.1 (repaint above 200 µm and 1.5x the baseline, filler above 500, structural
repair above 1,000, replaced panel 25 µm below the baseline). The baseline is the median of the
panel means of one material, from at least three panels (method P6, made robust to a repainted
or glass roof); every point is judged as well as the panel (P2: one spot is not the panel)."""

from decimal import Decimal

import pytest

from inventory.paint import (
    DEFAULT_THRESHOLDS,
    PanelVerdict,
    ReadingError,
    Thresholds,
    assess,
    judge_panel,
    mean_um,
    median_um,
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
        # No baseline: repaint and replacement are relative and cannot be told (P1: factory
        # paint reaches 350 µm); filler and structural repair are beyond any factory paint.
        (250, None, V.NO_BASELINE),
        (60, None, V.NO_BASELINE),
        (500, None, V.NO_BASELINE),
        (501, None, V.FILLER_SUSPECTED),
        (1001, None, V.STRUCTURAL_REPAIR_LIKELY),
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


STEEL_BODY = [
    "hood",
    "front_fender_l",
    "a_pillar_l",
    "front_door_l",
    "b_pillar_l",
    "rear_door_l",
    "sill_l",
    "rear_quarter_l",
    "trunk",
    "rear_quarter_r",
    "sill_r",
    "rear_door_r",
    "b_pillar_r",
    "front_door_r",
    "a_pillar_r",
    "front_fender_r",
]


def car(roof=("steel", [118, 120, 122]), limits=DEFAULT_THRESHOLDS, **panels):
    """Every panel steel at a factory 124-128 µm (mean 126), the roof and `panels` as given."""
    body = {panel: ("steel", [124, 126, 128]) for panel in STEEL_BODY}
    return assess({"roof": roof, **body, **panels}, limits)


def verdicts_of(result):
    return {p.panel: p.verdict for p in result.panels}


@pytest.mark.parametrize(
    ("case", "panels", "expected", "finding"),
    [
        # P6 with a median: a repainted roof (mean 259) is itself found, and neither hides
        # the repainted door (385) nor makes the factory hood (130) look replaced.
        (
            "repainted roof",
            {
                "roof": ("steel", [255, 259, 263]),
                "front_door_l": ("steel", [380, 385, 390]),
                "hood": ("steel", [128, 130, 132]),
            },
            {"roof": V.REPAINT_SUSPECTED, "front_door_l": V.REPAINT_SUSPECTED, "hood": V.ORIGINAL},
            V.REPAINT_SUSPECTED,
        ),
        # P6: glass reads nothing; the steel panels still give the baseline.
        (
            "glass roof",
            {"roof": ("plastic", []), "hood": ("steel", [240, 240, 240])},
            {"roof": V.NOT_MEASURABLE, "hood": V.REPAINT_SUSPECTED, "trunk": V.ORIGINAL},
            V.REPAINT_SUSPECTED,
        ),
        # 4.1 PANEL_REPLACED_SUSPECTED: more than 25 µm below the baseline of 126.
        (
            "thin panel",
            {"rear_quarter_r": ("steel", [90, 88])},
            {"rear_quarter_r": V.PANEL_REPLACED_SUSPECTED, "roof": V.ORIGINAL},
            V.PANEL_REPLACED_SUSPECTED,
        ),
        # P6 (N mode for aluminium): aluminium is its own baseline; one aluminium hood has
        # too few panels to be compared, the steel body is judged as usual.
        (
            "one aluminium panel",
            {"hood": ("aluminium", [60, 62, 64])},
            {"hood": V.NO_BASELINE, "trunk": V.ORIGINAL},
            V.ORIGINAL,
        ),
    ],
)
def test_every_panel_is_judged_against_the_median_of_its_material(case, panels, expected, finding):
    result = car(**panels)
    found = verdicts_of(result)
    assert {panel: found[panel] for panel in expected} == expected, case
    assert result.finding == finding, case


def test_the_baseline_is_the_median_of_each_materials_panel_means():
    result = car(
        hood=("aluminium", [100, 102]),
        trunk=("aluminium", [110]),
        front_fender_l=("aluminium", [90, 94]),
    )
    assert result.baselines == {"aluminium": 101, "steel": 126}


@pytest.mark.parametrize(
    ("panels", "finding"),
    [
        # No baseline at all: every panel glass or plastic (P6: no gauge mode reads them).
        ({panel: ("plastic", []) for panel in ["roof", *STEEL_BODY]}, V.NO_BASELINE),
        # Too few panels measured for a median to outvote one repaired panel.
        ({"roof": ("steel", [260, 262]), "hood": ("steel", [130])}, V.NO_BASELINE),
        # ... but filler is beyond any factory paint (4.1), baseline or not.
        ({"roof": ("steel", [120]), "hood": ("steel", [640])}, V.FILLER_SUSPECTED),
    ],
)
def test_without_a_baseline_the_car_cannot_be_judged(panels, finding):
    result = assess(panels)
    assert set(result.baselines.values()) <= {None}
    assert result.finding == finding
    assert {p.verdict for p in result.panels} <= {
        V.NO_BASELINE,
        V.NOT_MEASURABLE,
        V.FILLER_SUSPECTED,
    }


@pytest.mark.parametrize(
    ("points", "verdict", "local", "per_point"),
    [
        # P2: one filler spot of 900 µm among factory points is a local finding, not a
        # whole-panel repaint of the mean 276.
        (
            [120, 118, 122, 900, 121],
            V.ORIGINAL,
            V.FILLER_SPOT_SUSPECTED,
            [V.ORIGINAL] * 3 + [V.FILLER_SPOT_SUSPECTED, V.ORIGINAL],
        ),
        # 4.1 repaint threshold on one point (above 200 and 1.5 x 126 = 189): a spot repair.
        ([124, 126, 201], V.ORIGINAL, V.SPOT_REPAIR_SUSPECTED, None),
        ([124, 126, 200], V.ORIGINAL, None, None),  # exactly at: factory (P2 up to 200)
        # 4.1 filler threshold on one point.
        ([124, 126, 500], V.ORIGINAL, V.SPOT_REPAIR_SUSPECTED, None),
        ([124, 126, 501], V.ORIGINAL, V.FILLER_SPOT_SUSPECTED, None),
        # 4.1 structural threshold on one point is a filled dent there (P5), still local.
        ([124, 126, 1001], V.ORIGINAL, V.FILLER_SPOT_SUSPECTED, None),
        # A filler spot on a repainted panel: both are named.
        ([300, 310, 290, 900, 305], V.REPAINT_SUSPECTED, V.FILLER_SPOT_SUSPECTED, None),
        # A repainted panel's points vary; none stands out from the others' verdict.
        ([300, 320, 480], V.REPAINT_SUSPECTED, None, None),
        # Two points give no "others" to stand out from: the mean judges the panel.
        ([120, 600], V.REPAINT_SUSPECTED, None, [V.ORIGINAL, V.FILLER_SUSPECTED]),
        # Half the points or more is the panel, not a spot.
        ([120, 120, 900, 900], V.FILLER_SUSPECTED, None, None),
    ],
)
def test_every_point_is_judged_and_a_spot_stays_local(points, verdict, local, per_point):
    result = judge_panel("front_door_l", "steel", points, 126)
    assert (result.verdict, result.local) == (verdict, local)
    assert result.microns == mean_um(points)  # what the gauge read, all points
    if per_point is not None:
        assert list(result.point_verdicts) == per_point


def test_a_spot_raises_the_reports_finding_but_not_the_panels():
    result = car(front_door_l=("steel", [120, 118, 122, 900, 121]))
    door = next(p for p in result.panels if p.panel == "front_door_l")
    assert (door.verdict, door.local, door.worst) == (
        V.ORIGINAL,
        V.FILLER_SPOT_SUSPECTED,
        V.FILLER_SPOT_SUSPECTED,
    )
    assert result.finding == V.FILLER_SPOT_SUSPECTED
    assert [p.panel for p in result.flagged] == ["front_door_l"]


@pytest.mark.parametrize(
    ("microns", "expected"),
    [
        # Each 4.1 threshold against a baseline of 126: exactly at, then one µm over.
        (200, V.ORIGINAL),  # repaint: above 200 and above 1.5 x 126 = 189
        (201, V.REPAINT_SUSPECTED),
        (500, V.REPAINT_SUSPECTED),  # filler above 500
        (501, V.FILLER_SUSPECTED),
        (1000, V.FILLER_SUSPECTED),  # structural above 1,000
        (1001, V.STRUCTURAL_REPAIR_LIKELY),
        (101, V.ORIGINAL),  # replaced: more than 25 below 126
        (100, V.PANEL_REPLACED_SUSPECTED),
    ],
)
def test_a_whole_panel_at_each_threshold(microns, expected):
    assert judge_panel("hood", "steel", [microns] * 3, 126).verdict == expected


@pytest.mark.parametrize(
    ("min_panels", "measured", "has_baseline"),
    [
        (3, 2, False),  # default 3: fewer panels cannot outvote one repaired panel
        (3, 3, True),  # exactly at the minimum
        (2, 2, True),  # a dealer's own, lower minimum
        (5, 4, False),  # a dealer's own, higher minimum
    ],
)
def test_the_baseline_needs_the_dealers_minimum_of_panels(min_panels, measured, has_baseline):
    panels = {panel: ("steel", [125]) for panel in STEEL_BODY[:measured]}
    result = assess(panels, Thresholds(baseline_min_panels=min_panels))
    assert (result.baselines["steel"] is not None) == has_baseline


@pytest.mark.parametrize(
    ("values", "median"),
    [([126], 126), ([120, 126, 259], 126), ([120, 131], 126), ([100, 101], 101), ([], None)],
)
def test_the_median_is_rounded_to_a_whole_micron(values, median):
    assert median_um(values) == median


@pytest.mark.parametrize(
    ("verdicts", "finding"),
    [
        ([V.ORIGINAL, V.ORIGINAL], V.ORIGINAL),
        ([V.ORIGINAL, V.NOT_MEASURABLE], V.ORIGINAL),
        ([V.NOT_MEASURABLE], V.NOT_MEASURABLE),
        ([V.ORIGINAL, V.NO_BASELINE], V.ORIGINAL),  # the unjudged panel shows on its own
        ([V.SPOT_REPAIR_SUSPECTED, V.PANEL_REPLACED_SUSPECTED], V.PANEL_REPLACED_SUSPECTED),
        ([V.FILLER_SPOT_SUSPECTED, V.REPAINT_SUSPECTED], V.FILLER_SPOT_SUSPECTED),
        ([V.FILLER_SPOT_SUSPECTED, V.FILLER_SUSPECTED], V.FILLER_SUSPECTED),
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
