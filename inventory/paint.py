"""Paint-thickness verdicts per panel and per point, from gauge readings in microns (no Django
import).

Thresholds are heuristics from inspection practice (domain_rules.md 4.1), not a standard; each
dealer tunes them. The method (P6) compares every panel with a baseline of factory paint. The
baseline is the median of the panel means of one substrate, not the roof alone: a repainted
or glass roof would otherwise make every factory panel look wrong, and a median of several
panels is not moved by one or two repaired ones. Steel and aluminium are measured in
different gauge modes (P6), so each is its own baseline; plastic and glass read nothing.
Every point is judged too, so that one filler spot among factory points (P2) is named as a
local finding on its panel instead of being averaged into a whole-panel repaint.
"""

import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

READING_MAX_UM = 5000  # beyond any paint gauge's range: a typing error
POINTS_MAX = 30  # readings kept per panel
NOT_MEASURABLE_SUBSTRATES = frozenset({"plastic"})  # a magnetic or eddy-current gauge reads nothing
# A point can stand out from "the panel's others" only when there are at least two others.
SPOT_MIN_POINTS = 3


class PanelVerdict(StrEnum):
    ORIGINAL = "original"
    REPAINT_SUSPECTED = "repaint_suspected"
    FILLER_SUSPECTED = "filler_suspected"
    STRUCTURAL_REPAIR_LIKELY = "structural_repair_likely"
    PANEL_REPLACED_SUSPECTED = "panel_replaced_suspected"
    NOT_MEASURABLE = "not_measurable"
    # Local findings: a few points above the panel's others, the rest of the panel as judged.
    SPOT_REPAIR_SUSPECTED = "spot_repair_suspected"
    FILLER_SPOT_SUSPECTED = "filler_spot_suspected"
    # No factory baseline to compare with: too few panels of the substrate were measured.
    NO_BASELINE = "no_baseline"


# How bad a verdict is, for the report's overall finding: worst last. A local spot is less
# than the same finding over the whole panel.
SEVERITY = (
    PanelVerdict.NOT_MEASURABLE,
    PanelVerdict.NO_BASELINE,
    PanelVerdict.ORIGINAL,
    PanelVerdict.SPOT_REPAIR_SUSPECTED,
    PanelVerdict.PANEL_REPLACED_SUSPECTED,
    PanelVerdict.REPAINT_SUSPECTED,
    PanelVerdict.FILLER_SPOT_SUSPECTED,
    PanelVerdict.FILLER_SUSPECTED,
    PanelVerdict.STRUCTURAL_REPAIR_LIKELY,
)

# What a point's own verdict becomes when the point is a spot on an otherwise different panel:
# repaint thickness in one place is a spot repair; filler or more is a filled dent (P2, P5).
LOCAL = {
    PanelVerdict.REPAINT_SUSPECTED: PanelVerdict.SPOT_REPAIR_SUSPECTED,
    PanelVerdict.FILLER_SUSPECTED: PanelVerdict.FILLER_SPOT_SUSPECTED,
    PanelVerdict.STRUCTURAL_REPAIR_LIKELY: PanelVerdict.FILLER_SPOT_SUSPECTED,
}


@dataclass(frozen=True)
class Thresholds:
    repaint_min_um: int = 200  # above this, and above baseline x factor: repainted
    repaint_baseline_factor: Decimal = Decimal("1.5")
    filler_min_um: int = 500  # body filler under the paint
    structural_min_um: int = 1000  # sheet-metal repair with filler
    replaced_below_baseline_um: int = 25  # aftermarket panels lack the e-coat layer
    baseline_min_panels: int = 3  # the fewest panels whose median outvotes one repaired panel

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


