"""Staff pages for inspections: the dealer's list, recording a draft with its panel grid,
photos, issuing, correcting and revoking, and the certificate PDF."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .. import certificates, services, uploads
from ..certificate_render import (
    car_outline_svg,
    legend_keys,
    qr_svg,
    render_certificate_pdf,
    verdict_key,
)
from ..filters import InspectionFilterSet
from ..forms import (
    InspectionForm,
    PanelGridForm,
    PhotoUploadForm,
    RevokeForm,
    accident_grade_problem,
    attach_refusal,
    findings_formset,
    findings_from,
)
from ..idempotency import once_per_form
from ..models import InspectionPhoto, InspectionReport, Vehicle
from .base import Confirmation, shown_refusal, staff_view, unconfirmed
from .lists import ListSpec, Sort, list_page

INSPECTIONS = ListSpec(
    filterset=InspectionFilterSet,
    sorts={
        "created_at": Sort(gettext_lazy("Created"), ("created_at",)),
        "inspected_on": Sort(gettext_lazy("Inspected on"), ("inspected_on",)),
    },
    default_sort="-created_at",
    page_size=50,
)


def issue_question(report) -> Confirmation:
    return Confirmation(
        question=_("Issue the certificate of %(vin)s?") % {"vin": report.vehicle.vin},
        detail=_(
            "Once issued, nobody can change the report: a correction becomes a new revision. "
            "Its verification page can be opened by anyone who has the link."
        ),
        button=_("Issue certificate"),
    )


def revoke_question(report) -> Confirmation:
    return Confirmation(
        question=_("Revoke certificate %(number)s?") % {"number": report.certificate_number},
        detail=_(
            "Its verification page will say it is revoked, with the reason, to every buyer who "
            "opens it. A revoked certificate cannot be issued again."
        ),
        button=_("Revoke"),
    )


def _report(request, pk):
    return request.dealer_scope.get(
        InspectionReport.objects.select_related(
            "vehicle__dealer", "issued_by", "revoked_by", "supersedes"
        ).prefetch_related("readings", "structural_findings", "photos"),
        pk=pk,
    )


@staff_view("GET")
def listing(request):
    """The current dealer's reports, newest first, filtered by status and VIN or number."""
    reports = request.dealer_scope.of_dealer(InspectionReport.objects.select_related("vehicle"))
    shown = list_page(request, INSPECTIONS, reports)
    return render(request, "inventory/inspection_list.html", shown.context())


def _save(request, *, vehicle, report):
    """Show or save the whole draft: facts, panel grid and findings, all or nothing."""
    readings = list(report.readings.all()) if report.pk else []
    data = request.POST if request.method == "POST" else None
    form = InspectionForm(data, instance=report, vehicle=vehicle)
    grid = PanelGridForm(data, readings=readings)
    findings = findings_formset(data, report)
    if data is not None and all([form.is_valid(), grid.is_valid(), findings.is_valid()]):
        rows = findings_from(findings)
        problem = accident_grade_problem(form, rows)
        if problem:
            form.add_error("accident_grade", problem)
        else:
            try:
                saved = services.inspection_save_draft(
                    report=form.instance,
                    by=request.user,
                    readings=grid.readings(),
                    findings=rows,
                )
            except ValidationError as exc:
                attach_refusal(form, exc)
            else:
                messages.success(request, _("Draft saved. Check the verdicts, then issue it."))
                return redirect(saved)
    status = 400 if data is not None else 200
    return render(
        request,
        "inventory/inspection_form.html",
        {
            "vehicle": vehicle,
            "report": report,
            "form": form,
            "grid": grid,
            "findings": findings,
            "has_errors": data is not None,
        },
        status=status,
    )


@staff_view("GET", "POST")
@once_per_form
def start(request, pk):
    """A new draft inspection of one of the dealer's cars."""
    vehicle = request.dealer_scope.get(Vehicle.objects.select_related("dealer"), pk=pk)
    report = InspectionReport(
        vehicle=vehicle, inspected_on=vehicle.dealer.today(), odometer_km=vehicle.odometer_km
    )
    return _save(request, vehicle=vehicle, report=report)


@staff_view("GET", "POST")
def edit(request, pk):
    report = _report(request, pk)
    if not report.is_editable:
        messages.error(
            request,
            _("Report %(number)s is issued and cannot be changed; issue a correction.")
            % {"number": report.certificate_number},
        )
        return redirect(report)
    return _save(request, vehicle=report.vehicle, report=report)


