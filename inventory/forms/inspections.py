"""Forms for recording an inspection: the report's facts, the panel grid of paint readings,
structural findings and photos. Shared by the staff pages and the admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import models, paint
from ..models import (
    BATTERY_FIELDS,
    REPORT_CONTENT_FIELDS,
    TRACTION_BATTERY,
    InspectionReport,
    PaintReading,
    Panel,
    StructuralFinding,
    Substrate,
    reading_error_message,
)
from .base import DateInput


class ReadingsField(forms.CharField):
    """Several gauge readings typed in one box, "112 118 121"; cleans to a list of microns."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(str(point) for point in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        try:
            return paint.parse_points(text)
        except paint.ReadingError as exc:
            raise ValidationError(reading_error_message(exc), code=exc.code) from exc


class InspectionForm(forms.ModelForm):
    """The report's own facts; the battery block only for cars with a traction battery."""

    class Meta:
        model = InspectionReport
        fields = [name for name in REPORT_CONTENT_FIELDS if name != "vehicle"]
        widgets = {
            "inspected_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, vehicle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.vehicle = vehicle
        if vehicle.powertrain not in TRACTION_BATTERY:
            for name in BATTERY_FIELDS:
                del self.fields[name]

    @property
    def has_battery(self):
        return "battery_soh_pct" in self.fields

    def battery_fields(self):
        return [self[name] for name in BATTERY_FIELDS if name in self.fields]


class PanelGridForm(forms.Form):
    """One row per body panel: its substrate and its readings; the roof is the baseline."""

    def __init__(self, *args, readings=(), **kwargs):
        super().__init__(*args, **kwargs)
        stored = {reading.panel: reading for reading in readings}
        for panel in Panel:
            reading = stored.get(panel.value)
            self.fields[f"substrate_{panel.value}"] = forms.ChoiceField(
                label=_("Substrate: %(panel)s") % {"panel": panel.label},
                choices=Substrate.choices,
                initial=reading.substrate if reading else Substrate.STEEL,
            )
            self.fields[f"points_{panel.value}"] = ReadingsField(
                label=_("Readings: %(panel)s") % {"panel": panel.label},
                initial=reading.points if reading else "",
            )

    def rows(self):
        """(panel, substrate field, readings field) for the template, in walking order."""
        return [
            (panel, self[f"substrate_{panel.value}"], self[f"points_{panel.value}"])
            for panel in Panel
        ]

    def clean(self):
        cleaned = super().clean()
        for panel in Panel:
            substrate = cleaned.get(f"substrate_{panel.value}")
            points = cleaned.get(f"points_{panel.value}")
            if substrate and substrate != Substrate.PLASTIC and points == []:
                self.add_error(
                    f"points_{panel.value}",
                    _("%(panel)s: enter at least one reading, or choose plastic or glass.")
                    % {"panel": panel.label},
                )
        return cleaned

    def readings(self):
        """Unsaved PaintReading rows for `inspection_save_draft`."""
        return [
            PaintReading(
                panel=panel.value,
                substrate=self.cleaned_data[f"substrate_{panel.value}"],
                points=self.cleaned_data[f"points_{panel.value}"],
            )
            for panel in Panel
        ]


class StructuralFindingForm(forms.ModelForm):
    class Meta:
        model = StructuralFinding
        fields = ["point", "defect", "note"]


FindingFormSet = forms.formset_factory(
    StructuralFindingForm, extra=2, can_delete=True, max_num=26, validate_max=True
)


def findings_formset(data=None, report=None):
    initial = [
        {"point": f.point, "defect": f.defect, "note": f.note}
        for f in (report.structural_findings.all() if report and report.pk else [])
    ]
    return FindingFormSet(data, initial=initial, prefix="findings")


def findings_from(formset):
    """Unsaved StructuralFinding rows from the filled, not deleted forms of the formset."""
    return [
        StructuralFinding(**{k: form.cleaned_data[k] for k in ("point", "defect", "note")})
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def accident_grade_problem(report_form, findings):
    """The grade against the damage the form records, findings included."""
    cleaned = report_form.cleaned_data
    return models.accident_grade_problem(
        damaged=bool(findings) or bool(cleaned.get("structural_damage")),
        grade=cleaned.get("accident_grade"),
    )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files from one input; each is checked as a file here and as a photo by the
    service."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise ValidationError(_("Choose at least one photo."), code="required")
        return [super(PhotosField, self).clean(f, initial) for f in files]


class PhotoUploadForm(forms.Form):
    images = PhotosField(label=_("Photos"))
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PaintReadingAdminForm(forms.ModelForm):
    """The admin's inline row: the readings typed as in the staff grid."""

    points = ReadingsField(label=_("Readings (µm)"))

    class Meta:
        model = PaintReading
        fields = ["panel", "substrate", "points"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("substrate") not in (None, Substrate.PLASTIC)
            and cleaned.get("points") == []
        ):
            self.add_error("points", _("Enter at least one reading, or choose plastic or glass."))
        return cleaned
