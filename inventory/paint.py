"""Paint-thickness verdicts per panel, from gauge readings in microns (no Django import).

Thresholds are heuristics from inspection practice (domain_rules.md 4.1), not a standard; a
dealer may tune them. The roof is the baseline because it is rarely repaired.
"""

from dataclasses import dataclass
from enum import StrEnum


class PanelVerdict(StrEnum):
    ORIGINAL = "original"
    REPAINT_SUSPECTED = "repaint_suspected"
    FILLER_SUSPECTED = "filler_suspected"
    STRUCTURAL_REPAIR_LIKELY = "structural_repair_likely"
    PANEL_REPLACED_SUSPECTED = "panel_replaced_suspected"
    NOT_MEASURABLE = "not_measurable"


@dataclass(frozen=True)
class Thresholds:
    repaint_min_um: int = 200
    repaint_baseline_factor: float = 1.5
    filler_min_um: int = 500
    structural_min_um: int = 1000
    replaced_below_baseline_um: int = 25


DEFAULT_THRESHOLDS = Thresholds()
SEVERITY = list(PanelVerdict)


def panel_verdict(microns, baseline, *, measurable=True, limits=DEFAULT_THRESHOLDS):
    """Verdict for one panel's mean reading against the roof baseline."""
    if not measurable or microns is None:
        return PanelVerdict.NOT_MEASURABLE
    if microns > limits.structural_min_um:
        return PanelVerdict.STRUCTURAL_REPAIR_LIKELY
    if microns > limits.filler_min_um:
        return PanelVerdict.FILLER_SUSPECTED
    reference = baseline if baseline else microns
    if microns > max(reference * limits.repaint_baseline_factor, limits.repaint_min_um):
        return PanelVerdict.REPAINT_SUSPECTED
    if baseline and microns < baseline - limits.replaced_below_baseline_um:
        return PanelVerdict.PANEL_REPLACED_SUSPECTED
    return PanelVerdict.ORIGINAL


def overall_finding(verdicts):
    """The worst panel verdict: what a buyer reads first."""
    measured = [v for v in verdicts if v != PanelVerdict.NOT_MEASURABLE]
    if not measured:
        return PanelVerdict.NOT_MEASURABLE
    return max(measured, key=lambda v: SEVERITY.index(v) if v != PanelVerdict.ORIGINAL else -1)
