"""Forms of the inventory app, shared by the staff pages and the admin.

One module per sub-domain; every public name is re-exported here, so callers keep importing
`inventory.forms`."""

from .accounts import EMAIL_LANGUAGES, EmailLanguageField, EmailLanguageForm, email_language_of
from .base import DateInput, attach_refusal, focus_first_error
from .bulk import MANUAL_STATUSES, BulkAction, BulkActionForm, SavedViewForm, list_query
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
from .vehicle_page import PhotoMoveForm, RepriceForm, ReservationForm, VehiclePhotoForm
from .vehicles import VEHICLE_FACTS, VehicleDocumentForm, VehicleForm

__all__ = [
    "EMAIL_LANGUAGES",
    "MANUAL_STATUSES",
    "VEHICLE_FACTS",
    "BulkAction",
    "BulkActionForm",
    "DateInput",
    "EmailLanguageField",
    "EmailLanguageForm",
    "FindingFormSet",
    "FloorPlanPaymentForm",
    "InspectionForm",
    "IntakeCheck",
    "IntakeVehicleForm",
    "MultipleImageInput",
    "PaintReadingAdminForm",
    "PanelGridForm",
    "PhotoMoveForm",
    "PhotoUploadForm",
    "PhotosField",
    "ReadingsField",
    "RepriceForm",
    "ReservationForm",
    "RevokeForm",
    "RowPlan",
    "SavedViewForm",
    "StructuralFindingForm",
    "VehicleDocumentForm",
    "VehicleFloorForm",
    "VehicleForm",
    "VehiclePhotoForm",
    "accident_grade_problem",
    "attach_refusal",
    "email_language_of",
    "findings_formset",
    "findings_from",
    "focus_first_error",
    "list_query",
]
