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
from .intake import IntakeVehicleForm, Preview, RowPlan, preview_rows
from .vehicle_page import PhotoMoveForm, RepriceForm, ReservationForm, VehiclePhotoForm
from .vehicles import VEHICLE_FACTS, VehicleDocumentForm, VehicleForm

__all__ = [
    "VEHICLE_FACTS",
    "DateInput",
    "FindingFormSet",
    "FloorPlanPaymentForm",
    "InspectionForm",
    "IntakeVehicleForm",
    "MultipleImageInput",
    "PaintReadingAdminForm",
    "PanelGridForm",
    "PhotoMoveForm",
    "PhotoUploadForm",
    "PhotosField",
    "Preview",
    "ReadingsField",
    "RepriceForm",
    "ReservationForm",
    "RevokeForm",
    "RowPlan",
    "StructuralFindingForm",
    "VehicleDocumentForm",
    "VehicleFloorForm",
    "VehicleForm",
    "VehiclePhotoForm",
    "accident_grade_problem",
    "attach_refusal",
    "findings_formset",
    "findings_from",
    "preview_rows",
]
