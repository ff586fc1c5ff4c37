"""The body panels an inspector measures, their materials and the paint verdicts they get."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory import paint


class Panel(models.TextChoices):
    """Body panels in the order an inspector walks round the car, roof (the baseline) first."""

    ROOF = "roof", _("Roof")
    HOOD = "hood", _("Hood")
    FRONT_FENDER_L = "front_fender_l", _("Front fender, left")
    A_PILLAR_L = "a_pillar_l", _("A-pillar, left")
    FRONT_DOOR_L = "front_door_l", _("Front door, left")
    B_PILLAR_L = "b_pillar_l", _("B-pillar, left")
    REAR_DOOR_L = "rear_door_l", _("Rear door, left")
    SILL_L = "sill_l", _("Sill, left")
    REAR_QUARTER_L = "rear_quarter_l", _("Rear quarter, left")
    TRUNK = "trunk", _("Trunk / tailgate")
    REAR_QUARTER_R = "rear_quarter_r", _("Rear quarter, right")
    SILL_R = "sill_r", _("Sill, right")
    REAR_DOOR_R = "rear_door_r", _("Rear door, right")
    B_PILLAR_R = "b_pillar_r", _("B-pillar, right")
    FRONT_DOOR_R = "front_door_r", _("Front door, right")
    A_PILLAR_R = "a_pillar_r", _("A-pillar, right")
    FRONT_FENDER_R = "front_fender_r", _("Front fender, right")


PANEL_ORDER = {value: index for index, value in enumerate(Panel.values)}


class Substrate(models.TextChoices):
    STEEL = "steel", _("Steel")
    ALUMINIUM = "aluminium", _("Aluminium")
    PLASTIC = "plastic", _("Plastic or glass (not measurable)")


class PaintVerdict(models.TextChoices):
    ORIGINAL = paint.PanelVerdict.ORIGINAL, _("Original paint")
    REPAINT_SUSPECTED = paint.PanelVerdict.REPAINT_SUSPECTED, _("Repaint suspected")
    FILLER_SUSPECTED = paint.PanelVerdict.FILLER_SUSPECTED, _("Filler suspected")
    STRUCTURAL_REPAIR_LIKELY = (
        paint.PanelVerdict.STRUCTURAL_REPAIR_LIKELY,
        _("Structural repair likely"),
    )
    PANEL_REPLACED_SUSPECTED = (
        paint.PanelVerdict.PANEL_REPLACED_SUSPECTED,
        _("Panel replaced suspected"),
    )
    NOT_MEASURABLE = paint.PanelVerdict.NOT_MEASURABLE, _("Not measurable")
    SPOT_REPAIR_SUSPECTED = paint.PanelVerdict.SPOT_REPAIR_SUSPECTED, _("Spot repair suspected")
    FILLER_SPOT_SUSPECTED = paint.PanelVerdict.FILLER_SPOT_SUSPECTED, _("Filler spot suspected")
    NO_BASELINE = paint.PanelVerdict.NO_BASELINE, _("Cannot judge: no baseline")


# Verdicts that only reports judged per point carry; older certificates never show them.
POINT_VERDICTS = frozenset(
    {
        PaintVerdict.SPOT_REPAIR_SUSPECTED,
        PaintVerdict.FILLER_SPOT_SUSPECTED,
        PaintVerdict.NO_BASELINE,
    }
)