def median_um(values):
    """The middle value, or the mean of the two middle ones, rounded half up to a whole micron."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return mean_um(ordered[middle - 1 : middle + 1])


def measurable(substrate):
    return substrate not in NOT_MEASURABLE_SUBSTRATES


def rank(verdict):
    return SEVERITY.index(verdict)


def panel_verdict(microns, baseline, *, measurable=True, limits=DEFAULT_THRESHOLDS):
    """Verdict for one reading (a panel's mean or one point) against the factory baseline of
    its substrate. Without a baseline only what no factory paint reaches is judged (filler,
    structural repair); repaint and replacement are relative, so they cannot be told."""
    if not measurable or microns is None:
        return PanelVerdict.NOT_MEASURABLE
    if microns > limits.structural_min_um:
        return PanelVerdict.STRUCTURAL_REPAIR_LIKELY
    if microns > limits.filler_min_um:
        return PanelVerdict.FILLER_SUSPECTED
    if baseline is None:
        return PanelVerdict.NO_BASELINE
    if microns > max(baseline * limits.repaint_baseline_factor, limits.repaint_min_um):
        return PanelVerdict.REPAINT_SUSPECTED
    if microns < baseline - limits.replaced_below_baseline_um:
        return PanelVerdict.PANEL_REPLACED_SUSPECTED
    return PanelVerdict.ORIGINAL


def local_spots(points, point_verdicts, baseline, limits=DEFAULT_THRESHOLDS):
    """Indexes of the points that stand out above the panel's others: each above the panel's
    median and judged worse than it, and fewer than half the points (more is the panel)."""
    if len(points) < SPOT_MIN_POINTS:
        return frozenset()
    typical = median_um(points)
    typical_rank = rank(panel_verdict(typical, baseline, limits=limits))
    spots = frozenset(
        index
        for index, (point, verdict) in enumerate(zip(points, point_verdicts, strict=True))
        if point > typical and verdict in LOCAL and rank(verdict) > typical_rank
    )
    return spots if 2 * len(spots) < len(points) else frozenset()


@dataclass(frozen=True)
class PanelResult:
    panel: str
    substrate: str
    points: tuple[int, ...]
    microns: int | None  # the mean of every point, as the gauge read them
    verdict: PanelVerdict  # the panel as a whole, its spots left out
    local: PanelVerdict | None = None  # the worst spot on the panel, if any
    point_verdicts: tuple[PanelVerdict, ...] = ()  # one per point; a spot by its local name
    baseline_um: int | None = None  # what the panel was compared with

    @property
    def worst(self):
        """What the panel shows at a glance: its own verdict or its worst spot."""
        return max((self.verdict, self.local or self.verdict), key=rank)


def judge_panel(panel, substrate, points, baseline, limits=DEFAULT_THRESHOLDS):
    """Judge every point, find the spots, then judge the rest of the panel by its mean."""
    points = tuple(points)
    if not measurable(substrate) or not points:
        return PanelResult(panel, substrate, points, None, PanelVerdict.NOT_MEASURABLE)
    own = [panel_verdict(point, baseline, limits=limits) for point in points]
    spots = local_spots(points, own, baseline, limits)
    body = [point for index, point in enumerate(points) if index not in spots]
    per_point = tuple(LOCAL[v] if i in spots else v for i, v in enumerate(own))
    local = max((per_point[i] for i in spots), key=rank, default=None)
    verdict = panel_verdict(mean_um(body), baseline, limits=limits)
    return PanelResult(
        panel, substrate, points, mean_um(points), verdict, local, per_point, baseline
    )


@dataclass(frozen=True)
class Assessment:
    baselines: dict  # substrate -> median of its panel means, None when too few panels
    panels: tuple[PanelResult, ...]
    finding: PanelVerdict

    @property
    def flagged(self):
        """Panels with a finding of their own or a spot, worst first."""
        found = [p for p in self.panels if p.worst not in _UNREMARKABLE]
        return sorted(found, key=lambda p: rank(p.worst), reverse=True)


_UNREMARKABLE = {PanelVerdict.ORIGINAL, PanelVerdict.NOT_MEASURABLE, PanelVerdict.NO_BASELINE}


def baselines(panels, limits=DEFAULT_THRESHOLDS):
    """Per measurable substrate, the median of its panel means, when enough panels read."""
    means = {}
    for substrate, points in panels.values():
        if measurable(substrate):
            means.setdefault(substrate, [])
            if points:
                means[substrate].append(mean_um(points))
    return {
        substrate: median_um(values) if len(values) >= limits.baseline_min_panels else None
        for substrate, values in sorted(means.items())
    }


def assess(panels, limits=DEFAULT_THRESHOLDS):
    """Judge every panel and point; `panels` maps panel -> (substrate, points)."""
    reference = baselines(panels, limits)
    results = tuple(
        judge_panel(panel, substrate, points, reference.get(substrate), limits)
        for panel, (substrate, points) in panels.items()
    )
    finding = overall_finding([r.verdict for r in results] + [r.local for r in results if r.local])
    if results and finding == PanelVerdict.NOT_MEASURABLE:
        finding = PanelVerdict.NO_BASELINE  # nothing on the car could be read at all
    return Assessment(reference, results, finding)


def overall_finding(verdicts):
    """The worst panel verdict or spot: what a buyer reads first."""
    return max(verdicts, key=rank, default=PanelVerdict.NOT_MEASURABLE)
