"""Former home of the inspection forms, kept for old imports: see `inventory.forms.inspections`."""

from .forms.inspections import (
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

__all__ = [
    "FindingFormSet",
    "InspectionForm",
    "MultipleImageInput",
    "PaintReadingAdminForm",
    "PanelGridForm",
    "PhotoUploadForm",
    "PhotosField",
    "ReadingsField",
    "RevokeForm",
    "StructuralFindingForm",
    "accident_grade_problem",
    "findings_formset",
    "findings_from",
]
