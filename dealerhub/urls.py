"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

from api.v1 import api
from exports.urls import offer_public_urlpatterns
from inventory.urls import verification_urlpatterns

from . import account_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/row/", views.report_row, name="report_row"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("accounts/two-factor/", account_views.account, name="two_factor"),
    path("accounts/two-factor/setup/", account_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", account_views.verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        account_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/two-factor/remove/", account_views.remove, name="two_factor_remove"),
    path("accounts/email-language/", account_views.email_language, name="email_language"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("inventory/", include("inventory.urls")),
    path("exports/", include("exports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("verify/", include(verification_urlpatterns)),
    path("o/", include(offer_public_urlpatterns)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# A lost database connection outside a view (in a middleware) still answers 503, not 500.
handler500 = "dealerhub.views.server_error"
