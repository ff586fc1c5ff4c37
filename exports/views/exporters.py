"""Staff pages for the exporters a dealer sells to: the list with each one's qualification,
an exporter's page with its documents, the cars sold to it and those whose proof of export is
overdue, and its documents served back to the dealer's people only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inventory.forms import attach_refusal, focus_first_error
from inventory.idempotency import once_per_form
from inventory.uploads import file_response
from inventory.views.base import staff_view

from .. import selling, services
from ..exporter_forms import ExporterDocumentForm, ExporterForm
from ..models import Exporter, ExporterDocument, ExportSale


def _exporter(request, pk):
    """An exporter of a dealer the user works for; anyone else's is a 404."""
    return request.dealer_scope.get(Exporter.objects.select_related("dealer"), pk=pk)


@staff_view("GET")
def listing(request):
    """The current dealer's exporters, with where each qualification stands today and how many
    of the cars sold to it are overdue for their proof of export."""
    dealer = request.dealer_scope.dealer
    today = dealer.today()
    exporters = list(
        request.dealer_scope.of_dealer(Exporter.objects.all())
        .annotate(cars_sold=Count("sales", filter=Q(sales__cancelled_at__isnull=True)))
        .order_by("name", "id")
    )
    overdue = selling.overdue_by_exporter(dealer, today)
    for exporter in exporters:
        exporter.qualification = selling.qualification(exporter, today)
        exporter.overdue = overdue.get(exporter.pk, 0)
    return render(
        request,
        "exports/exporter_list.html",
        {"dealer": dealer, "exporters": exporters, "today": today},
    )


@staff_view("GET", "POST")
@once_per_form
def create(request):
    dealer = request.dealer_scope.dealer
    data = request.POST if request.method == "POST" else None
    form = ExporterForm(data, dealer=dealer)
    if data is not None and form.is_valid():
        try:
            exporter = services.exporter_create(dealer=dealer, **form.facts())
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("Exporter %(name)s saved.") % {"name": exporter.name})
            return redirect("exports:exporter_detail", pk=exporter.pk)
    focus_first_error(form)
    return render(
        request,
        "exports/exporter_form.html",
        {"form": form, "dealer": dealer, "exporter": None},
        status=400 if data is not None else 200,
    )


@staff_view("GET", "POST")
def edit(request, pk):
    exporter = _exporter(request, pk)
    data = request.POST if request.method == "POST" else None
    form = ExporterForm(data, instance=exporter, dealer=exporter.dealer)
    if data is not None and form.is_valid():
        try:
            services.exporter_update(exporter=exporter, **form.facts())
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("Exporter %(name)s saved.") % {"name": exporter.name})
            return redirect("exports:exporter_detail", pk=exporter.pk)
    focus_first_error(form)
    return render(
        request,
        "exports/exporter_form.html",
        {"form": form, "dealer": exporter.dealer, "exporter": exporter},
        status=400 if data is not None else 200,
    )


def _detail(request, exporter, *, document_form=None, status=200):
    today = exporter.dealer.today()
    sales = list(
        request.dealer_scope.rows(ExportSale.objects.filter(exporter=exporter))
        .select_related("vehicle", "destination")
        .order_by("-sold_on", "-id")
    )
    for sale in sales:
        sale.deadlines = selling.proof_state(sale, today)
        sale.overdue = any(deadline.overdue for deadline in sale.deadlines)
    if document_form is not None:
        focus_first_error(document_form)
    return render(
        request,
        "exports/exporter_detail.html",
        {
            "exporter": exporter,
            "dealer": exporter.dealer,
            "qualification": selling.qualification(exporter, today),
            "documents": list(exporter.documents.order_by("kind", "-added_at")),
            "sales": sales,
            "overdue": [sale for sale in sales if sale.overdue],
            "markets": list(exporter.markets.order_by("name")),
            "document_form": document_form or ExporterDocumentForm(),
        },
        status=status,
    )


@staff_view("GET")
def detail(request, pk):
    return _detail(request, _exporter(request, pk))


@staff_view("POST")
@once_per_form
def document_add(request, pk):
    exporter = _exporter(request, pk)
    form = ExporterDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.exporter_document_add(exporter=exporter, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_refusal(form, exc)
        else:
            messages.success(request, _("Document kept on file."))
            return redirect(f"{exporter.get_absolute_url()}#documents")
    return _detail(request, exporter, document_form=form, status=400)


@staff_view("GET")
def document_download(request, pk, document_pk):
    """A document kept for the exporter, to people who work for its dealer."""
    document = request.dealer_scope.get(
        ExporterDocument.objects.all(), pk=document_pk, exporter_id=pk
    )
    return file_response(document.file, missing=_("The file is no longer stored."))
