"""Staff pages for taking a whole stock file in at once: upload, a page per import that
follows the background check, shows what every row would do and its problems by row and
column, then imports every row or none; the error sheet, the file itself and the template."""

import io
import posixpath

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from .. import services
from ..forms.intake import COLUMNS, STATUSES, column_label
from ..idempotency import once_per_form
from ..models import Powertrain, StockImport
from ..uploads import file_response
from .base import refusal_texts, shown_refusal, staff_view

# Past imports listed under the upload form.
IMPORTS_SHOWN = 50


class IntakeUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Stock file"),
        help_text=gettext_lazy(
            "An .xlsx workbook or a .csv file, one vehicle a row, up to 50,000 rows."
        ),
    )


def _imports(request):
    return request.dealer_scope.of_dealer(
        StockImport.objects.select_related("uploaded_by", "dealer")
    ).order_by("-created_at", "-id")


@staff_view("GET", "HEAD", "POST")
@once_per_form
def upload(request):
    """The upload form and the dealer's past imports; a posted file is kept and its check
    starts in the background, on the import's own page."""
    dealer = request.dealer_scope.dealer
    form = IntakeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            stock_import = services.stock_import_start(
                dealer=dealer, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            for text in refusal_texts(exc):
                form.add_error("file", text)
        else:
            return redirect(stock_import)
    return render(
        request,
        "inventory/intake_upload.html",
        {"form": form, "dealer": dealer, "imports": list(_imports(request)[:IMPORTS_SHOWN])},
        status=422 if form.is_bound else 200,
    )


def _stock_import(request, pk):
    return request.dealer_scope.get(
        StockImport.objects.select_related("dealer", "uploaded_by", "imported_by"), pk=pk
    )


@staff_view("GET", "HEAD")
def detail(request, pk):
    """One import: its progress while a task works on it, then what the check found (counts,
    problems by row and column, the changes to cars in stock) and the Import button, or what
    the import did."""
    stock_import = _stock_import(request, pk)
    return render(
        request,
        "inventory/intake_detail.html",
        {
            "stock_import": stock_import,
            "dealer": stock_import.dealer,
            "form": IntakeUploadForm(),
            "problems": stock_import.shown.get("problems", []),
            "changes": stock_import.shown.get("changes", []),
        },
    )


@never_cache
@staff_view("GET")
def progress(request, pk):
    """The progress bar, polled while a task works on the import; once it is done the page
    reloads to show the outcome."""
    stock_import = _stock_import(request, pk)
    response = render(
        request, "inventory/_stock_import_progress.html", {"stock_import": stock_import}
    )
    if not stock_import.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@staff_view("POST")
@once_per_form
def commit(request, pk):
    """Import a checked file: every row or none, in the background."""
    stock_import = _stock_import(request, pk)
    with shown_refusal(request):
        services.stock_import_commit(stock_import=stock_import, by=request.user)
    return redirect(stock_import)


def _served_name(stock_import, field_file, stem) -> str:
    extension = posixpath.splitext(field_file.name)[1]
    return f"{stem}-{stock_import.pk}{extension}"


@staff_view("GET")
def error_sheet(request, pk):
    """The workbook of every problem of a refused file, with the rows' own cells."""
    stock_import = _stock_import(request, pk)
    if not stock_import.error_sheet:
        raise Http404(_("This import has no error sheet."))
    return file_response(
        stock_import.error_sheet,
        filename=_served_name(stock_import, stock_import.error_sheet, "problems"),
        missing=_("The error sheet of this import is no longer there."),
    )


@staff_view("GET")
def original_file(request, pk):
    """The stock file as it was uploaded, under a name of ours, as a download."""
    stock_import = _stock_import(request, pk)
    return file_response(
        stock_import.file,
        filename=_served_name(stock_import, stock_import.file, "stock-file"),
        missing=_("The file of this import is no longer there."),
    )


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
