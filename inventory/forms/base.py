"""What every form of the app shares: the date picker and a service's refusal shown on a form."""

from django import forms
from django.core.exceptions import ValidationError


def attach_refusal(form, exc: ValidationError, fields=None):
    """Put a service's refusal on the form: on the field it names (through `fields`, a map
    from the service's names to the form's), else on top of the form."""
    fields = fields or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        name = fields.get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def focus_first_error(form):
    """Put the cursor in the first field the form was refused on, so that the page opens
    where the error is (with the form's anchor) and the reader can type the correction."""
    for name in form.errors:
        if name in form.fields and not form.fields[name].disabled:
            form.fields[name].widget.attrs["autofocus"] = True
            return form
    return form


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601 (2026-11-29), whatever the
    page's language: a localised value such as 2026/11/29 would show as an empty picker and
    clear the date on save."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
