"""Forms of the inventory app, shared by the staff pages and the admin.

One module per sub-domain; every public name is re-exported here, so callers keep importing
`inventory.forms`."""

from .base import DateInput, attach_refusal
from .floor_plan import FloorPlanPaymentForm, VehicleFloorForm
from .inspections import (
    FindingFormSet,
    InspectionForm,
    MultipleImageInput,
    PaintReadingAdminForm,
    PanelGridForm,
    PhotosField,
    PhotoUploadForm,
    ReadingsField,
    RevokeForm,
    StructuralFindingForm,
    accident_grade_problem,
    findings_formset,
    findings_from,
)
from .intake import IntakeCheck, IntakeVehicleForm, RowPlan
from .vehicles import VEHICLE_FACTS, VehicleDocumentForm, VehicleForm

__all__ = [
    "VEHICLE_FACTS",
    "DateInput",
    "FindingFormSet",
    "FloorPlanPaymentForm",
    "InspectionForm",
    "IntakeCheck",
    "IntakeVehicleForm",
    "MultipleImageInput",
    "PaintReadingAdminForm",
    "PanelGridForm",
    "PhotoUploadForm",
    "PhotosField",
    "ReadingsField",
    "RevokeForm",
    "RowPlan",
    "StructuralFindingForm",
    "VehicleDocumentForm",
    "VehicleFloorForm",
    "VehicleForm",
    "accident_grade_problem",
    "attach_refusal",
    "findings_formset",
    "findings_from",
]
