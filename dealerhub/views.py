"""Site-wide pages: the dashboard, the inventory reports and the health check."""

import sys

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from inventory.uploads import file_response
from inventory.views.base import staff_view

from . import services
from .dashboard_cache import dashboard_body
from .middleware import database_unavailable
from .models import InventoryReport, ReportKind, ReportStatus


@staff_view()
def dashboard(request):
    """The current dealer's morning view: what stock costs, what exporting would release."""
    dealer = request.dealer_scope.dealer
    body = dashboard_body(dealer) if dealer else ""
    return render(request, "dealerhub/dashboard.html", {"dealer": dealer, "body": body})


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure to answer is a failed check
        return False, exc.__class__.__name__


def _redis_ok():
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return True, "ok"
    except Exception as exc:  # any failure to answer is a failed check
        return False, exc.__class__.__name__


@never_cache
def healthz(request):
    checks = {}
    db_ok, checks["database"] = _database_ok()
    healthy = db_ok
    if settings.REDIS_URL:
        redis_ok, checks["redis"] = _redis_ok()
        healthy = healthy and redis_ok
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def server_error(request):
    """500, unless the database is what failed: then 503 and the plain page, like /healthz."""
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable()
    return defaults.server_error(request)


# --- inventory reports ------------------------------------------------------------------------

REPORTS_SHOWN = 100


@staff_view("GET", "POST")
def reports(request):
    """The current dealer's inventory reports, newest first, and a button to build one now."""
    dealer = request.dealer_scope.dealer
    if request.method == "POST":
        report = services.inventory_report_request(
            dealer=dealer, by=request.user, kind=ReportKind.ON_DEMAND
        )
        report.refresh_from_db(fields=["status", "error", "emailed_at"])
        messages.add_message(request, *_request_outcome(report))
        return redirect("reports")
    listed = list(
        request.dealer_scope.of_dealer(InventoryReport.objects.select_related("dealer")).order_by(
            "-created_at", "-id"
        )[: REPORTS_SHOWN + 1]
    )
    return render(
        request,
        "dealerhub/reports.html",
        {
            "dealer": dealer,
            "reports": listed[:REPORTS_SHOWN],
            "more": len(listed) > REPORTS_SHOWN,
            "shown": REPORTS_SHOWN,
        },
    )


def _request_outcome(report) -> tuple[int, str]:
    """What to tell the person who asked for a report: with tasks run in-process it is
    already finished by now, and a finished report is not "being built"."""
    if report.status == ReportStatus.FAILED:
        return messages.ERROR, report.error
    if report.status != ReportStatus.READY:
        return messages.SUCCESS, _(
            "The report is being built. It is listed below and e-mailed to the managers once "
            "it is ready."
        )
    if report.emailed_at is None:
        return messages.WARNING, _("The report is ready below. %(reason)s") % {
            "reason": report.error
        }
    return messages.SUCCESS, _("The report is ready below and was e-mailed to the managers.")


@never_cache
@staff_view("GET")
def report_row(request, pk):
    """One report's table row, polled while the report is being built."""
    report = request.dealer_scope.get(InventoryReport.objects.select_related("dealer"), pk=pk)
    return render(request, "dealerhub/_report_row.html", {"report": report})


@staff_view("GET")
def report_download(request, pk):
    """The workbook of a ready report, as a download."""
    report = request.dealer_scope.get(
        InventoryReport.objects.filter(status=ReportStatus.READY).exclude(file=""), pk=pk
    )
    return file_response(report.file, missing=_("The file of this report is no longer there."))
