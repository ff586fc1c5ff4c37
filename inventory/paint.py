"""Paint-thickness verdicts per panel, from gauge readings in microns (no Django import).

Thresholds are heuristics from inspection practice (domain_rules.md 4.1), not a standard; each
dealer tunes them. The roof is the baseline because it is rarely repaired: every other panel is
judged against the mean of the roof's readings as well as against absolute limits.
"""

import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

READING_MAX_UM = 5000  # beyond any paint gauge's range: a typing error
POINTS_MAX = 30  # readings kept per panel
BASELINE_PANEL = "roof"
NOT_MEASURABLE_SUBSTRATES = frozenset({"plastic"})  # a magnetic or eddy-current gauge reads nothing


class PanelVerdict(StrEnum):
    ORIGINAL = "original"
    REPAINT_SUSPECTED = "repaint_suspected"
    FILLER_SUSPECTED = "filler_suspected"
    STRUCTURAL_REPAIR_LIKELY = "structural_repair_likely"
    PANEL_REPLACED_SUSPECTED = "panel_replaced_suspected"
    NOT_MEASURABLE = "not_measurable"


# How bad a verdict is, for the report's overall finding: worst last.
SEVERITY = (
    PanelVerdict.NOT_MEASURABLE,
    PanelVerdict.ORIGINAL,
    PanelVerdict.PANEL_REPLACED_SUSPECTED,
    PanelVerdict.REPAINT_SUSPECTED,
    PanelVerdict.FILLER_SUSPECTED,
    PanelVerdict.STRUCTURAL_REPAIR_LIKELY,
)


@dataclass(frozen=True)
class Thresholds:
    repaint_min_um: int = 200  # above this, and above baseline x factor: repainted
    repaint_baseline_factor: Decimal = Decimal("1.5")
    filler_min_um: int = 500  # body filler under the paint
    structural_min_um: int = 1000  # sheet-metal repair with filler
    replaced_below_baseline_um: int = 25  # aftermarket panels lack the e-coat layer

    def as_json(self):
        values = asdict(self)
        values["repaint_baseline_factor"] = str(self.repaint_baseline_factor)
        return values

    @classmethod
    def from_json(cls, values):
        values = dict(values)
        values["repaint_baseline_factor"] = Decimal(values["repaint_baseline_factor"])
        return cls(**values)


DEFAULT_THRESHOLDS = Thresholds()


class ReadingError(ValueError):
    """Readings that cannot be taken as typed: `code` says why, `params` fill the message."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


# Latin and Chinese commas and semicolons, the ideographic comma, slashes and spaces.
_SEPARATORS = re.compile("[\\s,;/\uff0c\uff1b\u3001]+")


def parse_points(text):
    """Whole-micron readings typed as "112 118, 121" (Chinese commas too) -> [112, 118, 121]."""
    points = []
    for token in _SEPARATORS.split((text or "").strip()):
        if not token:
            continue
        if not token.isdigit():
            raise ReadingError("not_a_number", value=token)
        points.append(int(token))
    check_points(points)
    return points


def check_points(points):
    if len(points) > POINTS_MAX:
        raise ReadingError("too_many", limit=POINTS_MAX)
    for point in points:
        if not 0 <= point <= READING_MAX_UM:
            raise ReadingError("out_of_range", value=point, limit=READING_MAX_UM)


def mean_um(points):
    """The panel's reading: the mean of its points, rounded half up to a whole micron."""
    if not points:
        return None
    return int((Decimal(sum(points)) / len(points)).quantize(Decimal(1), ROUND_HALF_UP))


def measurable(substrate):
    return substrate not in NOT_MEASURABLE_SUBSTRATES


def panel_verdict(microns, baseline, *, measurable=True, limits=DEFAULT_THRESHOLDS):
    """Verdict for one panel's mean reading against the roof baseline (None: no baseline)."""
    if not measurable or microns is None:
        return PanelVerdict.NOT_MEASURABLE
    if microns > limits.structural_min_um:
        return PanelVerdict.STRUCTURAL_REPAIR_LIKELY
    if microns > limits.filler_min_um:
        return PanelVerdict.FILLER_SUSPECTED
    relative = baseline * limits.repaint_baseline_factor if baseline else 0
    if microns > max(relative, limits.repaint_min_um):
        return PanelVerdict.REPAINT_SUSPECTED
    if baseline and microns < baseline - limits.replaced_below_baseline_um:
        return PanelVerdict.PANEL_REPLACED_SUSPECTED
    return PanelVerdict.ORIGINAL


@dataclass(frozen=True)
class PanelResult:
    panel: str
    substrate: str
    points: tuple[int, ...]
    microns: int | None
    verdict: PanelVerdict


@dataclass(frozen=True)
class Assessment:
    baseline_um: int | None  # None when the roof cannot be measured (glass, plastic)
    panels: tuple[PanelResult, ...]
    finding: PanelVerdict

    @property
    def flagged(self):
        """Panels that are neither original nor unmeasurable, worst first."""
        found = [p for p in self.panels if p.verdict not in _UNREMARKABLE]
        return sorted(found, key=lambda p: SEVERITY.index(p.verdict), reverse=True)


_UNREMARKABLE = {PanelVerdict.ORIGINAL, PanelVerdict.NOT_MEASURABLE}


def assess(panels, limits=DEFAULT_THRESHOLDS):
    """Judge every panel; `panels` maps panel -> (substrate, points), the roof among them."""
    roof = panels.get(BASELINE_PANEL)
    baseline = mean_um(roof[1]) if roof and measurable(roof[0]) else None
    results = []
    for panel, (substrate, points) in panels.items():
        microns = mean_um(points) if measurable(substrate) else None
        reference = None if panel == BASELINE_PANEL else baseline
        verdict = panel_verdict(microns, reference, measurable=measurable(substrate), limits=limits)
        results.append(PanelResult(panel, substrate, tuple(points), microns, verdict))
    return Assessment(baseline, tuple(results), overall_finding(r.verdict for r in results))


def overall_finding(verdicts):
    """The worst panel verdict: what a buyer reads first."""
    return max(verdicts, key=SEVERITY.index, default=PanelVerdict.NOT_MEASURABLE)