@staff_view("GET")
def detail(request, pk):
    report = _report(request, pk)
    readings = certificates.readings_in_order(report)
    issued = not report.is_editable
    verify_url = certificates.public_url(request, report.get_verification_url())
    return render(
        request,
        "inventory/inspection_detail.html",
        {
            "report": report,
            "vehicle": report.certified_vehicle,
            "readings": readings,
            # The legend is HTML beside the drawing so that it stays readable when the
            # drawing shrinks to a phone's width; each panel links to its row of readings.
            "outline": car_outline_svg(
                {r.panel: r.shows_worst for r in readings},
                legend=False,
                per_point=report.judged_per_point,
                link_to="#panel-",
            ),
            "outline_legend": legend_keys(per_point=report.judged_per_point),
            "outline_panels": [(r, verdict_key(r.shows_worst)) for r in readings],
            "verification": certificates.verify(report) if issued else None,
            "verify_url": verify_url,
            "qr": qr_svg(verify_url) if issued else None,
            "pdf_languages": settings.VERIFY_LANGUAGES,
            "photo_form": PhotoUploadForm(),
            "revoke_form": RevokeForm(),
            "correction": report.correction_in_progress,
            "issuing": issue_question(report) if report.is_editable else None,
            "revoking": revoke_question(report) if report.status == "issued" else None,
        },
    )


@staff_view("POST")
@once_per_form
def issue(request, pk):
    report = _report(request, pk)
    ask = unconfirmed(request, issue_question(report), back=report.get_absolute_url())
    if ask:
        return ask
    with shown_refusal(request):
        report = services.inspection_issue(report=report, by=request.user)
        messages.success(
            request,
            _("Certificate %(number)s issued. Its verification link and PDF are ready.")
            % {"number": report.certificate_number},
        )
    return redirect(report)


@staff_view("POST")
@once_per_form
def revise(request, pk):
    report = _report(request, pk)
    with shown_refusal(request) as refused:
        draft = services.inspection_revise(report=report, by=request.user)
    if refused:
        return redirect(report)
    messages.success(
        request,
        _(
            "Correction of %(number)s started as revision %(revision)s; issuing it supersedes the "
            "original."
        )
        % {"number": report.certificate_number, "revision": draft.revision},
    )
    return redirect("inventory:inspection_edit", pk=draft.pk)


@staff_view("POST")
@once_per_form
def revoke(request, pk):
    report = _report(request, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        ask = unconfirmed(request, revoke_question(report), back=report.get_absolute_url())
        if ask:
            return ask
    with shown_refusal(request):
        if not form.is_valid():
            raise ValidationError({"revoked_reason": _("Say why the report is revoked.")})
        services.inspection_revoke(
            report=report, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(
            request,
            _("Certificate %(number)s revoked; its verification page now says so.")
            % {"number": report.certificate_number},
        )
    return redirect(report)


@staff_view("POST")
def discard(request, pk):
    report = _report(request, pk)
    vehicle = report.vehicle
    with shown_refusal(request) as refused:
        services.inspection_discard(report=report)
    if refused:
        return redirect(report)
    messages.success(request, _("Draft inspection deleted."))
    return redirect(vehicle)


@staff_view("POST")
@once_per_form
def photo_add(request, pk):
    report = _report(request, pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    with shown_refusal(request, form):
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        photos = services.inspection_add_photos(
            report=report,
            images=form.cleaned_data["images"],
            caption=form.cleaned_data["caption"],
            by=request.user,
        )
        messages.success(request, _("%(count)s photo(s) added.") % {"count": len(photos)})
    return redirect(report.get_absolute_url() + "#photos")


@staff_view("POST")
def photo_remove(request, pk, photo_pk):
    photo = request.dealer_scope.get(
        InspectionPhoto.objects.select_related("report"), pk=photo_pk, report_id=pk
    )
    with shown_refusal(request):
        services.inspection_remove_photo(photo=photo)
        messages.success(request, _("Photo removed."))
    return redirect(photo.report.get_absolute_url() + "#photos")


@staff_view("GET")
def photo(request, pk, photo_pk):
    """A photo, to the dealer's own staff only: photos are not on the public page."""
    photo = request.dealer_scope.get(InspectionPhoto.objects.all(), pk=photo_pk, report_id=pk)
    return uploads.file_response(photo.image)


@staff_view("GET")
def certificate(request, pk):
    """The certificate as a PDF in the reader's language (`?lang=` for a buyer's language)."""
    report = _report(request, pk)
    if report.is_editable:
        messages.error(request, _("Issue the report before printing its certificate."))
        return redirect(report)
    language = certificates.verify_language(request.GET.get("lang")) or get_language()
    pdf = render_certificate_pdf(
        report,
        verify_url=certificates.public_url(request, report.get_verification_url()),
        language=language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.certificate_number}.pdf"'
    return response
