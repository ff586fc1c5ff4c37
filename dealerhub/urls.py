"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

from inventory import public

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/row/", views.report_row, name="report_row"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("inventory/", include("inventory.urls")),
    path("exports/", include("exports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("verify/<str:token>/", public.verify, name="verify"),
    path("verify/<str:token>/certificate.pdf", public.verify_pdf, name="verify_pdf"),
    path("admin/", admin.site.urls),
]
