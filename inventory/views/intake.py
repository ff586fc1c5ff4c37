"""Staff pages for taking a whole stock file in at once: upload, preview by row and column,
then every row or none; and the template to fill in."""

import io
import secrets
from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from .. import services
from ..forms.intake import COLUMNS, STATUSES, column_label, preview_rows
from ..idempotency import once_per_form
from ..intake_files import FileRefused, read_table
from ..models import Powertrain
from .base import refusal_texts, staff_view

SESSION_KEY = "vehicle_intake"
# How long a preview waits for its commit.
KEPT_SECONDS = 3600


class IntakeUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Stock file"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file, one vehicle a row."),
    )


def _kept(request, dealer):
    """The preview this person made for `dealer`, or None."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("dealer") != dealer.pk:
        return None
    return cache.get(f"intake:{kept['key']}")


@staff_view("GET", "HEAD", "POST")
def upload(request):
    """The upload form; a posted file is read and judged, and its preview shown."""
    dealer = request.dealer_scope.dealer
    form = IntakeUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "dealer": dealer}
    if request.method == "POST" and form.is_valid():
        try:
            table = read_table(form.cleaned_data["file"])
            preview = preview_rows(table, dealer=dealer, user=request.user)
        except FileRefused as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error("file", text)
        else:
            key = secrets.token_urlsafe(18)
            cache.set(
                f"intake:{key}",
                {"name": form.cleaned_data["file"].name, "rows": [asdict(r) for r in preview.rows]},
                KEPT_SECONDS,
            )
            request.session[SESSION_KEY] = {"key": key, "dealer": dealer.pk}
            context.update(
                preview=preview,
                name=form.cleaned_data["file"].name,
                counts={a: preview.count(a) for a in ("new", "update", "same", "error")},
            )
            return render(request, "inventory/intake_preview.html", context)
    return render(
        request, "inventory/intake_upload.html", context, status=422 if form.is_bound else 200
    )


@staff_view("POST")
@once_per_form
def commit(request):
    """Apply exactly the preview this person saw, every row or none."""
    dealer = request.dealer_scope.dealer
    kept = _kept(request, dealer)
    if kept is None:
        messages.error(request, _("The preview has expired; upload the file again."))
        return redirect("inventory:vehicle_intake")
    if any(row["errors"] for row in kept["rows"]):
        messages.error(request, _("Correct the file and upload it again; nothing was imported."))
        return redirect("inventory:vehicle_intake")
    try:
        counts = services.vehicle_import(dealer=dealer, rows=kept["rows"], by=request.user)
    except ValidationError as exc:
        for text in refusal_texts(exc):
            messages.error(request, text)
        messages.error(request, _("Nothing was imported."))
        return redirect("inventory:vehicle_intake")
    cache.delete(f"intake:{request.session.pop(SESSION_KEY)['key']}")
    messages.success(
        request,
        _("%(name)s imported: %(new)s new, %(changed)s changed.")
        % {"name": kept["name"], "new": counts.new, "changed": counts.changed},
    )
    return redirect("inventory:vehicle_list")


EXAMPLE = {
    "vin": "LRW3E7FA8NC000001",
    "make": "Tesla",
    "model": "Model 3",
    "model_year": 2022,
    "powertrain": Powertrain.BEV.value,
    "stock_number": "A-1001",
    "trim": "Long Range",
    "colour": "White",
    "odometer_km": 12000,
    "stocked_on": None,
    "registered_on": None,
    "acquisition_cost": 150000,
    "list_price": 180000,
    "status": STATUSES[0].value,
}


@staff_view("GET", "HEAD")
def template(request):
    """An empty stock file in the user's language with one example row, and lists to pick
    the powertrain and status from."""
    dealer = request.dealer_scope.dealer
    # A small workbook of our own labels, so the ordinary (not write-only) kind, which can
    # hold the pick lists.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Vehicles")[:31]
    dv_powertrain = DataValidation(
        type="list", formula1='"' + ",".join(p.value for p in Powertrain) + '"', allow_blank=False
    )
    dv_status = DataValidation(
        type="list", formula1='"' + ",".join(s.value for s in STATUSES) + '"', allow_blank=True
    )
    letter = {name: chr(ord("A") + index) for index, name in enumerate(COLUMNS)}
    dv_powertrain.add(f"{letter['powertrain']}2:{letter['powertrain']}50001")
    dv_status.add(f"{letter['status']}2:{letter['status']}50001")
    sheet.add_data_validation(dv_powertrain)
    sheet.add_data_validation(dv_status)
    sheet.append([column_label(name) for name in COLUMNS])
    today = dealer.today()
    example = {**EXAMPLE, "stocked_on": today, "registered_on": today.replace(day=1)}
    sheet.append([example.get(name) for name in COLUMNS])
    for index in range(len(COLUMNS)):
        sheet.column_dimensions[chr(ord("A") + index)].width = 20
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    response = FileResponse(
        buffer,
        as_attachment=True,
        filename="vehicles-template.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
